"""What each Stripe event type does to the ledger. Called by `services.stripe_event_apply` for one event inside its
transaction, and (`payment_gift` only) by `services._payments_apply_together` for a chunk of payments recorded at
once; every write goes through the ledger's own services (`swingfund.funding.services`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError

from swingfund.elections.models import Candidacy
from swingfund.funding import services as funding
from swingfund.funding.models import Campaign, Donation, Method, Refund
from swingfund.funding.payments.stripe import PaymentFee

PAYMENT_EVENTS = {"checkout.session.completed", "checkout.session.async_payment_succeeded", "payment_intent.succeeded"}
REFUND_EVENTS = {"charge.refunded"}
DISPUTE_EVENTS = {"charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed",
                  "charge.dispute.funds_withdrawn", "charge.dispute.funds_reinstated"}

NOT_SWINGFUND = "Not a swingfund payment: its metadata names no campaign."
UNKNOWN_CAMPAIGN = "The payment names campaign '{slug}', which does not exist."
UNKNOWN_CANDIDACY = "The payment is earmarked for candidacy {pk}, which does not exist."
NOT_GBP = "The payment is in {currency}, not GBP: swingfund records pounds only."
NO_PAYMENT_INTENT = "The event names no payment intent."
REFUSED_BY_LEDGER = "The ledger refused the gift: {detail}"
REFUND_COUNTS = {None, "succeeded", "pending"}  # a failed or cancelled refund gave nothing back
NOT_PAID = "The checkout session is not paid yet (payment_status={status})."


class EventRefused(Exception):
    """The event is genuine but swingfund cannot act on it; stored as failed with this message."""


@dataclass(frozen=True)
class Outcome:
    status: str
    error: str = ""
    waiting_for: str = ""
    payment_intent: str = ""  # set when a gift was recorded: waiting refunds/disputes for it are then applied


def _payment(event: dict[str, Any]) -> tuple[str, int, str, dict[str, str]]:
    """(payment intent id, amount in pence, currency, metadata) of a payment event."""
    obj = event["data"]["object"]
    if event["type"] == "payment_intent.succeeded":
        return obj["id"], int(obj.get("amount_received") or obj["amount"]), obj.get("currency", ""), obj["metadata"]
    return obj.get("payment_intent") or "", int(obj.get("amount_total") or 0), obj.get("currency", ""), obj["metadata"]


def fee_intent(event: dict[str, Any]) -> str:
    """The payment intent whose fee must be asked of Stripe for this event ('' when none is needed)."""
    if event.get("type") not in PAYMENT_EVENTS:
        return ""
    intent, _amount, _currency, metadata = _payment(event)
    if not intent or not (metadata or {}).get("campaign"):
        return ""
    if event["type"] != "payment_intent.succeeded" and event["data"]["object"].get("payment_status") != "paid":
        return ""
    return intent


def fee_needed(event: dict[str, Any], fee_lookup: Callable[..., PaymentFee]) -> PaymentFee | None:
    """Stripe's fee for a swingfund payment event not yet recorded (asks Stripe: events do not carry it)."""
    intent = fee_intent(event)
    if not intent or Donation.objects.filter(method=Method.CARD, external_id=intent).exists():
        return None
    return fee_lookup(payment_intent_id=intent)


def handle(event: dict[str, Any], *, fee: PaymentFee | None) -> Outcome:
    kind = event["type"]
    if kind in PAYMENT_EVENTS:
        return payment_succeeded(event, fee=fee)
    if kind in REFUND_EVENTS:
        return charge_refunded(event)
    if kind in DISPUTE_EVENTS:
        return dispute_changed(event)
    return Outcome("ignored")


def _when(event: dict[str, Any]) -> datetime:
    return datetime.fromtimestamp(int(event["created"]), tz=UTC)


class Lookups:
    """Campaigns and candidacies named by payments, each read once (a batch of events names few)."""

    def __init__(self) -> None:
        self._campaigns: dict[str, Campaign | None] = {}
        self._candidacies: dict[str, Candidacy | None] = {}

    def campaign(self, slug: str) -> Campaign | None:
        if slug not in self._campaigns:
            self._campaigns[slug] = Campaign.objects.filter(slug=slug).first()
        return self._campaigns[slug]

    def candidacy(self, pk: str) -> Candidacy | None:
        if pk not in self._candidacies:
            self._candidacies[pk] = Candidacy.objects.filter(pk=pk).first() if str(pk).isdigit() else None
        return self._candidacies[pk]


