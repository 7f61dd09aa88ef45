"""The delivery engine: claim, send, record — READY → SENDING → SENT / FAILED, each step guarding its source.

Exactly once: a worker first claims a small batch (READY → SENDING, committed, stamped with its worker id),
then sends each message with an idempotency key derived from the delivery (email Message-ID
`<delivery-ID@domain>`, WhatsApp `biz_opaque_callback_data` `delivery:ID`) and marks it SENT in its own commit.
A worker killed mid-batch leaves its claims SENDING; `deliveries_recover` (run when a worker starts) hands
claims of dead workers back as READY, and they are re-sent with the same key. Consent is re-checked just before
each send, so an opt-out stops every message not yet sent. Failures retry with exponential back-off. A paid
message's cost was classified, checked and recorded when it was queued (`spending.message_cost_record`), so
nothing is recorded here, after sending.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from swingfund.outreach.channels.base import ChannelError, get_channel
from swingfund.outreach.errors import OutreachRefusal
from swingfund.outreach.messaging import message_render, seat_backing
from swingfund.outreach.models import Channel, Delivery, DeliveryEvent
from swingfund.outreach.ratelimit import TokenBucket
from swingfund.outreach.segments import reachable
from swingfund.outreach.spending import price_pence

log = logging.getLogger(__name__)
BATCH = 50
MAX_ATTEMPTS = 5
BACKOFF_BASE_SECONDS = 30
BURST_SECONDS = 0.1  # a send late by up to 100 ms of the limit may be made up at once, never more
_WORKER_ID = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def worker_id() -> str:
    if _WORKER_ID.split(":")[1] != str(os.getpid()):  # forked: a new identity
        globals()["_WORKER_ID"] = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
    return _WORKER_ID


def backoff(attempts: int) -> timedelta:
    """30 s, 60 s, 120 s, 240 s … after the 1st, 2nd, 3rd … failure."""
    return timedelta(seconds=BACKOFF_BASE_SECONDS * 2 ** (attempts - 1))


def _log(delivery_id: int, kind: str, detail: str = "", now: datetime | None = None) -> None:
    DeliveryEvent.objects.create(delivery_id=delivery_id, at=now or timezone.now(), kind=kind, detail=detail[:300])


def deliveries_claim(*, channel: str, limit: int, worker: str, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    with transaction.atomic():
        qs = Delivery.objects.filter(channel=channel, status=Delivery.Status.READY, next_attempt_at__lte=now)
        if connection.vendor == "postgresql":
            qs = qs.select_for_update(skip_locked=True)
        ids = list(qs.order_by("id").values_list("id", flat=True)[:limit])
        Delivery.objects.filter(id__in=ids, status=Delivery.Status.READY).update(
            status=Delivery.Status.SENDING, claimed_by=worker, claimed_at=now
        )
    return ids


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def deliveries_recover(*, lease_seconds: int | None = None, now: datetime | None = None) -> int:
    """Hand back claims of dead workers: on this host, a worker whose process is gone; anywhere, a claim older
    than the lease. Returns how many deliveries became READY again (sent again with the same key)."""
    now = now or timezone.now()
    lease = timedelta(seconds=lease_seconds or settings.OUTREACH_CLAIM_LEASE_SECONDS)
    host = socket.gethostname()
    dead = []
    sending = Delivery.objects.filter(status=Delivery.Status.SENDING)
    for claimer in sending.values_list("claimed_by", flat=True).distinct():
        parts = claimer.split(":")
        if len(parts) == 3 and parts[0] == host and parts[1].isdigit() and not _pid_alive(int(parts[1])):
            dead.append(claimer)
    stale = Delivery.objects.filter(status=Delivery.Status.SENDING).filter(
        claimed_by__in=dead
    ) | Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_at__lt=now - lease)
    ids = list(stale.values_list("id", flat=True))
    with transaction.atomic():
        n = Delivery.objects.filter(id__in=ids, status=Delivery.Status.SENDING).update(
            status=Delivery.Status.READY, claimed_by="", claimed_at=None
        )
        DeliveryEvent.objects.bulk_create(
            DeliveryEvent(delivery_id=i, at=now, kind="recovered", detail="claim of a dead worker") for i in ids
        )
    return n


@dataclass
class DrainResult:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    cancelled: int = 0
    deferred_until: datetime | None = None


def _whatsapp_room(*, tier: int, now: datetime) -> tuple[int, datetime | None]:
    """Unique recipients still allowed in the rolling 24 hours of the messaging tier, and when room frees."""
    window = Delivery.objects.filter(channel=Channel.WHATSAPP, status=Delivery.Status.SENT,
                                     sent_at__gte=now - timedelta(hours=24))  # fmt: skip
    used = window.exclude(supporter=None).values("supporter").distinct().count()
    oldest = window.aggregate(m=Min("sent_at"))["m"]
    return max(tier - used, 0), (oldest + timedelta(hours=24)) if oldest else None


def channel_drain(*, channel: str, worker: str | None = None, max_messages: int | None = None) -> DrainResult:
    """Send every due delivery of one channel at the configured rate; returns counts and, if anything remains
    for later (back-off, tier limit), when to look again."""
    worker = worker or worker_id()
    sender = get_channel(channel)
    rate = settings.OUTREACH_RATES[channel]
    bucket = TokenBucket(rate=rate, burst=max(1, int(rate * BURST_SECONDS)))
    result = DrainResult()
    backing_cache: dict[int, dict] = {}
    while max_messages is None or result.sent < max_messages:
        now = timezone.now()
        limit = BATCH if max_messages is None else min(BATCH, max_messages - result.sent)
        if channel == Channel.WHATSAPP:
            room, frees = _whatsapp_room(tier=sender.tier_limit(), now=now)
            if room == 0:
                result.deferred_until = frees
                break
            limit = min(limit, room)
        ids = deliveries_claim(channel=channel, limit=limit, worker=worker, now=now)
        if not ids:
            break
        for delivery in Delivery.objects.filter(id__in=ids).select_related(
            "message", "message__segment", "message__organisation", "message__election", "supporter",
            "supporter__constituency",
        ).order_by("id"):
            outcome = _send_one(delivery=delivery, sender=sender, bucket=bucket, worker=worker, cache=backing_cache)
            setattr(result, outcome, getattr(result, outcome) + 1)
    if result.deferred_until is None:
        nxt = Delivery.objects.filter(channel=channel, status=Delivery.Status.READY).aggregate(m=Min("next_attempt_at"))
        result.deferred_until = nxt["m"]
    return result


def _send_one(*, delivery: Delivery, sender, bucket: TokenBucket, worker: str, cache: dict) -> str:
    supporter = delivery.supporter
    if supporter is None or not reachable(channel=delivery.channel).filter(pk=supporter.pk).exists():
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING, claimed_by=worker).update(
            status=Delivery.Status.CANCELLED, error="consent withdrawn before sending"
        )
        _log(delivery.pk, "cancelled", "consent withdrawn before sending")
        return "cancelled"
    message = delivery.message
    if message.pk not in cache:
        cache[message.pk] = seat_backing(message=message)
    try:
        rendered = message_render(message=message, supporter=supporter, backing=cache[message.pk])
    except OutreachRefusal as exc:  # e.g. the group's address was removed after queueing: no imprint, no sending
        return _failed(delivery=delivery, worker=worker, error=str(exc))
    bucket.take()
    try:
        provider_id = sender.send(delivery=delivery, supporter=supporter, rendered=rendered)
    except ChannelError as exc:
        return _failed(delivery=delivery, worker=worker, error=str(exc))
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING, claimed_by=worker).update(
            status=Delivery.Status.SENT, sent_at=now, provider_id=provider_id[:200], attempts=delivery.attempts + 1,
            cost_pence=price_pence(channel=delivery.channel),
        )
        _log(delivery.pk, "sent", provider_id, now)
    return "sent"


def _failed(*, delivery: Delivery, worker: str, error: str) -> str:
    attempts = delivery.attempts + 1
    now = timezone.now()
    final = attempts >= MAX_ATTEMPTS
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING, claimed_by=worker).update(
            status=Delivery.Status.FAILED if final else Delivery.Status.READY, attempts=attempts, error=error[:300],
            next_attempt_at=now + backoff(attempts), claimed_by="", claimed_at=None,
        )
        _log(delivery.pk, "failed" if final else "retry", f"attempt {attempts}: {error}", now)
    return "failed" if final else "retried"
