"""Withdrawal of a proposal by its proposer before the first vote, and the reasons members give for a rejection."""

from __future__ import annotations

import datetime as dt
import html
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from swingfund.committee import rules, services
from swingfund.committee.models import AuditEvent, Decision, Proposal
from swingfund.committee.services import CommitteeError, CommitteeForbidden
from tests.committee.conftest import PASSWORD

REASON = "Proposed for the wrong candidate: the chair meant the runner-up."


def vote(proposal, user, choice, reason=""):
    proposal.refresh_from_db()
    return services.vote_cast(proposal=proposal, user=user, choice=choice, proposal_hash=proposal.content_hash,
                              reason=reason)


def test_the_proposer_withdraws_before_any_vote_and_the_audit_trail_says_so(world, grant):
    services.proposal_withdraw(proposal=grant, user=world.users["alice"], reason=REASON)
    grant.refresh_from_db()
    assert grant.status == Proposal.Status.WITHDRAWN
    event = AuditEvent.objects.get(action="proposal.withdrawn", object_id=grant.pk)
    assert event.actor == world.users["alice"]
    assert event.details["reason"] == REASON
    assert f"withdrew proposal #{grant.pk}" in event.summary
    assert not Decision.objects.exists()
    # the seat is free again: a new proposal may be opened for it
    services.proposal_create(organisation=world.org, kind="stay_out", election=world.election,
                             constituency=world.seat, reason="We stay out.", proposer=world.users["alice"])


def test_withdrawal_is_refused_after_the_first_vote(world, grant):
    vote(grant, world.users["bob"], "against")
    with pytest.raises(CommitteeError) as refused:
        services.proposal_withdraw(proposal=grant, user=world.users["alice"], reason=REASON)
    assert str(refused.value) == services.ERROR_WITHDRAW_AFTER_VOTES.format(id=grant.pk)
    grant.refresh_from_db()
    assert grant.status == Proposal.Status.OPEN
    assert not AuditEvent.objects.filter(action="proposal.withdrawn").exists()


def test_only_the_proposer_may_withdraw_and_only_with_a_reason(world, grant):
    with pytest.raises(CommitteeForbidden, match="Only the proposer"):
        services.proposal_withdraw(proposal=grant, user=world.users["bob"], reason=REASON)
    with pytest.raises(CommitteeError, match="Say why"):
        services.proposal_withdraw(proposal=grant, user=world.users["alice"], reason="  ")
    grant.refresh_from_db()
    assert grant.status == Proposal.Status.OPEN


def test_a_withdrawn_proposal_is_final(world, grant):
    services.proposal_withdraw(proposal=grant, user=world.users["alice"], reason=REASON)
    with pytest.raises(CommitteeError, match="was withdrawn"):
        vote(grant, world.users["bob"], "for")
    with pytest.raises(CommitteeError, match="was withdrawn"):
        services.proposal_withdraw(proposal=grant, user=world.users["alice"], reason=REASON)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses too
        Proposal.objects.filter(pk=grant.pk).update(status="open")


def test_withdraw_on_the_command_line(world, grant):
    with pytest.raises(CommandError, match="Only the proposer"):
        call_command("committee", "withdraw", str(grant.pk), "--user", "bob", "--reason", REASON, stdout=io.StringIO())
    out = io.StringIO()
    call_command("committee", "withdraw", str(grant.pk), "--user", "alice", "--reason", REASON, stdout=out)
    assert f"Proposal #{grant.pk} withdrawn by alice" in out.getvalue()
    grant.refresh_from_db()
    assert grant.status == "withdrawn"


def test_a_rejection_records_the_reasons_on_votes_against(world, grant):
    vote(grant, world.users["bob"], "against", reason="evidence")
    vote(grant, world.users["carol"], "against", reason="evidence")
    decision = Decision.objects.get(proposal=grant)
    assert decision.outcome == "rejected"
    assert decision.reasons == [{"reason": "evidence", "label": rules.REJECTION_REASONS["evidence"], "count": 2}]
    assert [b["reason"] for b in decision.ballots] == ["evidence", "evidence"]


def test_a_reason_goes_only_with_a_vote_against_and_from_the_list(world, grant):
    with pytest.raises(CommitteeError, match="Only a vote against"):
        vote(grant, world.users["bob"], "for", reason="evidence")
    with pytest.raises(CommitteeError, match="Unknown reason"):
        vote(grant, world.users["bob"], "against", reason="because")


def test_the_chair_gives_the_reason_when_closing_after_the_deadline(world):
    proposal = services.proposal_create(
        organisation=world.org, kind="stay_out", election=world.election, constituency=world.other_seat,
        reason="We stay out.", proposer=world.users["bob"], deadline=timezone.now() - dt.timedelta(days=1))
    decision = services.proposal_decide(proposal=proposal, closed_by=world.users["alice"], reason="no_effect")
    assert decision.outcome == "rejected"
    assert [r["reason"] for r in decision.reasons] == ["no_effect"]


@pytest.fixture
def login(client):
    def as_user(name):
        assert client.login(request=HttpRequest(), username=name, password=PASSWORD)
        return client

    return as_user


def test_the_proposal_page_offers_withdrawal_to_its_proposer_only(login, world, grant):
    page = html.unescape(login("bob").get(reverse("committee:proposal", args=[grant.pk])).content.decode())
    assert 'id="withdraw"' not in page
    client = login("alice")
    page = html.unescape(client.get(reverse("committee:proposal", args=[grant.pk])).content.decode())
    assert 'id="withdraw"' in page
    response = client.post(reverse("committee:withdraw", args=[grant.pk]), {"reason": REASON}, follow=True)
    assert response.status_code == 200
    assert "is withdrawn" in html.unescape(response.content.decode())
    grant.refresh_from_db()
    assert grant.status == "withdrawn"


def test_withdrawal_through_the_page_is_refused_after_a_vote(login, world, grant):
    vote(grant, world.users["bob"], "abstain")
    response = login("alice").post(reverse("committee:withdraw", args=[grant.pk]), {"reason": REASON})
    assert response.status_code == 409
    assert services.ERROR_WITHDRAW_AFTER_VOTES.format(id=grant.pk) in html.unescape(response.content.decode())


def test_public_pages_show_rejection_reasons_and_never_a_withdrawal_as_a_rejection(client, world, grant):
    services.proposal_withdraw(proposal=grant, user=world.users["alice"], reason=REASON)
    rejected = services.proposal_create(
        organisation=world.org, kind="stay_out", election=world.election, constituency=world.other_seat,
        reason="We stay out of Another Seat.", proposer=world.users["alice"])
    vote(rejected, world.users["bob"], "against", reason="statements")
    vote(rejected, world.users["carol"], "against", reason="statements")
    page = html.unescape(client.get(reverse("committee:decisions")).content.decode())
    assert "1 proposal rejected" in " ".join(page.split())
    assert "Rejected because: " + rules.REJECTION_REASONS["statements"] + " (2 members)." in page
    assert "Jeremy Corbyn" not in page  # the withdrawn grant is no decision, so no rejection
    decision = Decision.objects.get(proposal=rejected)
    page = html.unescape(client.get(reverse("public:decision", args=[decision.pk])).content.decode())
    assert rules.REJECTION_REASONS["statements"] in page
