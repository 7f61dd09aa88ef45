"""The database side of the ledger's append-only rule.

SQLite triggers refuse deleting ledger rows unless `swingfund_ledger_maintenance()` returns 1. The
function exists only on connections opened by this Django project (registered on `connection_created`),
so a delete through any other client fails outright; inside the project it returns 1 only within
`ledger_maintenance()`, which Django's whole-database `flush` command (used between transactional
tests) enters through `funding/management/commands/flush.py`. Updates are refused always. PostgreSQL's
row triggers refuse updates and deletes; `flush` there uses TRUNCATE, which needs the table owner.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

_state = threading.local()


def maintenance_active() -> int:
    return 1 if getattr(_state, "active", False) else 0


@contextlib.contextmanager
def ledger_maintenance() -> Iterator[None]:
    """Allow emptying the ledger tables (whole-database flush only)."""
    previous = getattr(_state, "active", False)
    _state.active = True
    try:
        yield
    finally:
        _state.active = previous


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("swingfund_ledger_maintenance", 0, maintenance_active)
