"""The committee's record chain: every vote and decision on one SHA-256 chain, and a grant that refuses a decision its
votes and chained hashes do not support — the attack of issue 21 (the SQLite file's owner lifted the triggers and
raised an approved grant, leaving the votes on the old hash)."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.db import connection

from swingfund import dbroles
from swingfund.committee import chain, content, immutability, services
from swingfund.committee.models import ChainLink, Decision, Proposal, RecordChainHead, Vote
from swingfund.funding import services as funding
from swingfund.funding.models import Grant
from swingfund.funding.services.grants import DECISION_DISAGREES

from .test_decisions_final import approved, funded  # noqa: F401 (fixtures)


def _independent_link_hash(position: int, prev: str, document: dict) -> str:
    """The link hash computed here, from the rule in chain.py's docstring, not by its function."""
    text = json.dumps({"position": position, "prev_hash": prev, "document": document}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _sql(statement: str, *params) -> None:
    """Raw SQL, as the attacker writes it (the models refuse these updates themselves)."""
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))


def test_votes_and_the_decision_are_chained_in_the_order_written(approved):  # noqa: F811
    votes = list(Vote.objects.filter(proposal=approved.proposal).order_by("id"))
    links = list(ChainLink.objects.order_by("position"))
    assert [(link.record, link.object_id) for link in links] == [
        ("vote", votes[0].pk), ("vote", votes[1].pk), ("decision", approved.pk)]
    prev = "0" * 64
    for position, (link, record) in enumerate(zip(links, [*votes, approved], strict=True), start=1):
        fields = ({"record": "vote", "id": record.pk, "proposal": record.proposal_id, "member": record.member_id,
                   "choice": "for", "proposal_hash": approved.proposal_hash,
                   "cast_at": record.cast_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "reason": ""}
                  if isinstance(record, Vote) else chain.decision_document(record))
        assert (link.position, link.prev_hash) == (position, prev)
        assert link.hash == _independent_link_hash(position, prev, fields)
        prev = link.hash
    assert (RecordChainHead.objects.get().last_position, RecordChainHead.objects.get().last_hash) == (3, prev)
    assert chain.chain_verify().ok and chain.decision_problems(approved) == []


def test_a_grant_whose_decision_and_votes_disagree_is_refused(lift_triggers_at_teardown, world,
                                                              approved, funded):  # noqa: F811
    # The attack, as on SQLite by whoever holds the file: lift the triggers, raise the approved £1,000 to £5,000,
    # recompute the proposal's content hash and write it into the decision too. The votes still carry the old hash.
    proposal = Proposal.objects.get(pk=approved.proposal_id)
    proposal.amount_pence = 500_000
    forged = content.proposal_hash(proposal)
    with dbroles.as_owner(), immutability.triggers_lifted(connection):
        Proposal.objects.filter(pk=proposal.pk).update(amount_pence=500_000, content_hash=forged)
        _sql("UPDATE committee_decision SET proposal_hash = %s WHERE id = %s", forged, approved.pk)
    decision = Decision.objects.get(pk=approved.pk)
    with pytest.raises(ValueError) as refused:
        funding.grant_create_from_decision(decision=decision, campaign=funded)
    message = str(refused.value)
    assert message.startswith(DECISION_DISAGREES.split("{")[0] + str(decision.pk))
    first_vote = Vote.objects.filter(proposal=proposal).order_by("id").first()
    assert f"vote #{first_vote.pk} was cast on proposal version {approved.proposal_hash[:12]}" in message
    assert f"decision #{decision.pk} has been altered since it was written" in message
    assert Grant.objects.count() == 0


def test_a_forger_who_also_rewrites_the_votes_still_breaks_the_chain(lift_triggers_at_teardown, world,
                                                                     approved, funded):  # noqa: F811
    proposal = Proposal.objects.get(pk=approved.proposal_id)
    proposal.amount_pence = 500_000
    forged = content.proposal_hash(proposal)
    ballots = [{**b, "proposal_hash": forged} for b in approved.ballots]
    with dbroles.as_owner(), immutability.triggers_lifted(connection):
        Proposal.objects.filter(pk=proposal.pk).update(amount_pence=500_000, content_hash=forged)
        _sql("UPDATE committee_decision SET proposal_hash = %s, ballots = %s WHERE id = %s", forged,
             json.dumps(ballots), approved.pk)
        _sql("UPDATE committee_vote SET proposal_hash = %s WHERE proposal_id = %s", forged, proposal.pk)
    with pytest.raises(ValueError, match="has been altered since it was written"):
        funding.grant_create_from_decision(decision=Decision.objects.get(pk=approved.pk), campaign=funded)
    assert Grant.objects.count() == 0


def test_an_honest_decision_still_becomes_its_grant(world, approved, funded):  # noqa: F811
    grant = funding.grant_create_from_decision(decision=approved, campaign=funded)
    assert grant.amount_pence == 100_000
    services.member_add(organisation=world.org, user=world.users["dave"])  # later records extend the chain
    assert chain.chain_verify().ok
