"""The one queue for Stripe events (`payments/tasks.py`): a pass is queued once per burst, never left out, and the
checks of one web process are coalesced. The real worker runs them end to end in test_server_concurrency.py and
test_crash.py."""

from __future__ import annotations

import threading
import time

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from swingfund.funding.payments import tasks
from swingfund.funding.payments.models import StripeEvent

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _passes_waiting() -> int:
    return DBTaskResult.objects.filter(status="READY", task_path=tasks.stripe_events_apply.module_path).count()


@pytest.mark.django_db
def test_a_pass_is_queued_once_while_one_is_waiting(settings):
    settings.TASKS = DATABASE_TASKS
    tasks.stripe_events_queue()
    tasks.stripe_events_queue()
    assert _passes_waiting() == 1
    DBTaskResult.objects.update(status="RUNNING")  # claimed by a worker: it may have read the events already
    tasks.stripe_events_queue()
    assert _passes_waiting() == 1


@pytest.mark.django_db
def test_the_worker_start_queues_a_pass_only_when_events_are_pending(settings):
    settings.TASKS = DATABASE_TASKS
    assert tasks.stripe_events_recover() == 0 and _passes_waiting() == 0
    now = timezone.now()
    StripeEvent.objects.create(event_id="evt_stranded", type="checkout.session.completed", payload={}, created=now,
                               received_at=now, status=StripeEvent.Status.PENDING)
    assert tasks.stripe_events_recover() == 1 and _passes_waiting() == 1


def test_concurrent_requests_share_checks_and_each_is_followed_by_one(monkeypatch):
    """Twenty deliveries committed together: a few checks, not twenty, and a check begins after each one."""
    begun: list[float] = []

    def check() -> None:
        begun.append(time.monotonic())
        time.sleep(0.05)

    monkeypatch.setattr(tasks, "stripe_events_queue", check)
    coalesced = tasks._Coalesced()
    requested, returned = {}, {}
    start = threading.Barrier(20)

    def deliver(n: int) -> None:
        start.wait()
        requested[n] = time.monotonic()
        coalesced.request()
        returned[n] = time.monotonic()

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 1 <= len(begun) <= 3
    for n in range(20):
        assert any(b >= requested[n] for b in begun), n  # a check began after this caller's commit
    coalesced.request()  # a later delivery, nothing under way: its own check
    assert len(begun) <= 4 and begun[-1] > max(returned.values())
