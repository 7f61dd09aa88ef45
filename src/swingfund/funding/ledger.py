"""The double-entry ledger: posting balanced transactions onto a SHA-256 hash chain, and verifying it.

Every movement of money is a `LedgerTransaction` of signed integer-pence entries (debit +, credit −) that
sum to zero. Each transaction stores the hash of its predecessor and its own hash over a canonical
serialisation (`canonical_bytes`), so changing any stored amount, account or description breaks the chain
at that transaction and `ledger_verify` names it. Appends are serialised by locking the single
`ChainHead` row (`select_for_update`; SQLite's IMMEDIATE transactions serialise writers anyway), so
concurrent writers cannot fork the chain.

The entries are inserted before their transaction row; the database (triggers of migration 0002) refuses
the transaction row unless its entries balance, refuses entries added to a posted transaction, and
refuses any update or delete.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction as db_transaction
from django.db.models import Sum
from django.utils import timezone

from swingfund.funding.models import Account, AccountKind, ChainHead, Entry, LedgerTransaction

GENESIS_HASH = "0" * 64
UNBALANCED = "A ledger transaction's entries must sum to zero; these sum to {total:+d} pence."
TOO_FEW_ENTRIES = "A ledger transaction needs at least two entries."
ZERO_ENTRY = "A ledger entry cannot be zero pence."
NOT_INTEGER = "Ledger amounts are integer pence; got {value!r}."
ALREADY_REVERSED = "Ledger transaction #{id} has already been reversed by #{by}."
VERIFY_CHUNK = 2000
EXPORT_FORMAT = "swingfund-ledger/2"  # the public JSON export: each transaction carries its hash inputs ("hashed")
HASH_RULE = ("sha256 of the UTF-8 JSON of each transaction's \"hashed\" object, keys sorted, no spaces, non-ASCII "
             "unescaped; its prev_hash is the previous transaction's hash (the first's is genesis_hash)")


@dataclass(frozen=True)
class Line:
    """One entry to post: an account, signed integer pence (debit +, credit −) and an optional memo."""

    account: Account
    amount_pence: int
    memo: str = ""


# --- accounts -----------------------------------------------------------------------------------------

SHARED_ACCOUNTS: dict[str, tuple[str, str]] = {
    "bank": ("Bank account", AccountKind.ASSET),
    "card_clearing": ("Card payments clearing (Stripe balance)", AccountKind.ASSET),
    "fees": ("Payment processing fees", AccountKind.EXPENSE),
    "grants_payable": ("Grants payable to candidates", AccountKind.LIABILITY),
    "claims_payable": ("Suppliers' claims not yet paid (PPERA 2000 s.96: unpaid and disputed claims)",
                       AccountKind.LIABILITY),
    "candidate_spend": ("Spending about named candidates", AccountKind.EXPENSE),
    "campaign_spend": ("General campaign spending (PPERA 2000 Part VI)", AccountKind.EXPENSE),
    "political_contributions": ("Political contributions made (PPERA 2000 Sch 19A)", AccountKind.EXPENSE),
    "non_money_used": ("Non-money gifts received, at their value (notional spending when used)", AccountKind.EXPENSE),
}
CAMPAIGN_ACCOUNTS: dict[str, tuple[str, str]] = {
    "donations": ("Donations income", AccountKind.INCOME),
    "refunds": ("Refunds to donors", AccountKind.INCOME),
    "disputes": ("Card disputes (chargebacks)", AccountKind.INCOME),
    "held": ("Held: impermissible or unverified gifts", AccountKind.LIABILITY),
    "non_money": ("Non-money gifts (goods, services or property, at value)", AccountKind.INCOME),
}


def accounts_for(*, campaign=None, shared: Sequence[str] = (), roles: Sequence[str] = ()) -> dict[str, Account]:
    """Several accounts in one query ({code or role: Account}), creating any missing: the shared codes and the
    campaign's own accounts for `roles`."""
    wanted = {code: code for code in shared}
    wanted.update({f"campaign:{campaign.pk}:{role}": role for role in roles})
    found = {a.code: a for a in Account.objects.filter(code__in=list(wanted))}
    result = {}
    for code, key in wanted.items():
        account = found.get(code)
        if account is None:
            account = account_shared(code) if code in SHARED_ACCOUNTS else account_for_campaign(campaign, key)
        result[key] = account
    return result


