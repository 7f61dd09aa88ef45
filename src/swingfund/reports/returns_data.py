"""Reads the funding and spending records of an election into the plain records `returns.py` reports on, one
organisation's at a time when given.

Donations: gifts to *pooled* campaigns (the group's own funds, which pay for its campaigning), selected by purpose
(`_gift_purpose`: a campaign opened for the election, whenever the gift came). Earmarked gifts are donations to the
candidate they are passed on to: they appear in that candidate's donation notice, not in the group's non-party
return. Refunded amounts are netted; voided records (recorded in error, reversed in the ledger) are left out.
Spending: the PPERA return holds the general campaign's items only; spending about named candidates (s.75) and
grants to candidates have their own returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from django.db.models import Prefetch, Q
from rich.progress import track

from swingfund.compliance import general
from swingfund.compliance.checks import Situation
from swingfund.compliance.gifts import donor_permissible
from swingfund.compliance.selectors import figure, figure_table
from swingfund.compliance.selectors_general import regulated_period_for, seats_per_nation
from swingfund.compliance.timetables import dissolution_date, parse_election_id, poll_date
from swingfund.elections.models import Constituency, Election
from swingfund.funding.models import CandidateSpend, Donation, GivingMode, Grant, PermissibilityCategory, Refund
from swingfund.reports.models import CampaignSpend
from swingfund.reports.returns import (
    SECTION_GENERAL,
    CandidateSpendRecord,
    GiftRecord,
    GrantRecord,
    Report,
    SpendRecord,
    candidate_spending_rows,
    donation_rows,
    grant_rows,
    pounds,
    pre_poll_rows,
    spending_rows,
    ua_gift_rows,
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


def _gift_purpose(*, election_id: str, start, polling, organisation) -> Q:
    """Gifts received for the purpose of the election's regulated campaign spending (the Commission: "there is no
    specific reporting period for donations"): every gift to a pooled campaign opened for that election, whenever
    received (before the regulated period too); and gifts to pooled campaigns tied to no election that were received
    in the period. Earmarked gifts are the candidate's donations, reported in the notice to their agent."""
    group = parse_election_id(election_id).election_group_id
    purpose = Q(campaign__mode=GivingMode.POOLED) & (
        Q(campaign__election_id=group)
        | Q(campaign__election__isnull=True, received_at__date__gte=start, received_at__date__lte=polling))
    if organisation is not None:
        purpose &= Q(campaign__organisation=organisation)
    return purpose


def _gift_records(*, election_id: str, organisation, progress: bool) -> tuple[list[GiftRecord], object]:
    start, polling = regulated_period_for(election_id=election_id)
    gifts = (
        Donation.objects.filter(_gift_purpose(election_id=election_id, start=start, polling=polling,
                                              organisation=organisation))
        .exclude(status=Donation.Status.VOIDED)
        .select_related("donor", "release", "campaign__organisation")
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
            Donation.Status.HELD: "impermissible" if impermissible else "held",
        }[gift.status]
        received = gift.received_at.date()
        # The gift's own acceptance: the day its hold was released, or the day received if never held.
        accepted = (gift.release.posted_at.date() if gift.release_id else received) if status == "accepted" else None
        records.append(GiftRecord(
            donor_key=f"donor:{donor.pk}" if donor else f"gift:{gift.pk}",
            donor_name=donor.name if donor else "",
            donor_status=donor.get_category_display() if donor else "Unidentifiable",
            address=donor.address if donor else "",
            postcode=donor.postcode if donor else "",
            company_number=donor.evidence if donor and donor.category == PermissibilityCategory.UK_COMPANY else "",
            amount_pence=amount, received_on=received, accepted_on=accepted,
            status=status, returned_on=returned[-1].created_at.date() if returned else None,
            reference=gift.reference, ledger_transaction=str(gift.transaction_id),
            organisation=str(gift.campaign.organisation or ""), nature=gift.nature,
            manner_made=f"Given by {gift.get_method_display().lower()}",
            manner_of_return=returned[-1].get_manner_display() if returned and returned[-1].manner else "",
        ))
    return records, polling


def donations_report(*, election_id: str, progress: bool = True, organisation=None) -> Report:
    """The donations report for `election_id` (of one organisation when given), gifts selected by purpose."""
    records, polling = _gift_records(election_id=election_id, organisation=organisation, progress=progress)
    return donation_rows(gifts=records, poll_date=polling)


