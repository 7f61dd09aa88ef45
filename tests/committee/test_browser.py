"""A committee member signs in with a real Chromium, votes, and the proposal is decided."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from swingfund.committee import services
from swingfund.committee.models import Decision, Vote
from tests.committee.conftest import PASSWORD


@pytest.mark.browser
def test_member_logs_in_votes_and_the_proposal_is_decided(live_server, page, world, grant,
                                                           lift_triggers_at_teardown):
    # The chair proposed and voted for; alone that cannot approve (the proposer rule).
    services.vote_cast(proposal=grant, user=world.users["alice"], choice="for", proposal_hash=grant.content_hash)
    assert not Decision.objects.exists()

    page.goto(f"{live_server.url}/committee/proposals/{grant.pk}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.fill("input[name=username]", "bob")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")

    expect(page.locator("#reason")).to_contain_text("We back Jeremy Corbyn: he agrees with all five statements.")
    expect(page.locator("#explanation")).to_contain_text("The proposer's own vote for does not count")
    page.check("input[name=choice][value=for]")
    page.click("#cast-vote")

    expect(page.locator("#decision")).to_contain_text("Decision: approved")
    expect(page.locator("#decision")).to_contain_text("bob")
    expect(page.locator("#vote-form")).to_have_count(0)
    decision = Decision.objects.get(proposal=grant)
    assert decision.outcome == "approved"
    assert [b["name"] for b in decision.ballots] == ["alice", "bob"]

    # The public decisions page shows it without names (the organisation does not publish them).
    page.goto(f"{live_server.url}/committee/decisions/")
    expect(page.locator("table.decisions")).to_contain_text("grant to Jeremy Corbyn")
    expect(page.locator("table.decisions")).not_to_contain_text("bob")
    assert Vote.objects.count() == 2
