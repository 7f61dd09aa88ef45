"""`demo_run`: the demo group's legal status and its spending for the 2024 general election: a UK-wide advert and a
Scottish newspaper advert (general-campaign spending, PPERA 2000 Part VI), and scorecard leaflets in three target
seats. The leaflets say whom the committee backs, so in a seat where it backs a candidate their cost there is
spending about that candidate (RPA 1983 s.75, within the £700 permitted sum), classified and checked before they go
out like any material (`material_cost_record`); in a seat where it backs no one they are general-campaign spending.
Safe to repeat: each item carries a fixed `source_ref` and is recorded once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from swingfund.committee.selectors import decided_grants
from swingfund.compliance.general import split_pence
from swingfund.compliance.models import MaterialCost
from swingfund.compliance.services import group_legal_status_set
from swingfund.display import money
from swingfund.elections.models import Constituency
from swingfund.reports.models import CampaignSpend
from swingfund.reports.services import campaign_spending_record, material_cost_record

ELECTION = "parl.2024-07-04"
LEAFLETS_REF = "demo:leaflets"
LEAFLETS_PENCE = 90_000
LEAFLETS_SUPPLIER = "Canal Print Co-operative (illustrative)"
LEAFLETS_DESCRIPTION = "Scorecard leaflets in our target seats"
LEAFLET_TEXT = ("Where the candidates stand on our statements: see the scorecard. Our committee backs {candidate} "
                "here.")


def _target_seats(organisation, election_id: str, limit: int = 3) -> list:
    seats = [d.proposal.constituency for d in decided_grants(organisation=organisation)
             if d.proposal.constituency.boundary_set == "pcon2024" and d.proposal.election_id == election_id][:limit]
    if len(seats) < limit:
        seats += list(Constituency.objects.filter(boundary_set="pcon2024", nation="E")
                      .exclude(pk__in=[s.pk for s in seats]).order_by("gss_code")[:limit - len(seats)])
    return seats


def _backed(organisation, election_id: str) -> dict[int, int]:
    """Seat id → the candidacy the committee decided to back there at `election_id` (what `{candidate}` becomes)."""
    return {d.proposal.constituency_id: d.proposal.candidacy_id for d in decided_grants(organisation=organisation)
            if d.proposal.election_id == election_id and d.proposal.candidacy_id}


def _leaflets(*, organisation, election_id: str, seats: list, incurred_on: dt.date, paid_on: dt.date) -> None:
    """The scorecard leaflets, £900 split equally over the seats: where they back a candidate, s.75 spending about
    them (checked before they go out); elsewhere general-campaign spending with its invoice."""
    if (MaterialCost.objects.filter(organisation=organisation, source_ref=LEAFLETS_REF).exists()
            or CampaignSpend.objects.filter(organisation=organisation, source_ref=LEAFLETS_REF).exists()):
        return
    shares = split_pence(LEAFLETS_PENCE, {str(seat.pk): 1 for seat in seats})
    backed = _backed(organisation, election_id)
    naming = [seat for seat in seats if seat.pk in backed]
    if naming:
        material_cost_record(organisation=organisation, election=election_id, incurred_on=incurred_on,
                             seat_costs={seat: shares[str(seat.pk)] for seat in naming}, texts=[LEAFLET_TEXT],
                             backed={seat.pk: backed[seat.pk] for seat in naming}, supplier=LEAFLETS_SUPPLIER,
                             description=LEAFLETS_DESCRIPTION, source_ref=LEAFLETS_REF,
                             recorded_by="demo treasurer")
    rest = [seat for seat in seats if seat.pk not in backed]
    if rest:
        campaign_spending_record(organisation=organisation, election=election_id, source_ref=LEAFLETS_REF,
                                 recorded_by="demo treasurer", incurred_on=incurred_on, paid_on=paid_on,
                                 supplier=LEAFLETS_SUPPLIER, category="material", constituencies=rest,
                                 amount_pence=sum(shares[str(seat.pk)] for seat in rest),
                                 invoice_reference="CPC-5531", description=LEAFLETS_DESCRIPTION)


def _days(election_id: str, today: dt.date) -> list[dt.date]:
    """The five dates the items use: June 2024 for the 2024 rehearsal; for an election still to come, the days
    before `today` (inside the regulated period counted while its date is provisional)."""
    from swingfund.elections.models import Election

    election = Election.objects.filter(pk=election_id).first()
    if election_id == ELECTION or election is None or election.poll_date <= today:
        return [dt.date(2024, 6, d) for d in (3, 5, 10, 12, 20)]
    return [today - dt.timedelta(days=d) for d in (6, 5, 4, 3, 2)]


def demo_run(*, organisation, election_id: str = ELECTION, today: dt.date | None = None) -> str:
    from django.utils import timezone

    today = today or timezone.now().date()
    ads, ads_paid, leaflets, leaflets_paid, press = _days(election_id, today)
    with transaction.atomic():
        if not hasattr(organisation, "legal_status"):
            group_legal_status_set(organisation=organisation, legal_form="unincorporated_association",
                                   recorded_by="demo treasurer")
        seats = _target_seats(organisation, election_id)
        items = [
            ("demo:uk-ads", {"incurred_on": ads, "paid_on": ads_paid,
                             "supplier": "Example Digital Ads Ltd (illustrative)", "amount_pence": 120_000,
                             "category": "material",
                             "description": "Online adverts across the UK: 'Ask every candidate where they stand'",
                             "invoice_reference": "EDA-2024-118"}),
            ("demo:scotland-press", {"incurred_on": press, "supplier": "Example Scottish Weekly (illustrative)",
                                     "amount_pence": 40_000, "category": "material", "nation": "S",
                                     "invoice_reference": "ESW-77",
                                     "description": "Newspaper advert in Scotland: the statements and scorecards"}),
        ]
        _leaflets(organisation=organisation, election_id=election_id, seats=seats, incurred_on=leaflets,
                  paid_on=leaflets_paid)
        for ref, fields in items:
            if not CampaignSpend.objects.filter(organisation=organisation, source_ref=ref).exists():
                campaign_spending_record(organisation=organisation, election=election_id, source_ref=ref,
                                         recorded_by="demo treasurer", **fields)
    spends = CampaignSpend.objects.filter(organisation=organisation, election_id=election_id)
    total = sum(s.amount_pence for s in spends)
    about = MaterialCost.objects.filter(organisation=organisation, election_id=election_id, regime="candidate")
    return (f"General campaign: {spends.count()} items, {money(total, short=True)} recorded for {election_id}; "
            f"about named candidates (s.75): {about.count()} items, "
            f"{money(sum(c.amount_pence for c in about), short=True)}. See /compliance/.")
