"""One rule of s.75 for everything a group spends about a candidate, and one record of the agent's authority.

Representation of the People Act 1983, s.75(1ZZB): a group may spend at most £700 about one candidate at the 4 July
2024 general election without the election agent's written authority. The group's messages about a candidate
(`compliance.MaterialCost`, recorded before they go out) and the spending it records about them by hand
(`swingfund funding spend`, `CandidateSpend`) are one total, checked by one rule in either order; only the group's
own authority, signed on or before the day, lifts the cap; another group's spending and authority do not count.

Worked by hand: £600 of messages, then a £101 leaflet → £701, £1 over the £700: refused, nothing written. A £100
leaflet → £700 exactly: accepted. The other way round: a £650 leaflet, then £51 of messages → £701: refused.
"""

from __future__ import annotations

import datetime as dt

import pytest

from swingfund.compliance.errors import LimitExceeded
from swingfund.compliance.models import AgentAuthority, MaterialCost
from swingfund.compliance.services import agent_authority_record
from swingfund.funding import selectors, services
from swingfund.funding.models import CandidateSpend, LedgerTransaction
from swingfund.organisations.models import Organisation
from swingfund.reports.services import material_cost_record
from tests.funding.conftest import at, make_donor

CITATION = "Representation of the People Act 1983, s.75(1ZZB)"
DOCUMENT = b"%PDF-1.4 letter of authority signed by the election agent"


def fund(campaign, pence):
    services.donation_record(campaign=campaign, donor=make_donor("Big Giver"), amount_pence=pence,
                             method="bank_transfer", reference="in", received_at=at("05-20"))


def messages_about(organisation, candidacy, pence: int, day: str = "06-15"):
    """Material naming `candidacy` that reaches its seat at a cost of `pence`, through the law's own record."""
    return material_cost_record(
        organisation=organisation, election=candidacy.election_id, incurred_on=at(day).date(),
        seat_costs={candidacy.constituency: pence}, texts=["Our committee backs {candidate} in {seat}."],
        backed={candidacy.constituency_id: candidacy.pk}, supplier="Meta Platforms Ireland Ltd",
        description="WhatsApp template messages", source_ref=f"test:{day}:{pence}")


def leaflet(campaign, candidacy, pence: int, day: str = "06-20"):
    return services.candidate_spend_record(campaign=campaign, candidacy=candidacy, kind="leaflet",
                                           description="Leaflets", amount_pence=pence, spent_at=at(day))


def written():
    return CandidateSpend.objects.count(), MaterialCost.objects.count(), LedgerTransaction.objects.count()


@pytest.fixture
def other_group(figures):
    return Organisation.objects.create(name="Bradford Voice", slug="bradford-voice", address="1 Market St\nBradford",
                                       sender_email="hello@bradfordvoice.example")


def other_campaign(group):
    campaign = services.campaign_create(
        organisation=group, slug=f"{group.slug}-fund", title="Fund", description="Gifts for grants.",
        purpose="Grants to the candidates our committee backs.", mode="pooled", goal_pence=2_000_000,
        starts_at=at("05-01"), ends_at=at("07-04"))
    fund(campaign, 500_000)
    return campaign


def test_messages_and_recorded_spending_about_a_candidate_share_the_permitted_sum(pooled, candidacy, organisation):
    fund(pooled, 500_000)
    messages_about(organisation, candidacy, 60_000)
    before = written()
    with pytest.raises(LimitExceeded) as refused:
        leaflet(pooled, candidacy, 10_100)
    words = str(refused.value)
    assert words.startswith(f"Refused: this is spending about {candidacy}")
    assert "to £701, over the permitted sum of £700 per candidate" in words and CITATION in words
    assert written() == before  # nothing half-written: no spending, no ledger transaction
    spend = leaflet(pooled, candidacy, 10_000)  # £600 + £100 = £700 exactly
    assert spend.authority is None
    assert selectors.candidate_spent_pence(organisation=organisation, candidacy_ids=[candidacy.pk]) == {
        candidacy.pk: 70_000}


def test_recorded_spending_first_then_messages_meet_the_same_total(pooled, candidacy, organisation):
    fund(pooled, 500_000)
    leaflet(pooled, candidacy, 65_000)
    before = written()
    with pytest.raises(LimitExceeded, match="to £701, over the permitted sum of £700"):
        messages_about(organisation, candidacy, 5_100)
    assert written() == before
    messages_about(organisation, candidacy, 5_000)


def test_only_the_groups_own_authority_signed_by_the_day_lifts_the_cap(pooled, candidacy, organisation, other_group):
    fund(pooled, 500_000)
    leaflet(pooled, candidacy, 70_000)
    # another group's agent's authority for the same candidate does not lift this group's cap
    agent_authority_record(organisation=other_group, candidacy=candidacy, agent_name="Other Agent",
                           agent_address="2 Mill Lane, Bradford", authorised_on=dt.date(2024, 6, 1),
                           limit_pence=500_000, document=DOCUMENT, document_name="other.pdf")
    with pytest.raises(LimitExceeded, match="over the permitted sum of £700"):
        leaflet(pooled, candidacy, 1)
    # this group's authority, signed on 22 June, does not reach back to spending on 21 June …
    own = agent_authority_record(organisation=organisation, candidacy=candidacy, agent_name="Pat Agent",
                                 agent_address="1 Agent Row, Leeds", authorised_on=dt.date(2024, 6, 22),
                                 limit_pence=150_000, document=DOCUMENT, document_name="letter.pdf")
    with pytest.raises(LimitExceeded, match="over the permitted sum of £700"):
        leaflet(pooled, candidacy, 1, day="06-21")
    # … but lifts the cap from its day, to its own limit, messages included
    assert leaflet(pooled, candidacy, 50_000, day="06-22").authority_id == own.pk
    messages_about(organisation, candidacy, 30_000, day="06-23")  # £700 + £500 + £300 = £1,500 exactly
    with pytest.raises(LimitExceeded, match="over the £1,500 their election agent Pat Agent authorised"):
        leaflet(pooled, candidacy, 1, day="06-24")


def test_another_groups_spending_does_not_count_against_this_groups_permitted_sum(
        pooled, candidacy, organisation, other_group):
    fund(pooled, 500_000)
    leaflet(other_campaign(other_group), candidacy, 70_000)
    messages_about(other_group, candidacy, 0)
    assert leaflet(pooled, candidacy, 70_000).amount_pence == 70_000  # each group has its own £700
    assert AgentAuthority.objects.count() == 0
