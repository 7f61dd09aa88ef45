"""Writes for gifts: donors, donations (card and offline), refunds, disputes, holding, releasing, returning.

Every function is keyword-only, runs under `transaction.atomic`, takes the ledger's chain-head lock first
(so concurrent deliveries of the same payment serialise, and the idempotency check cannot race), and
posts its money movement through `funding.ledger.transaction_post`.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from swingfund.compliance import checks
from swingfund.compliance.selectors import figure
from swingfund.funding import ledger, rules
from swingfund.funding.ledger import Line
from swingfund.funding.models import (
    Campaign,
    ComplianceTask,
    Dispute,
    Donation,
    Donor,
    GivingMode,
    Method,
    PermissibilityCategory,
    Refund,
)

AMOUNT_NOT_POSITIVE = "The amount must be a positive whole number of pence (got {value!r})."
FEE_OUT_OF_RANGE = "The fee must be between 0 and the gift's amount ({amount} pence); got {fee!r}."
UNKNOWN_METHOD = "Unknown payment method {method!r}: use one of {known}."
NAIVE_TIME = "Times must be timezone-aware (UTC); got {value!r}."
EARMARK_REQUIRED = "Campaign '{campaign}' is earmarked: each gift must name the backed candidacy it is for."
EARMARK_FORBIDDEN = "Campaign '{campaign}' is pooled: a gift to it cannot be earmarked for a candidacy."
REFUND_TOO_LARGE = "A refund of {amount} pence is more than remains of this gift ({remaining} pence)."
DISPUTE_TOO_LARGE = "A dispute of {amount} pence is more than remains of this gift ({remaining} pence)."
NOT_HELD = "This gift is not held (status: {status}); only a held gift can be released or returned."
NOTHING_TO_RETURN = "Nothing remains of this gift to return."
VOID_HAS_MOVEMENTS = "This gift has later refunds, disputes, releases or grants; correct those first or refund it."
ALREADY_VOIDED = "This gift was already voided."
DONOR_NAME_REQUIRED = "A donor needs a name."
UNKNOWN_CATEGORY = "Unknown permissibility category {category!r}: use one of {known}."

DISPUTE_STATUS = {"won": Dispute.Status.WON, "warning_closed": Dispute.Status.WON, "lost": Dispute.Status.LOST}


def _require_amount(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(AMOUNT_NOT_POSITIVE.format(value=value))
    return value


def _require_aware(value: dt.datetime) -> dt.datetime:
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise ValueError(NAIVE_TIME.format(value=value))
    return value.astimezone(dt.UTC)


def _cash_account(method: str):
    return ledger.account_shared("card_clearing" if method == Method.CARD else "bank")


# --- donors ---------------------------------------------------------------------------------------------


def donor_get_or_create(
    *,
    name: str,
    email: str = "",
    address: str = "",
    postcode: str = "",
    consent_publish: bool | None = None,
    category: str | None = None,
    evidence: str = "",
) -> Donor:
    """The donor with this email (case-insensitive), or with this name, address and postcode when there is
    no email; created if new. Blank address/postcode are filled in from later gifts; consent only widens
    when given. A category given here is the donor's own declaration, not yet checked."""
    name = (name or "").strip()
    if not name:
        raise ValueError(DONOR_NAME_REQUIRED)
    email = (email or "").strip().lower()
    postcode = rules.normalise_postcode(postcode)
    if category is not None and category not in PermissibilityCategory.values:
        raise ValueError(UNKNOWN_CATEGORY.format(category=category, known=", ".join(PermissibilityCategory.values)))
    defaults = {"name": name, "address": address.strip(), "postcode": postcode, "evidence": evidence,
                "consent_publish": bool(consent_publish), "category": category or PermissibilityCategory.UNKNOWN}
    with transaction.atomic():
        if email:
            try:
                with transaction.atomic():
                    donor, created = Donor.objects.get_or_create(email=email, defaults=defaults)
            except IntegrityError:
                donor, created = Donor.objects.get(email=email), False
        else:
            donor = Donor.objects.filter(email="", name=name, address=address.strip(), postcode=postcode).first()
            created = donor is None
            if created:
                donor = Donor.objects.create(email="", **defaults)
        if not created:
            changed = []
            if address.strip() and not donor.address:
                donor.address, changed = address.strip(), [*changed, "address"]
            if postcode and not donor.postcode:
                donor.postcode, changed = postcode, [*changed, "postcode"]
            if consent_publish and not donor.consent_publish:
                donor.consent_publish, changed = True, [*changed, "consent_publish"]
            if changed:
                donor.save(update_fields=changed)
    return donor


