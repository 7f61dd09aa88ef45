"""`/funding/dashboard/campaign/`: the treasurer (second factor given) or an organiser opens a campaign."""

from __future__ import annotations

import pytest
from django.test import Client

from swingfund.accounts.services import role_grant
from swingfund.funding.models import Campaign
from swingfund.funding.services.grants import BAD_DATES
from swingfund.organisations.services import organisation_create
from tests.accounts.helpers import second_factor, sign_in, user_make

URL = "/funding/dashboard/campaign/"
FORM = {"organisation": "leeds-fair-vote", "title": "Back candidates who back public services",
        "description": "Gifts fund grants to the candidates our committee backs.",
        "purpose": "Grants to candidates our committee backs, for their election expenses.", "mode": "pooled",
        "goal_pounds": "5000", "starts_on": "2029-03-01", "ends_on": "2029-05-01", "election": ""}


@pytest.fixture
def group(official_db):
    return organisation_create(name="Leeds Fair Vote", address="1 Park Row, Leeds")


def _client(organisation, role):
    user = user_make(role)
    role_grant(user=user, organisation=organisation, role=role)
    client = Client()
    sign_in(client, user)
    if role == "treasurer":
        second_factor(client, user)
    return client


@pytest.mark.parametrize("role", ["treasurer", "organiser"])
def test_the_treasurer_or_an_organiser_opens_a_campaign(group, role):
    response = _client(group, role).post(URL, FORM)
    assert response.status_code == 302
    campaign = Campaign.objects.get(organisation=group)
    assert response["Location"] == f"/funding/campaigns/{campaign.slug}/"
    assert campaign.slug == "back-candidates-who-back-public-services" and campaign.goal_pence == 500_000


def test_dates_the_wrong_way_round_are_refused_beside_the_field(group):
    response = _client(group, "treasurer").post(URL, FORM | {"ends_on": "2029-02-01"})
    assert response.status_code == 400 and BAD_DATES in response.content.decode()
    assert not Campaign.objects.exists()


def test_the_administrator_and_the_committee_do_not_open_campaigns(group):
    assert _client(group, "administrator").post(URL, FORM).status_code == 403
    assert not Campaign.objects.exists()


def test_the_treasurer_makes_grants_from_approved_decisions_on_the_dashboard(group):
    """The committee's approved grant becomes a payable grant from the dashboard's button: once, however often it
    is pressed; without money in the campaign it is refused with the reason."""
    import datetime as dt

    from django.utils import timezone

    from swingfund.committee import services as committee
    from swingfund.elections.models import Candidacy, Election
    from swingfund.elections.services import election_add
    from swingfund.funding import services as funding
    from swingfund.funding.models import Grant

    client = _client(group, "treasurer")
    # A grant goes to a candidacy of an election still to come, from the day the person declared (the law by date:
    # compliance/bydate.py); the next general election, on the 2024 boundaries, with a candidate declared last month.
    today = timezone.now().date()
    _, future = election_add(election_id=f"parl.{today.year + 2}-05-03", baseline_id="parl.2024-07-04", today=today)
    last = Candidacy.objects.filter(election_id="parl.2024-07-04").select_related("constituency").first()
    candidacy = Candidacy.objects.create(election=future, constituency=last.constituency, person_name="Dee Clared",
                                         party=last.party, became_candidate_on=today - dt.timedelta(days=30),
                                         source=last.source)
    members = [user_make(name) for name in ("chris", "dana", "eli")]
    for member in members:
        committee.member_add(organisation=group, user=member)
    committee.policy_set(organisation=group, quorum=2, approvals_required=2)
    proposal = committee.proposal_create(organisation=group, kind="grant", election=Election.objects.get(
        pk=future.pk), constituency=candidacy.constituency, candidacy=candidacy, amount_pence=10_000,
        reason="Agrees with our statements.", proposer=members[0])
    for member in members[1:]:
        proposal.refresh_from_db()
        committee.vote_cast(proposal=proposal, user=member, choice="for", proposal_hash=proposal.content_hash)
    assert client.post(URL, FORM).status_code == 302
    campaign = Campaign.objects.get(organisation=group)
    poor = client.post("/funding/dashboard/grants/", follow=True)
    assert "gives no grant yet" in poor.content.decode() and not Grant.objects.exists()
    donor = funding.donor_get_or_create(name="Priya Shah", email="p@example.org", address="4 Kirkgate, Leeds",
                                        postcode="LS1 6BY", consent_publish=False)
    # a grant passes on only clean money: a gift over £50 from a donor checked permissible (RPA 1983 Sch 2A)
    donor = funding.donor_declare(donor=donor, category="uk_elector", evidence="register", checked_by="treasurer")
    funding.donation_record(campaign=campaign, donor=donor, amount_pence=25_000, method="cash", reference="R1",
                            received_at=timezone.now() - dt.timedelta(hours=1))
    made = client.post("/funding/dashboard/grants/", follow=True)
    grant = Grant.objects.get()
    assert f"Grant #{grant.pk}: £100 to" in made.content.decode() and grant.amount_pence == 10_000
    again = client.post("/funding/dashboard/grants/", follow=True)
    assert "No approved grant decisions are waiting" in again.content.decode() and Grant.objects.count() == 1


@pytest.mark.parametrize("role", ["treasurer", "organiser"])
def test_the_treasurer_or_an_organiser_closes_an_open_campaign_on_the_web(group, role):
    import datetime as dt

    from django.utils import timezone

    from swingfund.funding.services import campaign_create

    now = timezone.now()
    campaign = campaign_create(organisation=group, slug="open-fund", title="Open fund", description="x",
                               purpose="Grants.", mode="pooled", goal_pence=100_000,
                               starts_at=now - dt.timedelta(days=3), ends_at=now + dt.timedelta(days=30))
    client = _client(group, role)
    page = client.get(f"{URL}?organisation={group.slug}").content.decode()
    assert 'id="close-open-fund"' in page
    response = client.post(f"/funding/dashboard/campaign/{campaign.slug}/close/")
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert now < campaign.ends_at <= timezone.now()  # closed from the moment of the request
    assert 'id="closed"' in client.get(f"/funding/campaigns/{campaign.slug}/").content.decode()
    again = client.post(f"/funding/dashboard/campaign/{campaign.slug}/close/", follow=True).content.decode()
    assert "already closed on" in again
    other = organisation_create(name="Other Group", address="2 Road, York")
    stranger = user_make(f"other-{role}")
    role_grant(user=stranger, organisation=other, role=role)
    outsider = Client()
    sign_in(outsider, stranger)
    if role == "treasurer":
        second_factor(outsider, stranger)
    assert outsider.post(f"/funding/dashboard/campaign/{campaign.slug}/close/").status_code in (403, 404)
