"""The committee's record chain: every vote and every decision, in the order written, on one SHA-256 hash chain
(as the ledger's transactions are, `funding.ledger`), signed at checkpoints with the ledger's key
(`swingfund ledger checkpoint`, `funding.checkpoints`).

Each link stores the hash of its predecessor and its own hash over a canonical document of its record
(`vote_document`, `decision_document`), recomputed from the record's row. So changing a stored vote or decision
without recomputing every later link breaks the chain at it, and recomputing them changes the head that a signed
checkpoint fixed. Appends lock the single `RecordChainHead` row, so two members voting at once cannot fork it.

`decision_problems` is what a grant asks before money moves: the decision, the votes it counted and the proposal's
hash all agree, and their links recompute (the SQLite file's owner could otherwise lift the triggers and raise an
approved grant, leaving the votes on the old hash).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from swingfund.committee import content, rules
from swingfund.committee.models import ChainLink, Decision, RecordChainHead, Vote

GENESIS_HASH = "0" * 64
VOTE, DECISION = "vote", "decision"
CHUNK = 2000

NOT_CHAINED = "decision #{id} is not on the committee's record chain"
LINK_ALTERED = "{record} #{id} has been altered since it was written: its record no longer hashes to its link"
CHAIN_BROKEN = "the committee's record chain does not verify: {problem}"
VOTE_HASH = ("vote #{vote} was cast on proposal version {voted}…, but decision #{id} records version {decided}… — "
             "the proposal or the decision was changed after the vote")
PROPOSAL_HASH = ("proposal #{proposal} now hashes to {now}…, not the {decided}… that decision #{id} approved")
BALLOTS = "decision #{id}'s ballots ({recorded}) are not the votes on record ({cast})"
TALLY = "decision #{id} counts {recorded} votes for, but only {cast} votes for are on record"


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def vote_document(vote: Vote) -> dict[str, Any]:
    """Everything a vote says, as hashed."""
    return {"record": VOTE, "id": vote.pk, "proposal": vote.proposal_id, "member": vote.member_id,
            "choice": vote.choice, "proposal_hash": vote.proposal_hash, "cast_at": _utc(vote.cast_at),
            "reason": vote.reason}


def decision_document(decision: Decision) -> dict[str, Any]:
    """Everything a decision says, as hashed (its tally, ballots and recusals as stored)."""
    return {"record": DECISION, "id": decision.pk, "proposal": decision.proposal_id, "outcome": decision.outcome,
            "trigger": decision.trigger, "decided_at": _utc(decision.decided_at), "closed_by": decision.closed_by_id,
            "proposal_hash": decision.proposal_hash, "tally": decision.tally, "ballots": decision.ballots,
            "recused": decision.recused, "explanation": decision.explanation, "reasons": decision.reasons}


def link_hash(*, position: int, prev_hash: str, document: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON (sorted keys, no spaces, UTF-8) of the link: position, predecessor and
    the record's document."""
    payload = {"position": position, "prev_hash": prev_hash, "document": document}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False).encode()).hexdigest()


def head_lock() -> RecordChainHead:
    """Lock the chain head until the surrounding transaction ends."""
    head = RecordChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        RecordChainHead.objects.get_or_create(pk=1, defaults={"last_position": 0, "last_hash": GENESIS_HASH})
        head = RecordChainHead.objects.select_for_update().get(pk=1)
    return head


def append(record: Vote | Decision) -> ChainLink:
    """Put a just-written vote or decision on the chain (inside its own transaction)."""
    kind, document = ((VOTE, vote_document(record)) if isinstance(record, Vote)
                      else (DECISION, decision_document(record)))
    with transaction.atomic():
        head = head_lock()
        position = head.last_position + 1
        digest = link_hash(position=position, prev_hash=head.last_hash, document=document)
        link = ChainLink.objects.create(position=position, record=kind, object_id=record.pk,
                                        prev_hash=head.last_hash, hash=digest)
        head.last_position, head.last_hash = position, digest
        head.save(update_fields=["last_position", "last_hash"])
    return link


@dataclass
class ChainReport:
    ok: bool = True
    checked: int = 0
    head_hash: str = GENESIS_HASH
    problem: str = ""


