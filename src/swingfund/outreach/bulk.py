"""Bulk inserts below the ORM, for imports and queueing of 100,000 rows: the ORM's per-object cost (model
instances, per-value preparation) is most of the time there. SQLite gets `executemany`, PostgreSQL `COPY`
(as the elections postcode importer does). Values must already be database-ready: use `db_datetime`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection


def db_datetime(value: datetime | None):
    return connection.ops.adapt_datetimefield_value(value) if value is not None else None


def datetime_adapter():
    """`db_datetime` for one bulk operation on the current connection, remembering each value it has adapted
    (imports repeat the same few times — now, the consent times — on every row)."""
    ops, cache = connection.ops, {None: None}

    def adapt(value: datetime | None):
        if value not in cache:
            cache[value] = ops.adapt_datetimefield_value(value)
        return cache[value]

    return adapt


def rows_insert(*, model, columns: Sequence[str], rows: list[tuple]) -> int:
    """Insert `rows` (tuples in `columns` order) into the model's table, in the caller's transaction."""
    if not rows:
        return 0
    table = model._meta.db_table
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    return len(rows)
