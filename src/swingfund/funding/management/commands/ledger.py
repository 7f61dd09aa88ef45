"""`swingfund ledger verify [--against FILE|URL] [--key PUBKEY]`: recompute the hash chain and the balances, name the
first bad transaction, check the ledger and the committee's record chain against the latest checkpoints stored here,
and against every published checkpoint (--against, else SWINGFUND_LEDGER_PUBLISHED when set).
`swingfund ledger checkpoint`: sign both heads with the Ed25519 key kept away from the database (never in the data
folder: refused)."""

from __future__ import annotations

import base64
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from swingfund.funding import checkpoints, ledger, selectors
from swingfund.funding.models import Campaign, LedgerTransaction

VERIFY_FAILED = "Ledger verification FAILED at transaction #{id}: {problem}"
VERIFY_FAILED_GLOBAL = "Ledger verification FAILED: {problem}"
RECONCILE_FAILED = "Campaign '{slug}' does not reconcile: records say {records} pence, the ledger says {ledger} pence."


class Command(BaseCommand):
    help = "Check the ledger: every transaction balanced, the SHA-256 chain intact, campaign totals reconciled."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Recompute the hash chain and balances; exit 1 naming the first bad "
                                               "transaction.")
        verify.add_argument("--against", metavar="FILE|URL",
                            help="a published checkpoints.json (or ledger export): fail unless the chain extends each")
        verify.add_argument("--key", metavar="BASE64|FILE",
                            help="the public key checkpoints must be signed with (default: the local signing key's)")
        sub.add_parser("checkpoint", help="Sign the head hash and transaction count (Ed25519, key outside the DB).")

    def handle(self, *args, action: str, **options):
        if action == "checkpoint":
            self._checkpoint()
            return
        self._verify(**options)
        try:
            pinned = _public_key(options.get("key") or settings.LEDGER_PUBLIC_KEY or None)
        except ValueError as error:
            raise CommandError(str(error)) from error
        stored = checkpoints.verify_stored(pinned=pinned, recompute=False)  # _verify has just recomputed the chain
        if not stored.ok:
            raise CommandError("Ledger does NOT extend the checkpoints stored here:\n  "
                               + "\n  ".join(stored.problems))
        if stored.checked or stored.committee_checked:
            self.stdout.write(self.style.SUCCESS(
                f"The ledger and the committee's record chain extend all {stored.checked + stored.committee_checked} "
                f"checkpoint(s) stored here, the latest included."))
        else:
            self.stdout.write("No checkpoint stored yet: sign one with `swingfund ledger checkpoint`.")
        against = options.get("against") or settings.LEDGER_PUBLISHED
        if against:
            self._anchor(against, options.get("key") or settings.LEDGER_PUBLIC_KEY or None)

    def _checkpoint(self) -> None:
        path = settings.LEDGER_SIGNING_KEY
        if not path:
            raise CommandError(checkpoints.NO_KEY_SET)
        refusal = checkpoints.key_location_refusal(path)  # before a key is ever created there
        if refusal:
            raise CommandError(refusal)
        try:
            key = checkpoints.signing_key(path=path, create=True)
            made = checkpoints.checkpoint_sign(key=key, key_path=path)
        except (ValueError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            f"Checkpoint {made.pk}: {made.tree_size} transactions, head {made.head_hash}, and the committee's record "
            f"chain, signed by key {made.key_id[:16]}… (public key {made.public_key}). Published at "
            f"/funding/ledger/checkpoints.json; keep a copy elsewhere."))

    def _anchor(self, source: str, key: str | None) -> None:
        try:
            document = checkpoints.document_load(source)
            pinned = _public_key(key)
        except ValueError as error:
            raise CommandError(str(error)) from error
        report = checkpoints.verify_against(document, pinned=pinned)
        if not report.ok:
            raise CommandError(f"Ledger does NOT extend the published checkpoints of {source}:\n  "
                               + "\n  ".join(report.problems))
        self.stdout.write(self.style.SUCCESS(
            f"Ledger extends all {report.checked} published checkpoint(s) of {source}"
            + (f", and the committee's record chain all {report.committee_checked} of its own."
               if report.committee_checked else ".")))

    def _verify(self, **options):
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


def _public_key(given: str | None) -> Ed25519PublicKey | None:
    """The key to pin: given (base64 of the raw key, or a file holding it), else the local signing key's public half,
    else none (the document's own keys)."""
    if given:
        text = Path(given).read_text().strip() if Path(given).is_file() else given.strip()
        try:
            return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
        except ValueError as error:
            raise ValueError(f"--key {given!r} is not a base64 Ed25519 public key") from error
    try:
        return checkpoints.signing_key().public_key()
    except FileNotFoundError:
        return None
