"""The candidate's side of a grant (issue 20 part 7): the grant is offered to the candidate's election agent, named
with contact details; the agent accepts or declines it, with the date; the donation notice goes to that agent; a
declined grant, or one returned after payment, comes back to the fund through a reversing ledger transaction linked
to the original (DESIGN.md: corrections are new reversing transactions); the public seat page says which."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse

from swingfund.funding import ledger, notices, selectors, services
from swingfund.funding.models import Grant
from swingfund.funding.services import grants
from tests.funding.conftest import at, make_donor

pytestmark = pytest.mark.django_db


@pytest.fixture
def grant(pooled, candidacy):
    services.donation_record(campaign=pooled, donor=make_donor("Ann Kaur"), amount_pence=150_000,
                             method="bank_transfer", reference="in", received_at=at("06-01"))
    return services.grant_create(campaign=pooled, candidacy=candidacy, amount_pence=100_000, reason="backed",
                                 created_at=at("06-10"))


def offer(grant):
    return services.grant_offer(grant=grant, agent_name="Jo Agent", agent_email="jo.agent@example.org",
                                agent_phone="0113 496 0000", agent_address="4 Park Row, Leeds LS1 5HD",
                                offered_at=at("06-11"))


def seat_page(client, grant) -> str:
    return client.get(reverse("public:seat", args=[grant.candidacy.constituency.gss_code])).content.decode()


def test_a_grant_declined_by_the_agent_returns_to_the_fund_by_a_linked_reversing_transaction(grant, pooled, client):
    """£1,000 granted from £1,500 raised leaves £500 spendable; declined by the agent on 20 June 2024 the grant's
    approval (Dr grants to the candidacy £1,000 / Cr grants payable £1,000) is reversed by a new transaction that
    names it, so both accounts are back to £0 and the fund's £1,500 is spendable and clean again."""
    offered = offer(grant)
    assert (offered.agent_response, offered.agent_name) == (Grant.Response.OFFERED, "Jo Agent")
    assert 'class="grant-response">offered</span>' in seat_page(client, grant)
    assert selectors.campaign_spendable_pence(pooled) == 50_000
    declined = services.grant_decline(grant=offered, on=dt.date(2024, 6, 20), note="The candidate refuses support.")
    assert declined.agent_response == Grant.Response.DECLINED and declined.responded_on == dt.date(2024, 6, 20)
    reversal = declined.reversal
    assert reversal.reverses_id == grant.approval_id and reversal.posted_at.date() == dt.date(2024, 6, 20)
    assert sorted(e.amount_pence for e in reversal.entries.all()) == [-100_000, 100_000]
    assert ledger.account_balance(ledger.account_for_grants_to(grant.candidacy)) == 0
    assert ledger.account_balance(ledger.account_shared("grants_payable")) == 0
    assert selectors.campaign_spendable_pence(pooled) == 150_000 == selectors.campaign_clean_pence(pooled)
    page = seat_page(client, grant)
    assert 'class="grant-response">declined</span> by the candidate\'s agent on 20 June 2024' in page
    assert f"#tx-{reversal.pk}" in page
    with pytest.raises(ValueError, match=re.escape(grants.GRANT_CLOSED.format(id=grant.pk, state="declined"))):
        services.grant_pay(grant=declined, bank_reference="FPS 1")
    assert ledger.ledger_verify().ok


def test_accepted_then_paid_then_returned_comes_back_through_both_reversals(grant, pooled, client):
    accepted = services.grant_accept(grant=offer(grant), on=dt.date(2024, 6, 12))
    assert accepted.agent_response == Grant.Response.ACCEPTED
    assert 'grant-response">accepted<' in seat_page(client, grant)
    paid = services.grant_pay(grant=accepted, bank_reference="FPS 2", paid_at=at("06-13"))
    assert ledger.account_balance(ledger.account_shared("bank")) == 50_000
    returned = services.grant_return(grant=paid, on=dt.date(2024, 6, 25), note="Candidate withdrew.")
    assert returned.agent_response == Grant.Response.RETURNED
    assert returned.payment_reversal.reverses_id == paid.payment_id
    assert returned.reversal.reverses_id == paid.approval_id
    assert ledger.account_balance(ledger.account_shared("bank")) == 150_000
    assert selectors.campaign_spendable_pence(pooled) == 150_000
    assert 'grant-response">returned<' in seat_page(client, grant)


def test_the_notice_is_addressed_to_the_named_agent_and_offering_needs_a_name_and_a_contact(grant, organisation):
    with pytest.raises(ValueError, match=re.escape(grants.AGENT_REQUIRED)):
        services.grant_offer(grant=grant, agent_name="Jo Agent", agent_email="", agent_phone="", agent_address="")
    notice = notices.notice_for_grant(offer(grant))
    assert (notice.agent_name, notice.agent_contact) == (
        "Jo Agent", "jo.agent@example.org · 0113 496 0000 · 4 Park Row, Leeds LS1 5HD")


