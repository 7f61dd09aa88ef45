"""A plain multi-threaded (optionally pre-forked) WSGI server for swingfund, used by the webhook benchmark and the
crash test: stdlib `wsgiref` with a fixed pool of worker threads, each keeping its database connection open.

    python -m swingfund.funding.payments.serve --port 0 --threads 8 --processes 1

It migrates the database first, then prints ``listening on http://HOST:PORT`` on stdout once it accepts requests.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from concurrent.futures import ThreadPoolExecutor
from socketserver import BaseServer
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

LISTEN_BACKLOG = 1024


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        return


class PooledWSGIServer(WSGIServer):
    """`wsgiref`'s server, handing each connection to a fixed pool of threads (so each thread's database
    connection is reused across requests instead of opened per request)."""

    request_queue_size = LISTEN_BACKLOG
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], threads: int, sock: socket.socket | None = None):
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="wsgi")
        if sock is None:
            super().__init__(address, QuietHandler)
        else:  # a socket already bound by the parent (pre-fork)
            BaseServer.__init__(self, address, QuietHandler)
            self.socket = sock
            self.server_bind_done()

    def server_bind_done(self) -> None:
        host, port = self.socket.getsockname()[:2]
        self.server_name, self.server_port = socket.getfqdn(host), port
        self.setup_environ()

    def process_request(self, request, client_address) -> None:
        self.pool.submit(self._work, request, client_address)

    def _work(self, request, client_address) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "swingfund.settings")
    import django
    from django.conf import settings

    # Persistent connections: each pool thread keeps its own (the shared default closes them after every request).
    settings.DATABASES["default"]["CONN_MAX_AGE"] = None
    django.setup()
    from django.core.wsgi import get_wsgi_application
    from django.db import connections

    from swingfund.cli import ensure_migrated

    ensure_migrated()
    connections.close_all()  # nothing inherited across fork
    application = get_wsgi_application()

    listener = socket.create_server((args.host, args.port), backlog=LISTEN_BACKLOG, reuse_port=args.processes > 1)
    for _ in range(args.processes - 1):
        if os.fork() == 0:
            break
    server = PooledWSGIServer(listener.getsockname()[:2], args.threads, sock=listener)
    server.set_app(application)
    host, port = listener.getsockname()[:2]
    sys.stdout.write(f"listening on http://{host}:{port} (pid {os.getpid()})\n")
    sys.stdout.flush()
    server.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    main()
