"""Material is classified and its cost checked BEFORE anything is sent (issue 20, part 1), and a charity may not
spend for a candidate or a party (part 5). One test per rule; each names the figure and its citation.

Worked by hand: a WhatsApp template message priced at £701 (70,100 pence) to one supporter in Aberdeen South is
£701 of spending about the candidate the message backs there: £0.01 over the £700 permitted sum of the
Representation of the People Act 1983, s.75(1ZZB). With the agent's written authority of £1,000 it is accepted and
the candidate's election expense (£701 of £1,000). With no candidate named, it is general-campaign spending and,
the group's status unrecorded, over the £700 anyone may spend (PPERA 2000, s.94)."""

from __future__ import annotations

import datetime as dt

import pytest

from swingfund.compliance.material import CHARITY_CITATION, CharityRefused
from swingfund.compliance.models import MaterialCost
from swingfund.compliance.services import agent_authority_record, group_legal_status_set
from swingfund.funding.models import LedgerTransaction
from swingfund.outreach.channels import whatsapp as wa_channel
from swingfund.outreach.delivery import channel_drain
from swingfund.outreach.errors import OutreachRefusal
from swingfund.outreach.messaging import message_approve, message_create, message_queue
from swingfund.outreach.models import Delivery, Message
from swingfund.outreach.segments import segment_create
from swingfund.reports.models import CampaignSpend
from swingfund.reports.services import ELECTION_REQUIRED, campaign_spending_record
from swingfund.testing.whatsapp import CloudApiStandIn
from tests.funding.conftest import approved_decision
from tests.outreach.conftest import SOUTH, make_supporter

ELECTION = "parl.2024-07-04"
IN_PERIOD = dt.datetime(2024, 6, 20, 9, 0, tzinfo=dt.UTC)  # inside 6 July 2023 – 4 July 2024
PERMITTED_SUM_CITATION = "Representation of the People Act 1983, s.75(1ZZB)"
PPERA_CITATION = "PPERA 2000, s.94"
BACKING = "Hi {first_name}: our committee backs {candidate} in {seat}."
GENERAL = "Hi {first_name}: {seat} is close. Vote on 4 July."
DOCUMENT = b"%PDF-1.4 letter of authority signed by the election agent"


@pytest.fixture
def cloud(settings):
    with CloudApiStandIn() as stand_in:
        settings.WHATSAPP_TOKEN, settings.WHATSAPP_PHONE_ID = stand_in.token, stand_in.phone_id
        settings.WHATSAPP_API_BASE, settings.WHATSAPP_APP_SECRET = stand_in.base_url, "secret"
        settings.OUTREACH_RATES = {"email": 1000.0, "whatsapp": 1000.0}
        settings.OUTREACH_WHATSAPP_TIER = ""
        wa_channel._local.__dict__.clear()
        yield stand_in


@pytest.fixture
def price_701(settings):
    settings.OUTREACH_WHATSAPP_PRICE_PENCE = 70_100  # one message = £701


@pytest.fixture
def south_candidacy(official_db):
    from swingfund.elections.models import Candidacy

    return Candidacy.objects.filter(election_id=ELECTION, constituency__gss_code=SOUTH).exclude(
        person_name="").select_related("constituency").order_by("pk").first()


@pytest.fixture
def backed(organisation, south_candidacy, django_user_model):
    return approved_decision(organisation, south_candidacy, django_user_model)


def _message(organisation, organisers, body: str, election_id: str | None = ELECTION) -> Message:
    segment = segment_create(organisation=organisation, name="WA", basis="list", gss_codes=[SOUTH],
                             channel="whatsapp")
    message = message_create(segment=segment, title="Polling day", author=organisers[0],
                             whatsapp_template="seat_update", election_id=election_id,
                             translations={"en": ("-", body)})
    message_approve(message=message, approver=organisers[1])
    return message


def _nothing_written(message, before) -> None:
    assert Delivery.objects.filter(message=message).count() == 0
    assert (MaterialCost.objects.count(), CampaignSpend.objects.count(), LedgerTransaction.objects.count()) == before


def _counts():
    return MaterialCost.objects.count(), CampaignSpend.objects.count(), LedgerTransaction.objects.count()


