"""Storing verified webhook deliveries with group commit: the deliveries that arrive while one commit is under way
are stored together by the next, in one transaction with one durable commit (one fsync), instead of queueing for the
database's write lock one by one.

No extra thread: the first delivery to find no commit under way becomes the *leader*; it takes every delivery
waiting at that moment (its own included), stores them all, wakes the others and returns. Each caller still gets
its own `Receipt`, and only once its event is durably stored — so a 200 to Stripe still means "stored". If the
combined statement fails, each delivery of the group is stored on its own, so one bad delivery never fails the
others. Which delivery is new and which a redelivery is decided by the database itself (an upsert on the event id),
so deliveries of one event racing in from several processes are still stored once.

A caller already inside a database transaction stores its event itself, in that transaction: committing other
deliveries inside someone else's transaction would acknowledge them before they are durable.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from swingfund.funding.payments.models import StripeEvent

GROUP_MAX = 500  # deliveries stored by one commit at most


@dataclass(frozen=True)
class Receipt:
    event_id: str
    type: str
    status: str
    duplicate: bool


NOT_STORED = "The delivery was not stored: its group's commit was interrupted."


def _held_lock() -> Any:
    lock = threading.Lock()
    lock.acquire()
    return lock


@dataclass(eq=False)
class _Delivery:
    item: Any
    receipt: Receipt | None = None
    error: BaseException | None = None
    lead: bool = False  # set when this caller is to lead the next commit
    wake: Any = field(default_factory=_held_lock)  # released once: when stored, or to lead the next commit


@dataclass
class GroupCommit:
    """Group commit of deliveries for one process. `store_many` stores several events in one transaction (all or
    nothing), `store_one` a single event in its own (the fallback, and the path of a caller already in a
    transaction); `around` wraps each commit (the write gate).

    Each waiting caller sleeps on a lock of its own, released once: by the leader that stored its event, or to make
    it the next leader. So a commit wakes exactly the callers it stored, plus one successor."""

    store_one: Callable[[Any], Receipt]
    store_many: Callable[[list[Any]], list[Receipt]]
    around: Callable[[], Any]
    _mutex: Any = field(default_factory=threading.Lock)
    _waiting: list[_Delivery] = field(default_factory=list)
    _committing: bool = False

    def store(self, item: Any) -> Receipt:
        if connection.in_atomic_block:
            with self.around():
                return self.store_one(item)
        mine = _Delivery(item)
        with self._mutex:
            self._waiting.append(mine)
            mine.lead = not self._committing  # no commit under way: lead the next one
            self._committing = True
        if not mine.lead:
            mine.wake.acquire()  # until stored, or made the next leader
        if mine.lead:
            self._lead(mine)
        if mine.error is not None:
            raise mine.error
        return mine.receipt  # type: ignore[return-value]

    def _lead(self, mine: _Delivery) -> None:
        with self._mutex:
            group, self._waiting = self._waiting[:GROUP_MAX], self._waiting[GROUP_MAX:]
        try:
            self._commit(group)
        finally:
            with self._mutex:
                successor = self._waiting[0] if self._waiting else None
                if successor is None:
                    self._committing = False
                else:
                    successor.lead = True
            for delivery in group:
                if delivery.receipt is None and delivery.error is None:
                    delivery.error = RuntimeError(NOT_STORED)
                if delivery is not mine:
                    delivery.wake.release()
            if successor is not None:
                successor.wake.release()

    def _commit(self, group: list[_Delivery]) -> None:
        try:
            with self.around():
                if len(group) == 1:
                    receipts = [self.store_one(group[0].item)]
                else:
                    receipts = self.store_many([d.item for d in group])
            for delivery, receipt in zip(group, receipts, strict=True):
                delivery.receipt = receipt
        except Exception:  # noqa: BLE001 — nothing of the group was stored: each on its own, errors to their owners
            for delivery in group:
                try:
                    with self.around():
                        delivery.receipt = self.store_one(delivery.item)
                except Exception as err:  # noqa: BLE001
                    delivery.error = err


@dataclass(frozen=True)
class Verified:
    """A delivery whose signature checked out: the event, and its body exactly as Stripe sent it (stored verbatim)."""

    event: dict[str, Any]
    body: str

    @classmethod
    def of(cls, event: dict[str, Any], payload: bytes) -> Verified:
        try:
            body = payload.decode("utf-8")
        except UnicodeDecodeError:  # JSON may come in UTF-16/32: store it re-encoded instead
            body = json.dumps(event)
        return cls(event=event, body=body)


def events_store_many(items: list[Verified]) -> list[Receipt]:
    """Store verified deliveries in one statement, so in one transaction with one commit: an upsert on the event id.
    A new event is inserted PENDING; a known one has its deliveries counted, and if it had FAILED it goes back in
    the queue (a redelivery is a retry). The database decides, atomically, which is which, so concurrent deliveries
    of one event from several threads or processes store it once. Receipts come back in the order of `items`."""
    if not items:
        return []
    occurrences: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        occurrences.setdefault(item.event["id"], []).append(index)
    first = {event_id: items[indexes[0]] for event_id, indexes in occurrences.items()}
    now = timezone.now()
    ops = connection.ops
    received = ops.adapt_datetimefield_value(now)
    rows, params = [], []
    for event_id in sorted(first):  # one order for every writer: no deadlock between overlapping groups
        event = first[event_id].event
        created = datetime.fromtimestamp(int(event.get("created") or now.timestamp()), tz=UTC)
        rows.append(_ROW_SQL[connection.vendor == "postgresql"])
        params += [event_id, event["type"], bool(event.get("livemode")), ops.adapt_datetimefield_value(created),
                   first[event_id].body, received, len(occurrences[event_id])]
    with _cursor() as cursor:  # one statement: atomic on its own, its own transaction in autocommit
        cursor.execute(_UPSERT_SQL.format(rows=", ".join(rows)), params)
        found = cursor.fetchall()
    stored = {event_id: (kind, status, deliveries) for event_id, kind, status, deliveries in found}
    receipts: list[Receipt | None] = [None] * len(items)
    for event_id, indexes in occurrences.items():
        kind, status, deliveries = stored[event_id]
        known_before = deliveries > len(indexes)
        for nth, index in enumerate(indexes):
            receipts[index] = Receipt(event_id=event_id, type=kind, status=status, duplicate=known_before or nth > 0)
    return receipts  # type: ignore[return-value]


@contextlib.contextmanager
def _cursor() -> Iterator[Any]:
    """Django's cursor; on PostgreSQL a psycopg cursor on the same connection whose parameters the server binds,
    not quoted into the statement's text (Django's client-side cursor): with a kilobyte of JSON per row that
    quoting was an eighth of the web process's time."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    import psycopg  # only installed with PostgreSQL support

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        yield cursor


