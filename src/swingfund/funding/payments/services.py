"""Receiving Stripe webhook events: verify, store once by event id, act on the payment, all in one transaction.

Stripe delivers each event at least once, possibly several times at the same moment, and in any order. So:

* the signature is checked with the `stripe` library's own verification before anything is read or written;
* the event row is inserted first, inside the transaction; its unique event id makes a concurrent second delivery
  wait for the first and then see it (a duplicate is acknowledged with 200 and not processed again);
* a refund or dispute whose payment has not arrived yet is stored as *waiting* and applied in the same transaction
  that later records the payment;
* a gift is recorded through the ledger's `donation_record`, itself idempotent on the payment intent id, so a
  ``checkout.session.completed`` and a ``payment_intent.succeeded`` for the same payment record one gift.

An unexpected error rolls everything back and answers 500, so Stripe retries; a payment swingfund cannot place
(say, a campaign that no longer exists) is stored as *failed* with its reason, for an organiser to see.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import stripe as stripe_library
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from swingfund.funding.payments import handlers
from swingfund.funding.payments.models import StripeEvent
from swingfund.funding.payments.stripe import WEBHOOKS_OFF, PaymentFee, payment_fee_fetch

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
        stripe_library.Webhook.construct_event(payload, signature, secret, tolerance=SIGNATURE_TOLERANCE_SECONDS)
    except stripe_library.SignatureVerificationError as err:
        raise WebhookRefused(SIGNATURE_REFUSED.format(detail=err.user_message or str(err))) from err
    except (ValueError, UnicodeDecodeError) as err:
        raise WebhookRefused(NOT_AN_EVENT.format(detail=err)) from err
    event = json.loads(payload)
    if not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str) or "data" not in event:
        raise WebhookRefused(NOT_AN_EVENT.format(detail="it has no id, type or data"))
    return event


def stripe_event_receive(
    *, payload: bytes, signature: str | None, fee_lookup: FeeLookup = payment_fee_fetch
) -> Receipt:
    """Verify one delivery and record it exactly once; act on it in the same transaction."""
    event = stripe_event_verify(payload=payload, signature=signature)
    event_id = event["id"]
    seen = StripeEvent.objects.filter(event_id=event_id).exclude(status=StripeEvent.Status.FAILED)
    if seen.update(deliveries=F("deliveries") + 1):
        row = seen.values_list("status", flat=True).first()
        return Receipt(event_id=event_id, type=event["type"], status=row or "", duplicate=True)
    # Anything that needs the network (Stripe's fee) happens before the transaction opens.
    fee = handlers.fee_needed(event, fee_lookup)
    with transaction.atomic():
        row, duplicate = _event_claim(event)
        if duplicate:
            return Receipt(event_id=event_id, type=row.type, status=row.status, duplicate=True)
        _event_handle(row, event, fee)
    return Receipt(event_id=event_id, type=row.type, status=row.status, duplicate=False)


def _event_claim(event: dict[str, Any]) -> tuple[StripeEvent, bool]:
    """Insert the event row, or lock the existing one. A failed event is claimed again (it is retried)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            row = StripeEvent.objects.create(
                event_id=event["id"], type=event["type"], livemode=bool(event.get("livemode")),
                created=datetime.fromtimestamp(int(event.get("created") or now.timestamp()), tz=UTC),
                payload=event, received_at=now, status=StripeEvent.Status.HANDLED,
            )
        return row, False
    except IntegrityError:
        row = StripeEvent.objects.select_for_update().get(event_id=event["id"])
    row.deliveries += 1
    if row.status != StripeEvent.Status.FAILED:
        row.save(update_fields=["deliveries"])
        return row, True
    return row, False


def _event_handle(row: StripeEvent, event: dict[str, Any], fee: PaymentFee | None) -> None:
    """Run the event's handler in a savepoint: a refusal (bad metadata, unknown campaign) is stored as failed;
    anything else unexpected propagates and rolls the whole delivery back."""
    try:
        with transaction.atomic():
            outcome = handlers.handle(event, fee=fee)
    except handlers.EventRefused as err:
        outcome = handlers.Outcome(StripeEvent.Status.FAILED, error=str(err))
    row.status, row.error, row.waiting_for = outcome.status, outcome.error, outcome.waiting_for
    row.handled_at = timezone.now() if outcome.status == StripeEvent.Status.HANDLED else None
    row.save(update_fields=["status", "error", "waiting_for", "handled_at", "deliveries"])
    if outcome.status == StripeEvent.Status.HANDLED and outcome.payment_intent:
        _waiting_apply(payment_intent=outcome.payment_intent)


def _waiting_apply(*, payment_intent: str) -> None:
    """Apply, in Stripe's order, every refund or dispute that arrived before this payment."""
    waiting = StripeEvent.objects.select_for_update().filter(
        status=StripeEvent.Status.WAITING, waiting_for=payment_intent
    ).order_by("created", "id")
    for row in waiting:
        _event_handle(row, row.payload, None)