def test_a_whatsapp_message_backing_a_candidate_costing_701_in_one_seat_is_refused_before_any_delivery_is_queued(
        organisation, postcodes, organisers, cloud, price_701, backed, south_candidacy):
    make_supporter(organisation, 1)
    message = _message(organisation, organisers, BACKING)
    before = _counts()
    with pytest.raises(OutreachRefusal) as refusal:
        message_queue(message=message, now=IN_PERIOD)
    words = str(refusal.value)
    assert f"backs or opposes {south_candidacy.person_name} (Aberdeen South)" in words
    assert "to £701, over the permitted sum of £700 per candidate" in words  # £700 + £1 = £701
    assert PERMITTED_SUM_CITATION in words and "agent's written authority" in words
    _nothing_written(message, before)
    assert channel_drain(channel="whatsapp").sent == 0 and cloud.sent == []


def test_with_the_agents_written_authority_the_same_message_is_accepted_and_reported_to_the_agent(
        client, organisation, postcodes, organisers, cloud, price_701, backed, south_candidacy):
    make_supporter(organisation, 1)
    authority = agent_authority_record(
        organisation=organisation, candidacy=south_candidacy, agent_name="Morag Agent",
        agent_address="1 Union Street\nAberdeen AB11 5BP", authorised_on=dt.date(2024, 6, 10), limit_pence=100_000,
        document=DOCUMENT, document_name="authority.pdf")
    assert bytes(authority.document) == DOCUMENT  # the copy itself is kept
    message = _message(organisation, organisers, BACKING)
    assert message_queue(message=message, now=IN_PERIOD) == 1
    cost = MaterialCost.objects.get()
    assert (cost.regime, cost.candidacy_id, cost.authority_id, cost.amount_pence) == (
        "candidate", south_candidacy.pk, authority.pk, 70_100)
    # reported to the agent as the candidate's election expense: £701 of the £1,000 authorised, due 21 days
    # after polling day (RPA 1983 s.75(2))
    assert "To Morag Agent, election agent for" in cost.agent_notice
    assert "£701.00" in cost.agent_notice and "now £701.00 of £1,000.00" in cost.agent_notice
    assert "s.75(1)" in cost.agent_notice and "s.75(2)" in cost.agent_notice
    assert cost.agent_notice_due_on == dt.date(2024, 7, 25)
    assert not CampaignSpend.objects.exists()  # s.75 spending is not in the PPERA spending record
    amounts = sorted(cost.transaction.entries.values_list("amount_pence", flat=True))
    assert amounts == [-70_100, 70_100]
    assert channel_drain(channel="whatsapp").sent == 1
    # the compliance page counts it under s.75 against the agent's £1,000, not against any PPERA limit
    html = client.get(f"/compliance/?election={ELECTION}&organisation={organisation.slug}").content.decode()
    local = html.split('id="regime-local"')[1].split("</section>")[0]
    assert 'data-key="local_permitted_sum" data-amount="70100" data-threshold="100000"' in local
    assert "limit the agent authorised in writing: written authorisation by Morag Agent, 2024-06-10" in local
    general = html.split('id="regime-general"')[1].split("</section>")[0]
    assert 'data-amount="70100"' not in general


def test_a_paid_message_tied_to_no_election_is_recorded_and_checked_without_a_crash(
        organisation, postcodes, organisers, cloud, settings):
    settings.OUTREACH_WHATSAPP_PRICE_PENCE = 4
    make_supporter(organisation, 1)
    make_supporter(organisation, 2)
    # sent inside the 2024 regulated period (PPERA 2000 Sch 10 para 3: the 365 days up to polling day): assigned
    inside = _message(organisation, organisers, GENERAL, election_id=None)
    assert message_queue(message=inside, now=IN_PERIOD) == 2
    spend = CampaignSpend.objects.get()
    assert (spend.election_id, spend.amount_pence, spend.incurred_on) == (ELECTION, 8, IN_PERIOD.date())
    assert [c.gss_code for c in spend.constituencies.all()] == [SOUTH]
    assert channel_drain(channel="whatsapp").sent == 2
    # sent in no regulated period of any imported election: recorded as outside any period, and sent
    later = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)
    outside = _message(organisation, organisers, GENERAL + " ", election_id=None)
    assert message_queue(message=outside, now=later) == 2
    row = MaterialCost.objects.get(regime="outside")
    assert (row.election_id, row.amount_pence, row.incurred_on) == ("", 8, later.date())
    assert CampaignSpend.objects.count() == 1
    assert channel_drain(channel="whatsapp").sent == 2
    # the record itself says what is missing instead of crashing on `None.pk`
    with pytest.raises(ValueError) as refusal:
        campaign_spending_record(organisation=organisation, election=None, incurred_on=IN_PERIOD.date(),
                                 supplier="Meta", amount_pence=8, category="material", description="messages")
    assert str(refusal.value) == ELECTION_REQUIRED


