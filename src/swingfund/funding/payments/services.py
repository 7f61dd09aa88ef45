"""Stripe webhook events: verified, stored once by event id, then applied to the ledger in their own transaction.

Stripe delivers each event at least once, possibly several times at the same moment, and in any order, and it
asks endpoints to answer quickly. So receiving and applying are two steps:

* `stripe_event_receive` (the webhook) checks the signature with the `stripe` library's own verification, then
  inserts the event as PENDING in one short transaction; the unique event id makes a concurrent or later
  redelivery a no-op (acknowledged with 200, counted in `deliveries`). Once it has answered 200, the event is
  durable: a crash after that loses nothing.
* `stripe_event_apply` applies one pending event in one transaction: the row is locked and re-checked, the gift is
  recorded through the ledger's `donation_record` (itself idempotent on the payment intent, so
  ``checkout.session.completed`` and ``payment_intent.succeeded`` for one payment make one gift), and a refund or
  dispute whose payment has not arrived yet is stored as WAITING and applied in the transaction that later
  records that payment. `stripe_events_apply_pending` drains the queue in arrival order; `processor.py` runs it
  in the background of the web process, and ``swingfund stripe process`` runs it by hand.

A payment swingfund cannot place (say, a campaign that no longer exists) is stored as FAILED with its reason, for an
organiser to see; Stripe's next redelivery of it puts it back in the queue. An unexpected error (Stripe unreachable
for the fee) leaves the event pending for the next pass, up to `MAX_ATTEMPTS`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import stripe as stripe_library
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from swingfund.funding.payments import handlers
from swingfund.funding.payments.gate import gate
from swingfund.funding.payments.models import StripeEvent
from swingfund.funding.payments.stripe import WEBHOOKS_OFF, PaymentFee, payment_fee_fetch

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FEE_LOOKUP_THREADS = 8
APPLY_CHUNK = 50  # events whose fees are fetched together, then applied one by one
SIGNATURE_TOLERANCE_SECONDS = 300  # Stripe's default: a signed timestamp older than 5 minutes is refused (replays)
SIGNATURE_REFUSED = "Stripe signature refused: {detail}"
NOT_AN_EVENT = "The body is not a Stripe event: {detail}"

FeeLookup = Callable[..., PaymentFee]


class WebhookRefused(ValueError):
    """The delivery is not a verified Stripe event; nothing was written."""


class WebhooksOff(RuntimeError):
    pass


@dataclass(frozen=True)
class Receipt:
    event_id: str
    type: str
    status: str
    duplicate: bool


def stripe_event_verify(*, payload: bytes, signature: str | None) -> dict[str, Any]:
    """The event as a dict, once Stripe's library has verified the signature and its timestamp (tolerance)."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise WebhooksOff(WEBHOOKS_OFF)
    try:
        # The library's own check (what `stripe.Webhook.construct_event` runs before building its object): the
        # HMAC-SHA256 of "{t}.{body}" with the endpoint secret, compared in constant time, and t within tolerance.
        stripe_library.WebhookSignature.verify_header(payload, signature, secret, SIGNATURE_TOLERANCE_SECONDS)
        event = json.loads(payload)
    except stripe_library.SignatureVerificationError as err:
        raise WebhookRefused(SIGNATURE_REFUSED.format(detail=err.user_message or str(err))) from err
    except (ValueError, UnicodeDecodeError) as err:
        raise WebhookRefused(NOT_AN_EVENT.format(detail=err)) from err
    if not isinstance(event, dict):
        raise WebhookRefused(NOT_AN_EVENT.format(detail="it is not a JSON object"))
    if not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str) or "data" not in event:
        raise WebhookRefused(NOT_AN_EVENT.format(detail="it has no id, type or data"))
    return event


def stripe_event_receive(*, payload: bytes, signature: str | None) -> Receipt:
    """Verify one delivery and store it once (PENDING). Nothing else happens in the request."""
    event = stripe_event_verify(payload=payload, signature=signature)
    with gate.delivery():
        return _event_store(event)


def _event_store(event: dict[str, Any]) -> Receipt:
    now = timezone.now()
    try:
        with transaction.atomic():
            StripeEvent.objects.create(
                event_id=event["id"], type=event["type"], livemode=bool(event.get("livemode")),
                created=datetime.fromtimestamp(int(event.get("created") or now.timestamp()), tz=UTC),
                payload=event, received_at=now, status=StripeEvent.Status.PENDING,
            )
        return Receipt(event_id=event["id"], type=event["type"], status=StripeEvent.Status.PENDING, duplicate=False)
    except IntegrityError:
        pass
    with transaction.atomic():
        row = StripeEvent.objects.select_for_update().get(event_id=event["id"])
        row.deliveries += 1
        fields = ["deliveries"]
        if row.status == StripeEvent.Status.FAILED:  # a redelivery of a failed event is a retry
            row.status, row.error, row.attempts = StripeEvent.Status.PENDING, "", 0
            fields += ["status", "error", "attempts"]
        row.save(update_fields=fields)
    return Receipt(event_id=row.event_id, type=row.type, status=row.status, duplicate=True)


