"""Reads the funding records of an election's regulated period into the plain records `returns.py` reports on.

Donations: gifts to *pooled* campaigns (the group's own funds, which pay for its campaigning) received in the
regulated period. Earmarked gifts are donations to the candidate they are passed on to: they appear in that
candidate's donation notice, not in the group's non-party return. Refunded amounts are netted; voided records
(recorded in error, reversed in the ledger) are left out. Spending: spending about named candidates incurred in the
regulated period, and grants to candidates made in it (reported in their own section).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from django.db.models import Prefetch
from rich.progress import track

from swingfund.compliance import general
from swingfund.compliance.checks import Situation
from swingfund.compliance.gifts import donor_permissible
from swingfund.compliance.selectors_general import regulated_period_for, seats_per_nation
from swingfund.compliance.timetables import parse_election_id
from swingfund.elections.models import Constituency, Election
from swingfund.funding.models import CandidateSpend, Donation, GivingMode, Grant, PermissibilityCategory, Refund
from swingfund.reports.models import CampaignSpend
from swingfund.reports.returns import (
    SECTION_GENERAL,
    SECTION_GRANT,
    SECTION_SPEND,
    GiftRecord,
    Report,
    SpendRecord,
    donation_rows,
    spending_rows,
)
from swingfund.reports.selectors import as_item

T = TypeVar("T")

# The Commission's expense categories for non-party campaigners, for the kinds of spending funding records.
EXPENSE_CATEGORY = {
    "advert": "Advertising",
    "leaflet": "Unsolicited material sent to electors",
    "message": "Unsolicited material sent to electors",
    "other": "Other",
}


def _each(items: Iterable[T], *, progress: bool, total: int, what: str) -> Iterator[T]:
    yield from (track(items, total=total, description=what) if progress else items)


def donations_report(*, election_id: str, progress: bool = True) -> Report:
    """The donations report for `election_id`'s regulated period."""
    start, polling = regulated_period_for(election_id=election_id)
    gifts = (
        Donation.objects.filter(campaign__mode=GivingMode.POOLED, received_at__date__gte=start,
                                received_at__date__lte=polling)
        .exclude(status=Donation.Status.VOIDED)
        .select_related("donor")
        .prefetch_related(Prefetch("refunds", queryset=Refund.objects.order_by("created_at")))
        .order_by("received_at", "id")
    )
    records: list[GiftRecord] = []
    for gift in _each(gifts, progress=progress, total=gifts.count(), what="Donations"):
        donor = gift.donor
        refunded = sum(r.amount_pence for r in gift.refunds.all() if r.kind == Refund.Kind.REFUND)
        returned = [r for r in gift.refunds.all() if r.kind == Refund.Kind.RETURN]
        amount = gift.amount_pence if gift.status == Donation.Status.RETURNED else gift.amount_pence - refunded
        if amount <= 0:
            continue
        # A registered party is impermissible here too: these are gifts to the group's non-party campaign.
        impermissible = donor_permissible(donor, situation=Situation.NON_PARTY_CAMPAIGN) is False
        status = {
            Donation.Status.ACCEPTED: "accepted",
            Donation.Status.RETURNED: "returned",
            Donation.Status.HELD: "impermissible" if impermissible and donor is not None else "held",
        }[gift.status]
        received = gift.received_at.date()
        checked = donor.checked_at.date() if donor and donor.checked_at else None
        records.append(GiftRecord(
            donor_key=f"donor:{donor.pk}" if donor else f"gift:{gift.pk}",
            donor_name=donor.name if donor else "",
            donor_status=donor.get_category_display() if donor else "Unidentifiable",
            address=donor.address if donor else f"Given by {gift.get_method_display().lower()}",
            postcode=donor.postcode if donor else "",
            company_number=donor.evidence if donor and donor.category == PermissibilityCategory.UK_COMPANY else "",
            amount_pence=amount, received_on=received,
            accepted_on=max(received, checked) if status == "accepted" and checked else
            (received if status == "accepted" else None),
            status=status, returned_on=returned[-1].created_at.date() if returned else None,
            reference=gift.reference, ledger_transaction=str(gift.transaction_id),
        ))
    return donation_rows(gifts=records, poll_date=polling)