def pre_poll_report(*, election_id: str, progress: bool = True, organisation=None) -> Report:
    """The weekly pre-poll donation reports from dissolution to polling day, from the same gifts."""
    records, polling = _gift_records(election_id=election_id, organisation=organisation, progress=progress)
    return pre_poll_rows(gifts=records, dissolution=dissolution_date(figures=figure_table(), election_id=election_id),
                         poll_date=polling)


def _general_items(*, election_id: str, start, polling, organisation, progress: bool):
    """The general campaign's items as report records, and the spending attributed to each named constituency."""
    rows = (CampaignSpend.objects.filter(election_id=election_id, incurred_on__gte=start, incurred_on__lte=polling)
            .select_related("targets_party", "organisation").prefetch_related("constituencies")
            .order_by("incurred_on", "id"))
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
            nation_amounts=tuple(general.nation_split(item, seats).items()), claimed_on=row.claimed_on,
            notional=row.notional, claim_status=row.claim_status, joint_campaigners=row.joint_campaigners,
            organisation=str(row.organisation)))
    totals = general.attribute(items, seats_per_nation=seats)
    names = {c.pk: c for c in Constituency.objects.filter(pk__in=list(totals.seat_nation))}
    attributed = [(names[sid].gss_code, names[sid].name, nation, round(totals.seat_total(sid, nation)))
                  for sid, nation in totals.seat_nation.items()]
    return records, sorted(attributed)


def spending_report(*, election_id: str, progress: bool = True, organisation=None) -> Report:
    """The PPERA spending return for `election_id`'s regulated period (of one organisation when given): the general
    campaign's items, by part of the UK and named constituency. Spending about candidates and grants have their own
    returns (`candidate_spending_report`, `grants_report`)."""
    start, polling = regulated_period_for(election_id=election_id)
    general_records, general_seats = _general_items(election_id=election_id, start=start, polling=polling,
                                                    organisation=organisation, progress=progress)
    return spending_rows(items=general_records, poll_date=polling, general_seats=general_seats)


def candidate_spending_report(*, election_id: str, progress: bool = True, organisation=None) -> Report:
    """Spending about named candidates standing at `election_id` (RPA 1983 s.75), for their agents."""
    polling = poll_date(election_id=election_id)
    group = parse_election_id(election_id).election_group_id
    spends = (CandidateSpend.objects.filter(candidacy__election_id=group)
              .select_related("candidacy__constituency", "candidacy__person", "authority",
                              "campaign__organisation").order_by("spent_at", "id"))
    if organisation is not None:
        spends = spends.filter(campaign__organisation=organisation)
    items = []
    for spend in _each(spends, progress=progress, total=spends.count(), what="Spending about candidates"):
        seat, auth = spend.candidacy.constituency, spend.authority
        items.append(CandidateSpendRecord(
            organisation=str(spend.campaign.organisation or ""), candidate_name=_candidate_name(spend.candidacy),
            constituency_code=seat.gss_code, constituency_name=seat.name,
            category=EXPENSE_CATEGORY.get(spend.kind, "Other"), description=spend.description,
            amount_pence=spend.amount_pence, incurred_on=spend.spent_at.date(), paid_on=spend.spent_at.date(),
            supplier_name=spend.supplier, supplier_address="", agent_authorised=auth is not None,
            agent_name=auth.agent_name if auth else "", authorised_on=auth.authorised_on if auth else None,
            authorisation_document=_authority_document(auth),
            ledger_transaction=str(spend.transaction_id)))
    items += _material_items(group=group, organisation=organisation, progress=progress)
    return candidate_spending_rows(items=items, poll_date=polling)


def _authority_document(auth) -> str:
    """How the return names the copy of an agent's written authority (`compliance.AgentAuthority`)."""
    return f"{auth.document_name} (sha256 {auth.document_sha256[:12]}…)" if auth else ""


def _material_items(*, group: str, organisation, progress: bool) -> list[CandidateSpendRecord]:
    """Material (messages, leaflets, share kits) that named, backed or opposed a candidacy standing at `group`,
    as classified before it went out (`compliance.MaterialCost`, regime "candidate"): s.75 spending about that
    candidate, in this return like the funding app's own spending about candidates."""
    from swingfund.compliance.models import MaterialCost, MaterialRegime

    costs = (MaterialCost.objects.filter(regime=MaterialRegime.CANDIDATE, candidacy__election_id=group)
             .select_related("candidacy__constituency", "candidacy__person", "authority", "organisation")
             .order_by("incurred_on", "id"))
    if organisation is not None:
        costs = costs.filter(organisation=organisation)
    items = []
    for cost in _each(costs, progress=progress, total=costs.count(), what="Material about candidates"):
        seat, auth = cost.candidacy.constituency, cost.authority
        items.append(CandidateSpendRecord(
            organisation=str(cost.organisation), candidate_name=_candidate_name(cost.candidacy),
            constituency_code=seat.gss_code, constituency_name=seat.name, category=EXPENSE_CATEGORY["message"],
            description=cost.description, amount_pence=cost.amount_pence, incurred_on=cost.incurred_on,
            paid_on=None, supplier_name=cost.supplier, supplier_address="", agent_authorised=auth is not None,
            agent_name=auth.agent_name if auth else "", authorised_on=auth.authorised_on if auth else None,
            authorisation_document=_authority_document(auth),
            ledger_transaction=str(cost.transaction_id or "")))
    return items


