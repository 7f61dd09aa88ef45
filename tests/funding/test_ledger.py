"""The ledger's guarantees, on whichever database the suite runs (SQLite by default, PostgreSQL with
DATABASE_URL): balanced transactions only, append-only in the model AND in the database, a hash chain that
`swingfund ledger verify` recomputes, naming the first transaction an attacker with database access altered."""

from __future__ import annotations

import contextlib
import importlib

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from swingfund import dbroles
from swingfund.funding import ledger
from swingfund.funding.ledger import Line
from swingfund.funding.management.commands.ledger import VERIFY_FAILED
from swingfund.funding.models import ChainHead, Entry, LedgerImmutableError, LedgerTransaction
from swingfund.funding.models.ledger import LEDGER_IMMUTABLE

pytestmark = pytest.mark.django_db

DB_REFUSALS = (DatabaseError, IntegrityError)


@pytest.fixture
def accounts(db):
    return ledger.account_shared("bank"), ledger.account_shared("fees")


def post(accounts, pence: int = 1_000, description: str = "test") -> LedgerTransaction:
    bank, fees = accounts
    return ledger.transaction_post(kind="test", description=description,
                                   lines=[Line(fees, pence), Line(bank, -pence)])


def test_posted_transactions_chain_their_hashes(accounts):
    first, second, third = post(accounts, 100), post(accounts, 200), post(accounts, 300)
    assert [first.pk, second.pk, third.pk] == [1, 2, 3]
    assert first.prev_hash == ledger.GENESIS_HASH
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    head = ChainHead.objects.get(pk=1)
    assert (head.last_id, head.last_hash) == (3, third.hash)
    report = ledger.ledger_verify()
    assert report.ok and report.checked == 3
    assert report.balances == {"bank": -600, "fees": 600}


@pytest.mark.parametrize(("amounts", "message"), [
    ([1_000, -999], ledger.UNBALANCED.format(total=1)),
    ([1_000], ledger.TOO_FEW_ENTRIES),
    ([1_000, 0, -1_000], None),  # zero lines are dropped, the rest balance: accepted
    ([10.5, -10.5], ledger.NOT_INTEGER.format(value=10.5)),
])
def test_posting_refuses_what_is_not_double_entry(accounts, amounts, message):
    bank, fees = accounts
    lines = [Line(fees if i % 2 == 0 else bank, amount) for i, amount in enumerate(amounts)]
    if message is None:
        assert ledger.transaction_post(kind="t", description="ok", lines=lines).entries.count() == 2
        return
    with pytest.raises(ValueError, match=message.replace("+", r"\+").replace(".", r"\.")):
        ledger.transaction_post(kind="t", description="bad", lines=lines)
    assert LedgerTransaction.objects.count() == 0 and Entry.objects.count() == 0


def test_model_refuses_updates_and_deletes(accounts):
    tx = post(accounts)
    entry = tx.entries.first()
    tx.description = "changed"
    for attempt in (tx.save, tx.delete, entry.delete, lambda: entry.save(),
                    lambda: LedgerTransaction.objects.filter(pk=tx.pk).update(description="x"),
                    lambda: Entry.objects.filter(transaction=tx).delete(),
                    lambda: Entry.objects.all().update(amount_pence=1)):
        with pytest.raises(LedgerImmutableError, match=LEDGER_IMMUTABLE):
            attempt()
    tx.refresh_from_db()
    assert tx.description == "test"