def donor_declare(*, donor: Donor, category: str, evidence: str, checked_by: str,
                  checked_at: dt.datetime | None = None) -> Donor:
    """Record the treasurer's permissibility check of a donor (category, evidence, who, when)."""
    if category not in PermissibilityCategory.values:
        raise ValueError(UNKNOWN_CATEGORY.format(category=category, known=", ".join(PermissibilityCategory.values)))
    with transaction.atomic():
        donor = Donor.objects.select_for_update().get(pk=donor.pk)
        donor.category, donor.evidence, donor.checked_by = category, evidence, checked_by
        donor.checked_at = _require_aware(checked_at or timezone.now())
        donor.save(update_fields=["category", "evidence", "checked_by", "checked_at"])
        if category == PermissibilityCategory.IMPERMISSIBLE:
            for gift in donor.donations.filter(status=Donation.Status.HELD):
                ComplianceTask.objects.filter(donation=gift, kind=ComplianceTask.Kind.VERIFY, done_at=None).update(
                    done_at=timezone.now(), done_note="Donor found impermissible: the gift must be returned.")
                _task_open(gift, kind=ComplianceTask.Kind.RETURN, permissible=False)
    return donor


# --- donations -----------------------------------------------------------------------------------------


def _task_open(gift: Donation, *, kind: str, permissible: bool | None) -> ComplianceTask:
    received_on = gift.received_at.date()
    due = checks.return_due_date(received_on=received_on)
    days = figure("return_impermissible_days", on=received_on)
    if kind == ComplianceTask.Kind.RETURN:
        text = f"Return £{gift.amount_pence / 100:,.2f} ({gift.get_method_display()} {gift.reference}) by {due}"
    else:
        text = (f"Check the permissibility of {gift.donor or 'an anonymous giver'} for "
                f"£{gift.amount_pence / 100:,.2f} received {received_on}; return it by {due} if it is not")
    task, _ = ComplianceTask.objects.get_or_create(
        kind=kind, donation=gift, done_at=None,
        defaults={"campaign": gift.campaign, "description": text[:400], "due_on": due,
                  "citation": days.source[:400]},
    )
    return task


def _recent_related_amounts(*, campaign: Campaign, donor: Donor | None, fingerprint: str,
                            received_at: dt.datetime) -> list[int]:
    since = received_at - dt.timedelta(days=rules.SPLIT_WINDOW_DAYS)
    gifts = Donation.objects.filter(received_at__gte=since, received_at__lte=received_at).exclude(
        status=Donation.Status.VOIDED)
    keys = Q(pk__in=[])
    if donor is not None:
        keys |= Q(donor=donor)
        if donor.address and donor.postcode:
            keys |= Q(donor__address__iexact=donor.address, donor__postcode=donor.postcode)
    if fingerprint:
        keys |= Q(payer_fingerprint=fingerprint)
    return list(gifts.filter(keys).values_list("amount_pence", flat=True))


def donor_aggregate_pence(*, donor: Donor, campaign: Campaign, year: int, candidacy=None) -> int:
    """The donor's gifts counted together for the thresholds: in the calendar year, to this campaign or (in
    earmarked mode) to this candidacy — whichever is larger. Voided and returned gifts do not count."""
    base = Donation.objects.filter(donor=donor, received_at__year=year).exclude(
        status__in=[Donation.Status.VOIDED, Donation.Status.RETURNED])
    per_campaign = base.filter(campaign=campaign).aggregate(t=Sum("amount_pence"))["t"] or 0
    per_year = base.aggregate(t=Sum("amount_pence"))["t"] or 0
    if candidacy is not None:
        per_year = base.filter(earmarked_candidacy=candidacy).aggregate(t=Sum("amount_pence"))["t"] or 0
    return max(per_campaign, per_year)


