"""Talking to Stripe through its Python library: Checkout Sessions for card gifts, and the fees of payments.

Card payments are off until ``STRIPE_SECRET_KEY`` is set. ``STRIPE_API_BASE`` points the library at another
address speaking Stripe's wire format (the local stand-in in tests and the offline demo); empty means Stripe.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterator
from dataclasses import dataclass

import stripe
from django.conf import settings

CARD_PAYMENTS_OFF = "Card payments are switched off: the organiser has not set STRIPE_SECRET_KEY."
WEBHOOKS_OFF = "Stripe webhooks are switched off: STRIPE_WEBHOOK_SECRET is not set."
STRIPE_UNAVAILABLE = "Stripe could not create the payment page just now ({detail}). Nothing was charged; try again."
FEES_UNAVAILABLE = "Stripe could not list charges for their fees just now ({kind}: {detail})."
CURRENCY = "gbp"
# Stripe's largest list page (https://docs.stripe.com/api/pagination): the fewest round trips per batch of fees.
CHARGES_PAGE_LIMIT = 100
# Stripe limits each metadata value to 500 characters.
METADATA_VALUE_LIMIT = 500


class CardPaymentsOff(RuntimeError):
    pass


class StripeUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    amount_pence: int


@dataclass(frozen=True)
class PaymentFee:
    charge_id: str
    fee_pence: int
    balance_transaction_id: str


def card_payments_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def stripe_client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise CardPaymentsOff(CARD_PAYMENTS_OFF)
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


@functools.lru_cache(maxsize=4)
def _client(api_key: str, api_base: str) -> stripe.StripeClient:
    """One client per key and address, so its HTTP connections are reused (the library's HTTP client keeps a
    session per thread)."""
    base = {"api": api_base} if api_base else None
    return stripe.StripeClient(api_key, base_addresses=base, max_network_retries=2)


def gift_metadata(*, name: str, email: str, address: str, postcode: str, category: str, declared: bool,
                  consent_publish: bool, candidacy_id: int | None, amount_pence: int, threshold_pence: int
                  ) -> dict[str, str]:
    """What a Checkout Session carries about the gift, for the webhook to record it: the donor's details, their
    permissibility declaration (kept only for a gift over the threshold), consent to publish, the earmark."""
    metadata = {
        "donor_name": name, "donor_email": email, "donor_address": address, "donor_postcode": postcode.upper(),
        "category": category if amount_pence > threshold_pence else "", "declared": "yes" if declared else "no",
        "consent_publish": "yes" if consent_publish else "no", "declaration_threshold_pence": str(threshold_pence),
    }
    if candidacy_id:
        metadata["earmarked_candidacy"] = str(candidacy_id)
    return metadata


def checkout_session_create(
    *,
    campaign_slug: str,
    campaign_title: str,
    amount_pence: int,
    donor_email: str,
    metadata: dict[str, str],
    success_url: str,
    cancel_url: str,
    idempotency_key: str,
) -> CheckoutSession:
    """Create a Stripe Checkout Session for one card gift of ``amount_pence`` (GBP).

    The metadata (campaign, donor details, declaration, earmarked candidacy) is set on the session and on its
    payment intent, so whichever of ``checkout.session.completed`` / ``payment_intent.succeeded`` arrives first can
    record the gift."""
    if isinstance(amount_pence, bool) or not isinstance(amount_pence, int) or amount_pence <= 0:
        raise ValueError(f"amount_pence must be a positive integer, got {amount_pence!r}")
    clean = {k: str(v)[:METADATA_VALUE_LIMIT] for k, v in {"campaign": campaign_slug, **metadata}.items()}
    params = {
        "mode": "payment",
        "line_items": [{
            "quantity": 1,
            "price_data": {"currency": CURRENCY, "unit_amount": amount_pence,
                           "product_data": {"name": f"Gift to {campaign_title}"[:250]}},
        }],
        "customer_email": donor_email or None,
        "client_reference_id": campaign_slug,
        "metadata": clean,
        "payment_intent_data": {"metadata": clean, "description": f"Gift to {campaign_title}"[:250]},
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    params = {k: v for k, v in params.items() if v is not None}
    try:
        session = stripe_client().v1.checkout.sessions.create(params, {"idempotency_key": idempotency_key})
    except stripe.StripeError as err:
        raise StripeUnavailable(STRIPE_UNAVAILABLE.format(detail=err.user_message or str(err))) from err
    return CheckoutSession(id=session.id, url=session.url, amount_pence=session.amount_total)


def payment_fee_fetch(*, payment_intent_id: str) -> PaymentFee:
    """Stripe's fee on a payment: its latest charge's balance transaction (``expand`` saves a round trip)."""
    intent = stripe_client().v1.payment_intents.retrieve(
        payment_intent_id, {"expand": ["latest_charge.balance_transaction"]}
    )
    charge = intent.latest_charge
    txn = charge.balance_transaction
    return PaymentFee(charge_id=charge.id, fee_pence=int(txn.fee), balance_transaction_id=txn.id)


def _charges_listed(created_since: int) -> Iterator[dict]:
    """Charges created at or after `created_since`, newest first, page by page (``starting_after`` the last one)
    as plain dicts: the library's own request (authentication, retries, errors raised as `stripe.StripeError`)
    without building a `StripeObject` per field, which costs more than the rest of recording a gift."""
    params: dict = {"created": {"gte": created_since}, "limit": CHARGES_PAGE_LIMIT,
                    "expand": ["data.balance_transaction"]}
    while True:
        page = stripe_client().raw_request("get", "/v1/charges", **params).data
        yield from page["data"]
        if not page.get("has_more") or not page["data"]:
            return
        params["starting_after"] = page["data"][-1]["id"]


def payment_fees_fetch_many(*, payment_intent_ids: Collection[str], created_since: int,
                            others: dict[str, PaymentFee] | None = None) -> dict[str, PaymentFee]:
    """Stripe's fees on many payments at once, from the list of charges created at or after ``created_since`` (a
    Unix timestamp no later than the oldest payment's charge), each with its balance transaction expanded.

    Stripe lists charges newest first, 100 to a page; the library's ``auto_paging_iter`` asks for the next page
    (``starting_after`` the last charge) only when the previous one is used up, so paging stops as soon as every
    requested payment intent has been found. For an intent with several charges the newest one with a balance
    transaction counts (its ``latest_charge``, as `payment_fee_fetch` reads). Intents not found (older than
    ``created_since``, or not yet charged) are absent from the result: ask `payment_fee_fetch` for those. A Stripe
    error on any page raises `StripeUnavailable`. The fees of other payments met on the pages read are put in
    ``others`` when it is given (a caller processing a backlog oldest first can keep them for its next batch)."""
    wanted = set(payment_intent_ids)
    if not wanted:
        return {}
    fees: dict[str, PaymentFee] = {}
    try:
        for charge in _charges_listed(created_since):
            intent, txn = charge.get("payment_intent"), charge.get("balance_transaction")
            if not intent or not isinstance(txn, dict):
                continue
            fee = PaymentFee(charge_id=charge["id"], fee_pence=int(txn["fee"]), balance_transaction_id=txn["id"])
            if intent not in wanted:
                if others is not None:
                    others.setdefault(intent, fee)  # newest first: the first met is the latest charge
                continue
            if intent in fees:
                continue
            fees[intent] = fee
            if len(fees) == len(wanted):
                break
    except stripe.StripeError as err:
        raise StripeUnavailable(FEES_UNAVAILABLE.format(kind=type(err).__name__,
                                                        detail=err.user_message or str(err))) from err
    return fees
