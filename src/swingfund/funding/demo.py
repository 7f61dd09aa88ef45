"""`demo_run`: a demo pooled campaign with offline gifts, the committee's decided grants paid from it, an
earmarked campaign passing gifts on to one backed candidate, and a held gift on the dashboard. Safe to
repeat: every gift carries a fixed reference (idempotent on it), grants are one per decision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.db import transaction

from swingfund.display import money
from swingfund.funding import ledger, selectors, services
from swingfund.funding.models import Campaign, Donation, Grant, Method

CAMPAIGN_START = dt.datetime(2024, 5, 23, 9, 0, tzinfo=dt.UTC)
CAMPAIGN_END = dt.datetime(2024, 7, 4, 22, 0, tzinfo=dt.UTC)
CHECKED_AT = dt.datetime(2024, 6, 20, 10, 0, tzinfo=dt.UTC)
# The demo rehearses the 2024 election: its grants are made and paid inside the candidacies (after the close of
# nominations, before polling day), where the law by date allows them.
GRANT_AT = dt.datetime(2024, 6, 21, 10, 0, tzinfo=dt.UTC)

# (reference, name, email, address, postcode, pounds, method, day in June 2024, consent, checked elector)
DEMO_GIFTS = [
    ("DEMO-BT-001", "Amina Rahman", "amina@example.org", "12 Mill Lane, Leicester", "LE2 1AB", 250, "bank_transfer", 1,
     True, True),
    ("DEMO-CHQ-002", "Tom Whitfield", "", "3 Church Row, Dewsbury", "WF12 8AA", 100, "cheque", 3, False, False),
    ("DEMO-CASH-003", "Yusuf Patel", "", "Flat 2, 40 Park Road, Batley", "WF17 5LP", 40, "cash", 4, False, False),
    ("DEMO-BT-004", "Sara Ahmed", "sara@example.org", "8 Elm Grove, Blackburn", "BB1 6HQ", 8000, "bank_transfer", 6,
     True, True),
    ("DEMO-BT-005", "Imran Hussain", "imran@example.org", "77 Victoria St, Bradford", "BD3 9PQ", 450, "bank_transfer",
     9, False, False),
]
HELD_GIFT = ("DEMO-CASH-HELD", 600, 12)  # anonymous cash over the threshold: held, return scheduled
EARMARKED_GIFTS = [("DEMO-EM-1", "Khadija Begum", "khadija@example.org", "5 Oak St, Oldham", "OL1 3AB", 75, 10),
                   ("DEMO-EM-2", "Daniel Okafor", "daniel@example.org", "19 Canal Side, Rochdale", "OL16 1AA", 30, 11)]
TOP_UP_REFERENCE = "DEMO-BT-TOPUP"
OPEN_DAYS_BEFORE = 3
"""For an election still to come, the demo's campaigns opened this many days before the demo is run and close on
polling day: open to a visitor on the day it is run."""


@dataclass(frozen=True)
class Dates:
    """When the demo's money moves. The 2024 rehearsal keeps its fixed June 2024 dates; for an election still to
    come every date counts back from `now` (the run), so the campaigns are open and grants fall inside the
    illustrative candidacies (declared a few days before the run)."""

    start: dt.datetime
    end: dt.datetime
    checked_at: dt.datetime
    grant_at: dt.datetime
    first_gift: dt.datetime  # gift on "day d" is received at first_gift + (d - 1) hours
    step: dt.timedelta
    purpose: str

    def gift_at(self, day: int) -> dt.datetime:
        return self.first_gift + (day - 1) * self.step


PAST = Dates(start=CAMPAIGN_START, end=CAMPAIGN_END, checked_at=CHECKED_AT, grant_at=GRANT_AT,
             first_gift=dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC), step=dt.timedelta(days=1),
             purpose="the 4 July 2024 general election")


def demo_dates(*, election_id: str | None = None, now: dt.datetime | None = None) -> Dates:
    """The 2024 rehearsal's dates, or, for an election whose polling day is after `now`, dates relative to `now`."""
    from django.utils import timezone

    from swingfund.elections.models import Election

    now = now or timezone.now()
    election = Election.objects.filter(pk=election_id).first() if election_id else None
    if election is None or election.poll_date <= now.date():
        return PAST
    start = (now - dt.timedelta(days=OPEN_DAYS_BEFORE)).replace(minute=0, second=0, microsecond=0)
    end = dt.datetime.combine(election.poll_date, dt.time(22, 0), tzinfo=dt.UTC)
    provisional = " (date provisional)" if election.poll_date_provisional else ""
    polling = f"{election.poll_date.day} {election.poll_date:%B %Y}"
    return replace(PAST, start=start, end=end, checked_at=now - dt.timedelta(hours=1), grant_at=now,
                   first_gift=start + dt.timedelta(hours=1), step=dt.timedelta(hours=4),
                   purpose=f"the general election expected on {polling}{provisional}")


@dataclass
class DemoSummary:
    campaign: str
    gifts: int
    raised_pence: int
    held_pence: int
    grants: int
    paid_pence: int
    transactions: int

    def __str__(self) -> str:
        return (f"Campaign '{self.campaign}': {self.gifts} gifts, {money(self.raised_pence, short=True)} raised, "
                f"{money(self.held_pence, short=True)} held; "
                f"{self.grants} grants paid ({money(self.paid_pence, short=True)}); "
                f"{self.transactions} ledger transactions. See /funding/, /funding/ledger/, /funding/dashboard/.")


def _gift(campaign: Campaign, reference: str, *, donor, pounds: int, method: str, day: int, dates: Dates,
          candidacy=None):
    return services.donation_record(
        campaign=campaign, donor=donor, amount_pence=pounds * 100, method=method, reference=reference,
        external_id=reference, received_at=dates.gift_at(day),
        earmarked_candidacy=candidacy, recorded_by="demo treasurer",
        consent_publish=bool(donor and donor.consent_publish))  # the demo's donors consent with each gift


