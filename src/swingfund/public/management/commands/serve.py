"""`swingfund serve`: run the web site (Django's threaded server; put a proxy in front for the public)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the swingfund site (default 127.0.0.1:8000)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options):
        self.stdout.write(f"Serving swingfund at http://{addrport}/  (Ctrl-C to stop)")
        call_command("runserver", addrport, use_reloader=False, use_threading=True)
