"""A decision, once reached, cannot change: refused by the model and, bypassing the model, by the database."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from swingfund.committee import immutability, services
from swingfund.committee.models import ERROR_IMMUTABLE, AuditEvent, Decision, ImmutableRecordError, Vote


@pytest.fixture
def decision(world, grant):
    for name in ("alice", "bob"):
        grant.refresh_from_db()
        services.vote_cast(proposal=grant, user=world.users[name], choice="for", proposal_hash=grant.content_hash)
    return Decision.objects.get(proposal=grant)


def test_model_refuses_update_and_delete(decision):
    decision.outcome = "rejected"
    with pytest.raises(ImmutableRecordError) as refused:
        decision.save()
    assert str(refused.value) == ERROR_IMMUTABLE.format(model="Decision", action="update")
    with pytest.raises(ImmutableRecordError, match="Decision records are immutable once written: delete refused"):
        decision.delete()
    vote = Vote.objects.first()
    with pytest.raises(ImmutableRecordError, match="Vote records are immutable"):
        vote.delete()
    assert Decision.objects.get(pk=decision.pk).outcome == "approved"


@pytest.mark.parametrize("model", [Decision, Vote, AuditEvent])
def test_database_refuses_queryset_update(decision, model):
    column = {"Decision": "explanation", "Vote": "proposal_hash", "AuditEvent": "summary"}[model.__name__]
    before = list(model.objects.values_list(column, flat=True))
    with pytest.raises(ImmutableRecordError, match="records are immutable once written: update refused"):
        model.objects.update(**{column: "tampered"})  # the model's queryset refuses first (swingfund.appendonly)
    with pytest.raises(DatabaseError, match=immutability.TRIGGER_MESSAGE), transaction.atomic():
        model._base_manager.update(**{column: "tampered"})  # a plain queryset: the trigger refuses
    assert list(model.objects.values_list(column, flat=True)) == before


@pytest.mark.parametrize("table", immutability.IMMUTABLE_TABLES)
def test_database_refuses_raw_delete(decision, table):
    count = {"committee_decision": Decision, "committee_vote": Vote, "committee_auditevent": AuditEvent}[table]
    before = count.objects.count()
    assert before > 0
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
    assert count.objects.count() == before


def test_raw_update_of_the_outcome_is_refused(decision):
    with pytest.raises(DatabaseError, match="committee_decision: update refused"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("UPDATE committee_decision SET outcome = 'rejected' WHERE id = %s", [decision.pk])
    assert Decision.objects.get(pk=decision.pk).outcome == "approved"


def test_every_append_only_table_has_its_triggers_after_all_migrations(db):
    # A migration that rebuilds a table on SQLite drops its triggers; this names the table if that happens.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name, COUNT(*) FROM sqlite_master WHERE type = 'trigger' "
                           "AND tbl_name LIKE 'committee_%' GROUP BY tbl_name")
            expected = dict.fromkeys((*immutability.IMMUTABLE_TABLES, *immutability.CHAIN_TABLES,
                                      immutability.DECIDED_TABLE), 2)
        else:
            cursor.execute("SELECT c.relname, COUNT(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                           "WHERE NOT t.tgisinternal AND c.relname LIKE 'committee_%' GROUP BY c.relname")
            expected = dict.fromkeys((*immutability.IMMUTABLE_TABLES, *immutability.CHAIN_TABLES,
                                      immutability.DECIDED_TABLE, "committee_recordchainhead"), 1)
        assert dict(cursor.fetchall()) == expected