def _donor(name: str, email: str, address: str, postcode: str, *, consent: bool, checked: bool, dates: Dates):
    donor = services.donor_get_or_create(name=name, email=email, address=address, postcode=postcode,
                                         consent_publish=consent)
    if checked and donor.checked_at is None:
        donor = services.donor_declare(donor=donor, category="uk_elector", evidence="Electoral register 2024",
                                       checked_by="demo treasurer", checked_at=dates.checked_at)
    return donor


def demo_run(*, organisation, election_id: str | None = None, now: dt.datetime | None = None) -> DemoSummary:
    """Build (or find) the demo campaigns and money; returns a summary that prints as one paragraph. Without
    `election_id` (or for a past one), the 2024 rehearsal's dates; for an election still to come, dates relative
    to `now` (see `Dates`), and only that election's decided grants are paid."""
    from swingfund.committee.selectors import decided_grants

    dates = demo_dates(election_id=election_id, now=now)
    with transaction.atomic():
        pooled = Campaign.objects.filter(slug=f"{organisation.slug}-fund").first() or services.campaign_create(
            organisation=organisation, slug=f"{organisation.slug}-fund", title=f"{organisation.name} election fund",
            description="Small gifts from members and neighbours, given to the candidates our committee backs.",
            purpose=(f"For {organisation.name}: grants of a standard amount to the campaigns of candidates our "
                     "committee backs in marginal seats at {dates.purpose}, and our own leaflets."),
            mode="pooled", goal_pence=2_000_000, starts_at=dates.start, ends_at=dates.end)
        for reference, name, email, address, postcode, pounds, method, day, consent, checked in DEMO_GIFTS:
            donor = _donor(name, email, address, postcode, consent=consent, checked=checked, dates=dates)
            gift = _gift(pooled, reference, donor=donor, pounds=pounds, method=method, day=day, dates=dates)
            if gift.status == Donation.Status.HELD and checked:
                services.donation_release(donation=gift, by="demo treasurer")
        reference, pounds, day = HELD_GIFT
        _gift(pooled, reference, donor=None, pounds=pounds, method=Method.CASH, day=day, dates=dates)
        decisions = [d for d in decided_grants(organisation=organisation)
                     if election_id is None or d.proposal.election_id == election_id]
        needed = sum(d.proposal.amount_pence for d in decisions if not Grant.objects.filter(decision_id=d.pk).exists())
        # grants pass on only clean money (gifts of £50 or less, or from donors checked permissible): top up to that
        short = needed - selectors.campaign_clean_pence(pooled)
        if short > 0 and not Donation.objects.filter(external_id=TOP_UP_REFERENCE).exists():
            donor = _donor("Northfield Traders Ltd", "accounts@northfield.example", "Unit 4, Canal Wharf, Leeds",
                           "LS11 5PS", consent=True, checked=False, dates=dates)
            donor = services.donor_declare(donor=donor, category="uk_company", evidence="Companies House 01234567",
                                           checked_by="demo treasurer", checked_at=dates.checked_at)
            services.donation_record(campaign=pooled, donor=donor, amount_pence=short, method=Method.BANK_TRANSFER,
                                     reference=TOP_UP_REFERENCE, external_id=TOP_UP_REFERENCE,
                                     received_at=dates.gift_at(14))
        for decision in decisions:
            grant = services.grant_create_from_decision(decision=decision, campaign=pooled, created_at=dates.grant_at)
            if grant.status == Grant.Status.PAYABLE:
                services.grant_pay(grant=grant, bank_reference=f"DEMO-GRANT-{decision.pk}", paid_at=dates.grant_at)
        if decisions:
            _earmarked_demo(organisation, decisions[0].proposal.candidacy, dates)
    paid = Grant.objects.filter(campaign=pooled, status=Grant.Status.PAID)
    return DemoSummary(
        campaign=pooled.slug, gifts=pooled.donations.count(), raised_pence=selectors.campaign_raised_pence(pooled),
        held_pence=selectors.campaign_held_pence(pooled), grants=paid.count(),
        paid_pence=sum(g.amount_pence for g in paid), transactions=ledger.LedgerTransaction.objects.count())


def _earmarked_demo(organisation, candidacy, dates: Dates) -> None:
    slug = f"{organisation.slug}-earmarked"
    campaign = Campaign.objects.filter(slug=slug).first() or services.campaign_create(
        organisation=organisation, slug=slug, title=f"Give directly to a candidate {organisation.name} backs",
        description="Your gift goes to the candidate you choose, passed on with your name and address.",
        purpose=f"For the election campaign of {candidacy}, passed on by {organisation.name} as agent for you.",
        mode="earmarked", goal_pence=500_000, starts_at=dates.start, ends_at=dates.end)
    for reference, name, email, address, postcode, pounds, day in EARMARKED_GIFTS:
        donor = _donor(name, email, address, postcode, consent=False, checked=True, dates=dates)
        _gift(campaign, reference, donor=donor, pounds=pounds, method=Method.BANK_TRANSFER, day=day, dates=dates,
              candidacy=candidacy)
    if not Grant.objects.filter(campaign=campaign, candidacy=candidacy).exists():
        total = sum(p for *_, p, _ in EARMARKED_GIFTS) * 100
        grant = services.grant_create(campaign=campaign, candidacy=candidacy, amount_pence=total,
                                      reason="Earmarked gifts passed on to the candidate the donors chose.",
                                      created_at=dates.grant_at)
        services.grant_pay(grant=grant, bank_reference=f"DEMO-EM-GRANT-{grant.pk}", paid_at=dates.grant_at)
