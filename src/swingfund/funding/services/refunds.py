"""Writes for money going back or changing state: refunds, card disputes, releasing a held gift once its
donor is confirmed permissible, returning a held gift, and voiding a gift recorded in error (a reversing
ledger transaction, never an edit)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from swingfund.compliance import checks
from swingfund.compliance import gifts as law
from swingfund.compliance.selectors import figure_table
from swingfund.display import money
from swingfund.funding import ledger
from swingfund.funding.ledger import Line
from swingfund.funding.models import ComplianceTask, Dispute, Donation, Method, Refund
from swingfund.funding.services.gifts import _cash_account, _require_amount, _require_aware

REFUND_TOO_LARGE = "A refund of {amount} pence is more than remains of this gift ({remaining} pence)."
DISPUTE_TOO_LARGE = "A dispute of {amount} pence is more than remains of this gift ({remaining} pence)."
NOT_HELD = "This gift is not held (status: {status}); only a held gift can be released or returned."
NOTHING_TO_RETURN = "Nothing remains of this gift to return."
VOID_HAS_MOVEMENTS = "This gift has later refunds, disputes, releases or grants; correct those first or refund it."
ALREADY_VOIDED = "This gift was already voided."
NOT_REFUNDABLE = "Gift #{id} is {status}: nothing of it can be refunded or disputed."
CARD_NOT_VOIDABLE = "Card gifts are corrected by refunds through Stripe, not voided."

DISPUTE_STATUS = {"won": Dispute.Status.WON, "warning_closed": Dispute.Status.WON, "lost": Dispute.Status.LOST}


def remaining_pence(gift: Donation) -> int:
    """What is left of a gift after refunds and disputes not won."""
    refunded = gift.refunds.aggregate(t=Sum("amount_pence"))["t"] or 0
    disputed = gift.disputes.exclude(status=Dispute.Status.WON).aggregate(t=Sum("amount_pence"))["t"] or 0
    return gift.amount_pence - refunded - disputed


def _income_or_held(gift: Donation, role: str):
    return ledger.account_for_campaign(gift.campaign, "held" if gift.status == Donation.Status.HELD else role)


def _gift_accounts(gift: Donation, role: str) -> tuple[ledger.Account, ledger.Account]:
    """(the campaign's income account for `role`, or its held account while the gift is held; the gift's cash
    account) in one query."""
    income_role = "held" if gift.status == Donation.Status.HELD else role
    cash_code = "card_clearing" if gift.method == Method.CARD else "bank"
    found = ledger.accounts_for(campaign=gift.campaign, shared=[cash_code], roles=[income_role])
    return found[income_role], found[cash_code]


def donation_refund(*, donation: Donation, amount_pence: int, reason: str, external_id: str | None = None,
                    refunded_at: dt.datetime | None = None) -> Refund:
    """Give back part or all of a gift. Idempotent on `external_id`; never more than remains of the gift."""
    amount_pence = _require_amount(amount_pence)
    moment = _require_aware(refunded_at or timezone.now())
    with transaction.atomic():
        head = ledger.chain_lock()
        if external_id:
            existing = Refund.objects.filter(external_id=external_id).first()
            if existing is not None:
                return existing
        gift = Donation.objects.select_for_update().get(pk=donation.pk)
        if gift.status in (Donation.Status.VOIDED, Donation.Status.RETURNED):
            raise ValueError(NOT_REFUNDABLE.format(id=gift.pk, status=gift.status))
        remaining = remaining_pence(gift)
        if amount_pence > remaining:
            raise ValueError(REFUND_TOO_LARGE.format(amount=amount_pence, remaining=remaining))
        income, cash = _gift_accounts(gift, "refunds")
        posted = ledger.transaction_post(
            kind="refund", description=f"Refund of {money(amount_pence)} of gift #{gift.pk}",
            lines=[Line(income, amount_pence, f"gift #{gift.pk}"), Line(cash, -amount_pence, f"gift #{gift.pk}")],
            campaign=gift.campaign, posted_at=moment, head=head,
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
        head = ledger.chain_lock()
        dispute = Dispute.objects.select_for_update().filter(external_id=external_id).first()
        if dispute is None:
            gift = Donation.objects.select_for_update().get(pk=donation.pk)
            if gift.status in (Donation.Status.VOIDED, Donation.Status.RETURNED):
                raise ValueError(NOT_REFUNDABLE.format(id=gift.pk, status=gift.status))
            amount = min(amount_pence, remaining_pence(gift))
            if amount <= 0:
                raise ValueError(DISPUTE_TOO_LARGE.format(amount=amount_pence, remaining=0))
            withdrawal = ledger.transaction_post(
                kind="dispute", description=f"Card dispute {external_id}: {money(amount)} withdrawn"[:300],
                lines=[Line(_income_or_held(gift, "disputes"), amount, f"gift #{gift.pk}"),
                       Line(ledger.account_shared("card_clearing"), -amount, external_id)],
                campaign=gift.campaign, posted_at=moment, head=head,
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
                campaign=gift.campaign, posted_at=moment, head=head,
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
        head = ledger.chain_lock()
        gift = Donation.objects.select_for_update(of=("self",)).select_related("donor", "campaign").get(pk=donation.pk)
        if gift.status != Donation.Status.HELD:
            raise ValueError(NOT_HELD.format(status=gift.status))
        situation = law.situation_for(gift.campaign.mode)
        checks.check_gift_spendable(
            figures=figure_table(), permissible=law.donor_permissible(gift.donor, situation=situation),
            amount_pence=gift.amount_pence, aggregate_pence=gift.amount_pence, situation=situation,
            on=gift.received_at.date(), received_on=gift.received_at.date())
        net = remaining_pence(gift)
        if net > 0:
            gift.release = ledger.transaction_post(
                kind="gift_released", description=f"Gift #{gift.pk} released: donor confirmed permissible"[:300],
                lines=[Line(ledger.account_for_campaign(gift.campaign, "held"), net, f"gift #{gift.pk}"),
                       Line(ledger.account_for_campaign(gift.campaign, "donations"), -net, "released")],
                campaign=gift.campaign, head=head,
            )
            gift.save(update_fields=["release"])
        _close_held(gift, status=Donation.Status.ACCEPTED, note=f"Donor confirmed permissible ({by})")
    return gift


BAD_MANNER = "Manner of return must be one of {choices} (got {manner!r})."
DONOR_KNOWN = "This gift's donor is known: it goes back to the donor, not to the Electoral Commission."
COMMISSION_TASK = ("Send {amount} (anonymous {method} {reference}, received {received}) to the Electoral Commission "
                   "by {due}: neither the person nor the financial institution that transferred it can be identified")
COMMISSION_CITATION = ("PPERA 2000 Sch 11 paras 7-8 (as s.57(2) for parties): an unidentifiable gift goes back to "
                       "the person or financial institution that transferred it, otherwise to the Electoral "
                       "Commission, within 30 days beginning with its receipt; https://www.electoralcommission.org.uk/"
                       "political-party-donations-and-loans-great-britain/what-do-you-do-if-you-receive-a-donation-"
                       "impermissible-or-unidentifiable-source")


def donation_unreturnable(*, donation: Donation, by: str = "") -> ComplianceTask:
    """A held anonymous gift whose payer and bank cannot be identified: open the task of sending it to the Electoral
    Commission by the gift's return date (`donation_return(..., manner="commission")` closes it)."""
    with transaction.atomic():
        gift = Donation.objects.select_for_update().get(pk=donation.pk)
        if gift.status != Donation.Status.HELD:
            raise ValueError(NOT_HELD.format(status=gift.status))
        if gift.donor_id is not None:
            raise ValueError(DONOR_KNOWN)
        due = checks.return_due_date(figures=figure_table(), received_on=gift.received_at.date())
        task, _ = ComplianceTask.objects.get_or_create(
            kind=ComplianceTask.Kind.COMMISSION, donation=gift, done_at=None,
            defaults={"campaign": gift.campaign, "due_on": due, "citation": COMMISSION_CITATION[:400],
                      "description": COMMISSION_TASK.format(
                          amount=money(remaining_pence(gift), short=True), method=gift.get_method_display().lower(),
                          reference=gift.reference, received=gift.received_at.date(), due=due)[:400]})
    return task


