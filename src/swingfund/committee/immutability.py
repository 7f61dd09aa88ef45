"""Database triggers that make decisions, votes and audit events append-only, and a decided proposal final,
whoever writes to the database.

The model layer already refuses `save()` on an existing row and `delete()` (`models.AppendOnlyModel`), but a
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

IMMUTABLE_TABLES = ("committee_decision", "committee_vote", "committee_auditevent")
TRIGGER_MESSAGE = "swingfund: committee records are append-only"
# A proposal may change while it is open; once decided (status 'decided') it is as final as its decision, and once
# withdrawn by its proposer (status 'withdrawn') it is as final as the withdrawal in the audit log.
DECIDED_TABLE = "committee_proposal"
FINAL_STATUSES = "('decided', 'withdrawn')"
DECIDED_MESSAGE = "swingfund: a decided proposal is final"


def _sqlite_create(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{TRIGGER_MESSAGE} ({table}: update refused)'); END;",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{TRIGGER_MESSAGE} ({table}: delete refused)'); END;",
    ]


def _sqlite_drop(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"]


def _sqlite_decided_create() -> list[str]:
    t = DECIDED_TABLE
    return [
        f"CREATE TRIGGER IF NOT EXISTS {t}_decided_no_update BEFORE UPDATE ON {t} WHEN OLD.status IN "
        f"{FINAL_STATUSES} BEGIN SELECT RAISE(ABORT, '{DECIDED_MESSAGE} ({t}: update refused)'); END;",
        f"CREATE TRIGGER IF NOT EXISTS {t}_decided_no_delete BEFORE DELETE ON {t} WHEN OLD.status IN "
        f"{FINAL_STATUSES} BEGIN SELECT RAISE(ABORT, '{DECIDED_MESSAGE} ({t}: delete refused)'); END;",
    ]


def _sqlite_decided_drop() -> list[str]:
    t = DECIDED_TABLE
    return [f"DROP TRIGGER IF EXISTS {t}_decided_no_update;", f"DROP TRIGGER IF EXISTS {t}_decided_no_delete;"]


POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION committee_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '{TRIGGER_MESSAGE} (%: % refused)', TG_TABLE_NAME, lower(TG_OP)
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


POSTGRES_DECIDED_FUNCTION = f"""
CREATE OR REPLACE FUNCTION committee_refuse_decided_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '{DECIDED_MESSAGE} (%: % refused)', TG_TABLE_NAME, lower(TG_OP)
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def _postgres_decided_create() -> list[str]:
    t = DECIDED_TABLE
    return [
        POSTGRES_DECIDED_FUNCTION,
        f"DROP TRIGGER IF EXISTS {t}_decided_final ON {t};",
        f"CREATE TRIGGER {t}_decided_final BEFORE UPDATE OR DELETE ON {t} FOR EACH ROW "
        f"WHEN (OLD.status IN {FINAL_STATUSES}) EXECUTE FUNCTION committee_refuse_decided_change();",
    ]


def _postgres_decided_drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {DECIDED_TABLE}_decided_final ON {DECIDED_TABLE};"]


def _postgres_create(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION committee_refuse_change();",
    ]


def _postgres_drop(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"]


def statements(vendor: str, *, create: bool) -> list[str]:
    """The SQL that installs (`create=True`) or removes the triggers on this database vendor."""
    if vendor == "sqlite":
        build = _sqlite_create if create else _sqlite_drop
        decided = _sqlite_decided_create() if create else _sqlite_decided_drop()
        return [sql for table in IMMUTABLE_TABLES for sql in build(table)] + decided
    if vendor == "postgresql":
        build = _postgres_create if create else _postgres_drop
        head = [POSTGRES_FUNCTION] if create else []
        decided = _postgres_decided_create() if create else _postgres_decided_drop()
        return head + [sql for table in IMMUTABLE_TABLES for sql in build(table)] + decided
    return []


def install(connection=default_connection) -> None:
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor, create=True):
            cursor.execute(sql)


def uninstall(connection=default_connection) -> None:
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor, create=False):
            cursor.execute(sql)


@contextmanager
def triggers_lifted(connection=default_connection) -> Iterator[None]:
    """Remove the triggers for the duration of the block (test clean-up only), then put them back."""
    uninstall(connection)
    try:
        yield
    finally:
        install(connection)