def chain_verify() -> ChainReport:
    """Recompute every link from its record: positions contiguous, each pointing at its predecessor, each hash equal
    to the one recomputed from the vote or decision as stored now; then the head."""
    report = ChainReport()
    votes = {v.pk: v for v in Vote.objects.all()}
    decisions = {d.pk: d for d in Decision.objects.all()}
    prev, expected = GENESIS_HASH, 1
    for link in ChainLink.objects.order_by("position").iterator(chunk_size=CHUNK):
        if link.position != expected:
            return ChainReport(False, report.checked, prev, f"link {link.position} where {expected} was expected")
        if link.prev_hash != prev:
            return ChainReport(False, report.checked, prev, f"link {link.position} does not point at its predecessor")
        record = (votes if link.record == VOTE else decisions).get(link.object_id)
        if record is None:
            return ChainReport(False, report.checked, prev, f"{link.record} #{link.object_id} of link "
                                                             f"{link.position} is missing")
        document = vote_document(record) if link.record == VOTE else decision_document(record)
        if link_hash(position=link.position, prev_hash=prev, document=document) != link.hash:
            return ChainReport(False, report.checked, prev, LINK_ALTERED.format(record=link.record, id=record.pk))
        prev, expected = link.hash, expected + 1
        report.checked += 1
    head = RecordChainHead.objects.filter(pk=1).first()
    if report.checked and (head is None or (head.last_position, head.last_hash) != (report.checked, prev)):
        return ChainReport(False, report.checked, prev, "the chain head does not match the last link (truncated?)")
    report.head_hash = prev
    return report


def decision_problems(decision: Decision) -> list[str]:
    """Why the decision, its votes and the proposal's hash disagree (empty when they agree): each counted vote was cast
    on the version the decision records, which is the proposal as it stands; the ballots are the votes on record and
    the votes for are as counted; the decision's and the votes' links recompute, and the whole chain verifies."""
    problems: list[str] = []
    proposal = decision.proposal
    proposal.refresh_from_db()
    now = content.proposal_hash(proposal)
    if now != decision.proposal_hash:
        problems.append(PROPOSAL_HASH.format(proposal=proposal.pk, now=now[:12], decided=decision.proposal_hash[:12],
                                             id=decision.pk))
    votes = list(Vote.objects.filter(proposal=proposal).order_by("cast_at", "id"))
    recused = set(proposal.interests.values_list("member_id", flat=True))
    for vote in votes:
        if vote.member_id not in recused and vote.proposal_hash != decision.proposal_hash:
            problems.append(VOTE_HASH.format(vote=vote.pk, voted=vote.proposal_hash[:12],
                                             decided=decision.proposal_hash[:12], id=decision.pk))
    cast = sorted((v.member_id, v.choice, v.proposal_hash) for v in votes)
    recorded = sorted((b.get("member"), b.get("choice"), b.get("proposal_hash")) for b in decision.ballots)
    if cast != recorded:
        problems.append(BALLOTS.format(id=decision.pk, recorded=len(recorded), cast=len(cast)))
    votes_for = sum(1 for v in votes if v.choice == rules.FOR and v.member_id not in recused)
    # Members stood down after voting are not counted, so the tally may count fewer than are on record, never more.
    if decision.outcome == rules.APPROVED and not 0 < int(decision.tally.get("votes_for", 0)) <= votes_for:
        problems.append(TALLY.format(id=decision.pk, recorded=decision.tally.get("votes_for"), cast=votes_for))
    links = {(link.record, link.object_id) for link in ChainLink.objects.filter(
        record=DECISION, object_id=decision.pk)} | {(link.record, link.object_id) for link in ChainLink.objects.filter(
            record=VOTE, object_id__in=[v.pk for v in votes])}
    if (DECISION, decision.pk) not in links:
        problems.append(NOT_CHAINED.format(id=decision.pk))
    missing = [v.pk for v in votes if (VOTE, v.pk) not in links]
    if missing:
        problems.append(f"votes {missing} of decision #{decision.pk} are not on the committee's record chain")
    report = chain_verify()
    if not report.ok:
        problems.append(CHAIN_BROKEN.format(problem=report.problem))
    return problems
