"""`swingfund ledger verify`: recompute the hash chain and the balances; name the first bad transaction."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from swingfund.funding import ledger, selectors
from swingfund.funding.models import Campaign, LedgerTransaction

VERIFY_FAILED = "Ledger verification FAILED at transaction #{id}: {problem}"
VERIFY_FAILED_GLOBAL = "Ledger verification FAILED: {problem}"
RECONCILE_FAILED = "Campaign '{slug}' does not reconcile: records say {records} pence, the ledger says {ledger} pence."


class Command(BaseCommand):
    help = "Check the ledger: every transaction balanced, the SHA-256 chain intact, campaign totals reconciled."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Recompute the hash chain and balances; exit 1 naming the first bad transaction.")

    def handle(self, *args, action: str, **options):
        total = LedgerTransaction.objects.count()
        with Progress(TextColumn("Verifying ledger"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      transient=True, disable=total < 500) as progress:
            task = progress.add_task("verify", total=total)
            report = ledger.ledger_verify(progress=lambda: progress.advance(task))
        if not report.ok:
            if report.bad_transaction is None:
                raise CommandError(VERIFY_FAILED_GLOBAL.format(problem=report.problem))
            raise CommandError(VERIFY_FAILED.format(id=report.bad_transaction, problem=report.problem))
        for campaign in Campaign.objects.order_by("id"):
            records, books = selectors.campaign_raised_pence(campaign), selectors.campaign_ledger_raised_pence(campaign)
            if records != books:
                raise CommandError(RECONCILE_FAILED.format(slug=campaign.slug, records=records, ledger=books))
        head = LedgerTransaction.objects.order_by("-id").values_list("hash", flat=True).first() or ledger.GENESIS_HASH
        self.stdout.write(self.style.SUCCESS(
            f"Ledger OK: {report.checked} transactions, chain intact, every transaction balanced, "
            f"trial balance zero, {Campaign.objects.count()} campaign(s) reconciled. Head hash {head}"))
