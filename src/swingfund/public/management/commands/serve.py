"""`swingfund serve`: run the web site with Granian, a production HTTP server (Rust) running swingfund's WSGI app in
worker processes, each with a pool of threads. Static files are served by WhiteNoise inside the app, so no proxy is
needed to try it; put a TLS-terminating proxy in front for the public."""

from django.core.management.base import BaseCommand, CommandError

from swingfund.cliargs import int_range
from swingfund.public.serving import PortUnavailable, ServeOptions, parse_addrport, port_check, serve


class Command(BaseCommand):
    help = "Serve the swingfund site with Granian (default 127.0.0.1:8000)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="HOST:PORT or PORT")
        parser.add_argument("--workers", type=int_range(1, 256), default=1, help="worker processes (default 1)")
        parser.add_argument("--threads", type=int_range(1, 1024), default=8, help="threads per worker (default 8)")

    def handle(self, *args, addrport: str, workers: int, threads: int, **options):
        try:
            host, port = parse_addrport(addrport)
        except ValueError as err:
            raise CommandError(str(err)) from err
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        try:
            port_check(host, port)  # a second server on a busy port would share it (SO_REUSEPORT): refuse
        except PortUnavailable as err:
            raise CommandError(str(err)) from err
        from swingfund.cli import ensure_migrated  # after the checks (cli.MIGRATES_ITSELF)

        ensure_migrated()
        self.stdout.write(f"Serving swingfund at http://{host}:{port}/  ({workers} worker(s) × {threads} threads; "
                          "Ctrl-C to stop)")
        self.stdout.flush()
        serve(ServeOptions(host=host, port=port, workers=workers, threads=threads))