def grants_report(*, election_id: str, progress: bool = True, organisation=None) -> Report:
    """Grants to candidates standing at `election_id`, each with its agent, answer, payment and true sources."""
    polling = poll_date(election_id=election_id)
    group = parse_election_id(election_id).election_group_id
    grants = (Grant.objects.filter(candidacy__election_id=group)
              .select_related("candidacy__constituency", "candidacy__person", "campaign__organisation")
              .prefetch_related("allocations__donation__donor").order_by("created_at", "id"))
    if organisation is not None:
        grants = grants.filter(campaign__organisation=organisation)
    threshold = figure("candidate_donation_threshold", on=polling).value
    records = []
    for grant in _each(grants, progress=progress, total=grants.count(), what="Grants"):
        seat = grant.candidacy.constituency
        sources = "; ".join(
            f"{a.donation.donor.name if a.donation.donor else 'Unidentified'} {pounds(a.amount_pence)}"
            for a in grant.allocations.all() if a.donation.amount_pence > threshold)
        records.append(GrantRecord(
            organisation=str(grant.campaign.organisation or ""), candidate_name=_candidate_name(grant.candidacy),
            constituency_code=seat.gss_code, constituency_name=seat.name, agent_name=grant.agent_name,
            agent_contact=" · ".join(p for p in (grant.agent_email, grant.agent_phone,
                                                 " ".join(grant.agent_address.split())) if p),
            amount_pence=grant.amount_pence, offered_on=grant.offered_at.date() if grant.offered_at else None,
            response=grant.agent_response, responded_on=grant.responded_on,
            paid_on=grant.paid_at.date() if grant.paid_at else None, bank_reference=grant.bank_reference,
            true_sources=sources or ("the group's own funds" if grant.campaign.mode == GivingMode.POOLED else ""),
            ledger_transaction=str(grant.approval_id),
            reversal_transaction=str(grant.reversal_id) if grant.reversal_id else ""))
    return grant_rows(grants=records, poll_date=polling)


def _candidate_name(candidacy) -> str:
    return candidacy.person_name or (candidacy.person.name if candidacy.person else "")


def ua_gifts_report(*, election_id: str, progress: bool = True, organisation=None) -> Report:
    """Schedule 19A: the gifts an unincorporated association received in the calendar year of `election_id`'s poll
    (every campaign of the organisation, pooled or earmarked, money or not) that are reportable."""
    year = poll_date(election_id=election_id).year
    gifts = (Donation.objects.filter(received_at__year=year, status=Donation.Status.ACCEPTED)
             .select_related("donor", "campaign__organisation").order_by("received_at", "id"))
    if organisation is not None:
        gifts = gifts.filter(campaign__organisation=organisation)
    pairs = []
    for gift in _each(gifts, progress=progress, total=gifts.count(), what="Gifts"):
        donor = gift.donor
        pairs.append((GiftRecord(
            donor_key=f"donor:{donor.pk}" if donor else f"gift:{gift.pk}", donor_name=donor.name if donor else "",
            donor_status=donor.get_category_display() if donor else "Unidentifiable",
            address=donor.address if donor else "", postcode=donor.postcode if donor else "", company_number="",
            amount_pence=gift.amount_pence, received_on=gift.received_at.date(), accepted_on=None, status="accepted",
            reference=gift.reference, ledger_transaction=str(gift.transaction_id),
            organisation=str(gift.campaign.organisation or ""), nature=gift.nature,
        ), f"donor:{donor.pk}" if donor else f"gift:{gift.pk}"))
    return ua_gift_rows(gifts=pairs, year=year)


# The returns by the name the command line and the pages use.
REPORTS = {
    "donations": donations_report,
    "spending": spending_report,
    "candidate-spending": candidate_spending_report,
    "grants": grants_report,
    "pre-poll": pre_poll_report,
    "ua-gifts": ua_gifts_report,
}
