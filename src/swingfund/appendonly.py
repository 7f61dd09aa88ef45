"""The one append-only kit: a model base that refuses changing or deleting a stored row, and the database triggers
that refuse the same whoever writes (a queryset `.update()`, raw SQL, another client), for SQLite and PostgreSQL.

Used by the committee (decisions, votes, audit events: `committee/immutability.py`) and the ledger (transactions,
entries, checkpoints: `funding/models/ledger.py`, migration `funding/0007`). It sits at the bottom of the house and
imports no swingfund app.

Triggers, per table:
* SQLite: `<table>_no_update` and `<table>_no_delete` (`RAISE(ABORT, …)`); a delete trigger may be lifted by the
  whole-database flush (`maintenance()`), through the SQL function `swingfund_ledger_maintenance()` that this
  project registers on each of its own connections (`register_sqlite_functions`), so a delete through any other
  client still fails;
* PostgreSQL: `<table>_append_only`, a row trigger running a PL/pgSQL function that raises; TRUNCATE (which needs
  the table's owner) does not fire it, and is what a flush uses there.

On SQLite a migration that rebuilds a table drops its triggers: such a migration must be followed by one that
installs them again (the tests that check every trigger exists fail otherwise).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import ClassVar

from django.db import models

MAINTENANCE_FUNCTION = "swingfund_ledger_maintenance"  # the name the ledger's first triggers call; kept
ERROR_APPEND_ONLY = "{model} rows are append-only: {action} refused."


class AppendOnlyError(Exception):
    """An attempt to change or delete a row of an append-only table."""


class AppendOnlyQuerySet(models.QuerySet):
    """`.update()`, `.delete()` and `.bulk_update()` raise the model's own error (the triggers would refuse them)."""

    def update(self, **kwargs):
        raise self.model.append_only_refusal("update")

    def delete(self):
        raise self.model.append_only_refusal("delete")

    def bulk_update(self, objs, fields, batch_size=None):
        raise self.model.append_only_refusal("update")


class AppendOnlyModel(models.Model):
    """Rows are written once: `save()` of a stored row and `delete()` raise `append_only_error` with
    `append_only_message` (formatted with `model` and `action`); the database triggers refuse them as well."""

    append_only_error: ClassVar[type[Exception]] = AppendOnlyError
    append_only_message: ClassVar[str] = ERROR_APPEND_ONLY

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def append_only_refusal(cls, action: str) -> Exception:
        return cls.append_only_error(cls.append_only_message.format(model=cls.__name__, action=action))

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise self.append_only_refusal("update")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.append_only_refusal("delete")


# --- the flush's exception (SQLite) --------------------------------------------------------------------------------
_state = threading.local()


def maintenance_active() -> int:
    return 1 if getattr(_state, "active", False) else 0


@contextlib.contextmanager
def maintenance() -> Iterator[None]:
    """Allow emptying append-only tables whose delete trigger honours it (the whole-database flush only)."""
    previous = getattr(_state, "active", False)
    _state.active = True
    try:
        yield
    finally:
        _state.active = previous


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: the SQL function the lifted delete triggers ask."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(MAINTENANCE_FUNCTION, 0, maintenance_active)


# --- trigger SQL ---------------------------------------------------------------------------------------------------
def sqlite_create(table: str, *, message: str, when: str = "", flush_may_delete: bool = False,
                  suffix: str = "") -> list[str]:
    """SQLite triggers `<table><suffix>_no_update` and `<table><suffix>_no_delete`. `message` may name `{table}`
    and `{action}` ("update", "delete"); `when` limits both to some rows (`OLD.status = 'decided'`);
    `flush_may_delete` lets `maintenance()` delete."""
    out = []
    for action in ("update", "delete"):
        conditions = [f"({when})"] if when else []
        if action == "delete" and flush_may_delete:
            conditions.append(f"{MAINTENANCE_FUNCTION}() = 0")
        where = f" WHEN {' AND '.join(conditions)}" if conditions else ""
        text = message.format(table=table, action=action).replace("'", "''")
        out.append(f"CREATE TRIGGER IF NOT EXISTS {table}{suffix}_no_{action} BEFORE {action.upper()} ON {table}"
                   f"{where} BEGIN SELECT RAISE(ABORT, '{text}'); END;")
    return out


def sqlite_drop(table: str, *, suffix: str = "") -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}{suffix}_no_{action};" for action in ("update", "delete")]


def postgres_function(name: str, *, message: str, errcode: str | None = "integrity_constraint_violation") -> str:
    """A PL/pgSQL trigger function that refuses the row change. `message` may name `{table}` and `{action}`
    (filled in from TG_TABLE_NAME and TG_OP, in that order)."""
    text = message.replace("'", "''").replace("{table}", "%").replace("{action}", "%")
    using = f" USING ERRCODE = '{errcode}'" if errcode else ""
    return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$\nBEGIN\n"
            f"  RAISE EXCEPTION '{text}', TG_TABLE_NAME, lower(TG_OP){using};\nEND;\n$$ LANGUAGE plpgsql;")


def postgres_create(table: str, *, function: str, when: str = "", name: str = "") -> list[str]:
    """The row trigger `<table>_append_only` (or `name`) refusing UPDATE and DELETE through `function`."""
    name = name or f"{table}_append_only"
    where = f" WHEN ({when})" if when else ""
    return [f"DROP TRIGGER IF EXISTS {name} ON {table};",
            f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW{where} "
            f"EXECUTE FUNCTION {function}();"]


def postgres_drop(table: str, *, name: str = "") -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name or f'{table}_append_only'} ON {table};"]


def execute(connection, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def postgres_head_guard(head: str, *, position: str, log: str, log_position: str) -> list[str]:
    """A chain head that only moves forward (PostgreSQL): the row trigger `<head>_advances_only` refuses deleting the
    head, moving its `position` back, changing its hash in place, and pointing it at a row of `log` (by
    `log_position` and `hash`) that does not exist. The application's role must update the head to append, so its
    rights cannot forbid this; owning nothing, it cannot drop or disable the trigger either."""
    name = f"{head}_advances_only"
    refuse = "USING ERRCODE = 'integrity_constraint_violation'"
    return [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$\nBEGIN\n"
        f"  IF TG_OP = 'DELETE' THEN\n"
        f"    RAISE EXCEPTION '{head}: the chain head cannot be deleted' {refuse};\n  END IF;\n"
        f"  IF NEW.id <> OLD.id OR NEW.{position} < OLD.{position}\n"
        f"     OR (NEW.{position} = OLD.{position} AND NEW.last_hash <> OLD.last_hash)\n"
        f"     OR (NEW.{position} > 0 AND NOT EXISTS (SELECT 1 FROM {log} l\n"
        f"         WHERE l.{log_position} = NEW.{position} AND l.hash = NEW.last_hash)) THEN\n"
        f"    RAISE EXCEPTION '{head}: the chain head only moves forward, onto a row that exists (% -> %)',\n"
        f"      OLD.{position}, NEW.{position} {refuse};\n  END IF;\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;",
        f"DROP TRIGGER IF EXISTS {name} ON {head};",
        f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {head} FOR EACH ROW EXECUTE FUNCTION {name}();",
    ]


def postgres_head_guard_drop(head: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {head}_advances_only ON {head};",
            f"DROP FUNCTION IF EXISTS {head}_advances_only();"]
