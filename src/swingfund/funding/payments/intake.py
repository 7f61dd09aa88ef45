"""Storing verified webhook deliveries with group commit: the deliveries that arrive while one commit is under way
are stored together by the next, in one transaction with one durable commit (one fsync), instead of queueing for the
database's write lock one by one.

No extra thread: the first delivery to find no commit under way becomes the *leader*; it takes every delivery
waiting at that moment (its own included), stores them all, wakes the others and returns. Each caller still gets
its own `Receipt`, and only once its event is durably stored — so a 200 to Stripe still means "stored". If the
combined transaction fails (say, another process inserted one of the events a moment earlier), each delivery of the
group is stored on its own, so one bad delivery never fails the others.

A caller already inside a database transaction stores its event itself, in that transaction: committing other
deliveries inside someone else's transaction would acknowledge them before they are durable.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from swingfund.funding.payments.models import StripeEvent

GROUP_MAX = 500  # deliveries stored by one commit at most


@dataclass(frozen=True)
class Receipt:
    event_id: str
    type: str
    status: str
    duplicate: bool


@dataclass
class _Delivery:
    event: dict[str, Any]
    receipt: Receipt | None = None
    error: BaseException | None = None
    done: bool = False


@dataclass
class GroupCommit:
    """Group commit of deliveries for one process. `store_many` stores several events in one transaction (all or
    nothing), `store_one` a single event in its own (the fallback, and the path of a caller already in a
    transaction); `around` wraps each commit (the write gate)."""

    store_one: Callable[[dict[str, Any]], Receipt]
    store_many: Callable[[list[dict[str, Any]]], list[Receipt]]
    around: Callable[[], Any]
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _waiting: list[_Delivery] = field(default_factory=list)
    _committing: bool = False

    def store(self, event: dict[str, Any]) -> Receipt:
        if connection.in_atomic_block:
            with self.around():
                return self.store_one(event)
        mine = _Delivery(event)
        with self._cond:
            self._waiting.append(mine)
            while self._committing and not mine.done:
                self._cond.wait()
            if not mine.done:  # no commit under way: lead the next one
                self._committing = True
                group, self._waiting = self._waiting[:GROUP_MAX], self._waiting[GROUP_MAX:]
        if not mine.done:
            try:
                self._commit(group)
            finally:
                with self._cond:
                    self._committing = False
                    self._cond.notify_all()
        if mine.error is not None:
            raise mine.error
        return mine.receipt

    def _commit(self, group: list[_Delivery]) -> None:
        try:
            with self.around():
                if len(group) == 1:
                    receipts = [self.store_one(group[0].event)]
                else:
                    receipts = self.store_many([d.event for d in group])
            for delivery, receipt in zip(group, receipts, strict=True):
                delivery.receipt = receipt
        except Exception:  # noqa: BLE001 — nothing of the group was stored: each on its own, errors to their owners
            for delivery in group:
                try:
                    with self.around():
                        delivery.receipt = self.store_one(delivery.event)
                except Exception as err:  # noqa: BLE001
                    delivery.error = err
        finally:
            with self._cond:
                for delivery in group:
                    delivery.done = True


def events_store_many(events: list[dict[str, Any]]) -> list[Receipt]:
    """Store several verified events in one transaction: new ones inserted PENDING in one statement, known ones
    counted as redeliveries (a failed one put back in the queue), as storing each on its own would."""
    with transaction.atomic():
        return _events_store_many(events)


def _events_store_many(events: list[dict[str, Any]]) -> list[Receipt]:
    now = timezone.now()
    ids = list(dict.fromkeys(e["id"] for e in events))
    known = {row.event_id: row for row in StripeEvent.objects.select_for_update().filter(event_id__in=ids)}
    new: dict[str, StripeEvent] = {}
    receipts = []
    for event in events:
        event_id = event["id"]
        row = known.get(event_id)
        if row is None:
            row = new[event_id] = known[event_id] = StripeEvent(
                event_id=event_id, type=event["type"], livemode=bool(event.get("livemode")),
                created=datetime.fromtimestamp(int(event.get("created") or now.timestamp()), tz=UTC),
                payload=event, received_at=now, status=StripeEvent.Status.PENDING, deliveries=0)
        duplicate = row.deliveries > 0
        row.deliveries += 1
        if duplicate and row.status == StripeEvent.Status.FAILED:  # a redelivery of a failed event is a retry
            row.status, row.error, row.attempts = StripeEvent.Status.PENDING, "", 0
        receipts.append(Receipt(event_id=event_id, type=row.type, status=row.status, duplicate=duplicate))
    StripeEvent.objects.bulk_create(new.values())
    again = [row for event_id, row in known.items() if event_id not in new]
    if again:
        StripeEvent.objects.bulk_update(again, ["deliveries", "status", "error", "attempts"])
    return receipts