def stripe_event_apply(*, event_id: str, fee_lookup: FeeLookup = payment_fee_fetch) -> str:
    """Apply one pending event in one transaction; returns its status afterwards. Safe to call concurrently from
    several processes: the row is locked and re-checked, so an event is applied once."""
    payload = StripeEvent.objects.filter(event_id=event_id, status=StripeEvent.Status.PENDING).values_list(
        "payload", flat=True).first()
    if payload is None:
        return StripeEvent.objects.filter(event_id=event_id).values_list("status", flat=True).first() or ""
    return _event_apply(event_id=event_id, payload=payload, fee_lookup=fee_lookup)


def _event_apply(*, event_id: str, payload: dict[str, Any], fee_lookup: FeeLookup) -> str:
    """`stripe_event_apply` once the stored payload is in hand (the status is re-checked under the row lock)."""
    try:
        fee = handlers.fee_needed(payload, fee_lookup)  # network, so before the transaction opens
        with gate.apply(), transaction.atomic():
            # The payload never changes once stored: lock and re-check the status only, not re-read the JSON.
            row = StripeEvent.objects.select_for_update().only("id", "event_id", "status").get(event_id=event_id)
            if row.status != StripeEvent.Status.PENDING:
                return row.status
            _event_handle(row, payload, fee)
            return row.status
    except Exception as err:  # noqa: BLE001 — kept pending (or failed after MAX_ATTEMPTS) with the reason
        with gate.apply():
            _attempt_failed(event_id, err)
        raise


def _attempt_failed(event_id: str, err: Exception) -> None:
    with transaction.atomic():
        row = StripeEvent.objects.select_for_update().get(event_id=event_id)
        if row.status != StripeEvent.Status.PENDING:
            return
        row.attempts += 1
        row.error = f"Attempt {row.attempts} failed: {type(err).__name__}: {err}"[:2000]
        if row.attempts >= MAX_ATTEMPTS:
            row.status = StripeEvent.Status.FAILED
        row.save(update_fields=["attempts", "error", "status"])


def stripe_events_apply_pending(*, limit: int | None = None, fee_lookup: FeeLookup = payment_fee_fetch) -> int:
    """Apply pending events in arrival order; returns how many were applied. Stripe's fees for the batch are
    fetched concurrently first (network only); each event is then applied in its own transaction. An event whose
    attempt raised is left for the next pass."""
    ids = list(StripeEvent.objects.filter(status=StripeEvent.Status.PENDING).order_by("id")
               .values_list("id", flat=True)[: limit or None])
    applied = 0
    for start in range(0, len(ids), APPLY_CHUNK):
        gate.wait_idle()  # fetching fees costs this process CPU too: deliveries first
        rows = list(StripeEvent.objects.filter(id__in=ids[start:start + APPLY_CHUNK]).order_by("id")
                    .values_list("event_id", "payload"))
        fees = _fees_prefetch([payload for _, payload in rows], fee_lookup)

        def lookup(*, payment_intent_id: str, fees: dict[str, PaymentFee] = fees) -> PaymentFee:
            fee = fees.get(payment_intent_id)
            return fee if fee is not None else fee_lookup(payment_intent_id=payment_intent_id)

        for event_id, payload in rows:
            try:
                _event_apply(event_id=event_id, payload=payload, fee_lookup=lookup)
            except Exception:  # noqa: BLE001 — recorded on the row by stripe_event_apply
                logger.exception("Stripe event %s could not be applied", event_id)
                continue
            applied += 1
    return applied


def _fees_prefetch(payloads: list[dict[str, Any]], fee_lookup: FeeLookup) -> dict[str, PaymentFee]:
    """Fees for the payment events in a batch, asked of Stripe in parallel; a failed lookup is simply missing
    (the event's own attempt asks again and records the error)."""
    intents = sorted({i for i in map(handlers.fee_intent, payloads) if i})
    if len(intents) < 2:
        return {}

    def one(intent: str) -> tuple[str, PaymentFee | None]:
        try:
            return intent, fee_lookup(payment_intent_id=intent)
        except Exception:  # noqa: BLE001
            return intent, None

    with ThreadPoolExecutor(FEE_LOOKUP_THREADS) as pool:
        return {intent: fee for intent, fee in pool.map(one, intents) if fee is not None}


def _event_handle(row: StripeEvent, event: dict[str, Any], fee: PaymentFee | None) -> None:
    """Run the event's handler in a savepoint: a refusal (bad metadata, unknown campaign) is stored as failed;
    anything else unexpected propagates and rolls the whole attempt back."""
    try:
        with transaction.atomic():
            outcome = handlers.handle(event, fee=fee)
    except handlers.EventRefused as err:
        outcome = handlers.Outcome(StripeEvent.Status.FAILED, error=str(err))
    row.status, row.error, row.waiting_for = outcome.status, outcome.error, outcome.waiting_for
    row.handled_at = timezone.now() if outcome.status == StripeEvent.Status.HANDLED else None
    row.save(update_fields=["status", "error", "waiting_for", "handled_at"])
    if outcome.status == StripeEvent.Status.HANDLED and outcome.payment_intent:
        _waiting_apply(payment_intent=outcome.payment_intent)


def _waiting_apply(*, payment_intent: str) -> None:
    """Apply, in Stripe's order, every refund or dispute that arrived before this payment."""
    waiting = StripeEvent.objects.select_for_update().filter(
        status=StripeEvent.Status.WAITING, waiting_for=payment_intent
    ).order_by("created", "id")
    for row in waiting:
        _event_handle(row, row.payload, None)
