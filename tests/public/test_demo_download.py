"""The README's first command, for someone who is not beside the folder of official files: `swingfund demo` without
SWINGFUND_DATA downloads the official files (each checked against its sha256) and runs the demo on them.

The publishers cannot be reached from CI, so a local HTTP server stands in for them (SWINGFUND_FETCH_BASE_URL, the
documented mirror setting): the real download code, checksums and cache stay in the path."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from swingfund.elections.fetch import MANIFEST


class Quiet(SimpleHTTPRequestHandler):
    requested: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        Quiet.requested.append(self.path.lstrip("/"))
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.mark.slow
def test_demo_without_swingfund_data_downloads_the_official_files(scratch_url, data_dir, tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(data_dir)))
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    Quiet.requested = []
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SWINGFUND_", "DATABASE_"))}
        env |= {"DATABASE_URL": scratch_url, "SWINGFUND_HOME": str(tmp_path / "home"),
                "SWINGFUND_FETCH_BASE_URL": f"http://127.0.0.1:{server.server_address[1]}",
                "DJANGO_SETTINGS_MODULE": "swingfund.settings"}
        done = subprocess.run([sys.executable, "-m", "swingfund", "demo", "--no-serve"], env=env, capture_output=True,
                              text=True, timeout=900, check=False)
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "SWINGFUND_DATA is not set: downloading the official files" in done.stdout
    cache = tmp_path / "home" / "cache"
    fetched = sorted(p.relative_to(cache).as_posix() for p in cache.rglob("*") if p.is_file())
    assert fetched == sorted(e.name for e in MANIFEST), "every official file is downloaded into the cache"
    assert sorted(set(Quiet.requested)) == fetched
    for name in fetched:  # what was kept is byte for byte what the publisher (here, its stand-in) served
        assert (cache / name).read_bytes() == (data_dir / name).read_bytes(), name
    assert "Demo data ready" in done.stdout
