"""A local stand-in for the ONS Open Geography Portal's ONSPD download: serves a small zip in the ONSPD layout
(`Data/ONSPD_<MON>_<YEAR>_UK.csv`, `Data/multi_csv/…`, `Documents/…`, `User Guide/…`) over HTTP on loopback,
with a Content-Length, as the portal does."""

from __future__ import annotations

import io
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def onspd_archive(*, csv_path: Path, edition: str = "NOV_2025") -> bytes:
    """A zip in the ONSPD layout whose UK CSV is `csv_path` (e.g. the Aberdeen sample in ../shared/data)."""
    text = csv_path.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"Data/ONSPD_{edition}_UK.csv", text)
        zf.writestr(f"Data/multi_csv/ONSPD_{edition}_UK_AB.csv", text)
        zf.writestr("Documents/LAD names and codes UK as at 04_25.csv", "LAD25CD,LAD25NM\nS12000033,Aberdeen City\n")
        zf.writestr("User Guide/ONSPD User Guide.txt", "ONS Postcode Directory user guide (stand-in)\n")
    return buffer.getvalue()


class OnspdServer:
    """`with OnspdServer(payload) as server:` — `server.url` serves `payload`; `server.requests` counts GETs."""

    def __init__(self, payload: bytes, *, truncate_to: int | None = None) -> None:
        self.payload, self.truncate_to, self.requests = payload, truncate_to, 0

    def __enter__(self) -> OnspdServer:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                outer.requests += 1
                body = outer.payload
                self.send_response(200)
                self.send_header("Content-Type", "application/zip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: outer.truncate_to] if outer.truncate_to else body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/sharing/rest/content/items/onspd/data"
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
