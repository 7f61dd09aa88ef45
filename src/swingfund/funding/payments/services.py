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
  records that payment. `stripe_events_apply_pending` drains the queue in arrival order; a django-tasks task
  (`tasks.py`), queued when the webhook's event is committed, runs it in ``swingfund worker``, and
  ``swingfund stripe process`` runs it by hand.

A payment swingfund cannot place (say, a campaign that no longer exists) is stored as FAILED with its reason, for an
organiser to see; Stripe's next redelivery of it puts it back in the queue. An unexpected error (Stripe unreachable
for the fee) leaves the event pending for the next pass, up to `MAX_ATTEMPTS`.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import stripe as stripe_library
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from swingfund.funding import services as funding
from swingfund.funding.models import Donation, Method
from swingfund.funding.payments import handlers
from swingfund.funding.payments.gate import CHUNK_MAX_WAIT_SECONDS, gate
from swingfund.funding.payments.intake import GroupCommit, Receipt, Verified, event_store, events_store_many
from swingfund.funding.payments.models import StripeEvent
from swingfund.funding.payments.stripe import (
    WEBHOOKS_OFF,
    PaymentFee,
    StripeUnavailable,
    payment_fee_fetch,
    payment_fees_fetch_many,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FEE_LOOKUP_THREADS = 8
APPLY_CHUNK = 200  # events whose fees are fetched together and whose payments are recorded together
APPLY_CHUNK_BUSY = 50  # … while webhook deliveries keep arriving
FEE_LISTING_MARGIN_SECONDS = 3600  # a charge is created before its payment's events: list back this far
# Fees of payments met while listing charges for an earlier chunk (newest first, so a backlog's later payments come
# up first): kept so that the next chunks need no listing. A fee never changes once its balance transaction exists.
FEES_SEEN_MAX = 20_000
_fees_seen: OrderedDict[str, PaymentFee] = OrderedDict()
_fees_seen_lock = threading.Lock()
SIGNATURE_TOLERANCE_SECONDS = 300  # Stripe's default: a signed timestamp older than 5 minutes is refused (replays)
SIGNATURE_REFUSED = "Stripe signature refused: {detail}"
NOT_AN_EVENT = "The body is not a Stripe event: {detail}"

FeeLookup = Callable[..., PaymentFee]


class WebhookRefused(ValueError):
    """The delivery is not a verified Stripe event; nothing was written."""


class WebhooksOff(RuntimeError):
    pass


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
    """Verify one delivery and store it once (PENDING), with the deliveries arriving at the same moment (group
    commit, `intake.py`). Nothing else happens in the request."""
    with gate.delivery():
        event = stripe_event_verify(payload=payload, signature=signature)
        return _intake.store(Verified.of(event, payload))


_intake = GroupCommit(store_one=event_store, store_many=events_store_many, around=gate.commit)


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
    """Apply pending events in arrival order; returns how many were applied. For each chunk, Stripe's fees are
    fetched first (network only, in one listing of charges), then the chunk's payments are recorded together in
    one transaction (`donations_record_many`) and every other event (refunds, disputes, anything refused) is
    applied in its own transaction. If the batch fails as a whole, its events are applied one by one, so a bad
    event is stored as failed with its reason and does not hold back the rest. An event whose attempt raised is
    left for the next pass."""
    ids = list(StripeEvent.objects.filter(status=StripeEvent.Status.PENDING).order_by("id")
               .values_list("id", flat=True)[: limit or None])
    applied, start = 0, 0
    while start < len(ids):
        # Deliveries first, in this process (fetching fees costs it CPU too) and any other (SQLite's write lock);
        # while they keep coming, a smaller chunk, so that they wait less behind its transaction.
        quiet = gate.wait_idle(other_processes=CHUNK_MAX_WAIT_SECONDS)
        chunk = ids[start:start + (APPLY_CHUNK if quiet else APPLY_CHUNK_BUSY)]
        start += len(chunk)
        rows = list(StripeEvent.objects.filter(id__in=chunk).order_by("id").values_list("event_id", "payload"))
        intents = {event_id: handlers.fee_intent(payload) for event_id, payload in rows}  # '' when no fee is asked
        recorded = set(Donation.objects.filter(method=Method.CARD, external_id__in=set(intents.values()) - {""})
                       .values_list("external_id", flat=True))
        fees = _fees_prefetch([payload for _, payload in rows], set(intents.values()) - recorded - {""}, fee_lookup)

        def lookup(*, payment_intent_id: str, fees: dict[str, PaymentFee] = fees) -> PaymentFee:
            fee = fees.get(payment_intent_id)
            return fee if fee is not None else fee_lookup(payment_intent_id=payment_intent_id)

        rest = _payments_apply_together(rows, intents, recorded, fees) if len(rows) > 1 else rows
        applied += len(rows) - len(rest)
        for event_id, payload in rest:
            try:
                _event_apply(event_id=event_id, payload=payload, fee_lookup=lookup)
            except Exception:  # noqa: BLE001 — recorded on the row by stripe_event_apply
                logger.exception("Stripe event %s could not be applied", event_id)
                continue
            applied += 1
    return applied


def _payments_apply_together(rows: list[tuple[str, dict]], intents: dict[str, str], recorded: set[str],
                             fees: dict[str, PaymentFee]) -> list[tuple[str, dict]]:
    """Record the chunk's payments in one transaction; returns the events left to apply one by one (not payments,
    refused, or whose fee is not known yet — or all of them, if the batch failed). `intents` gives each event's
    payment intent ('' for none), `recorded` those already in the ledger."""
    lookups, batch, rest = handlers.Lookups(), [], []
    for event_id, payload in rows:
        intent = intents[event_id]
        if not intent or (intent not in fees and intent not in recorded):
            rest.append((event_id, payload))
            continue
        try:
            gift = handlers.payment_gift(payload, fee=fees.get(intent), lookups=lookups)
        except handlers.EventRefused:
            rest.append((event_id, payload))  # stored as failed, with its reason, by the one-by-one path
            continue
        batch.append((event_id, gift))
    if len(batch) < 2:
        return rows
    try:
        with gate.apply(), transaction.atomic():
            pending = set(StripeEvent.objects.select_for_update().filter(
                event_id__in=[e for e, _ in batch], status=StripeEvent.Status.PENDING,
            ).values_list("event_id", flat=True))
            batch = [(e, gift) for e, gift in batch if e in pending]  # another process applied the others
            funding.donations_record_many([gift for _, gift in batch])
            StripeEvent.objects.filter(event_id__in=[e for e, _ in batch]).update(
                status=StripeEvent.Status.HANDLED, error="", waiting_for="", handled_at=timezone.now())
            intents = [gift.external_id for _, gift in batch]
            for intent in set(StripeEvent.objects.filter(status=StripeEvent.Status.WAITING, waiting_for__in=intents)
                              .values_list("waiting_for", flat=True)):
                _waiting_apply(payment_intent=intent)
    except Exception:  # noqa: BLE001 — nothing of the batch was written; each event is tried on its own
        logger.warning("Recording %d payments together failed; applying them one by one", len(batch), exc_info=True)
        return rows
    return rest


def _fees_prefetch(payloads: list[dict[str, Any]], intents: set[str], fee_lookup: FeeLookup
                   ) -> dict[str, PaymentFee]:
    """Fees for the payment `intents` of a batch (those not yet recorded). With Stripe itself (the default look-up),
    one listing of recent charges with their balance transactions (a page per hundred payments); with another
    look-up, one call per payment in parallel. A fee not found is simply missing (the event's own attempt asks
    again and records any error)."""
    if len(intents) < 2:
        return {}
    if fee_lookup is payment_fee_fetch:
        with _fees_seen_lock:
            found = {i: _fees_seen[i] for i in intents if i in _fees_seen}
        missing = intents - set(found)
        since = min(int(p.get("created") or 0) for p in payloads) - FEE_LISTING_MARGIN_SECONDS
        try:
            if missing:
                others: dict[str, PaymentFee] = {}
                found |= payment_fees_fetch_many(payment_intent_ids=missing, created_since=since, others=others)
                with _fees_seen_lock:
                    _fees_seen.update(others)
                    while len(_fees_seen) > FEES_SEEN_MAX:
                        _fees_seen.popitem(last=False)
            return found
        except StripeUnavailable:
            logger.warning("Listing charges for their fees failed; asking per payment", exc_info=True)

    def one(intent: str) -> tuple[str, PaymentFee | None]:
        try:
            return intent, fee_lookup(payment_intent_id=intent)
        except Exception:  # noqa: BLE001
            return intent, None

    with ThreadPoolExecutor(FEE_LOOKUP_THREADS) as pool:
        return {intent: fee for intent, fee in pool.map(one, sorted(intents)) if fee is not None}


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
