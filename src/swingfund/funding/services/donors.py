"""A donor's data rights: everything held on them (export), and erasure that keeps the ledger whole.

Erasure removes the personal data — name, email, address, postcode, evidence, free text on their gifts and tasks, and
the personal data in the Stripe events of their payments — while the donor row stays as a pseudonym ("Erased donor
#12") so the ledger (which names donors only by number), the totals and the returns still add up. It is refused, with
the reason and the date, while a gift of theirs is a record the group must keep: a gift over the permissibility
threshold is a donation the law regulates (over £500 to the group: PPERA 2000 Sch 11; over £50 earmarked for a
candidate: a donation to the candidate, RPA 1983 Sch 2A), kept until the end of the `DONATION_RECORD_YEARS`-th year
after the year it was received — a period no statute sets, so the group's policy (`compliance.retention`);
a gift at or under the threshold is not a donation in law and does not stop erasure. A held gift not yet returned
stops it too: the return needs the giver's details.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from swingfund.compliance.retention import period
from swingfund.compliance.selectors import figure
from swingfund.display import money
from swingfund.funding.models import ComplianceTask, Donation, Donor, Method

ERASE_REFUSED = ("Refused: donor #{id}'s record must be kept until {until} — {reason}. Ask again after that date "
                 "(their gifts stay in the ledger under 'donor #{id}' either way).")
KEEP_DONATION = ("gift #{gift} of {amount} received {received} is over the {threshold} permissibility threshold, a "
                 "regulated donation to the group (PPERA 2000 Sch 11) whose record is kept {years} years after its "
                 "year ({basis})")
KEEP_CANDIDATE = ("gift #{gift} of {amount} received {received} is over {threshold} and earmarked for a candidate, "
                  "a donation to the candidate (RPA 1983 Sch 2A) whose true donor the agent must be able to name; "
                  "its record is kept {years} years after its year ({basis})")
KEEP_HELD = "gift #{gift} is held and not yet returned: returning it needs the giver's details"
ALREADY_ERASED = "Donor #{id} was already erased on {on}."
ERASED_NAME = "Erased donor #{id}"
ADDRESS_TAKEN = ("Another donor already has donor #{id}'s name at that address: they may be one person (a "
                 "possible-duplicate task is the place to settle it).")


def _threshold(gift: Donation) -> int:
    key = "candidate_donation_threshold" if gift.campaign.mode == "earmarked" else "non_party_permissibility_threshold"
    return figure(key, on=gift.received_at.date()).value


def keep_until(gift: Donation) -> tuple[dt.date, str] | None:
    """(the last day the gift's record must be kept, why) — None when the law asks nothing of it."""
    if gift.status == Donation.Status.HELD:
        return dt.date.max, KEEP_HELD.format(gift=gift.pk)
    if gift.status == Donation.Status.VOIDED:
        return None
    threshold = _threshold(gift)
    if gift.amount_pence <= threshold:
        return None
    earmarked = gift.campaign.mode == "earmarked"
    kept = period("candidate_donations" if earmarked else "regulated_donations")
    until = dt.date(gift.received_at.year + kept.value, 12, 31)
    return until, (KEEP_CANDIDATE if earmarked else KEEP_DONATION).format(
        gift=gift.pk, amount=money(gift.amount_pence, short=True), received=gift.received_at.date(),
        threshold=money(threshold, short=True), years=kept.value, basis=kept.label)


def donor_address_change(*, donor: Donor, address: str, postcode: str, by: str) -> Donor:
    """Correct a donor's address (the treasurer's, with the donor's word for it). A checked donor whose address
    changes is checked no more: their next gift over the threshold is held until the treasurer checks them again.
    The identity key follows the new address (refused when another donor already has that name and address)."""
    from swingfund.funding import rules

    address, postcode = (address or "").strip(), rules.normalise_postcode(postcode)
    with transaction.atomic():
        donor = Donor.objects.select_for_update().get(pk=donor.pk)
        if donor.erased_at is not None:
            raise ValueError(ALREADY_ERASED.format(id=donor.pk, on=donor.erased_at.date()))
        if (rules.normalise_address(address), postcode) == (rules.normalise_address(donor.address), donor.postcode):
            return donor
        key = rules.donor_identity(name=donor.name, email="" if donor.checked_at else donor.email, address=address,
                                   postcode=postcode)
        if key and Donor.objects.filter(identity_key=key).exclude(pk=donor.pk).exists():
            raise ValueError(ADDRESS_TAKEN.format(id=donor.pk))
        donor.address, donor.postcode, donor.identity_key = address, postcode, key
        if donor.checked_at is not None:
            donor.checked_at, donor.checked_by = None, ""
            note = f"address changed by {by} on {timezone.now().date()}: check again"
            donor.evidence = f"{note} (was: {donor.evidence})"[:300] if donor.evidence else note
        donor.save(update_fields=["address", "postcode", "identity_key", "checked_at", "checked_by", "evidence"])
    return donor


def donor_export(*, donor: Donor) -> dict[str, Any]:
    """Everything swingfund holds on a donor, as JSON-ready data: the donor record, each gift (with its refunds,
    disputes, grant allocations and tasks) and the Stripe events of their card payments."""
    from swingfund.funding.payments.retention import events_for_payments

    gifts = list(donor.donations.select_related("campaign", "earmarked_candidacy").order_by("received_at", "id"))
    tasks = ComplianceTask.objects.filter(donor=donor).order_by("id")
    return {
        "donor": {"id": donor.pk, "name": donor.name, "email": donor.email, "address": donor.address,
                  "postcode": donor.postcode, "category": donor.category, "evidence": donor.evidence,
                  "checked_at": _iso(donor.checked_at), "checked_by": donor.checked_by,
                  "consent_publish_first_gift": donor.consent_publish, "created_at": _iso(donor.created_at),
                  "erased_at": _iso(donor.erased_at)},
        "gifts": [{
            "id": g.pk, "campaign": g.campaign.slug, "amount_pence": g.amount_pence, "fee_pence": g.fee_pence,
            "method": g.method, "reference": g.reference, "external_id": g.external_id, "status": g.status,
            "hold_reason": g.hold_reason, "received_at": _iso(g.received_at), "consent_publish": g.consent_publish,
            "earmarked_for": str(g.earmarked_candidacy) if g.earmarked_candidacy_id else None,
            "ledger_transaction": g.transaction_id, "card_fingerprint": g.payer_fingerprint,
            "refunds": [{"amount_pence": r.amount_pence, "kind": r.kind, "reason": r.reason,
                         "at": _iso(r.created_at)} for r in g.refunds.all()],
            "disputes": [{"amount_pence": d.amount_pence, "status": d.status, "opened_at": _iso(d.opened_at)}
                         for d in g.disputes.all()],
            "passed_on_in_grants": [{"grant": a.grant_id, "amount_pence": a.amount_pence}
                                    for a in g.allocations.all()],
            "tasks": [{"kind": t.kind, "description": t.description, "due_on": _iso(t.due_on),
                       "done_at": _iso(t.done_at)} for t in g.tasks.all()],
        } for g in gifts],
        "donor_tasks": [{"kind": t.kind, "description": t.description, "done_at": _iso(t.done_at)} for t in tasks],
        "payment_events": [{"event_id": e.event_id, "type": e.type, "received_at": _iso(e.received_at),
                            "payload": e.payload}
                           for e in events_for_payments(g.external_id for g in gifts if g.method == Method.CARD)],
        "exported_at": _iso(timezone.now()),
    }


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class ErasureRefused(Exception):
    """The law still requires the record: `until` and `reason` say why and for how long."""

    donor_id: int
    until: dt.date
    reason: str

    def __str__(self) -> str:
        until = "the gift is returned" if self.until == dt.date.max else self.until.isoformat()
        return ERASE_REFUSED.format(id=self.donor_id, until=until, reason=self.reason)


def donor_erase(*, donor: Donor, by: str, now: dt.datetime | None = None) -> Donor:
    """Erase a donor's personal data (see the module docstring); raises `ErasureRefused` naming the gift, the reason
    and the date while a record must be kept. The ledger is not touched: it never held the personal data."""
    from swingfund.funding.payments.retention import events_for_payments, events_strip

    now = now or timezone.now()
    with transaction.atomic():
        donor = Donor.objects.select_for_update().get(pk=donor.pk)
        if donor.erased_at is not None:
            raise ValueError(ALREADY_ERASED.format(id=donor.pk, on=donor.erased_at.date()))
        gifts = list(donor.donations.select_related("campaign").order_by("received_at", "id"))
        holds = [kept for kept in map(keep_until, gifts) if kept is not None and kept[0] >= now.date()]
        if holds:
            until, reason = max(holds)
            raise ErasureRefused(donor_id=donor.pk, until=until, reason=reason)
        events_strip(events_for_payments(g.external_id for g in gifts if g.method == Method.CARD), now=now)
        Donation.objects.filter(donor=donor).update(reference="", payer_fingerprint="", hold_reason="")
        pseudonym = ERASED_NAME.format(id=donor.pk)
        for gift in gifts:
            for refund in gift.refunds.all():
                refund.reason = "erased"
                refund.save(update_fields=["reason"])
        ComplianceTask.objects.filter(donation__donor=donor).update(description=f"(about {pseudonym})",
                                                                    done_note="")
        ComplianceTask.objects.filter(donor=donor).update(description=f"(about {pseudonym})", done_note="")
        donor.name, donor.email, donor.address, donor.postcode = pseudonym, "", "", ""
        donor.evidence, donor.checked_by, donor.consent_publish = "", "", False
        donor.identity_key, donor.name_key, donor.erased_at, donor.erased_by = None, "", now, by[:150]
        donor.save()
        Donation.objects.filter(donor=donor).update(consent_publish=False)
    return donor