def account_shared(code: str) -> Account:
    """One of the organisation-wide accounts in `SHARED_ACCOUNTS`, created on first use."""
    name, kind = SHARED_ACCOUNTS[code]
    account, _ = Account.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
    return account


def account_for_campaign(campaign, role: str) -> Account:
    """A campaign's own account for `role` (donations, refunds, disputes, held)."""
    name, kind = CAMPAIGN_ACCOUNTS[role]
    account, _ = Account.objects.get_or_create(
        code=f"campaign:{campaign.pk}:{role}",
        defaults={"name": f"{name} — {campaign.title}", "kind": kind, "campaign": campaign},
    )
    return account


def account_for_grants_to(candidacy) -> Account:
    """The expense account of grants to one candidacy."""
    account, _ = Account.objects.get_or_create(
        code=f"grant:{candidacy.pk}",
        defaults={"name": f"Grants to {candidacy}"[:200], "kind": AccountKind.EXPENSE, "candidacy": candidacy},
    )
    return account


# --- hashing -------------------------------------------------------------------------------------------


def _utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def hash_document(
    *,
    position: int,
    posted_at: dt.datetime,
    kind: str,
    description: str,
    campaign_id: int | None,
    reverses_id: int | None,
    prev_hash: str,
    entries: Iterable[tuple[str, int, str]],
) -> dict:
    """Every input of one transaction's hash, as the JSON object that is hashed: its fields and its entries (account
    code, pence, memo) in posting order, plus the previous transaction's hash. The public ledger export publishes
    exactly this object per transaction (`public_chain`), so anyone can recompute the chain without the database."""
    return {
        "position": position,
        "posted_at": _utc_text(posted_at),
        "kind": kind,
        "description": description,
        "campaign": campaign_id,
        "reverses": reverses_id,
        "prev_hash": prev_hash,
        "entries": [[code, int(amount), memo] for code, amount, memo in entries],
    }


