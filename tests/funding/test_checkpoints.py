"""The anchored ledger: signed checkpoints (Ed25519, key outside the database) published and carried in every export;
`ledger verify --against` catches what the hash chain alone cannot — a rewrite with every later hash recomputed, and
truncation — and on PostgreSQL the application's role cannot TRUNCATE the ledger or touch its triggers."""

from __future__ import annotations

import contextlib
import importlib
import io
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from swingfund import dbroles
from swingfund.funding import checkpoints, ledger, services
from swingfund.funding.models import ChainHead, Donation, LedgerCheckpoint, LedgerTransaction

from .conftest import at, make_donor

triggers = importlib.import_module("swingfund.funding.migrations.0002_ledger_triggers")


@pytest.fixture
def signing_key_file(tmp_path, settings):
    settings.LEDGER_SIGNING_KEY = str(tmp_path / "keys" / "ledger.pem")
    return tmp_path / "keys" / "ledger.pem"


@pytest.fixture
def books(transactional_db, pooled, signing_key_file, client, tmp_path):
    """Five gifts, a checkpoint signed over them, and the published checkpoints saved as an outsider would."""
    donor = make_donor("Ann Elector")
    for day, pounds in enumerate((100, 250, 40, 75, 300), start=1):
        services.donation_record(campaign=pooled, donor=donor, amount_pence=pounds * 100, method="bank_transfer",
                                 received_at=at(f"06-0{day}"))
    call_command("ledger", "checkpoint")
    published = tmp_path / "checkpoints.json"
    published.write_bytes(client.get("/funding/ledger/checkpoints.json").content)
    return published