def _general_items(*, election_id: str, start, polling, organisation, progress: bool):
    """The general campaign's items as report records, and the spending attributed to each named constituency."""
    rows = (CampaignSpend.objects.filter(election_id=election_id, incurred_on__gte=start, incurred_on__lte=polling)
            .select_related("targets_party").prefetch_related("constituencies").order_by("incurred_on", "id"))
    if organisation is not None:
        rows = rows.filter(organisation=organisation)
    election = Election.objects.filter(pk=parse_election_id(election_id).election_group_id).first()
    if not rows.exists() or election is None:
        return [], []
    seats = seats_per_nation(boundary_set=election.boundary_set)
    records, items = [], []
    for row in _each(rows, progress=progress, total=rows.count(), what="General campaign"):
        item = as_item(row)
        items.append(item)
        named = list(row.constituencies.all())
        party = f" (for or against {row.targets_party.name}{', authorised' if row.party_authorised else ''})" \
            if row.targets_party_id else ""
        records.append(SpendRecord(
            section=SECTION_GENERAL, category=row.get_category_display(), description=row.description + party,
            amount_pence=row.amount_pence, incurred_on=row.incurred_on, paid_on=row.paid_on,
            supplier_name=row.supplier, supplier_address=row.supplier_address,
            invoice_reference=row.invoice_reference, nation=row.nation,
            constituency_code=";".join(c.gss_code for c in named), constituency_name=";".join(c.name for c in named),
            candidate_name="", agent_authorised=False, ledger_transaction=str(row.transaction_id),
            nation_amounts=tuple(general.nation_split(item, seats).items())))
    totals = general.attribute(items, seats_per_nation=seats)
    names = {c.pk: c for c in Constituency.objects.filter(pk__in=list(totals.seat_nation))}
    attributed = [(names[sid].gss_code, names[sid].name, nation, round(totals.seat_total(sid, nation)))
                  for sid, nation in totals.seat_nation.items()]
    return records, sorted(attributed)


def spending_report(*, election_id: str, progress: bool = True, organisation=None) -> Report:
    """The spending report for `election_id`'s regulated period: the general campaign's items (by part of the UK
    and named constituency), spending about candidates, then grants."""
    start, polling = regulated_period_for(election_id=election_id)
    group = parse_election_id(election_id).election_group_id
    spends = (CandidateSpend.objects.filter(spent_at__date__gte=start, spent_at__date__lte=polling)
              .select_related("candidacy__constituency", "candidacy__person").order_by("spent_at", "id"))
    grants = (Grant.objects.filter(candidacy__election_id=group, created_at__date__gte=start,
                                   created_at__date__lte=polling)
              .select_related("candidacy__constituency", "candidacy__person").order_by("created_at", "id"))
    items: list[SpendRecord] = []
    for spend in _each(spends, progress=progress, total=spends.count(), what="Spending"):
        seat = spend.candidacy.constituency
        items.append(SpendRecord(
            section=SECTION_SPEND, category=EXPENSE_CATEGORY.get(spend.kind, "Other"), description=spend.description,
            amount_pence=spend.amount_pence, incurred_on=spend.spent_at.date(), paid_on=spend.spent_at.date(),
            supplier_name=spend.supplier, supplier_address="", invoice_reference=spend.invoice_reference,
            nation=seat.nation, constituency_code=seat.gss_code, constituency_name=seat.name,
            candidate_name=_candidate_name(spend.candidacy), agent_authorised=spend.authorisation_id is not None,
            ledger_transaction=str(spend.transaction_id),
        ))
    for grant in _each(grants, progress=progress, total=grants.count(), what="Grants"):
        seat = grant.candidacy.constituency
        items.append(SpendRecord(
            section=SECTION_GRANT, category="Donation to a candidate", description=grant.reason[:300],
            amount_pence=grant.amount_pence, incurred_on=grant.created_at.date(),
            paid_on=grant.paid_at.date() if grant.paid_at else None,
            supplier_name=grant.agent_name or _candidate_name(grant.candidacy), supplier_address=grant.agent_address,
            invoice_reference=grant.bank_reference, nation=seat.nation, constituency_code=seat.gss_code,
            constituency_name=seat.name, candidate_name=_candidate_name(grant.candidacy), agent_authorised=False,
            ledger_transaction=str(grant.approval_id),
        ))
    general_records, general_seats = _general_items(election_id=election_id, start=start, polling=polling,
                                                    organisation=organisation, progress=progress)
    return spending_rows(items=general_records + items, poll_date=polling, general_seats=general_seats)


def _candidate_name(candidacy) -> str:
    return candidacy.person_name or (candidacy.person.name if candidacy.person else "")
