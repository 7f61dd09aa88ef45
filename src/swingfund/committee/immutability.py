"""Database triggers that make decisions, votes and audit events append-only, and a decided proposal final,
whoever writes to the database (the SQL is written by the one append-only kit, `swingfund.appendonly`).

The model layer already refuses `save()` on an existing row and `delete()` (`appendonly.AppendOnlyModel`), but a
queryset `.update()`, a raw SQL statement or an admin bulk action would bypass it. These triggers refuse any
UPDATE or DELETE on the tables below, on SQLite (`RAISE(ABORT, …)`) and on PostgreSQL (a PL/pgSQL function
raising an exception). They are installed by migration `0002_immutability_triggers`.

On SQLite, a migration that alters one of these tables rebuilds it (new table, copy, drop, rename), which drops
its triggers: every such migration must be followed by one that calls `statements(..., create=True)` again, as
`0004_reinstall_immutability_triggers` does. The immutability tests fail if a trigger is missing.

PostgreSQL's TRUNCATE does not fire row triggers, so a test database can still be emptied between tests; on
SQLite, Django empties tables with DELETE, so test code that commits decisions (browser tests on a live server)
must lift the triggers around that clean-up with `triggers_lifted()` — the same thing an administrator with
shell access could do, and nothing the application itself ever calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection as default_connection

from swingfund import appendonly

IMMUTABLE_TABLES = ("committee_decision", "committee_vote", "committee_auditevent")
# The record chain's links and checkpoints (`chain.py`): append-only too, with triggers of migration 0008 that, like
# the ledger's, let the whole-database flush empty them (so they are not lifted by `triggers_lifted`).
CHAIN_TABLES = ("committee_chainlink", "committee_recordcheckpoint")
TRIGGER_MESSAGE = "swingfund: committee records are append-only"
# A proposal may change while it is open; once decided (status 'decided') it is as final as its decision, and once
# withdrawn by its proposer (status 'withdrawn') it is as final as the withdrawal in the audit log.
DECIDED_TABLE = "committee_proposal"
FINAL_STATUSES = "('decided', 'withdrawn')"
DECIDED_MESSAGE = "swingfund: a decided proposal is final"
DECIDED_WHEN = f"OLD.status IN {FINAL_STATUSES}"
POSTGRES_FUNCTION = "committee_refuse_change"
POSTGRES_DECIDED_FUNCTION = "committee_refuse_decided_change"


def statements(vendor: str, *, create: bool) -> list[str]:
    """The SQL that installs (`create=True`) or removes the triggers on this database vendor (`swingfund.appendonly`
    writes it; the trigger names are those of migrations 0002 and 0005)."""
    kit = appendonly
    if vendor == "sqlite":
        if not create:
            return [*(sql for t in IMMUTABLE_TABLES for sql in kit.sqlite_drop(t)),
                    *kit.sqlite_drop(DECIDED_TABLE, suffix="_decided")]
        return [*(sql for t in IMMUTABLE_TABLES
                  for sql in kit.sqlite_create(t, message=TRIGGER_MESSAGE + " ({table}: {action} refused)")),
                *kit.sqlite_create(DECIDED_TABLE, message=DECIDED_MESSAGE + " ({table}: {action} refused)",
                                   when=DECIDED_WHEN, suffix="_decided")]
    if vendor == "postgresql":
        decided = f"{DECIDED_TABLE}_decided_final"
        if not create:
            return [*(sql for t in IMMUTABLE_TABLES for sql in kit.postgres_drop(t)),
                    *kit.postgres_drop(DECIDED_TABLE, name=decided)]
        return [kit.postgres_function(POSTGRES_FUNCTION, message=TRIGGER_MESSAGE + " ({table}: {action} refused)"),
                *(sql for t in IMMUTABLE_TABLES for sql in kit.postgres_create(t, function=POSTGRES_FUNCTION)),
                kit.postgres_function(POSTGRES_DECIDED_FUNCTION,
                                      message=DECIDED_MESSAGE + " ({table}: {action} refused)"),
                *kit.postgres_create(DECIDED_TABLE, function=POSTGRES_DECIDED_FUNCTION, when=DECIDED_WHEN,
                                     name=decided)]
    return []


def install(connection=default_connection) -> None:
    appendonly.execute(connection, statements(connection.vendor, create=True))


def uninstall(connection=default_connection) -> None:
    appendonly.execute(connection, statements(connection.vendor, create=False))


@contextmanager
def triggers_lifted(connection=default_connection) -> Iterator[None]:
    """Remove the triggers for the duration of the block (test clean-up only), then put them back."""
    uninstall(connection)
    try:
        yield
    finally:
        install(connection)