@pytest.mark.parametrize("sql", [
    "UPDATE funding_entry SET amount_pence = amount_pence + 1",
    "UPDATE funding_ledgertransaction SET description = 'rewritten'",
    "DELETE FROM funding_entry",
    "DELETE FROM funding_ledgertransaction",
])
def test_database_refuses_updates_and_deletes(accounts, sql):
    post(accounts)
    with pytest.raises(DB_REFUSALS, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert Entry.objects.count() == 2 and ledger.ledger_verify().ok


def test_database_refuses_an_unbalanced_transaction_written_by_hand(accounts):
    bank, fees = accounts
    with pytest.raises(DB_REFUSALS, match="unbalanced"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO funding_entry (transaction_id, account_id, amount_pence, memo) "
                       "VALUES (1, %s, 500, ''), (1, %s, -400, '')", [fees.pk, bank.pk])
        cursor.execute("INSERT INTO funding_ledgertransaction (id, posted_at, kind, description, prev_hash, hash) "
                       "VALUES (1, %s, 'forged', 'forged', %s, %s)",
                       ["2024-06-01 12:00:00+00:00", ledger.GENESIS_HASH, "f" * 64])
    assert LedgerTransaction.objects.count() == 0


def test_database_refuses_entries_added_to_a_posted_transaction(accounts):
    tx = post(accounts)
    bank, fees = accounts
    with pytest.raises(DB_REFUSALS, match="already posted"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO funding_entry (transaction_id, account_id, amount_pence, memo) "
                       "VALUES (%s, %s, 500, ''), (%s, %s, -500, '')", [tx.pk, fees.pk, tx.pk, bank.pk])
    assert tx.entries.count() == 2


def test_reversal_is_a_new_linked_transaction_and_only_once(accounts):
    original = post(accounts, 2_500)
    reversal = ledger.transaction_reverse(original=original, reason="typed the wrong amount")
    assert reversal.reverses_id == original.pk and reversal.pk == original.pk + 1
    assert sorted(e.amount_pence for e in reversal.entries.all()) == [-2_500, 2_500]
    assert ledger.account_balance(accounts[0]) == 0
    with pytest.raises(ValueError, match=ledger.ALREADY_REVERSED.format(id=original.pk, by=reversal.pk)):
        ledger.transaction_reverse(original=original, reason="again")
    assert ledger.ledger_verify().ok


@contextlib.contextmanager
def _update_guard_dropped():
    """What an attacker with the owner's rights (PostgreSQL) or the database file (SQLite) does first: remove the
    trigger that refuses updates; put back afterwards. The tests run as the application's role, which cannot, so on
    PostgreSQL this is done as the owner (the tests using it are transactional: their rows are committed, as an
    attacker would find them)."""
    migration = importlib.import_module("swingfund.funding.migrations.0002_ledger_triggers")
    with dbroles.as_owner(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER funding_entry_append_only ON funding_entry")
            restore = next(sql for sql in migration.POSTGRES_FORWARD if "funding_entry_append_only" in sql)
        else:
            cursor.execute("DROP TRIGGER funding_entry_no_update")
            restore = next(sql for sql in migration.SQLITE_FORWARD if "funding_entry_no_update" in sql)
        try:
            yield cursor
        finally:
            cursor.execute(restore)


def test_tampering_with_a_stored_amount_is_named_by_ledger_verify(transactional_db, accounts):
    """Changing an amount directly in the database (after dropping the trigger) makes `ledger verify` fail naming
    that transaction."""
    for pence in (100, 200, 300, 400):
        post(accounts, pence)
    call_command("ledger", "verify")
    target = LedgerTransaction.objects.get(pk=3)
    entry = target.entries.order_by("id").first()
    with _update_guard_dropped() as cursor:
        cursor.execute("UPDATE funding_entry SET amount_pence = %s WHERE id = %s", [entry.amount_pence + 1, entry.pk])
    report = ledger.ledger_verify()
    assert not report.ok and report.bad_transaction == 3
    with pytest.raises(CommandError) as failure:
        call_command("ledger", "verify")
    assert str(failure.value).startswith(VERIFY_FAILED.format(id=3, problem="")[:-1])
    assert "#3" in str(failure.value)


def test_tampering_that_keeps_the_balance_is_still_caught(transactional_db, accounts):
    """An attacker who moves money between accounts, keeping the transaction balanced, breaks the hash."""
    post(accounts, 100)
    post(accounts, 200)
    bank, fees = accounts
    other = ledger.account_shared("grants_payable")
    with _update_guard_dropped() as cursor:
        cursor.execute("UPDATE funding_entry SET account_id = %s WHERE transaction_id = 2 AND account_id = %s",
                       [other.pk, fees.pk])
    report = ledger.ledger_verify()
    assert (report.ok, report.bad_transaction) == (False, 2)
    assert "altered" in report.problem


def test_a_truncated_chain_is_caught(accounts):
    for pence in (100, 200, 300):
        post(accounts, pence)
    if connection.vendor == "postgresql":  # the application's role cannot even move the head past the chain there
        with pytest.raises(DB_REFUSALS, match="only moves forward"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute("UPDATE funding_chainhead SET last_id = 4")
        assert ChainHead.objects.get().last_id == 3 and ledger.ledger_verify().ok
        return
    with connection.cursor() as cursor:
        cursor.execute("UPDATE funding_chainhead SET last_id = 4")
    report = ledger.ledger_verify()
    assert (report.ok, report.bad_transaction) == (False, 3)
    assert "chain head" in report.problem


def test_every_ledger_table_has_the_append_only_kits_triggers(db):
    """Migration 0008 reinstalls the ledger's guards through `swingfund.appendonly`, under 0002's names, and adds the
    signed checkpoints; a table rebuilt later on SQLite would lose them, and this names it."""
    tables = ("funding_entry", "funding_ledgertransaction", "funding_ledgercheckpoint")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            wanted = {f"{t}_no_{action}" for t in tables for action in ("update", "delete")}
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            wanted = {f"{t}_append_only" for t in tables}
        assert wanted <= {name for (name,) in cursor.fetchall()}


def test_a_checkpoint_row_cannot_be_changed_in_the_database(transactional_db):
    from django.utils import timezone

    from swingfund.funding.models import LedgerCheckpoint

    LedgerCheckpoint.objects.create(tree_size=0, head_hash="0" * 64, signed_at=timezone.now(), key_id="k",
                                    public_key="p", signature="s")
    for statement in ("UPDATE funding_ledgercheckpoint SET head_hash = 'forged'",
                      "DELETE FROM funding_ledgercheckpoint"):
        # the trigger refuses it; on PostgreSQL the application's role lacks the right before any trigger runs
        with pytest.raises(DB_REFUSALS, match="append-only|permission denied for table funding_ledgercheckpoint"), \
                transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert LedgerCheckpoint.objects.get().head_hash == "0" * 64
