"""The Stripe webhook's hot path, served straight from the WSGI application.

Every delivery does the same small thing: read the body, check Stripe's signature, store the event once (group
commit, `intake.py`), answer. Under a burst that is thousands of requests a second, and Django's full request
cycle (request object, middleware stack, URL resolving, response object) costs several times more than the work
itself: 1,300 deliveries stored per second through it against 3,000–5,000 here, on the same 2-core machine with
no processor running beside it (the load of `benchmarks/donations.py`). So `with_webhook_receiver` wraps the
project's WSGI application and answers a ``POST`` to the webhook's path itself; every other request, and any
webhook request it does not take (another method, no Content-Length), goes to Django as before.

What it keeps of Django: the settings, the database connections and their life cycle (`request_started` and
`request_finished` are sent, so connections are checked and recycled as for any request), the request body limit
(`DATA_UPLOAD_MAX_MEMORY_SIZE`), and the same answer as the Django view, from `webhook_answer`. What it skips is
what a server-to-server JSON POST, authenticated by its signature, does not use: sessions, authentication, CSRF
(the view is exempt anyway), messages, static files, clickjacking headers, the Host check (ALLOWED_HOSTS) and the
HTTPS redirect (Stripe itself refuses plain-HTTP endpoints in live mode). The Django view stays for the test client
and `runserver`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core import signals
from django.db import transaction
from django.urls import reverse

from swingfund.funding.payments.models import StripeEvent
from swingfund.funding.payments.services import WebhookRefused, WebhooksOff, stripe_event_receive
from swingfund.funding.payments.tasks import stripe_events_queue_soon

logger = logging.getLogger("swingfund.funding.payments.receiver")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
TOO_LARGE = "The body is {size:,} bytes; a Stripe event is at most {limit:,} (DATA_UPLOAD_MAX_MEMORY_SIZE)."
FAILED = "The delivery could not be stored; Stripe will send it again."


def webhook_answer(*, payload: bytes, signature: str | None) -> tuple[int, dict[str, Any]]:
    """Receive one delivery: (HTTP status, JSON answer). 200 only once the event is durably stored; 400 for a
    delivery that is not a verified Stripe event (nothing written); 503 when webhooks are not configured. A new
    event is applied by a task (`tasks.py`) queued when its transaction commits: at once here, since the event is
    stored by its own commit, or when a caller's own transaction commits."""
    try:
        receipt = stripe_event_receive(payload=payload, signature=signature)
    except WebhookRefused as err:
        return 400, {"error": str(err)}
    except WebhooksOff as err:
        return 503, {"error": str(err)}
    if receipt.status == StripeEvent.Status.PENDING:  # applied by `swingfund worker`, once the event is committed
        transaction.on_commit(stripe_events_queue_soon)
    return 200, {"received": receipt.event_id, "status": receipt.status, "duplicate": receipt.duplicate}


def with_webhook_receiver(django_app: WSGIApp) -> WSGIApp:
    """The project's WSGI application, answering Stripe webhook deliveries itself (see the module's text)."""
    path = reverse("payments:stripe-webhook")

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = environ.get("CONTENT_LENGTH") or ""
        if environ.get("PATH_INFO") != path or environ.get("REQUEST_METHOD") != "POST" or not length.isdigit():
            return django_app(environ, start_response)
        signals.request_started.send(sender=application, environ=environ)
        try:
            status, answer = _receive(environ, int(length))
        finally:
            signals.request_finished.send(sender=application)
        body = json.dumps(answer).encode()
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [body]

    return application


def _receive(environ: dict[str, Any], length: int) -> tuple[int, dict[str, Any]]:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and length > limit:
        message = TOO_LARGE.format(size=length, limit=limit)
        logger.warning("Stripe webhook refused: %s", message)
        return 413, {"error": message}
    try:
        payload = environ["wsgi.input"].read(length)
        status, answer = webhook_answer(payload=payload, signature=environ.get("HTTP_STRIPE_SIGNATURE"))
    except Exception:  # noqa: BLE001 — logged with its traceback, answered 500: Stripe retries
        logger.exception("Stripe webhook delivery failed")
        return 500, {"error": FAILED}
    if status != 200:  # as Django logs a 4xx/5xx answer: a forged delivery must be visible in the logs
        logger.warning("Stripe webhook answered %d: %s", status, answer["error"])
    return status, answer