def donation_record(
    *,
    campaign: Campaign,
    donor: Donor | None,
    amount_pence: int,
    fee_pence: int = 0,
    method: str,
    reference: str = "",
    external_id: str | None = None,
    received_at: dt.datetime,
    earmarked_candidacy=None,
    payer_fingerprint: str = "",
    recorded_by: str = "",
) -> Donation:
    """Record one gift and post it to the ledger. Idempotent on (method, external_id): a repeat returns the
    donation already recorded and writes nothing.

    A gift that needs a permissibility check (over the threshold for the campaign's situation, alone or
    with the donor's other gifts) and whose donor is not confirmed permissible — or is anonymous — is HELD:
    credited to the campaign's held account, not spendable, with a task to verify or return it by the
    legal deadline. Several gifts under the threshold from one donor, address or card that together pass it
    are flagged as possible splitting, with a review task.
    """
    amount_pence = _require_amount(amount_pence)
    if not isinstance(fee_pence, int) or isinstance(fee_pence, bool) or not 0 <= fee_pence <= amount_pence:
        raise ValueError(FEE_OUT_OF_RANGE.format(amount=amount_pence, fee=fee_pence))
    if method not in Method.values:
        raise ValueError(UNKNOWN_METHOD.format(method=method, known=", ".join(Method.values)))
    received_at = _require_aware(received_at)
    if campaign.mode == GivingMode.EARMARKED and earmarked_candidacy is None:
        raise ValueError(EARMARK_REQUIRED.format(campaign=campaign.slug))
    if campaign.mode == GivingMode.POOLED and earmarked_candidacy is not None:
        raise ValueError(EARMARK_FORBIDDEN.format(campaign=campaign.slug))
    try:
        with transaction.atomic():
            ledger.chain_lock()
            if external_id:
                existing = Donation.objects.filter(method=method, external_id=external_id).first()
                if existing is not None:
                    return existing
            return _donation_create(
                campaign=campaign, donor=donor, amount_pence=amount_pence, fee_pence=fee_pence, method=method,
                reference=reference, external_id=external_id or None, received_at=received_at,
                candidacy=earmarked_candidacy, fingerprint=payer_fingerprint, recorded_by=recorded_by,
            )
    except IntegrityError:
        if external_id:
            existing = Donation.objects.filter(method=method, external_id=external_id).first()
            if existing is not None:
                return existing
        raise


def _donation_create(*, campaign, donor, amount_pence, fee_pence, method, reference, external_id, received_at,
                     candidacy, fingerprint, recorded_by) -> Donation:
    situation = rules.situation_for(campaign.mode)
    on = received_at.date()
    aggregate = amount_pence
    if donor is not None:
        aggregate += donor_aggregate_pence(donor=donor, campaign=campaign, year=received_at.year, candidacy=candidacy)
    needs_check = checks.gift_requires_permissibility(
        amount_pence=amount_pence, aggregate_pence=aggregate, situation=situation, on=on)
    permissible = rules.donor_permissible(donor)
    held = needs_check and permissible is not True
    related = _recent_related_amounts(campaign=campaign, donor=donor, fingerprint=fingerprint, received_at=received_at)
    split = checks.splitting_suspected(amounts_pence=[*related, amount_pence], situation=situation, on=on)

    cash = _cash_account(method)
    credit = ledger.account_for_campaign(campaign, "held" if held else "donations")
    who = "anonymous" if donor is None else f"donor #{donor.pk}"
    lines = [Line(cash, amount_pence, f"{method} {reference}"[:200]), Line(credit, -amount_pence, who)]
    if fee_pence:
        lines += [Line(ledger.account_shared("fees"), fee_pence, "processing fee"), Line(cash, -fee_pence, "fee")]
    posted = ledger.transaction_post(
        kind="gift_held" if held else "gift",
        description=f"Gift of £{amount_pence / 100:,.2f} by {method} to {campaign.title}"[:300],
        lines=lines, campaign=campaign, posted_at=received_at,
    )
    hold_reason = ""
    if held:
        hold_reason = rules.hold_reason(donor=donor, permissible=permissible)
    gift = Donation.objects.create(
        campaign=campaign, donor=donor, amount_pence=amount_pence, fee_pence=fee_pence, method=method,
        reference=reference, external_id=external_id, payer_fingerprint=fingerprint, received_at=received_at,
        earmarked_candidacy=candidacy, status=Donation.Status.HELD if held else Donation.Status.ACCEPTED,
        hold_reason=hold_reason, split_suspected=split, recorded_by=recorded_by, transaction=posted,
    )
    if held:
        _task_open(gift, kind=ComplianceTask.Kind.RETURN if permissible is False else ComplianceTask.Kind.VERIFY,
                   permissible=permissible)
    if split:
        ComplianceTask.objects.get_or_create(
            kind=ComplianceTask.Kind.SPLIT, donation=gift, done_at=None,
            defaults={"campaign": campaign, "due_on": checks.return_due_date(received_on=on),
                      "description": f"Several gifts from one donor, address or card within "
                                     f"{rules.SPLIT_WINDOW_DAYS} days pass the threshold together: review them",
                      "citation": "PPERA 2000 s.61 (evading the controls on donations)"},
        )
    return gift