def test_the_command_offers_a_grant_and_records_the_agents_refusal(grant, pooled, capsys):
    from django.core.management import call_command

    call_command("funding", "offer", "--grant", str(grant.pk), "--agent", "Jo Agent", "--email", "jo@example.org")
    call_command("funding", "answer", "--grant", str(grant.pk), "--answer", "declined", "--on", "2024-06-20")
    grant.refresh_from_db()
    assert grant.agent_response == Grant.Response.DECLINED and grant.responded_on == dt.date(2024, 6, 20)
    assert f"back in the fund by reversal #{grant.reversal_id}" in capsys.readouterr().out
    assert selectors.campaign_spendable_pence(pooled) == 150_000


def test_the_treasurer_records_the_agents_answer_on_the_dashboard_and_no_one_else_can(grant, pooled, staff_client,
                                                                                     organisation):
    """The web form of `funding answer`: the grant's treasurer records "declined on 20 June 2024" and the £1,000
    approval is reversed by a linked transaction (the fund's £1,500 spendable again); an organiser of the same group,
    and a bad date, change nothing."""
    from django.test import Client

    from swingfund.accounts.roles import ORGANISER
    from swingfund.accounts.services import role_grant
    from tests.accounts.helpers import sign_in, user_make

    offer(grant)
    url = f"/funding/grants/{grant.pk}/answer/"
    assert url in staff_client.get("/funding/dashboard/").content.decode()
    organiser = user_make("organiser")
    role_grant(user=organiser, organisation=organisation, role=ORGANISER)
    client = Client()
    sign_in(client, organiser)
    assert client.post(url, {"answer": "declined", "on": "2024-06-20"}).status_code == 403
    bad = staff_client.post(url, {"answer": "declined", "on": "2024-13-40"}, follow=True).content.decode()
    assert "Give the agent&#x27;s answer and its date" in bad
    grant.refresh_from_db()
    assert (grant.agent_response, grant.reversal_id) == (Grant.Response.OFFERED, None)
    assert selectors.campaign_spendable_pence(pooled) == 50_000
    done = staff_client.post(url, {"answer": "declined", "on": "2024-06-20", "note": "refuses support"}, follow=True)
    assert f"Grant #{grant.pk}: Jo Agent declined it on 2024-06-20." in done.content.decode()
    grant.refresh_from_db()
    assert (grant.agent_response, grant.responded_on) == (Grant.Response.DECLINED, dt.date(2024, 6, 20))
    assert grant.reversal.reverses_id == grant.approval_id and grant.response_note == "refuses support"
    assert selectors.campaign_spendable_pence(pooled) == 150_000
    again = staff_client.post(url, {"answer": "accepted", "on": "2024-06-21"}, follow=True).content.decode()
    assert "was declined by the candidate" in again


def test_the_treasurer_offers_a_grant_to_the_agent_on_the_dashboard_and_no_one_else_can(grant, staff_client,
                                                                                       organisation):
    """The web form of `funding offer`: a grant not yet offered shows the form; an organiser is refused, a name
    without any way to reach the agent is refused naming the problem, and nothing changes; the treasurer's offer
    names the agent, whose answer form then shows in its place."""
    from django.test import Client

    from swingfund.accounts.roles import ORGANISER
    from swingfund.accounts.services import role_grant
    from tests.accounts.helpers import sign_in, user_make

    url = f"/funding/grants/{grant.pk}/offer/"
    assert f'action="{url}"' in staff_client.get("/funding/dashboard/").content.decode()
    organiser = user_make("organiser")
    role_grant(user=organiser, organisation=organisation, role=ORGANISER)
    client = Client()
    sign_in(client, organiser)
    assert client.post(url, {"agent_name": "Jo Agent", "agent_email": "jo@example.org"}).status_code == 403
    bad = staff_client.post(url, {"agent_name": "Jo Agent"}, follow=True).content.decode()
    assert grants.AGENT_REQUIRED in unescape(bad)
    grant.refresh_from_db()
    assert (grant.agent_name, grant.offered_at) == ("", None)
    done = staff_client.post(url, {"agent_name": "Jo Agent", "agent_email": "jo.agent@example.org",
                                   "agent_address": "4 Park Row, Leeds LS1 5HD"}, follow=True).content.decode()
    assert f"Grant #{grant.pk} offered to Jo Agent" in done
    grant.refresh_from_db()
    assert (grant.agent_name, grant.agent_email, grant.agent_phone) == ("Jo Agent", "jo.agent@example.org", "")
    assert grant.offered_at is not None and grant.agent_response == Grant.Response.OFFERED
    assert f'action="{url}"' not in done and f"/funding/grants/{grant.pk}/answer/" in done
