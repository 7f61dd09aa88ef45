"""Votes, recusal, decisions and refusals through `committee.services` on a real database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from swingfund.committee import selectors, services
from swingfund.committee.models import AuditEvent, Decision, Proposal, Vote
from swingfund.committee.services import CommitteeError


def vote(proposal, user, choice):
    proposal.refresh_from_db()
    return services.vote_cast(proposal=proposal, user=user, choice=choice, proposal_hash=proposal.content_hash)


def test_grant_proposal_takes_the_standard_amount_and_hashes_its_content(world, grant):
    assert grant.amount_pence == 100_000
    assert grant.status == Proposal.Status.OPEN
    assert len(grant.content_hash) == 64
    assert AuditEvent.objects.filter(action="proposal.created", object_id=grant.pk).count() == 1


def test_two_approvals_decide_the_proposal_and_record_who_voted_how_and_when(world, grant):
    u = world.users
    vote(grant, u["alice"], "for")
    assert not Decision.objects.exists(), "the proposer's own vote cannot approve alone"
    vote(grant, u["bob"], "for")
    grant.refresh_from_db()
    assert grant.status == Proposal.Status.DECIDED
    decision = grant.decision
    assert decision.outcome == "approved"
    assert decision.trigger == "count"
    assert decision.tally["approvals_counted"] == 2
    assert [(b["name"], b["choice"]) for b in decision.ballots] == [("alice", "for"), ("bob", "for")]
    assert all(b["cast_at"] for b in decision.ballots)
    assert decision.decided_at.tzinfo is not None
    assert list(selectors.decided_grants(organisation=world.org)) == [decision]


def test_against_votes_make_approval_unreachable_and_reject(world, grant):
    vote(grant, world.users["bob"], "against")
    vote(grant, world.users["carol"], "against")
    grant.refresh_from_db()
    assert grant.decision.outcome == "rejected"
    assert "approval cannot be reached" in grant.decision.explanation
    assert list(selectors.decided_grants()) == []


def test_non_member_is_refused(world, grant):
    with pytest.raises(CommitteeError) as refused:
        vote(grant, world.users["outsider"], "for")
    assert str(refused.value) == services.ERROR_NOT_MEMBER.format(user="outsider", organisation="Test Group")
    assert not Vote.objects.exists()


def test_recused_member_cannot_vote(world, grant):
    services.interest_declare(proposal=grant, user=world.users["carol"], note="I volunteer for this campaign")
    with pytest.raises(CommitteeError) as refused:
        vote(grant, world.users["carol"], "for")
    assert str(refused.value) == "carol has declared an interest in this proposal and is recused."
    assert str(refused.value) == services.ERROR_RECUSED.format(member="carol")
    assert not Vote.objects.filter(member=world.members["carol"]).exists()


def test_recusal_shrinks_m_and_is_recorded_in_the_decision(world, grant):
    services.interest_declare(proposal=grant, user=world.users["carol"])
    vote(grant, world.users["alice"], "for")
    vote(grant, world.users["bob"], "for")
    decision = Decision.objects.get(proposal=grant)
    assert decision.tally["eligible"] == 2
    assert [r["name"] for r in decision.recused] == ["carol"]


def test_duplicate_vote_is_refused_votes_are_final(world, grant):
    vote(grant, world.users["bob"], "abstain")
    with pytest.raises(CommitteeError, match="bob has already voted on proposal"):
        vote(grant, world.users["bob"], "for")
    assert list(Vote.objects.values_list("choice", flat=True)) == ["abstain"]


def test_stale_vote_on_an_edited_proposal_is_refused(world, grant):
    seen = grant.content_hash
    services.proposal_edit(proposal=grant, actor=world.users["alice"], amount_pence=50_000)
    with pytest.raises(CommitteeError) as refused:
        services.vote_cast(proposal=grant, user=world.users["bob"], choice="for", proposal_hash=seen)
    assert str(refused.value) == services.ERROR_STALE.format(id=grant.pk)
    assert not Vote.objects.exists()
    edit = AuditEvent.objects.get(action="proposal.edited")
    assert (edit.details["before"]["amount_pence"], edit.details["after"]["amount_pence"]) == (100_000, 50_000)


def test_edit_refused_once_votes_are_cast(world, grant):
    vote(grant, world.users["bob"], "for")
    with pytest.raises(CommitteeError, match="already has votes"):
        services.proposal_edit(proposal=grant, actor=world.users["alice"], reason="Changed")
    grant.refresh_from_db()
    assert grant.reason.startswith("We back Jeremy Corbyn")


def test_decided_proposal_cannot_be_voted_on_edited_or_declared(world, grant):
    vote(grant, world.users["alice"], "for")
    vote(grant, world.users["bob"], "for")
    grant.refresh_from_db()
    expected = services.ERROR_DECIDED.format(id=grant.pk, outcome="approved")
    with pytest.raises(CommitteeError) as refused:
        vote(grant, world.users["carol"], "against")
    assert str(refused.value) == expected
    with pytest.raises(CommitteeError) as refused:
        services.proposal_edit(proposal=grant, actor=world.users["alice"], reason="Something else")
    assert str(refused.value) == expected
    with pytest.raises(CommitteeError, match="already been decided"):
        services.interest_declare(proposal=grant, user=world.users["carol"])
    grant.refresh_from_db()
    assert Vote.objects.count() == 2
    assert grant.reason.startswith("We back Jeremy Corbyn")


def test_decide_refuses_an_open_count(world, grant):
    with pytest.raises(CommitteeError, match=f"Proposal #{grant.pk} is still open: Open: 0 of 2"):
        services.proposal_decide(proposal=grant)
    assert not Decision.objects.exists()


def test_chair_closes_after_deadline_only(world):
    deadline = timezone.now() + dt.timedelta(days=2)
    p = services.proposal_create(organisation=world.org, kind="stay_out", election=world.election,
                                 constituency=world.other_seat, reason="We stay out.",
                                 proposer=world.users["bob"], deadline=deadline)
    vote(p, world.users["carol"], "for")
    with pytest.raises(CommitteeError, match="Only the chair may close voting; bob is not the chair."):
        services.proposal_decide(proposal=p, closed_by=world.users["bob"], now=deadline + dt.timedelta(hours=1))
    with pytest.raises(CommitteeError, match="cannot be closed before its deadline"):
        services.proposal_decide(proposal=p, closed_by=world.users["alice"])
    decision = services.proposal_decide(proposal=p, closed_by=world.users["alice"],
                                        now=deadline + dt.timedelta(hours=1))
    assert (decision.outcome, decision.trigger, decision.closed_by) == ("rejected", "closed", world.users["alice"])


def test_proposal_validation_messages(world):
    base = {"organisation": world.org, "election": world.election, "proposer": world.users["alice"]}
    with pytest.raises(CommitteeError, match=services.ERROR_GRANT_NEEDS_CANDIDACY):
        services.proposal_create(kind="grant", constituency=world.seat, reason="x", **base)
    with pytest.raises(CommitteeError, match="does not stand in Another Seat"):
        services.proposal_create(kind="grant", constituency=world.other_seat, candidacy=world.corbyn, reason="x",
                                 **base)
    with pytest.raises(CommitteeError, match=services.ERROR_REASON_REQUIRED):
        services.proposal_create(kind="stay_out", constituency=world.seat, reason="  ", **base)
    with pytest.raises(CommitteeError, match=r"got -5"):
        services.proposal_create(kind="grant", constituency=world.seat, candidacy=world.corbyn, reason="x",
                                 amount_pence=-5, **base)
    with pytest.raises(CommitteeError) as refused:
        services.proposal_create(kind="stay_out", constituency=world.seat, reason="We stay out.",
                                 **{**base, "proposer": world.users["outsider"]})
    assert str(refused.value) == services.ERROR_NOT_MEMBER.format(user="outsider", organisation="Test Group")
    assert not Proposal.objects.exists()
    services.proposal_create(kind="stay_out", constituency=world.seat, reason="We stay out.", **base)
    with pytest.raises(CommitteeError, match="is already open for Testham North"):
        services.proposal_create(kind="stay_out", constituency=world.seat, reason="Again.", **base)
    assert Proposal.objects.count() == 1


def test_proposals_from_recommendations_is_idempotent(world):
    from swingfund.scorecards.rules import Intervention

    recs = [
        Intervention(constituency_id=world.seat.pk, election_id=world.election.pk, action="back",
                     candidacy_id=world.corbyn.pk, reason="We back Jeremy Corbyn: only he agrees."),
        Intervention(constituency_id=world.other_seat.pk, election_id=world.election.pk, action="stay_out",
                     candidacy_id=None, reason="We stay out of Another Seat: both agree.",
                     warnings=("The aligned vote may split.",)),
    ]
    made = services.proposals_from_recommendations(organisation=world.org, recommendations=recs,
                                                   proposer=world.users["alice"])
    assert [(p.kind, p.constituency.name, p.amount_pence, p.candidacy_id) for p in made] == [
        ("grant", "Testham North", 100_000, world.corbyn.pk),
        ("stay_out", "Another Seat", 0, None),
    ]
    assert made[1].warnings == ["The aligned vote may split."]
    assert made[0].reason == "We back Jeremy Corbyn: only he agrees."
    again = services.proposals_from_recommendations(organisation=world.org, recommendations=recs,
                                                    proposer=world.users["alice"])
    assert again == []
    assert Proposal.objects.count() == 2


def test_interest_declared_after_voting_sets_the_vote_aside_and_recounts(world, grant):
    # bob votes for, then realises he has an interest: his vote stays on record but no longer counts.
    vote(grant, world.users["bob"], "for")
    services.interest_declare(proposal=grant, user=world.users["bob"], note="Realised I advise this campaign")
    count = selectors.proposal_tally(proposal=grant)
    assert (count.eligible, count.voted, count.votes_for) == (2, 0, 0)
    vote(grant, world.users["alice"], "for")
    assert not Decision.objects.exists(), "the proposer alone still cannot approve"
    vote(grant, world.users["carol"], "for")
    decision = Decision.objects.get(proposal=grant)
    assert decision.outcome == "approved"
    assert decision.tally["eligible"] == 2
    assert [b["name"] for b in decision.ballots] == ["bob", "alice", "carol"]
    assert [r["name"] for r in decision.recused] == ["bob"]


def test_database_constraints_refuse_inconsistent_rows(world):
    from django.db import IntegrityError, transaction

    from swingfund.committee.models import CommitteeMember

    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeMember.objects.create(organisation=world.org, user=world.users["dave"], role="king",
                                       joined_at=timezone.now())
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():  # a stay-out carries no money
        Proposal.objects.create(organisation=world.org, kind="stay_out", election=world.election,
                                constituency=world.seat, amount_pence=100, reason="x", proposer=world.users["alice"],
                                created_at=now, updated_at=now, content_hash="0" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():  # a grant names its candidacy
        Proposal.objects.create(organisation=world.org, kind="grant", election=world.election,
                                constituency=world.seat, amount_pence=100, reason="x", proposer=world.users["alice"],
                                created_at=now, updated_at=now, content_hash="0" * 64)
    assert not Proposal.objects.exists()
    assert not CommitteeMember.objects.filter(user=world.users["dave"]).exists()
