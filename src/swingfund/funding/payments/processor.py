"""Applying stored Stripe events in the background of the web process, so the webhook can answer at once.

One daemon thread per process, started by the first webhook delivery and woken by each later one; it also
wakes every `IDLE_SECONDS` to pick up anything left pending (an event stored just before a crash, or one whose
attempt failed). Several processes may each run one: `services.stripe_event_apply` locks and re-checks each row.
With ``STRIPE_WEBHOOK_PROCESSING=inline`` the webhook applies pending events itself before answering instead; with
``worker`` it only stores them and ``swingfund stripe process --follow`` (a separate process) applies them.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.signals import request_started
from django.db import close_old_connections

from swingfund.funding.payments.services import stripe_events_apply_pending

logger = logging.getLogger(__name__)

IDLE_SECONDS = 5.0
START_SIGNAL_UID = "payments-processor-start"
_lock = threading.Lock()
_wake = threading.Event()
_thread: threading.Thread | None = None


def processor_start_on_request(**_: object) -> None:
    """`request_started` receiver: the first request a web process serves (any page) starts its processor, so
    events stored but not yet applied when the previous process died are applied without waiting for new ones."""
    if settings.STRIPE_WEBHOOK_PROCESSING != "background" or not settings.STRIPE_WEBHOOK_SECRET:
        return
    request_started.disconnect(dispatch_uid=START_SIGNAL_UID)
    processor_kick()


def processor_kick() -> None:
    """Make sure this process's processor thread runs, and wake it."""
    global _thread
    _wake.set()
    if _thread is not None and _thread.is_alive():
        return
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_loop, name="stripe-events", daemon=True)
            _thread.start()


def processor_drain() -> int:
    """Apply everything pending now; returns how many events were applied. Never raises."""
    total = 0
    try:
        while applied := stripe_events_apply_pending(limit=500):
            total += applied
    except Exception:  # noqa: BLE001 — a loop must survive a database hiccup; it retries next time
        logger.exception("Applying pending Stripe events failed")
    return total


def processor_follow(*, poll_seconds: float = 0.2, stop: threading.Event | None = None) -> None:
    """The worker loop of ``swingfund stripe process --follow``: drain, sleep briefly, repeat."""
    stop = stop or threading.Event()
    while not stop.is_set():
        applied = processor_drain()
        close_old_connections()  # a long-lived loop: drop a connection that is broken or past its age
        if not applied:
            stop.wait(poll_seconds)


def _loop() -> None:
    while True:
        _wake.wait(IDLE_SECONDS)
        _wake.clear()
        processor_drain()
        close_old_connections()