def remaining_pence(gift: Donation) -> int:
    """What is left of a gift after refunds and disputes not won."""
    refunded = gift.refunds.aggregate(t=Sum("amount_pence"))["t"] or 0
    disputed = gift.disputes.exclude(status=Dispute.Status.WON).aggregate(t=Sum("amount_pence"))["t"] or 0
    return gift.amount_pence - refunded - disputed


def _income_or_held(gift: Donation, role: str):
    return ledger.account_for_campaign(gift.campaign, "held" if gift.status == Donation.Status.HELD else role)


def donation_refund(*, donation: Donation, amount_pence: int, reason: str, external_id: str | None = None,
                    refunded_at: dt.datetime | None = None) -> Refund:
    """Give back part or all of a gift. Idempotent on `external_id`; never more than remains of the gift."""
    amount_pence = _require_amount(amount_pence)
    moment = _require_aware(refunded_at or timezone.now())
    with transaction.atomic():
        ledger.chain_lock()
        if external_id:
            existing = Refund.objects.filter(external_id=external_id).first()
            if existing is not None:
                return existing
        gift = Donation.objects.select_for_update().get(pk=donation.pk)
        remaining = remaining_pence(gift)
        if amount_pence > remaining:
            raise ValueError(REFUND_TOO_LARGE.format(amount=amount_pence, remaining=remaining))
        posted = ledger.transaction_post(
            kind="refund", description=f"Refund of £{amount_pence / 100:,.2f}: {reason}"[:300],
            lines=[Line(_income_or_held(gift, "refunds"), amount_pence, f"gift #{gift.pk}"),
                   Line(_cash_account(gift.method), -amount_pence, external_id or "")],
            campaign=gift.campaign, posted_at=moment,
        )
        refund = Refund.objects.create(donation=gift, amount_pence=amount_pence, reason=reason[:300],
                                       external_id=external_id or None, created_at=moment, transaction=posted)
        if gift.status == Donation.Status.HELD and amount_pence == remaining:
            _close_held(gift, status=Donation.Status.RETURNED, note=f"Refunded in full: {reason}")
    return refund


def donation_dispute(*, donation: Donation, amount_pence: int, external_id: str, status: str,
                     at: dt.datetime | None = None) -> Dispute:
    """A card dispute opened, or its status changed. Opening withdraws the amount (capped at what remains);
    winning puts it back; losing closes it. Repeats of the same status write nothing."""
    amount_pence = _require_amount(amount_pence)
    moment = _require_aware(at or timezone.now())
    outcome = DISPUTE_STATUS.get(status, Dispute.Status.OPEN)
    with transaction.atomic():
        ledger.chain_lock()
        dispute = Dispute.objects.select_for_update().filter(external_id=external_id).first()
        if dispute is None:
            gift = Donation.objects.select_for_update().get(pk=donation.pk)
            amount = min(amount_pence, remaining_pence(gift))
            if amount <= 0:
                raise ValueError(DISPUTE_TOO_LARGE.format(amount=amount_pence, remaining=0))
            withdrawal = ledger.transaction_post(
                kind="dispute", description=f"Card dispute {external_id}: £{amount / 100:,.2f} withdrawn"[:300],
                lines=[Line(_income_or_held(gift, "disputes"), amount, f"gift #{gift.pk}"),
                       Line(ledger.account_shared("card_clearing"), -amount, external_id)],
                campaign=gift.campaign, posted_at=moment,
            )
            dispute = Dispute.objects.create(donation=gift, amount_pence=amount, external_id=external_id,
                                             stripe_status=status, opened_at=moment, withdrawal=withdrawal)
        if dispute.status != Dispute.Status.OPEN or outcome == Dispute.Status.OPEN:
            if dispute.stripe_status != status and dispute.status == Dispute.Status.OPEN:
                dispute.stripe_status = status
                dispute.save(update_fields=["stripe_status"])
            return dispute
        if outcome == Dispute.Status.WON:
            gift = dispute.donation
            dispute.reinstatement = ledger.transaction_post(
                kind="dispute_won", description=f"Card dispute {external_id} won: funds reinstated"[:300],
                lines=[Line(ledger.account_shared("card_clearing"), dispute.amount_pence, external_id),
                       Line(_income_or_held(gift, "disputes"), -dispute.amount_pence, f"gift #{gift.pk}")],
                campaign=gift.campaign, posted_at=moment,
            )
        dispute.status, dispute.stripe_status, dispute.closed_at = outcome, status, moment
        dispute.save(update_fields=["status", "stripe_status", "closed_at", "reinstatement"])
    return dispute


