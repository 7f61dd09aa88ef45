"""`swingfund stripe …`: the Stripe webhook event queue.

    swingfund stripe events [--status failed]     list received events and their status
    swingfund stripe process                      apply pending events now, in this process (`swingfund worker`
                                                  applies them as they arrive)
    swingfund stripe standin [--port 12111]       run the local Stripe stand-in (offline demo and development)
    swingfund stripe demo --campaign SLUG          card gifts to a campaign through the stand-in, offline
    swingfund stripe retention [--days 90]        strip personal data from applied events older than the period
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from swingfund.cliargs import int_range
from swingfund.funding.payments import selectors
from swingfund.funding.payments.models import StripeEvent
from swingfund.funding.payments.services import stripe_events_apply_pending


class Command(BaseCommand):
    help = "Stripe webhook events: list them, apply pending ones, or run the local Stripe stand-in."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        events = sub.add_parser("events", help="List received events")
        events.add_argument("--status", choices=StripeEvent.Status.values)
        events.add_argument("--limit", type=int_range(1, 100_000), default=50)
        sub.add_parser("process", help="Apply pending events now (`swingfund worker` applies them as they arrive)")
        standin = sub.add_parser("standin", help="Run the local Stripe stand-in")
        standin.add_argument("--port", type=int_range(0, 65535), default=12111)
        standin.add_argument("--webhook-url", default="http://127.0.0.1:8000/payments/stripe/webhook/")
        retention = sub.add_parser("retention", help="Strip personal data from applied events past retention")
        retention.add_argument("--days", type=int_range(0, 36_500), default=None,
                               help="retention period in days (default SWINGFUND_STRIPE_PAYLOAD_RETENTION_DAYS, 90)")
        demo = sub.add_parser("demo", help="Card gifts to a pooled campaign through the stand-in")
        demo.add_argument("--campaign", required=True, help="the campaign's slug")

    def handle(self, *args, action: str, **options):
        if action == "events":
            self._events(options["status"], options["limit"])
        elif action == "process":
            applied = stripe_events_apply_pending()
            counts = selectors.stripe_event_counts()
            self.stdout.write(f"Applied {applied} event(s). Now: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
            if counts["failed"]:
                raise CommandError(f"{counts['failed']} event(s) failed: see `swingfund stripe events --status failed`")
        elif action == "retention":
            from django.conf import settings

            from swingfund.funding.payments.retention import payloads_expire

            days = settings.STRIPE_PAYLOAD_RETENTION_DAYS if options["days"] is None else options["days"]
            stripped = payloads_expire(older_than_days=days)
            self.stdout.write(f"Removed personal data from {stripped} applied event(s) received over {days} days ago.")
        elif action == "demo":
            from swingfund.funding.models import Campaign
            from swingfund.funding.payments.demo import card_gifts_demo

            campaign = Campaign.objects.filter(slug=options["campaign"]).first()
            if campaign is None:
                raise CommandError(f"No campaign '{options['campaign']}': see /funding/ for the campaigns.")
            try:
                self.stdout.write(str(card_gifts_demo(campaign=campaign)))
            except ValueError as err:
                raise CommandError(str(err)) from err
        else:
            from swingfund.funding.payments.demo import standin_module

            standin_module().main(["--port", str(options["port"]), "--webhook-url", options["webhook_url"]])

    def _events(self, status: str | None, limit: int) -> None:
        table = Table(title="Stripe webhook events (newest first)")
        for column in ("received (UTC)", "event", "type", "status", "deliveries", "waiting for / error"):
            table.add_column(column)
        for e in selectors.stripe_event_list(status=status, limit=limit):
            table.add_row(f"{e.received_at:%Y-%m-%d %H:%M:%S}", e.event_id, e.type, e.status, str(e.deliveries),
                          e.waiting_for or e.error)
        Console(file=self.stdout, width=160).print(table)
        counts = selectors.stripe_event_counts()
        self.stdout.write("Totals: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
