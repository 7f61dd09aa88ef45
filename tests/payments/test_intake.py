"""Group commit of webhook deliveries (`payments/intake.py`): deliveries that arrive while a commit is under way are
stored together by the next one; every caller gets its own receipt, only once its event is stored; a failed group
falls back to storing each on its own, with errors going to their own callers. Then, against a real server process:
concurrent deliveries are grouped, and every event is stored and applied once."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import timezone

from swingfund.funding.payments.intake import NOT_STORED, GroupCommit, Receipt, Verified, events_store_many
from swingfund.funding.payments.models import StripeEvent
from swingfund.testing import loadtest

CALLERS = 24


class FakeStore:
    """Stores events in a dict; the first commit is slow, so that the other callers queue up behind it."""

    def __init__(self, *, fail_groups: bool = False, refuse: str = "") -> None:
        self.stored: dict[str, int] = {}
        self.groups: list[int] = []
        self.singles = 0
        self.fail_groups, self.refuse = fail_groups, refuse
        self.lock = threading.Lock()
        self.first = threading.Event()

    def _put(self, event: dict) -> Receipt:
        if event["id"] == self.refuse:
            raise ValueError(f"refused {event['id']}")
        with self.lock:
            duplicate = event["id"] in self.stored
            self.stored[event["id"]] = self.stored.get(event["id"], 0) + 1
        return Receipt(event_id=event["id"], type=event["type"], status="pending", duplicate=duplicate)

    def one(self, event: dict) -> Receipt:
        self.singles += 1
        if not self.first.is_set():
            self.first.set()
            time.sleep(0.2)
        return self._put(event)

    def many(self, events: list[dict]) -> list[Receipt]:
        self.groups.append(len(events))
        if self.fail_groups:
            raise RuntimeError("the group's transaction failed")
        return [self._put(e) for e in events]


def _deliver_all(store: FakeStore, ids: list[str]) -> list[Receipt | BaseException]:
    group = GroupCommit(store_one=store.one, store_many=store.many, around=contextlib.nullcontext)

    def deliver(event_id: str) -> Receipt | BaseException:
        try:
            return group.store({"id": event_id, "type": "checkout.session.completed"})
        except BaseException as err:  # noqa: BLE001 — returned to the test
            return err

    with ThreadPoolExecutor(CALLERS) as pool:
        first = pool.submit(deliver, ids[0])
        store.first.wait(5)  # the first delivery is committing: the rest queue behind it
        rest = list(pool.map(deliver, ids[1:]))
    return [first.result(), *rest]


def test_deliveries_waiting_behind_a_commit_are_stored_together_each_with_its_own_receipt():
    store = FakeStore()
    ids = [f"evt_{i}" for i in range(CALLERS)] + ["evt_0", "evt_1"]  # two redeliveries among them
    receipts = _deliver_all(store, ids)
    assert [r.event_id for r in receipts] == ids
    assert store.stored == {**{f"evt_{i}": 1 for i in range(2, CALLERS)}, "evt_0": 2, "evt_1": 2}
    assert sum(r.duplicate for r in receipts) == 2
    assert store.groups and max(store.groups) > 1  # grouped: fewer commits than deliveries
    assert store.singles + sum(store.groups) == len(ids)
    assert 1 + len(store.groups) < len(ids)


def test_a_failed_group_is_stored_one_by_one_and_each_error_reaches_its_own_caller():
    store = FakeStore(fail_groups=True, refuse="evt_7")
    ids = [f"evt_{i}" for i in range(CALLERS)]
    results = _deliver_all(store, ids)
    refused = [r for r in results if isinstance(r, Exception)]
    assert [str(e) for e in refused] == ["refused evt_7"]
    assert sorted(store.stored) == sorted(set(ids) - {"evt_7"})
    assert all(isinstance(r, Receipt) and r.event_id == i for r, i in zip(results, ids, strict=True) if i != "evt_7")
    assert store.groups  # the groups were tried, then each delivery stored on its own


class Interrupted(BaseException):
    """Not an Exception: nothing falls back to storing one by one (as with a thread being torn down)."""


def test_an_interrupted_commit_wakes_every_caller_of_its_group_with_an_error_and_leaves_none_waiting():
    store = FakeStore()
    real_many = store.many

    def many_interrupted_once(events: list[dict]) -> list[Receipt]:
        if len(store.groups) == 0:
            store.groups.append(len(events))
            raise Interrupted
        return real_many(events)

    store.many = many_interrupted_once
    results = _deliver_all(store, [f"evt_{i}" for i in range(CALLERS)])  # returns: nobody is left waiting
    assert isinstance(results[0], Receipt)  # stored on its own, before the others queued
    interrupted = [r for r in results if isinstance(r, BaseException)]
    assert interrupted and all(isinstance(r, (Interrupted, RuntimeError)) for r in interrupted)
    assert sum(isinstance(r, RuntimeError) and str(r) == NOT_STORED for r in interrupted) == len(interrupted) - 1
    stored = {r.event_id for r in results if isinstance(r, Receipt)}
    assert stored == set(store.stored)  # a receipt only for what was stored, and every stored event has one


@pytest.mark.django_db
def test_a_caller_inside_a_transaction_stores_its_own_event_there():
    store = FakeStore()
    group = GroupCommit(store_one=store.one, store_many=store.many, around=contextlib.nullcontext)
    receipt = group.store({"id": "evt_in_tx", "type": "charge.refunded"})  # pytest-django wraps the test in one
    assert receipt.event_id == "evt_in_tx" and store.groups == [] and store.stored == {"evt_in_tx": 1}


@pytest.mark.slow
def test_a_real_server_groups_concurrent_deliveries_and_stores_and_applies_each_once(migrated_scratch_url,
                                                                                    server_standin):
    loadtest.database_prepare(database_url=migrated_scratch_url, campaign="grouped")
    events = loadtest.sign_all(server_standin, loadtest.paid_events(
        server_standin, campaign="grouped", count=300, amount=lambda i: 1_000 + i))
    with loadtest.AppServer(database_url=migrated_scratch_url, standin=server_standin, threads=16) as server:
        statuses = loadtest.fire(server.webhook_url, events + events[:30], threads=32)
        loadtest.wait_until_applied(database_url=migrated_scratch_url, timeout=600)
    assert statuses == [200] * 330
    counts = loadtest.database_counts(database_url=migrated_scratch_url, campaign="grouped")
    assert counts["events"] == counts["events_handled"] == counts["gifts"] == counts["distinct_payments"] == 300
    assert counts["deliveries"] == 330 and counts["payments_repeated"] == 0
    assert counts["gift_pence"] == sum(1_000 + i for i in range(300))
    # Events stored by one commit share their time of receipt: fewer distinct times than events means grouping.
    assert counts["receipt_times"] < 300
    verify = loadtest.ledger_verify(database_url=migrated_scratch_url)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def _verified(event_id: str, kind: str = "checkout.session.completed") -> Verified:
    event = {"id": event_id, "type": kind, "created": 1_720_000_000, "livemode": False, "data": {"object": {}}}
    return Verified(event=event, body=json.dumps(event))


@pytest.mark.django_db
def test_one_statement_stores_new_events_once_and_counts_every_delivery():
    StripeEvent.objects.create(event_id="evt_known", type="charge.refunded", created=timezone.now(), payload={},
                               received_at=timezone.now(), status="handled", deliveries=1)
    receipts = events_store_many([_verified("evt_b"), _verified("evt_a"), _verified("evt_b"),
                                  _verified("evt_known", "charge.refunded")])
    assert [(r.event_id, r.duplicate, r.status) for r in receipts] == [
        ("evt_b", False, "pending"), ("evt_a", False, "pending"), ("evt_b", True, "pending"),
        ("evt_known", True, "handled")]
    stored = dict(StripeEvent.objects.values_list("event_id", "deliveries"))
    assert stored == {"evt_a": 1, "evt_b": 2, "evt_known": 2}
    row = StripeEvent.objects.get(event_id="evt_a")
    assert row.payload["type"] == "checkout.session.completed" and row.created.year == 2024
    assert row.received_at.tzinfo is not None


@pytest.mark.django_db
def test_a_redelivered_failed_event_goes_back_in_the_queue_and_a_handled_one_stays_handled():
    now = timezone.now()
    StripeEvent.objects.create(event_id="evt_failed", type="checkout.session.completed", created=now, payload={},
                               received_at=now, status="failed", error="no such campaign", attempts=3)
    StripeEvent.objects.create(event_id="evt_done", type="checkout.session.completed", created=now, payload={},
                               received_at=now, status="handled")
    receipts = events_store_many([_verified("evt_failed"), _verified("evt_done")])
    assert [(r.status, r.duplicate) for r in receipts] == [("pending", True), ("handled", True)]
    failed = StripeEvent.objects.get(event_id="evt_failed")
    assert (failed.status, failed.error, failed.attempts, failed.deliveries) == ("pending", "", 0, 2)
    assert StripeEvent.objects.get(event_id="evt_done").status == "handled"


@pytest.mark.django_db
def test_a_group_that_breaks_a_rule_writes_nothing():
    with pytest.raises(KeyError):  # an event without a type is refused before the database is touched
        events_store_many([_verified("evt_ok"), Verified(event={"id": "evt_bad"}, body="{}")])
    assert StripeEvent.objects.count() == 0
