"""The demo organisation on the real 2024 results, with its committee's decisions (for planning tests)."""

from __future__ import annotations

import pytest

from swingfund.committee.demo import demo_run
from swingfund.scorecards.demo import demo_seed

ELECTION = "parl.2024-07-04"
BLOC = "religion:muslim"


@pytest.fixture
def demo_org(official_db):
    org = demo_seed()
    demo_run(organisation=org, election_id=ELECTION, bloc=BLOC)
    return org


NEXT = "parl.2029-05-03"
"""A future general election on the 2024 boundaries (provisional date, made up for the tests), forecast from 2024."""
NEXT_SEATS = {  # seat: (the 2024 candidate standing again, the committee's word on a £1,000 grant to them)
    "Ilford North": ("Leanne Mohamad", "approved"),
    "Birmingham Ladywood": ("Akhmed Yakoob", "approved"),
    "Dewsbury and Batley": ("Iqbal Mohamed", "approved"),
    "Leicester South": ("Shockat Adam", "rejected"),
}


@pytest.fixture
def next_election(official_db):
    """The demo organisation before the next election: four 2024 candidates stand again (same person, same party),
    the committee approved £1,000 grants in three seats and rejected one. Decisions are written as the committee's
    services write them (a hash of the proposal recorded), without the ballot that led to them."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from swingfund.committee.content import proposal_hash
    from swingfund.committee.models import Decision, Proposal
    from swingfund.elections.models import Candidacy, Election

    org = demo_seed()
    past = Election.objects.get(pk=ELECTION)
    election = Election.objects.create(id=NEXT, name="Next general election (provisional date)",
                                       poll_date=dt.date(2029, 5, 3), boundary_set=past.boundary_set)
    user = get_user_model().objects.create_user("chair-next")
    for seat, (name, outcome) in NEXT_SEATS.items():
        before = Candidacy.objects.select_related("constituency").get(election=past, constituency__name=seat,
                                                                      person_name=name)
        cand = Candidacy.objects.create(election=election, constituency=before.constituency, person=before.person,
                                        person_name=before.person_name, party=before.party, source=before.source)
        now = timezone.now()
        proposal = Proposal.objects.create(organisation=org, kind="grant", election=election,
                                           constituency=before.constituency, candidacy=cand, amount_pence=100_000,
                                           reason="test", proposer=user, created_at=now, updated_at=now,
                                           status="decided", content_hash="0" * 64)
        Decision.objects.create(proposal=proposal, outcome=outcome, trigger="count", decided_at=now,
                                proposal_hash=proposal_hash(proposal), tally={}, ballots=[], explanation="test")
    return org
