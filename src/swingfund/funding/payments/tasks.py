"""Applying stored Stripe events in the background: a django-tasks task, run by `swingfund worker` with every other.

The webhook stores each event (`services.stripe_event_receive`) and, once that is committed, queues a pass
(`stripe_events_queue`, through `transaction.on_commit`). A pass applies everything pending in arrival order
(`services.stripe_events_apply_pending`, which locks and re-checks each row, so an event is applied once however
many passes or workers run). A pass is queued only when none is already waiting, so a burst of deliveries queues a
few passes, not one per event; and inside one web process the checks are coalesced (`stripe_events_queue_soon`):
one thread at a time checks, for every event committed before its check began, so a burst of deliveries costs
a handful of queries, not one (and a write to the task table) per delivery.

Nothing pending is ever stranded:
* a pass that leaves events pending (an attempt failed: Stripe unreachable for the fee) queues another in
  `RETRY_SECONDS`, until the event is applied or stored as failed after `MAX_ATTEMPTS`;
* a process killed between storing an event and queueing its pass leaves it pending with no pass waiting: the next
  delivery's pass, the next retry, or the worker's start (`stripe_events_recover`) applies it.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from swingfund.funding.payments.models import StripeEvent
from swingfund.funding.payments.services import stripe_events_apply_pending

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0


@task()
def stripe_events_apply() -> dict:
    """One pass: apply every pending event; if some are still pending afterwards, look again in a moment."""
    applied = stripe_events_apply_pending()
    left = StripeEvent.objects.filter(status=StripeEvent.Status.PENDING).count()
    if left:
        stripe_events_queue(run_after=timezone.now() + timedelta(seconds=RETRY_SECONDS))
    return {"applied": applied, "pending": left}


def stripe_events_queue(*, run_after: datetime | None = None) -> None:
    """Queue a pass unless one is already waiting to run by then (READY: not yet started, so it will see every
    event committed before this call). Call it once the events are committed (`transaction.on_commit`)."""
    now = timezone.now()
    run_after = max(run_after or now, now)
    try:
        from django_tasks_db.models import DBTaskResult, get_date_max

        waiting = DBTaskResult.objects.filter(
            Q(run_after=get_date_max()) | Q(run_after__lte=run_after),  # the backend stores "at once" as year 9999
            status="READY", task_path=stripe_events_apply.module_path,
        ).exists()  # fmt: skip
    except Exception:  # another tasks backend (immediate, dummy): always enqueue  # noqa: BLE001
        waiting = False
    if waiting:
        return
    if run_after > now:
        if not stripe_events_apply.get_backend().supports_defer:
            return  # a backend that runs tasks at once (tests): nothing to retry later; `stripe process` does it
        stripe_events_apply.using(run_after=run_after).enqueue()
    else:
        stripe_events_apply.enqueue()


class _Coalesced:
    """Single flight for `stripe_events_queue` in one process, as group commit is for storing. A caller whose event
    is committed needs a check that begins after that moment. Once the check under way (begun too early for it) is
    done, the first waiter begins the next one and the others return at once, covered by it. So every caller is
    covered, one check runs at a time, and no caller waits longer than about one check (two for the one running
    the next)."""

    def __init__(self) -> None:
        self._done = threading.Condition()
        self._started = 0  # checks begun so far
        self._checking = False

    def request(self) -> None:
        with self._done:
            needed = self._started + 1  # the number of the first check to begin after this moment
            while self._started < needed:
                if not self._checking:
                    self._checking = True
                    self._started += 1
                    self._done.notify_all()  # it begins after the commits of those waiting: they are covered
                    break
                self._done.wait()
            else:
                return  # another thread began a check after this caller's commit
        try:
            stripe_events_queue()
        finally:
            with self._done:
                self._checking = False
                self._done.notify_all()


_coalesced = _Coalesced()


def stripe_events_queue_soon() -> None:
    """`stripe_events_queue`, coalesced across this process's threads (the webhook's `on_commit` callback). Never
    raises: the event is already stored, so its delivery is still answered 200, and a later pass or the worker's
    start applies it."""
    try:
        _coalesced.request()
    except Exception:  # noqa: BLE001
        logger.exception("Queueing a pass over the stored Stripe events failed; a later pass will apply them")


def stripe_events_recover() -> int:
    """At a worker's start: queue a pass if events are pending (stored by a process that died before queueing it,
    or left by a worker killed mid-pass). Returns how many are pending."""
    pending = StripeEvent.objects.filter(status=StripeEvent.Status.PENDING).count()
    if pending:
        stripe_events_queue()
    return pending