def donation_return(*, donation: Donation, reference: str, by: str = "",
                    returned_at: dt.datetime | None = None, manner: str | None = None) -> Refund:
    """Send a held gift back (what remains of it) and close its tasks, recording the manner of return: to the donor
    when known, otherwise to the person or institution that transferred it, or else to the Electoral Commission."""
    moment = _require_aware(returned_at or timezone.now())
    if manner is not None and manner not in Refund.Manner.values:
        raise ValueError(BAD_MANNER.format(choices=", ".join(Refund.Manner.values), manner=manner))
    with transaction.atomic():
        head = ledger.chain_lock()
        gift = Donation.objects.select_for_update().get(pk=donation.pk)
        if gift.status != Donation.Status.HELD:
            raise ValueError(NOT_HELD.format(status=gift.status))
        manner = manner or (Refund.Manner.DONOR if gift.donor_id else Refund.Manner.PAYER)
        if gift.donor_id and manner == Refund.Manner.COMMISSION:
            raise ValueError(DONOR_KNOWN)
        amount = remaining_pence(gift)
        if amount <= 0:
            raise ValueError(NOTHING_TO_RETURN)
        posted = ledger.transaction_post(
            kind="gift_returned", description=f"Held gift #{gift.pk} returned",
            lines=[Line(ledger.account_for_campaign(gift.campaign, "held"), amount, f"gift #{gift.pk}"),
                   Line(_cash_account(gift.method), -amount, f"gift #{gift.pk}")],
            campaign=gift.campaign, posted_at=moment, head=head,
        )
        returned = Refund.objects.create(donation=gift, kind=Refund.Kind.RETURN, amount_pence=amount, manner=manner,
                                         reason=f"Returned ({reference}): {gift.hold_reason}"[:300], created_at=moment,
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
        if gift.method == Method.CARD:
            raise ValueError(CARD_NOT_VOIDABLE)
        if gift.refunds.exists() or gift.disputes.exists() or gift.release_id or gift.allocations.exists():
            raise ValueError(VOID_HAS_MOVEMENTS)
        ledger.transaction_reverse(original=gift.transaction, reason=reason)
        _close_held(gift, status=Donation.Status.VOIDED, note=f"Voided: {reason}")
    return gift
