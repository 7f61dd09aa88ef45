"""`demo_run`: the demo group's legal status and a few general-campaign items for the 2024 general election (a
UK-wide advert, leaflets in three target seats, a Scottish newspaper advert). Safe to repeat: each item carries a
fixed `source_ref` and is recorded once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from swingfund.committee.selectors import decided_grants
from swingfund.compliance.services import group_legal_status_set
from swingfund.display import money
from swingfund.elections.models import Constituency
from swingfund.reports.models import CampaignSpend
from swingfund.reports.services import campaign_spending_record

ELECTION = "parl.2024-07-04"


def _target_seats(organisation, election_id: str, limit: int = 3) -> list:
    seats = [d.proposal.constituency for d in decided_grants(organisation=organisation)
             if d.proposal.constituency.boundary_set == "pcon2024" and d.proposal.election_id == election_id][:limit]
    if len(seats) < limit:
        seats += list(Constituency.objects.filter(boundary_set="pcon2024", nation="E")
                      .exclude(pk__in=[s.pk for s in seats]).order_by("gss_code")[:limit - len(seats)])
    return seats


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
                             "supplier": "Example Digital Ads Ltd", "amount_pence": 120_000, "category": "material",
                             "description": "Online adverts across the UK: 'Ask every candidate where they stand'",
                             "invoice_reference": "EDA-2024-118"}),
            ("demo:leaflets", {"incurred_on": leaflets, "paid_on": leaflets_paid,
                               "supplier": "Canal Print Co-operative", "amount_pence": 90_000,
                               "category": "material", "constituencies": seats, "invoice_reference": "CPC-5531",
                               "description": "Scorecard leaflets in our target seats"}),
            ("demo:scotland-press", {"incurred_on": press, "supplier": "Example Scottish Weekly",
                                     "amount_pence": 40_000, "category": "material", "nation": "S",
                                     "invoice_reference": "ESW-77",
                                     "description": "Newspaper advert in Scotland: the statements and scorecards"}),
        ]
        for ref, fields in items:
            if not CampaignSpend.objects.filter(organisation=organisation, source_ref=ref).exists():
                campaign_spending_record(organisation=organisation, election=election_id, source_ref=ref,
                                         recorded_by="demo treasurer", **fields)
    spends = CampaignSpend.objects.filter(organisation=organisation, election_id=election_id)
    total = sum(s.amount_pence for s in spends)
    return (f"General campaign: {spends.count()} items, {money(total, short=True)} recorded for {election_id}. "
            "See /compliance/.")
