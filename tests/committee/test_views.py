"""Committee pages through Django's test client: members only, clear refusals, nothing written on refusal."""

from __future__ import annotations

import html

import pytest
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import strip_tags

from swingfund.committee import services, views
from swingfund.committee.models import AuditEvent, Decision, Interest, Vote
from tests.committee.conftest import PASSWORD


@pytest.fixture
def login(client):
    def as_user(name):
        # django-axes checks every sign-in against its throttle, which needs the request
        assert client.login(request=HttpRequest(), username=name, password=PASSWORD)
        return client

    return as_user


def text(response) -> str:
    """The page as a reader sees it (HTML entities such as &#x27; unescaped)."""
    return html.unescape(response.content.decode())


def post_vote(client, proposal, choice, proposal_hash=None):
    return client.post(reverse("committee:vote", args=[proposal.pk]),
                       {"choice": choice, "proposal_hash": proposal_hash or proposal.content_hash})


def test_pages_need_a_login(client, grant):
    for url in (reverse("committee:proposals"), reverse("committee:proposal", args=[grant.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_non_member_is_refused_the_proposal_pages(login, grant):
    client = login("outsider")
    response = client.get(reverse("committee:proposals"))
    assert response.status_code == 403
    assert views.MESSAGE_NOT_ON_COMMITTEE in text(response)
    response = client.get(reverse("committee:proposal", args=[grant.pk]))
    assert response.status_code == 403
    assert "Only members of Test Group's committee" in text(response)
    assert post_vote(client, grant, "for").status_code == 403
    assert not Vote.objects.exists()


def test_member_sees_list_and_proposal_with_reason_tally_and_form(login, grant):
    client = login("bob")
    listing = text(client.get(reverse("committee:proposals")))
    assert f"#{grant.pk}" in listing and "Testham North" in listing and "£1,000" in listing
    page = text(client.get(reverse("committee:proposal", args=[grant.pk])))
    assert "We back Jeremy Corbyn: he agrees with all five statements." in page
    assert 'id="vote-form"' in page
    assert grant.content_hash in page
    assert "<svg" in page and "2 needed" in page


def test_voting_through_the_page_decides_and_shows_the_decision(login, world, grant):
    client = login("alice")
    response = post_vote(client, grant, "for")
    assert response.status_code == 302
    client.logout()
    client = login("bob")
    response = post_vote(client, grant, "for")
    assert response.status_code == 302
    page = text(client.get(response["Location"]))
    assert "Decision: approved" in page
    assert "Proposal #%d is decided: approved." % grant.pk in page
    assert Decision.objects.get(proposal=grant).outcome == "approved"


def test_vote_on_decided_proposal_is_refused_by_the_view_and_db_unchanged(login, world, grant):
    for name in ("alice", "bob"):
        services.vote_cast(proposal=grant, user=world.users[name], choice="for", proposal_hash=grant.content_hash)
    events = AuditEvent.objects.count()
    client = login("carol")
    response = post_vote(client, grant, "against")
    assert response.status_code == 409
    assert services.ERROR_DECIDED.format(id=grant.pk, outcome="approved") in text(response)
    assert Vote.objects.count() == 2
    assert AuditEvent.objects.count() == events


def test_edit_of_decided_proposal_is_refused_by_the_view_and_db_unchanged(login, world, grant):
    for name in ("alice", "bob"):
        services.vote_cast(proposal=grant, user=world.users[name], choice="for", proposal_hash=grant.content_hash)
    client = login("alice")
    response = client.post(reverse("committee:edit", args=[grant.pk]),
                           {"reason": "Changed my mind", "amount_pounds": "5"})
    assert response.status_code == 409
    assert "has already been decided (approved)" in text(response)
    grant.refresh_from_db()
    assert (grant.reason, grant.amount_pence) == ("We back Jeremy Corbyn: he agrees with all five statements.",
                                                 100_000)


def test_edit_before_votes_changes_hash_and_old_form_is_stale(login, world, grant):
    old_hash = grant.content_hash
    client = login("alice")
    response = client.post(reverse("committee:edit", args=[grant.pk]),
                           {"reason": "We back Jeremy Corbyn.", "amount_pounds": "750.50"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert (grant.amount_pence, grant.reason) == (75_050, "We back Jeremy Corbyn.")
    client.logout()
    response = post_vote(login("bob"), grant, "for", proposal_hash=old_hash)
    assert response.status_code == 409
    assert services.ERROR_STALE.format(id=grant.pk) in text(response)
    assert not Vote.objects.exists()


def test_recused_member_gets_the_refusal_message(login, world, grant):
    client = login("carol")
    response = client.post(reverse("committee:interest", args=[grant.pk]), {"note": "My cousin's campaign"})
    assert response.status_code == 302
    assert Interest.objects.filter(member=world.members["carol"]).exists()
    assert "You have declared an interest" in text(client.get(response["Location"]))
    response = post_vote(client, grant, "for")
    assert response.status_code == 403
    assert "carol has declared an interest in this proposal and is recused." in text(response)
    assert not Vote.objects.exists()


def test_public_decisions_hide_names_unless_published(client, world, grant):
    for name in ("alice", "bob"):
        services.vote_cast(proposal=grant, user=world.users[name], choice="for", proposal_hash=grant.content_hash)
    page = text(client.get(reverse("committee:decisions")))
    assert "<strong>approved</strong>: grant to Jeremy Corbyn" in page
    assert "We back Jeremy Corbyn: he agrees" in page and "£1,000" in page
    assert ("1 decision: 1 grant approved totalling £1,000, 0 decisions to stay out, 0 proposals rejected."
            in " ".join(strip_tags(page).split()))
    assert "alice" not in page and "bob" not in page
    assert "has chosen not to publish the names" in page
    changes = text(client.get(reverse("committee:changes")))
    assert "voted on proposal #%d" % grant.pk in changes
    assert "alice" not in changes and "A committee member" in changes

    world.org.publishes_committee_names = True
    world.org.save()
    page = text(client.get(reverse("committee:decisions")))
    assert "alice: for; bob: for" in page
    assert "alice" in text(client.get(reverse("committee:changes")))