@contextlib.contextmanager
def attacker_with_owner_rights():
    """What someone with the database owner's rights (or the SQLite file) can do: lift the append-only triggers."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for table in triggers.TABLES:
                cursor.execute(f"DROP TRIGGER {table}_no_update")
                cursor.execute(f"DROP TRIGGER {table}_no_delete")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for sql in triggers.SQLITE_FORWARD[:4]:
                    cursor.execute(sql)
        return
    owned = (*triggers.TABLES, "funding_chainhead")  # the owner may also lift the head's advance-only trigger
    with dbroles.as_owner(), connection.cursor() as cursor:
        for table in owned:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        try:
            yield
        finally:
            for table in owned:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def _rehash_from(position: int) -> None:
    """Recompute every hash from `position` on, as a careful forger would, and move the chain head."""
    prev = LedgerTransaction.objects.get(pk=position - 1).hash if position > 1 else ledger.GENESIS_HASH
    with connection.cursor() as cursor:
        later = LedgerTransaction.objects.filter(pk__gte=position).order_by("id").prefetch_related("entries__account")
        for tx in later:
            entries = sorted(tx.entries.all(), key=lambda e: e.pk)
            digest = ledger.transaction_hash(
                position=tx.pk, posted_at=tx.posted_at, kind=tx.kind, description=tx.description,
                campaign_id=tx.campaign_id, reverses_id=tx.reverses_id, prev_hash=prev,
                entries=[(e.account.code, e.amount_pence, e.memo) for e in entries])
            cursor.execute("UPDATE funding_ledgertransaction SET prev_hash = %s, hash = %s WHERE id = %s",
                           [prev, digest, tx.pk])
            prev = digest
    last = LedgerTransaction.objects.order_by("-id").first()
    ChainHead.objects.filter(pk=1).update(last_id=last.pk, last_hash=last.hash)


def test_a_checkpoint_signs_the_head_with_a_key_kept_outside_the_database(books, signing_key_file):
    assert signing_key_file.stat().st_mode & 0o777 == 0o600
    checkpoint = LedgerCheckpoint.objects.get()
    head = ChainHead.objects.get(pk=1)
    assert (checkpoint.tree_size, checkpoint.head_hash) == (5, head.last_hash)
    key = checkpoints.signing_key()
    key.public_key().verify(__import__("base64").b64decode(checkpoint.signature), checkpoints.statement_bytes(
        key_id=checkpoint.key_id, tree_size=5, head_hash=head.last_hash,
        signed_at=checkpoints.checkpoint_dict(checkpoint)["signed_at"]))  # raises if the signature were wrong
    call_command("ledger", "verify", "--against", str(books))  # the untouched ledger extends it


def test_every_ledger_export_carries_the_checkpoints(books, client, tmp_path):
    export = tmp_path / "ledger.json"
    export.write_bytes(client.get("/funding/ledger.json").content)
    assert json.loads(export.read_text())["checkpoints"] == json.loads(books.read_text())
    csv_text = client.get("/funding/ledger.csv").content.decode()
    assert f"5,{json.loads(books.read_text())['checkpoints'][0]['signed_at']},checkpoint," in csv_text
    call_command("ledger", "verify", "--against", str(export))


def test_a_rewrite_with_recomputed_hashes_passes_the_chain_but_fails_against_the_checkpoint(books):
    gift = Donation.objects.order_by("transaction_id")[1]  # £250 → £25, hashes recomputed after it
    with attacker_with_owner_rights(), connection.cursor() as cursor:
        cursor.execute("UPDATE funding_entry SET amount_pence = amount_pence / 10 WHERE transaction_id = %s",
                       [gift.transaction_id])
        cursor.execute("UPDATE funding_donation SET amount_pence = amount_pence / 10 WHERE id = %s", [gift.pk])
        _rehash_from(gift.transaction_id)
    assert ledger.ledger_verify().ok  # the attack: the chain alone still checks out
    with pytest.raises(CommandError, match="(?s)stored here.*history up to it was rewritten"):
        call_command("ledger", "verify")  # plain verify checks the latest checkpoint it holds
    with pytest.raises(CommandError, match="history up to it was rewritten"):
        call_command("ledger", "verify", "--against", str(books))


def test_a_recomputed_chain_re_signed_with_a_key_from_the_data_folder_is_refused(books, signing_key_file,
                                                                                 settings):
    from swingfund.settings import data_home

    gift = Donation.objects.order_by("transaction_id")[1]
    with attacker_with_owner_rights(), connection.cursor() as cursor:
        cursor.execute("UPDATE funding_entry SET amount_pence = amount_pence / 10 WHERE transaction_id = %s",
                       [gift.transaction_id])
        cursor.execute("UPDATE funding_donation SET amount_pence = amount_pence / 10 WHERE id = %s", [gift.pk])
        _rehash_from(gift.transaction_id)
    # The key kept where the issue found it, in the data folder beside the database: whoever can rewrite the database
    # there holds it too, and could re-sign the rewritten history.
    in_data = data_home() / "ledger-signing-key.pem"
    in_data.write_bytes(signing_key_file.read_bytes())
    settings.LEDGER_SIGNING_KEY = str(in_data)
    with pytest.raises(CommandError) as refused:
        call_command("ledger", "checkpoint")
    message = str(refused.value)
    assert message.startswith(f"Refused: the ledger signing key {in_data.resolve()} is in the data folder")
    assert "SWINGFUND_LEDGER_KEY" in message and "removable media" in message  # and says where to put it
    with pytest.raises(ValueError, match="is in the data folder"):
        checkpoints.checkpoint_sign(key=checkpoints.signing_key(path=in_data), key_path=in_data)
    assert LedgerCheckpoint.objects.count() == 1  # nothing re-signed: the honest checkpoint still catches it
    with pytest.raises(CommandError, match="history up to it was rewritten"):
        call_command("ledger", "verify", "--key", checkpoints.checkpoints_document()["keys"][
            LedgerCheckpoint.objects.get().key_id])
    settings.LEDGER_SIGNING_KEY = str(data_home() / "keys" / "new.pem")  # nor a new key made there
    with pytest.raises(CommandError, match="is in the data folder"):
        call_command("ledger", "checkpoint")
    assert not (data_home() / "keys" / "new.pem").exists()


def test_a_rewrite_signed_with_the_forgers_own_key_fails_plain_verify(books, tmp_path, settings):
    settings.LEDGER_SIGNING_KEY = ""  # the group's key is kept away from this machine, as it should be: nothing pinned
    gift = Donation.objects.order_by("transaction_id")[1]
    with attacker_with_owner_rights(), connection.cursor() as cursor:
        cursor.execute("UPDATE funding_entry SET amount_pence = amount_pence / 10 WHERE transaction_id = %s",
                       [gift.transaction_id])
        cursor.execute("UPDATE funding_donation SET amount_pence = amount_pence / 10 WHERE id = %s", [gift.pk])
        _rehash_from(gift.transaction_id)
    # Checkpoints can be added, never removed: the forger stores a fresh one, signed with a key of their own.
    forger = tmp_path / "elsewhere" / "forger.pem"
    checkpoints.checkpoint_sign(key=checkpoints.signing_key(path=forger, create=True), key_path=forger)
    with pytest.raises(CommandError) as refused:
        call_command("ledger", "verify")
    assert "checkpoint 5: transaction #5 now hashes to" in str(refused.value)  # the honest checkpoint still holds
    assert "signed by 2 different keys" in str(refused.value)


def test_truncation_passes_the_chain_but_fails_against_the_checkpoint(books):
    last = Donation.objects.order_by("-transaction_id").first()
    with attacker_with_owner_rights(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM funding_compliancetask WHERE donation_id = %s", [last.pk])
        cursor.execute("DELETE FROM funding_donation WHERE id = %s", [last.pk])
        cursor.execute("DELETE FROM funding_entry WHERE transaction_id = %s", [last.transaction_id])
        cursor.execute("DELETE FROM funding_ledgertransaction WHERE id = %s", [last.transaction_id])
        _rehash_from(last.transaction_id)  # nothing after it: only moves the head back
    assert ledger.ledger_verify().ok  # the attack: the chain alone still checks out
    with pytest.raises(CommandError, match="only 4 transactions .* truncated"):
        call_command("ledger", "verify")  # but not against the checkpoint stored here
    with pytest.raises(CommandError, match="only 4 transactions .* truncated"):
        call_command("ledger", "verify", "--against", str(books))


def test_a_checkpoint_re_signed_by_another_key_is_refused(books, tmp_path):
    forged = json.loads(books.read_text())
    other = Ed25519PrivateKey.generate()
    key_id = checkpoints.key_id_of(other.public_key())
    c = forged["checkpoints"][0]
    c["key_id"] = key_id
    c["signature"] = __import__("base64").b64encode(other.sign(checkpoints.statement_bytes(
        key_id=key_id, tree_size=c["tree_size"], head_hash=c["head_hash"], signed_at=c["signed_at"]))).decode()
    forged["keys"] = {key_id: __import__("base64").b64encode(checkpoints.public_raw(other.public_key())).decode()}
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(forged))
    with pytest.raises(CommandError, match="not the pinned key"):
        call_command("ledger", "verify", "--against", str(path))
    c["head_hash"] = "f" * 64  # and a tampered statement fails its own signature
    report = checkpoints.verify_against(forged, pinned=other.public_key())
    assert any("signature does not verify" in problem for problem in report.problems)
    with pytest.raises(CommandError, match="not the pinned key"):  # the checkpoints stored here are not the forger's
        call_command("ledger", "verify", "--against", str(path), "--key", forged["keys"][key_id])


def test_checkpoint_refuses_a_broken_chain(books):
    with attacker_with_owner_rights(), connection.cursor() as cursor:
        cursor.execute("UPDATE funding_ledgertransaction SET description = 'forged' WHERE id = 2")
    with pytest.raises(CommandError, match="Refused: the ledger does not verify"):
        call_command("ledger", "checkpoint")
    assert LedgerCheckpoint.objects.count() == 1


# Wiping the ledger, on each database: on PostgreSQL the application's role may not TRUNCATE it or touch its
# triggers; SQLite has no TRUNCATE and no roles (its file is the owner's alone), and its triggers refuse every DELETE.
WIPES = {"postgresql": ["TRUNCATE funding_entry, funding_ledgertransaction CASCADE",
                        "ALTER TABLE funding_entry DISABLE TRIGGER USER",
                        "DROP TRIGGER funding_entry_append_only ON funding_entry"],
         "sqlite": ["DELETE FROM funding_entry", "DELETE FROM funding_ledgertransaction"]}


@pytest.mark.parametrize("statement", WIPES[connection.vendor])
def test_the_applications_role_cannot_truncate_the_ledger_or_touch_its_triggers(books, statement):
    assert dbroles.role_problems() == []
    before = LedgerTransaction.objects.count()
    with pytest.raises(DatabaseError, match="permission denied|must be owner|append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(statement)
    assert LedgerTransaction.objects.count() == before == 5
    call_command("ledger", "verify", "--against", str(books))


# Deleting a checkpoint, or rewriting or deleting a chain head, as the application's role (PostgreSQL: the rights it
# lacks, then the head's trigger); on SQLite the checkpoints' triggers refuse every DELETE (its file has no roles).
HEAD_REWRITES = {
    "postgresql": [("DELETE FROM funding_ledgercheckpoint", "permission denied"),
                   ("DELETE FROM committee_recordcheckpoint", "permission denied"),
                   ("UPDATE funding_ledgercheckpoint SET head_hash = 'f'", "permission denied"),
                   ("DELETE FROM funding_chainhead", "permission denied"),
                   ("UPDATE funding_chainhead SET last_id = 4, last_hash = (SELECT hash FROM funding_ledgertransaction "
                    "WHERE id = 4)", "only moves forward"),
                   ("UPDATE funding_chainhead SET last_hash = repeat('f', 64)", "only moves forward"),
                   ("UPDATE funding_chainhead SET last_id = 6", "only moves forward"),
                   ("UPDATE committee_recordchainhead SET last_hash = repeat('f', 64)", "only moves forward")],
    "sqlite": [("DELETE FROM funding_ledgercheckpoint", "append-only"),
               ("DELETE FROM committee_recordcheckpoint", "append-only")],
}


@pytest.mark.parametrize(("statement", "refusal"), HEAD_REWRITES[connection.vendor])
def test_the_applications_role_cannot_delete_checkpoints_or_rewrite_the_chain_head(books, statement, refusal):
    from swingfund.committee.models import RecordChainHead, RecordCheckpoint

    RecordChainHead.objects.get_or_create(pk=1, defaults={"last_position": 0, "last_hash": "0" * 64})
    assert dbroles.role_problems() == []
    head = ChainHead.objects.values_list("last_id", "last_hash").get()
    with pytest.raises(DatabaseError, match=refusal), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert ChainHead.objects.values_list("last_id", "last_hash").get() == head
    assert (LedgerCheckpoint.objects.count(), RecordCheckpoint.objects.count()) == (1, 1)
    call_command("ledger", "verify", "--against", str(books))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="roles and their rights are PostgreSQL's")
def test_db_roles_names_a_chain_head_left_without_its_trigger_and_a_checkpoint_the_role_may_delete(books):
    user = connection.settings_dict["USER"]  # the application's role (inside as_owner() it is the owner's)
    with dbroles.as_owner(), connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER funding_chainhead_advances_only ON funding_chainhead")
        cursor.execute(f'GRANT DELETE ON funding_ledgercheckpoint TO "{user}"')
    try:
        problems = dbroles.role_problems()
        with pytest.raises(CommandError, match="funding_chainhead has no enabled trigger"):
            call_command("db", "roles")
    finally:
        from swingfund import appendonly

        with dbroles.as_owner(), connection.cursor() as cursor:
            for sql in appendonly.postgres_head_guard("funding_chainhead", position="last_id",
                                                      log="funding_ledgertransaction", log_position="id"):
                cursor.execute(sql)
            cursor.execute(f'REVOKE DELETE ON funding_ledgercheckpoint FROM "{user}"')
    assert problems == [f"role {user} may DELETE from funding_ledgercheckpoint",
                        f"funding_chainhead has no enabled trigger keeping it moving forward: role {user} could "
                        f"rewind it or point it at a made-up hash"]
    assert dbroles.role_problems() == []


def test_verify_against_a_published_url(books, live_server):
    out = io.StringIO()
    call_command("ledger", "verify", "--against", f"{live_server.url}/funding/ledger/checkpoints.json", stdout=out)
    assert "extends all 1 published checkpoint(s)" in out.getvalue()
    assert "the committee's record chain all 1 of its own" in out.getvalue()
    with pytest.raises(CommandError, match="not a swingfund checkpoints document"):
        call_command("ledger", "verify", "--against", f"{live_server.url}/funding/ledger.csv")