def payment_gift(event: dict[str, Any], *, fee: PaymentFee | None, lookups: Lookups | None = None
                 ) -> funding.GiftDetails | Outcome:
    """The gift a payment event records, or the outcome when it records none (not a swingfund payment, not paid
    yet); raises `EventRefused` when the event names something swingfund cannot accept."""
    lookups = lookups or Lookups()
    obj = event["data"]["object"]
    intent, amount, currency, metadata = _payment(event)
    metadata = metadata or {}
    if not metadata.get("campaign"):
        return Outcome("ignored", error=NOT_SWINGFUND)
    if event["type"] != "payment_intent.succeeded" and obj.get("payment_status") != "paid":
        return Outcome("ignored", error=NOT_PAID.format(status=obj.get("payment_status")))
    if not intent:
        raise EventRefused(NO_PAYMENT_INTENT)
    if currency.lower() != "gbp":
        raise EventRefused(NOT_GBP.format(currency=currency))
    campaign = lookups.campaign(metadata["campaign"])
    if campaign is None:
        raise EventRefused(UNKNOWN_CAMPAIGN.format(slug=metadata["campaign"]))
    candidacy = None
    if metadata.get("earmarked_candidacy"):
        candidacy = lookups.candidacy(metadata["earmarked_candidacy"])
        if candidacy is None:
            raise EventRefused(UNKNOWN_CANDIDACY.format(pk=metadata["earmarked_candidacy"]))
    details = obj.get("customer_details") or {}
    declared = metadata.get("declared") == "yes" and metadata.get("category") or None
    donor = funding.DonorDetails(
        name=metadata.get("donor_name") or details.get("name") or "",
        email=metadata.get("donor_email") or details.get("email") or "",
        address=metadata.get("donor_address", ""),
        postcode=metadata.get("donor_postcode", ""),
        consent_publish=metadata.get("consent_publish") == "yes",
        category=declared,
    )
    return funding.GiftDetails(
        campaign=campaign, donor=donor, amount_pence=amount, fee_pence=fee.fee_pence if fee else 0,
        method=Method.CARD, reference=obj["id"], external_id=intent, received_at=_when(event),
        earmarked_candidacy=candidacy,
    )


def payment_succeeded(event: dict[str, Any], *, fee: PaymentFee | None) -> Outcome:
    gift = payment_gift(event, fee=fee)
    if isinstance(gift, Outcome):
        return gift
    if _donation(gift.external_id) is not None:
        return Outcome("handled", payment_intent=gift.external_id)  # the other event for this payment recorded it
    try:
        funding.donation_record_with_donor(gift)
    except (ValidationError, ValueError) as err:
        raise EventRefused(REFUSED_BY_LEDGER.format(detail=_detail(err))) from err
    return Outcome("handled", payment_intent=gift.external_id)


def _detail(err: Exception) -> str:
    return "; ".join(err.messages) if isinstance(err, ValidationError) else str(err)


def _donation(intent: str) -> Donation | None:
    return Donation.objects.filter(method=Method.CARD, external_id=intent).first() if intent else None


def charge_refunded(event: dict[str, Any]) -> Outcome:
    """Refunds are cumulative on the charge: each refund listed is applied once (by its id); without the list,
    the difference between the charge's ``amount_refunded`` and what is already recorded is applied."""
    charge = event["data"]["object"]
    intent = charge.get("payment_intent") or ""
    if not intent:
        raise EventRefused(NO_PAYMENT_INTENT)
    donation = _donation(intent)
    if donation is None:
        return Outcome("waiting", waiting_for=intent)
    listed = [r for r in (charge.get("refunds") or {}).get("data") or [] if r.get("status") in REFUND_COUNTS]
    try:
        if listed:
            known = set(Refund.objects.filter(external_id__in=[r["id"] for r in listed])
                        .values_list("external_id", flat=True))
            for refund in sorted(listed, key=lambda r: (r.get("created", 0), r["id"])):
                if refund["id"] not in known:
                    funding.donation_refund(
                        donation=donation, amount_pence=int(refund["amount"]), external_id=refund["id"],
                        reason=f"Stripe refund ({refund.get('reason') or 'no reason given'})",
                        refunded_at=datetime.fromtimestamp(int(refund.get("created") or event["created"]), tz=UTC))
            return Outcome("handled")
        recorded = sum(r.amount_pence for r in donation.refunds.all())
        missing = int(charge.get("amount_refunded") or 0) - recorded
        if missing > 0:
            funding.donation_refund(donation=donation, amount_pence=missing, reason="Stripe refund",
                                    external_id=event["id"], refunded_at=_when(event))
    except ValueError as err:
        raise EventRefused(REFUSED_BY_LEDGER.format(detail=err)) from err
    return Outcome("handled")


def dispute_changed(event: dict[str, Any]) -> Outcome:
    dispute = event["data"]["object"]
    intent = dispute.get("payment_intent") or ""
    if not intent:
        raise EventRefused(NO_PAYMENT_INTENT)
    donation = _donation(intent)
    if donation is None:
        return Outcome("waiting", waiting_for=intent)
    try:
        funding.donation_dispute(donation=donation, amount_pence=int(dispute["amount"]), external_id=dispute["id"],
                                 status=dispute["status"], at=_when(event))
    except ValueError as err:
        raise EventRefused(REFUSED_BY_LEDGER.format(detail=err)) from err
    return Outcome("handled")
