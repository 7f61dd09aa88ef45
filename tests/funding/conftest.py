"""Fixtures of the money tests: the seeded legal figures, a real GE2024 candidacy from the official files,
campaigns in each giving mode, donors, and the organisation's treasurer signed in."""

from __future__ import annotations

import datetime as dt

import pytest

from swingfund.funding import services

ELECTION = "parl.2024-07-04"


def at(day: str, time: str = "12:00:00") -> dt.datetime:
    """A UTC moment on a 2024 day given as 'MM-DD' or a full ISO date."""
    day = day if len(day) > 5 else f"2024-{day}"
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=dt.UTC)


# The day the money tests make their grants: inside the 2024 candidacies (after the close of nominations on 7 June
# 2024, before polling day), so the law by date allows them. Passed in: the tests never read the clock.
GRANT_DAY = at("06-20")


@pytest.fixture
def figures(db):
    """The legal figures (seeded by compliance's data migration; re-seeded in case a transactional test flushed)."""
    from swingfund.compliance.services import legal_figures_seed

    legal_figures_seed()


@pytest.fixture
def candidacies(official_db, figures):
    """Two real candidacies at the 4 July 2024 general election (from the official files), in seats with results."""
    from swingfund.elections.models import Candidacy

    rows = list(Candidacy.objects.filter(election_id=ELECTION, constituency__results__election_id=ELECTION)
                .select_related("constituency", "election").order_by("constituency__gss_code", "-votes")[:2])
    assert len(rows) == 2, "the official GE2024 candidates were not imported"
    return rows


@pytest.fixture
def candidacy(candidacies):
    return candidacies[0]


@pytest.fixture
def pooled(figures, organisation):
    return services.campaign_create(
        organisation=organisation, slug="pooled", title="Pooled fund", description="Gifts for grants.",
        purpose="Grants to the candidates our committee backs.", mode="pooled", goal_pence=2_000_000,
        starts_at=at("05-01"), ends_at=at("07-04"))


@pytest.fixture
def earmarked(figures, organisation):
    return services.campaign_create(
        organisation=organisation, slug="earmarked", title="Earmarked", description="Gifts passed on.",
        purpose="Passed on to the candidate each donor chooses.", mode="earmarked", goal_pence=500_000,
        starts_at=at("05-01"), ends_at=at("07-04"))


def make_donor(name: str, *, checked: bool = True, category: str = "uk_elector", consent: bool = False):
    donor = services.donor_get_or_create(name=name, email=f"{name.split()[0].lower()}@example.org",
                                         address=f"1 {name} Road, Leeds", postcode="ls1 1aa", consent_publish=consent)
    if checked:
        donor = services.donor_declare(donor=donor, category=category, evidence="electoral register 2024",
                                       checked_by="treasurer", checked_at=at("05-01"))
    return donor


@pytest.fixture
def staff_client(client, organisation):
    """The treasurer of the campaigns' organisation, signed in with their second factor."""
    from tests.accounts.helpers import treasurer_client, user_make

    return treasurer_client(client, user_make("treasurer"), organisation)


@pytest.fixture
def organisation(db):
    from swingfund.organisations.models import Organisation

    return Organisation.objects.create(name="Leeds Fair Vote", slug="leeds-fair-vote",
                                       address="3 Briggate\nLeeds\nLS1 6HD", sender_email="hello@leedsfairvote.example")


def approved_decision(organisation, candidacy, django_user_model, amount_pence=100_000):
    """A real committee decision, made through the committee's own services (a proposer and one approving
    member, quorum one)."""
    from swingfund.committee import services as committee

    proposer = django_user_model.objects.create_user(f"chair{candidacy.pk}", password="pw-chair-12345")
    voter = django_user_model.objects.create_user(f"member{candidacy.pk}", password="pw-member-12345")
    committee.policy_set(organisation=organisation, quorum=1, approvals_required=1)
    committee.member_add(organisation=organisation, user=proposer, role="chair")
    committee.member_add(organisation=organisation, user=voter)
    proposal = committee.proposal_create(organisation=organisation, kind="grant", election=candidacy.election,
                                         constituency=candidacy.constituency, reason="Backs our statement; marginal.",
                                         proposer=proposer, candidacy=candidacy, amount_pence=amount_pence)
    committee.vote_cast(proposal=proposal, user=voter, choice="for", proposal_hash=proposal.content_hash)
    proposal.refresh_from_db()
    return proposal.decision