def test_a_general_message_is_checked_against_the_ppera_limits_before_sending(
        organisation, postcodes, organisers, cloud, price_701):
    make_supporter(organisation, 1)
    message = _message(organisation, organisers, GENERAL)
    before = _counts()
    with pytest.raises(OutreachRefusal) as refusal:
        message_queue(message=message, now=IN_PERIOD)
    words = str(refusal.value)
    # status unrecorded: only the £700 anyone may spend applies; £701 is £1 over it
    assert "regulated spending across the UK to £701, over the limit for anyone who is not a registered " \
           "campaigner of £700" in words
    assert PPERA_CITATION in words
    _nothing_written(message, before)
    assert cloud.sent == []


def test_a_charitys_party_targeted_spend_is_refused(organisation, official_db):
    from swingfund.elections.models import Party

    group_legal_status_set(organisation=organisation, legal_form="charity", charity_number="1234567")
    party = Party.objects.order_by("name").first()
    before = _counts()
    with pytest.raises(CharityRefused) as refusal:  # even £1, even authorised by the party
        campaign_spending_record(organisation=organisation, election=ELECTION, incurred_on=IN_PERIOD.date(),
                                 supplier="Print Co", amount_pence=100, category="material", nation="S",
                                 description="leaflets", targets_party=party, party_authorised=True)
    words = str(refusal.value)
    assert "recorded as a charity (no. 1234567)" in words and "for or against a political party" in words
    assert CHARITY_CITATION in words and "CC9" in words
    assert _counts() == before


def test_a_charitys_message_backing_a_candidate_is_refused(organisation, postcodes, organisers, cloud, settings,
                                                          backed):
    settings.OUTREACH_WHATSAPP_PRICE_PENCE = 4  # 4p, far under the permitted sum: the law still refuses it
    group_legal_status_set(organisation=organisation, legal_form="charity", charity_number="1234567")
    make_supporter(organisation, 1)
    message = _message(organisation, organisers, BACKING)
    before = _counts()
    with pytest.raises(OutreachRefusal) as refusal:
        message_queue(message=message, now=IN_PERIOD)
    assert "may not spend to promote or oppose a candidate" in str(refusal.value) and "CC9" in str(refusal.value)
    _nothing_written(message, before)


@pytest.fixture
def next_election(official_db):
    """An election polled about six months from today, so today is inside its regulated period (365 days up to
    polling day, PPERA 2000 Sch 10 para 3), with one candidacy in Aberdeen South."""
    from django.utils import timezone

    from swingfund.elections.models import Candidacy, Constituency, DataSource, Election

    poll = timezone.now().date() + dt.timedelta(days=180)
    election = Election.objects.create(id=f"parl.{poll.isoformat()}", name="The next general election",
                                       poll_date=poll, boundary_set="pcon2024")
    return Candidacy.objects.create(election=election, person_name="Alex Example", source=DataSource.objects.first(),
                                    constituency=Constituency.objects.get(gss_code=SOUTH, boundary_set="pcon2024"))


def test_the_message_page_shows_the_regime_and_what_is_left_under_each_limit(
        client, organisation, postcodes, organisers, cloud, settings, next_election, django_user_model):
    settings.OUTREACH_WHATSAPP_PRICE_PENCE = 20_000  # £200 a message
    approved_decision(organisation, next_election, django_user_model)
    make_supporter(organisation, 1)
    make_supporter(organisation, 2, postcode="AB10 1PE")  # Aberdeen North: no candidate named there
    segment = segment_create(organisation=organisation, name="WA", basis="list", gss_codes=[SOUTH, "S14000060"],
                             channel="whatsapp")
    message = message_create(segment=segment, title="Backing", author=organisers[0], whatsapp_template="seat_update",
                             translations={"en": ("-", BACKING)})  # tied to no election: assigned by the date
    message_approve(message=message, approver=organisers[1])
    client.force_login(organisers[1])
    law = client.get(f"/outreach/messages/{message.pk}/").content.decode().split('id="law"')[1].split("</section>")[0]
    assert f"Counted for <strong>{next_election.election_id}</strong>" in law
    assert "Spending about a named candidate (RPA 1983 s.75)" in law and "General campaign spending" in law
    # Aberdeen South: £200 about Alex Example, £700 permitted sum, £500 left; Aberdeen North: £200 general
    assert "<td>Alex Example (Aberdeen South)</td><td class=\"num\">£200.00</td><td class=\"num\">£0.00</td>" in law
    assert "£700.00 (permitted sum, s.75(1ZZB))</td><td class=\"num\">£500.00</td>" in law
    assert "General-campaign spending (PPERA 2000 Part VI): £200.00 in 1 seat naming no candidate" in law
    # the status unrecorded: £700 anyone may spend, nothing spent yet, £700 left (PPERA 2000 s.94)
    assert "limit for anyone who is not a registered campaigner: £700 (PPERA 2000, s.94" in law
    assert "<td class=\"num\">£0.00</td><td class=\"num\">£700.00</td>" in law
    assert MaterialCost.objects.count() == 0  # looking records nothing
    assert message_queue(message=message) == 2
    law = client.get(f"/outreach/messages/{message.pk}/").content.decode().split('id="law"')[1].split("</section>")[0]
    # recorded: £200 about Alex Example, £500 left of the £700; £200 general, £500 left of the £700 anyone may spend
    assert "Spending about a named candidate (RPA 1983 s.75): £200.00 about Alex Example" in law
    assert "£200.00</td><td class=\"num\">£0.00</td><td>£700.00 (permitted sum, s.75(1ZZB))</td><td class=\"num\">" \
           "£500.00</td>" in law
    assert "General campaign spending (PPERA 2000 Part VI): £200.00" in law
    assert "not a registered campaigner: £700 (PPERA 2000, s.94" in law
    assert "<td class=\"num\">£200.00</td><td class=\"num\">£500.00</td>" in law


