"""`swingfund data fetch` against a real local HTTP server serving the official files."""

from __future__ import annotations

import functools
import hashlib
import io
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command

from swingfund.elections import errors
from swingfund.elections.fetch import BY_NAME, MANIFEST

SOME = ["HoC-GE2024-results-by-constituency.csv", "census2021-religion-by-pcon2024-EW.csv"]


class CountingHandler(SimpleHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        CountingHandler.requests.append(self.path)
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def serve():
    servers = []

    def start(folder):
        CountingHandler.requests = []
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(CountingHandler, directory=str(folder)))
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def fetch(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("data", "fetch", "--no-progress", *args, stdout=out, stderr=err)
    except SystemExit as exit_info:
        return exit_info.code, out.getvalue(), err.getvalue().strip()
    return 0, out.getvalue(), err.getvalue().strip()


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_manifest_checksums_are_the_known_good_copies(data_dir):
    for entry in MANIFEST:
        assert sha(data_dir / entry.name) == entry.sha256, entry.name


def test_fetch_everything_from_a_mirror(serve, data_dir, tmp_path):
    url = serve(data_dir)
    status, out, _ = fetch("--base-url", url, "--dest", str(tmp_path / "cache"))
    assert status == 0
    for entry in MANIFEST:
        assert sha(tmp_path / "cache" / entry.name) == entry.sha256
    assert out.count("sha256 ok") == len(MANIFEST)
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.startswith(".")]  # no temporary left behind

    CountingHandler.requests = []
    assert fetch("--base-url", url, "--dest", str(tmp_path / "cache"), *SOME)[0] == 0
    assert CountingHandler.requests == []  # good copies are kept, not downloaded again


def test_corrupted_download_is_refused_and_not_kept(serve, data_dir, tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    for name in SOME:
        shutil.copy(data_dir / name, mirror / name)
    (mirror / SOME[1]).write_bytes((data_dir / SOME[1]).read_bytes().replace(b"Aldershot", b"Aldershit", 1))
    status, out, err = fetch("--base-url", serve(mirror), "--dest", str(tmp_path / "cache"), *SOME)
    assert status == 2
    got = sha(mirror / SOME[1])
    assert err == errors.CHECKSUM_MISMATCH.format(name=SOME[1], got=got, expected=BY_NAME[SOME[1]].sha256)
    assert (tmp_path / "cache" / SOME[0]).is_file()
    assert not (tmp_path / "cache" / SOME[1]).exists()


def test_missing_file_on_the_server(serve, tmp_path):
    status, _, err = fetch("--base-url", serve(tmp_path), "--dest", str(tmp_path / "cache"), SOME[0])
    assert status == 2
    assert err.startswith(f"{SOME[0]}: download from http://127.0.0.1:") and "404" in err


def test_unknown_name(tmp_path):
    status, _, err = fetch("--dest", str(tmp_path), "nonsense.csv")
    assert (status, err) == (2, errors.UNKNOWN_OFFICIAL_FILE.format(name="nonsense.csv"))


def test_list_shows_publisher_urls():
    status, out, _ = fetch("--list")
    assert status == 0
    assert "raw.githubusercontent.com/InductiveStep/colm-test" in out
    assert len(out.strip().splitlines()) == len(MANIFEST)


def test_default_sources_skip_files_without_a_public_copy(monkeypatch, tmp_path):
    """Without a mirror, conversions made for this project are skipped with a note, never half-fetched."""
    from swingfund.elections import fetch as fetch_module

    converted = [e.name for e in MANIFEST if e.url is None]
    assert converted == [
        "scotland-census2022-religion-by-pcon2024.csv",
        "scotland-census2022-ethnicity-by-pcon2024.csv",
        "BES-2019-General-Election-results-file-v1.1.csv",
    ]
    monkeypatch.delenv("SWINGFUND_FETCH_BASE_URL", raising=False)
    lines = fetch_module.files_fetch(dest=tmp_path, names=converted, progress=False)
    assert lines == [fetch_module.NO_PUBLIC_COPY.format(name=n, note=BY_NAME[n].note) for n in converted]
    assert list(tmp_path.iterdir()) == []