def document_bytes(document: dict) -> bytes:
    """The canonical serialisation hashed: sorted keys, no spaces, UTF-8 (not ASCII-escaped)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def canonical_bytes(**fields) -> bytes:
    """The exact bytes hashed for one transaction: `document_bytes(hash_document(**fields))`."""
    return document_bytes(hash_document(**fields))


def transaction_hash(**fields) -> str:
    """SHA-256 (hex) of `canonical_bytes(**fields)`."""
    return hashlib.sha256(canonical_bytes(**fields)).hexdigest()


def stored_hash_document(tx: LedgerTransaction, entries: Sequence[Entry]) -> dict:
    """`hash_document` of a stored transaction, from its row and its entries (in posting order)."""
    return hash_document(
        position=tx.pk, posted_at=tx.posted_at, kind=tx.kind, description=tx.description,
        campaign_id=tx.campaign_id, reverses_id=tx.reverses_id, prev_hash=tx.prev_hash,
        entries=[(e.account.code, e.amount_pence, e.memo) for e in entries])


def hash_documents() -> dict[int, dict]:
    """{position: `stored_hash_document`} of every transaction: what the public export carries, so that the chain can
    be recomputed from the export alone (`tools/verify_ledger.py`)."""
    rows = LedgerTransaction.objects.order_by("id").prefetch_related("entries__account")
    return {tx.pk: stored_hash_document(tx, sorted(tx.entries.all(), key=lambda e: e.pk))
            for tx in rows.iterator(chunk_size=VERIFY_CHUNK)}


# --- posting -------------------------------------------------------------------------------------------


def validate_lines(lines: Sequence[Line]) -> None:
    """Refuse a set of entries that is not a valid double-entry transaction."""
    if len(lines) < 2:
        raise ValueError(TOO_FEW_ENTRIES)
    for line in lines:
        if not isinstance(line.amount_pence, int) or isinstance(line.amount_pence, bool):
            raise ValueError(NOT_INTEGER.format(value=line.amount_pence))
        if line.amount_pence == 0:
            raise ValueError(ZERO_ENTRY)
    total = sum(line.amount_pence for line in lines)
    if total != 0:
        raise ValueError(UNBALANCED.format(total=total))


def chain_lock() -> ChainHead:
    """Lock the chain head until the surrounding transaction ends (call inside `transaction.atomic`)."""
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ChainHead.objects.get_or_create(pk=1, defaults={"last_id": 0, "last_hash": GENESIS_HASH})
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


@dataclass(frozen=True)
class Posting:
    """One transaction to append: what `transaction_post` takes, as a value (for posting many at once)."""

    kind: str
    description: str
    lines: Sequence[Line]
    campaign: object = None
    reverses: LedgerTransaction | None = None
    posted_at: dt.datetime | None = None


def transaction_post(
    *,
    kind: str,
    description: str,
    lines: Sequence[Line],
    campaign=None,
    reverses: LedgerTransaction | None = None,
    posted_at: dt.datetime | None = None,
    head: ChainHead | None = None,
) -> LedgerTransaction:
    """Append one balanced transaction to the chain and return it. Zero-pence lines are dropped first.
    `head` is the chain head the caller already locked in this database transaction (saves a query)."""
    posting = Posting(kind=kind, description=description, lines=lines, campaign=campaign, reverses=reverses,
                      posted_at=posted_at)
    return transactions_post_many([posting], head=head)[0]


def transactions_post_many(postings: Sequence[Posting], *, head: ChainHead | None = None) -> list[LedgerTransaction]:
    """Append several balanced transactions to the chain, in order, with one insert of all their entries, one of
    all the transaction rows and one update of the head: the same rows and hashes as posting them one by one.
    Every posting is validated before anything is written."""
    prepared = []
    now = timezone.now()
    for posting in postings:
        lines = [line for line in posting.lines if line.amount_pence != 0]
        validate_lines(lines)
        prepared.append((posting, lines, (posting.posted_at or now).astimezone(dt.UTC)))
    if not prepared:
        return []
    # No savepoint: any failure here aborts the caller's whole transaction, which is what we want.
    with db_transaction.atomic(savepoint=False):
        head = head if head is not None and db_transaction.get_connection().in_atomic_block else chain_lock()
        entries, posted = [], []
        position, prev_hash = head.last_id, head.last_hash
        for posting, lines, moment in prepared:
            position += 1
            campaign, reverses = posting.campaign, posting.reverses
            digest = transaction_hash(
                position=position,
                posted_at=moment,
                kind=posting.kind,
                description=posting.description,
                campaign_id=campaign.pk if campaign else None,
                reverses_id=reverses.pk if reverses else None,
                prev_hash=prev_hash,
                entries=[(line.account.code, line.amount_pence, line.memo) for line in lines],
            )
            entries += [Entry(transaction_id=position, account=line.account, amount_pence=line.amount_pence,
                              memo=line.memo) for line in lines]
            posted.append(LedgerTransaction(id=position, posted_at=moment, kind=posting.kind,
                                            description=posting.description, campaign=campaign, reverses=reverses,
                                            prev_hash=prev_hash, hash=digest))
            prev_hash = digest
        # Entries first: the database refuses a transaction row whose entries do not (yet) balance.
        Entry.objects.bulk_create(entries)
        LedgerTransaction.objects.bulk_create(posted)
        head.last_id, head.last_hash = position, prev_hash
        head.save(update_fields=["last_id", "last_hash"])
    return posted


def transaction_reverse(*, original: LedgerTransaction, reason: str = "",
                        posted_at: dt.datetime | None = None) -> LedgerTransaction:
    """Post the exact opposite of `original`, linked to it: the only way to correct the ledger. The ledger is public
    and unerasable, so it carries no free text: `reason` is kept by the caller on its own record."""
    with db_transaction.atomic():
        original = LedgerTransaction.objects.select_for_update().get(pk=original.pk)
        existing = LedgerTransaction.objects.filter(reverses=original).first()
        if existing is not None:
            raise ValueError(ALREADY_REVERSED.format(id=original.pk, by=existing.pk))
        lines = [Line(e.account, -e.amount_pence, e.memo) for e in original.entries.select_related("account")]
        return transaction_post(
            kind="reversal",
            description=f"Reversal of #{original.pk}",  # the reason stays on the erasable record that asked for it
            lines=lines,
            campaign=original.campaign,
            reverses=original,
            posted_at=posted_at,
        )


# --- reading and verifying -------------------------------------------------------------------------------


def account_balance(account: Account, *, until: dt.datetime | None = None) -> int:
    """Signed balance of one account in pence (debits − credits)."""
    entries = Entry.objects.filter(account=account)
    if until is not None:
        entries = entries.filter(transaction__posted_at__lte=until)
    return entries.aggregate(total=Sum("amount_pence"))["total"] or 0


@dataclass
class VerifyReport:
    """What `ledger_verify` found: `ok`, how many transactions were checked, and the first problem."""

    ok: bool = True
    checked: int = 0
    bad_transaction: int | None = None
    problem: str = ""
    balances: dict[str, int] = field(default_factory=dict)

    def fail(self, position: int | None, problem: str) -> VerifyReport:
        self.ok, self.bad_transaction, self.problem = False, position, problem
        return self


def ledger_verify(*, progress=None) -> VerifyReport:
    """Recompute the chain from the first transaction: positions contiguous, each `prev_hash` equal to the
    predecessor's hash, each stored hash equal to the recomputed one, every transaction balanced; then
    the chain head and the trial balance (all accounts sum to zero). Stops at the first bad transaction."""
    report = VerifyReport()
    prev_hash, expected = GENESIS_HASH, 1
    balances: dict[str, int] = {}
    rows = LedgerTransaction.objects.order_by("id").prefetch_related("entries__account")
    for tx in rows.iterator(chunk_size=VERIFY_CHUNK):
        entries = sorted(tx.entries.all(), key=lambda e: e.pk)
        if tx.pk != expected:
            return report.fail(tx.pk, f"transaction #{tx.pk} found where #{expected} was expected (gap in the chain)")
        if tx.prev_hash != prev_hash:
            return report.fail(tx.pk, f"transaction #{tx.pk} does not point at the hash of its predecessor")
        digest = hashlib.sha256(document_bytes(stored_hash_document(tx, entries))).hexdigest()
        if digest != tx.hash:
            return report.fail(tx.pk, f"transaction #{tx.pk} has been altered: its hash does not match its contents")
        total = sum(e.amount_pence for e in entries)
        if total != 0 or len(entries) < 2:
            return report.fail(tx.pk, f"transaction #{tx.pk} is unbalanced ({total:+d} pence)")
        for e in entries:
            balances[e.account.code] = balances.get(e.account.code, 0) + e.amount_pence
        prev_hash, expected = tx.hash, expected + 1
        report.checked += 1
        if progress is not None:
            progress()
    head = ChainHead.objects.filter(pk=1).first()
    last_id = expected - 1
    if last_id and (head is None or head.last_id != last_id or head.last_hash != prev_hash):
        return report.fail(last_id, f"the chain head does not match the last transaction #{last_id} (truncated?)")
    if sum(balances.values()) != 0:
        return report.fail(None, "the trial balance does not sum to zero")
    report.balances = balances
    return report
