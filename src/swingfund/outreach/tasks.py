"""Background work, run by `swingfund worker` (django-tasks with its database backend)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from swingfund.outreach.delivery import channel_drain, deliveries_recover


@task()
def deliveries_send(channel: str) -> dict:
    """Send everything due on one channel; if anything waits (back-off, tier window), look again then."""
    result = channel_drain(channel=channel)
    if result.deferred_until is not None:
        wake(channel=channel, run_after=result.deferred_until, besides_current=True)
    return {"sent": result.sent, "failed": result.failed, "retried": result.retried, "cancelled": result.cancelled}


def wake(*, channel: str, run_after: datetime | None = None, besides_current: bool = False) -> None:
    """Queue a drain of the channel unless one is already waiting to run by then (no pile-up of duplicates)."""
    run_after = max(run_after or timezone.now(), timezone.now())
    try:
        from django_tasks_db.models import DBTaskResult, get_date_max

        waiting = DBTaskResult.objects.filter(
            Q(run_after=get_date_max()) | Q(run_after__lte=run_after),  # the backend stores "at once" as year 9999
            status="READY", task_path=deliveries_send.module_path, args_kwargs__kwargs__channel=channel,
        ).exists()  # fmt: skip
    except Exception:  # another tasks backend (immediate, dummy): always enqueue  # noqa: BLE001
        waiting = False
    if waiting:
        return
    if run_after > timezone.now():
        deliveries_send.using(run_after=run_after).enqueue(channel=channel)
    else:
        deliveries_send.enqueue(channel=channel)


def outreach_recover() -> int:
    """At a worker's start: hand back the claims of dead workers and queue a drain of each channel with deliveries
    ready. Returns how many deliveries were handed back."""
    from swingfund.outreach.models import Channel, Delivery

    recovered = deliveries_recover()
    for channel in Channel.values:
        if Delivery.objects.filter(channel=channel, status=Delivery.Status.READY).exists():
            wake(channel=channel)
    return recovered