def event_store(item: Verified) -> Receipt:
    """Store one verified delivery in its own transaction (or the caller's)."""
    return events_store_many([item])[0]


def _upsert_sql() -> tuple[str, tuple[str, str]]:
    table = StripeEvent._meta.db_table
    pending, failed = StripeEvent.Status.PENDING.value, StripeEvent.Status.FAILED.value
    was_failed = f"{table}.status = '{failed}'"
    sql = (
        f"INSERT INTO {table} (event_id, type, livemode, created, payload, received_at, deliveries, status, "
        f"waiting_for, error, attempts) VALUES {{rows}} "
        f"ON CONFLICT (event_id) DO UPDATE SET deliveries = {table}.deliveries + excluded.deliveries, "
        f"status = CASE WHEN {was_failed} THEN '{pending}' ELSE {table}.status END, "
        f"error = CASE WHEN {was_failed} THEN '' ELSE {table}.error END, "
        f"attempts = CASE WHEN {was_failed} THEN 0 ELSE {table}.attempts END "
        f"RETURNING event_id, type, status, deliveries"
    )
    row = "(%s, %s, %s, %s, {payload}, %s, %s, '" + pending + "', '', '', 0)"
    return sql, (row.format(payload="%s"), row.format(payload="CAST(%s AS jsonb)"))


_UPSERT_SQL, _ROW_SQL = _upsert_sql()