def test_the_permitted_sum_is_each_groups_own_and_an_authority_does_not_reach_back(
        organisation, postcodes, organisers, cloud, settings, backed, south_candidacy):
    """£690 spent about the candidate by another group does not count against this group's £700 (s.75(1ZZB) limits
    what each person incurs); an agent's authority signed after the send date does not authorise it."""
    from swingfund.elections.models import Constituency
    from swingfund.organisations.models import Organisation
    from swingfund.reports.services import material_cost_record

    other = Organisation.objects.create(name="Other Group", slug="other-group", address="1 Other Road, Aberdeen")
    south = Constituency.objects.get(gss_code=SOUTH, boundary_set="pcon2024")
    material_cost_record(organisation=other, election=ELECTION, incurred_on=IN_PERIOD.date(),
                         seat_costs={south: 69_000}, texts=[f"Vote {south_candidacy.person_name}"],
                         supplier="Print Co", description="leaflets", source_ref="other")
    assert MaterialCost.objects.get(organisation=other).candidacy_id == south_candidacy.pk
    agent_authority_record(organisation=organisation, candidacy=south_candidacy, agent_name="Late Agent",
                           agent_address="2 Union Street, Aberdeen", authorised_on=dt.date(2024, 6, 21),
                           limit_pence=100_000, document=DOCUMENT, document_name="late.pdf")
    make_supporter(organisation, 1)
    settings.OUTREACH_WHATSAPP_PRICE_PENCE = 70_100
    with pytest.raises(OutreachRefusal) as refused:  # signed the day after: £701 is over the £700, not the £1,000
        message_queue(message=_message(organisation, organisers, BACKING), now=IN_PERIOD)
    assert "to £701, over the permitted sum of £700" in str(refused.value)
    settings.OUTREACH_WHATSAPP_PRICE_PENCE = 70_000  # £700 exactly: the other group's £690 does not count
    assert message_queue(message=_message(organisation, organisers, BACKING + " "), now=IN_PERIOD) == 1
    assert MaterialCost.objects.get(organisation=organisation).authority_id is None


def test_a_message_tied_to_no_election_names_the_candidate_backed_at_the_election_it_counts_for(
        organisation, postcodes, organisers, cloud, settings, next_election, south_candidacy, django_user_model):
    """The committee backed someone in Aberdeen South in 2024 and backs Alex Example at the next election: a message
    sent today (inside the next election's regulated period) names, and is charged to, Alex Example only."""
    settings.OUTREACH_WHATSAPP_PRICE_PENCE = 4
    approved_decision(organisation, south_candidacy, django_user_model)  # 2024, decided first (listed last)
    approved_decision(organisation, next_election, django_user_model)
    make_supporter(organisation, 1)
    message = _message(organisation, organisers, BACKING, election_id=None)
    assert message_queue(message=message) == 1
    assert MaterialCost.objects.get().candidacy_id == next_election.pk
    assert channel_drain(channel="whatsapp").sent == 1
    [sent] = cloud.sent
    assert "our committee backs Alex Example in Aberdeen South" in cloud.body_params(sent)["text"]