def _close_held(gift: Donation, *, status: str, note: str) -> None:
    gift.status = status
    gift.save(update_fields=["status"])
    ComplianceTask.objects.filter(donation=gift, done_at=None).exclude(kind=ComplianceTask.Kind.SPLIT).update(
        done_at=timezone.now(), done_note=note[:300])


def donation_release(*, donation: Donation, by: str = "") -> Donation:
    """A held gift whose donor is now confirmed permissible becomes spendable income. Refused (with the
    compliance message naming the threshold and its source) while the donor is not confirmed permissible."""
    with transaction.atomic():
        ledger.chain_lock()
        gift = Donation.objects.select_for_update().select_related("donor", "campaign").get(pk=donation.pk)
        if gift.status != Donation.Status.HELD:
            raise ValueError(NOT_HELD.format(status=gift.status))
        checks.check_gift_spendable(
            permissible=rules.donor_permissible(gift.donor), amount_pence=gift.amount_pence,
            aggregate_pence=gift.amount_pence, situation=rules.situation_for(gift.campaign.mode),
            on=gift.received_at.date(), received_on=gift.received_at.date())
        net = remaining_pence(gift)
        if net > 0:
            gift.release = ledger.transaction_post(
                kind="gift_released", description=f"Gift #{gift.pk} released: donor confirmed permissible"[:300],
                lines=[Line(ledger.account_for_campaign(gift.campaign, "held"), net, f"gift #{gift.pk}"),
                       Line(ledger.account_for_campaign(gift.campaign, "donations"), -net, f"released by {by}")],
                campaign=gift.campaign,
            )
            gift.save(update_fields=["release"])
        _close_held(gift, status=Donation.Status.ACCEPTED, note=f"Donor confirmed permissible ({by})")
    return gift


def donation_return(*, donation: Donation, reference: str, by: str = "",
                    returned_at: dt.datetime | None = None) -> Refund:
    """Send a held gift back to the giver (what remains of it) and close its tasks."""
    moment = _require_aware(returned_at or timezone.now())
    with transaction.atomic():
        ledger.chain_lock()
        gift = Donation.objects.select_for_update().get(pk=donation.pk)
        if gift.status != Donation.Status.HELD:
            raise ValueError(NOT_HELD.format(status=gift.status))
        amount = remaining_pence(gift)
        if amount <= 0:
            raise ValueError(NOTHING_TO_RETURN)
        posted = ledger.transaction_post(
            kind="gift_returned", description=f"Held gift #{gift.pk} returned ({reference})"[:300],
            lines=[Line(ledger.account_for_campaign(gift.campaign, "held"), amount, f"gift #{gift.pk}"),
                   Line(_cash_account(gift.method), -amount, reference[:200])],
            campaign=gift.campaign, posted_at=moment,
        )
        returned = Refund.objects.create(donation=gift, kind=Refund.Kind.RETURN, amount_pence=amount,
                                         reason=f"Returned: {gift.hold_reason}"[:300], created_at=moment,
                                         transaction=posted)
        _close_held(gift, status=Donation.Status.RETURNED, note=f"Returned by {by}, reference {reference}")
    return returned


def donation_void(*, donation: Donation, reason: str) -> Donation:
    """Correct a gift recorded in error: post the reversing transaction of its posting and mark it voided.
    Only for a gift with no later movements (refund or dispute it instead)."""
    with transaction.atomic():
        ledger.chain_lock()
        gift = Donation.objects.select_for_update().get(pk=donation.pk)
        if gift.status == Donation.Status.VOIDED:
            raise ValueError(ALREADY_VOIDED)
        if gift.refunds.exists() or gift.disputes.exists() or gift.release_id or gift.allocations.exists():
            raise ValueError(VOID_HAS_MOVEMENTS)
        ledger.transaction_reverse(original=gift.transaction, reason=reason)
        _close_held(gift, status=Donation.Status.VOIDED, note=f"Voided: {reason}")
    return gift
