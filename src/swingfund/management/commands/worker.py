"""`swingfund worker`: the one background worker. It first recovers what a dead process left behind (claims of dead
outreach workers, Stripe events stored but not yet applied), then runs the django-tasks database worker
(`db_worker`) on every queue: Stripe events, outreach deliveries and any other task."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from swingfund.funding.payments.tasks import stripe_events_recover
from swingfund.outreach.tasks import outreach_recover


class Command(BaseCommand):
    help = "Run the background worker: Stripe events, outreach deliveries and every other queued task."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is due, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls when idle.")

    def handle(self, *args, batch: bool, interval: float, **options):
        recovered = outreach_recover()
        if recovered:
            self.stdout.write(f"{recovered} deliveries claimed by a dead worker are ready to send again.")
        pending = stripe_events_recover()
        if pending:
            self.stdout.write(f"{pending} Stripe event(s) stored but not yet applied: applying them.")
        call_command("db_worker", queue_name="*", interval=interval, batch=batch, startup_delay=False,
                     reload=False, verbosity=options.get("verbosity", 1))  # fmt: skip
