"""The double-entry ledger: accounts, transactions of balanced entries, and the head of the hash chain.

Append-only: a saved transaction or entry is never updated or deleted. The model refuses it here, and the
database refuses it too (the append-only kit's triggers, `swingfund.appendonly`, on SQLite and PostgreSQL), so a
correction is always a new reversing transaction linked to the original. Entries are signed integer pence: debit
positive, credit negative; a transaction's entries sum to zero (checked by the database when the
transaction row is inserted, which happens after its entries, see `funding.ledger.transaction_post`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from swingfund import appendonly
from swingfund.appendonly import AppendOnlyError

LEDGER_IMMUTABLE = "Ledger rows are append-only: post a reversing transaction instead of changing or deleting one."


class LedgerImmutableError(AppendOnlyError):
    """Raised when code tries to update or delete a ledger transaction or entry."""


class AppendOnlyModel(appendonly.AppendOnlyModel):
    """Refuses updates and deletes of stored rows (the database triggers refuse them as well)."""

    append_only_error = LedgerImmutableError
    append_only_message = LEDGER_IMMUTABLE

    class Meta:
        abstract = True


class AccountKind(models.TextChoices):
    ASSET = "asset", "asset"
    LIABILITY = "liability", "liability"
    INCOME = "income", "income"
    EXPENSE = "expense", "expense"


class Account(models.Model):
    """Where entries post. `code` is stable (`bank`, `card_clearing`, `campaign:7:donations`,
    `grant:1234`); campaign- and candidacy-scoped accounts point at their campaign or candidacy."""

    code = models.CharField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=AccountKind.choices)
    campaign = models.ForeignKey(
        "funding.Campaign", null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )
    candidacy = models.ForeignKey(
        "elections.Candidacy", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class LedgerTransaction(AppendOnlyModel):
    """One movement of money: balanced entries plus the SHA-256 of its predecessor and of itself.

    `id` is the position in the chain (1, 2, 3 …), assigned under the chain-head lock.
    """

    id = models.BigIntegerField(primary_key=True)
    posted_at = models.DateTimeField()
    kind = models.CharField(max_length=40)
    description = models.CharField(max_length=300)
    campaign = models.ForeignKey(
        "funding.Campaign", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_transactions"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(id__gte=1), name="ledgertransaction_position_positive")]

    def __str__(self) -> str:
        return f"#{self.id} {self.kind}: {self.description}"


class Entry(AppendOnlyModel):
    """One line of a transaction: signed integer pence on one account (debit +, credit −)."""

    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount_pence = models.BigIntegerField()
    memo = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["transaction_id", "id"]
        constraints = [models.CheckConstraint(condition=~Q(amount_pence=0), name="entry_amount_nonzero")]

    def __str__(self) -> str:
        return f"{self.account.code} {self.amount_pence:+d}"


class LedgerCheckpoint(AppendOnlyModel):
    """A signed statement of the ledger's head (after RFC 9162's signed tree heads): after `tree_size` transactions
    the head hash was `head_hash`, signed with the Ed25519 key `key_id` kept outside the database. Published at
    /funding/ledger/checkpoints.json and in every ledger export, so anyone holding a copy can later check that the
    chain still extends it (`swingfund ledger verify --against`)."""

    tree_size = models.BigIntegerField()
    head_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    key_id = models.CharField(max_length=64)
    public_key = models.CharField(max_length=64, help_text="Raw Ed25519 public key, base64.")
    signature = models.CharField(max_length=128, help_text="Ed25519 signature of the statement, base64.")

    class Meta:
        ordering = ["tree_size", "id"]
        constraints = [models.CheckConstraint(condition=Q(tree_size__gte=0), name="checkpoint_size_nonnegative")]

    def __str__(self) -> str:
        return f"checkpoint {self.tree_size} {self.head_hash[:12]}"


class ChainHead(models.Model):
    """The single row locked (`select_for_update`) while a transaction is appended, so concurrent writers
    cannot fork the chain. `last_id`/`last_hash` describe the newest transaction."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="chainhead_single_row")]
