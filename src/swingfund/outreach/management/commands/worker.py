"""`swingfund worker`: hand back the claims of dead workers, queue what is due, then run the django-tasks
database worker (`db_worker`) on every queue."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from swingfund.outreach.delivery import deliveries_recover
from swingfund.outreach.models import Channel, Delivery
from swingfund.outreach.tasks import wake


class Command(BaseCommand):
    help = "Run the background worker: outreach deliveries and every other queued task."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is due, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls when idle.")

    def handle(self, *args, batch: bool, interval: float, **options):
        recovered = deliveries_recover()
        if recovered:
            self.stdout.write(f"{recovered} deliveries claimed by a dead worker are ready to send again.")
        for channel in Channel.values:
            if Delivery.objects.filter(channel=channel, status=Delivery.Status.READY).exists():
                wake(channel=channel)
        call_command("db_worker", queue_name="*", interval=interval, batch=batch, startup_delay=False,
                     reload=False, verbosity=options.get("verbosity", 1))  # fmt: skip
