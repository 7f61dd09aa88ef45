"""Writes to the committee: members, proposals, declared interests, votes and decisions.

Every function runs in one transaction and locks the proposal row (`select_for_update`) before reading its
votes, so two members voting at the same moment cannot both decide it, and nothing is half-written. Each write
appends an `AuditEvent`.

Votes are final: a member votes once per proposal and cannot change the vote (`ERROR_ALREADY_VOTED`). That is
what lets `rules.tally` decide early and soundly, and it keeps the record simple: what a member cast is what the
decision shows. A proposal can be edited only while it is open and nobody has voted on it; a member voting on a
version of the proposal that is no longer current is refused as stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from swingfund.committee import chain, content, rules, selectors
from swingfund.committee.models import (
    AuditEvent,
    CommitteeMember,
    CommitteePolicy,
    Decision,
    Interest,
    Proposal,
    Vote,
)
from swingfund.elections.models import Candidacy, Constituency, Election
from swingfund.organisations.models import Organisation

ERROR_UNKNOWN_ROLE = "Unknown committee role {role!r}: use one of {known}."
ERROR_NOT_MEMBER = "{user} is not an active member of {organisation}'s committee."
ERROR_RECUSED = "{member} has declared an interest in this proposal and is recused."
ERROR_DECIDED = "Proposal #{id} has already been decided ({outcome}); it can no longer be voted on or changed."
ERROR_STALE = "Proposal #{id} changed after you loaded it; read the current version and vote again."
ERROR_ALREADY_VOTED = "{member} has already voted on proposal #{id}; votes are final once cast."
ERROR_UNKNOWN_CHOICE = "Unknown vote {choice!r}: choose for, against or abstain."
ERROR_NOT_PROPOSER = "Only the proposer ({proposer}) may change proposal #{id}."
ERROR_EDIT_AFTER_VOTES = "Proposal #{id} already has votes; withdraw it and propose again instead of editing."
ERROR_ALREADY_DECLARED = "{member} has already declared an interest in proposal #{id}."
ERROR_STILL_OPEN = "Proposal #{id} is still open: {explanation}"
ERROR_NOT_CHAIR = "Only the chair may close voting; {member} is not the chair."
ERROR_BEFORE_DEADLINE = "Proposal #{id} cannot be closed before its deadline ({deadline:%Y-%m-%d %H:%M} UTC)."
ERROR_NO_DEADLINE = "Proposal #{id} has no deadline, so voting can only end by the count."
ERROR_REASON_REQUIRED = "A proposal needs the written reason a member of the public can read."
ERROR_GRANT_NEEDS_CANDIDACY = "A grant proposal must name the candidacy it funds."
ERROR_STAY_OUT_NO_CANDIDACY = "A stay-out proposal names no candidacy and no amount."
ERROR_CANDIDACY_MISMATCH = "Candidacy {candidacy} does not stand in {constituency} at {election}."
ERROR_AMOUNT = "A grant must be a whole, positive number of pence (got {amount!r})."
ERROR_OPEN_EXISTS = "Proposal #{id} is already open for {constituency} at {election}."
ERROR_UNKNOWN_KIND = "Unknown proposal kind {kind!r}: choose grant or stay_out."
ERROR_UNKNOWN_ACTION = "Unknown intervention action {action!r} for {constituency}: expected back or stay_out."
ERROR_WITHDRAWN = "Proposal #{id} was withdrawn by its proposer; it can no longer be voted on or changed."
ERROR_WITHDRAW_NOT_PROPOSER = "Only the proposer ({proposer}) may withdraw proposal #{id}."
ERROR_WITHDRAW_AFTER_VOTES = ("Proposal #{id} can no longer be withdrawn: the committee has started voting on it, "
                              "so its count decides it.")
ERROR_WITHDRAW_REASON = "Say why the proposal is withdrawn: the reason goes into the committee's audit trail."
ERROR_UNKNOWN_REASON = "Unknown reason {reason!r}: choose one of {known}."
ERROR_REASON_AGAINST_ONLY = "Only a vote against carries a reason (got a reason with a vote {choice})."


class CommitteeError(Exception):
    """A refused committee action; the message says why and is safe to show to the member."""


class CommitteeForbidden(CommitteeError):
    """Refused because of who is acting (not a member, recused, not the chair), not the proposal's state."""


def _audit(*, organisation: Organisation, actor: AbstractBaseUser | None, action: str, obj: Any, summary: str,
           details: dict | None = None, now: datetime | None = None) -> AuditEvent:
    return AuditEvent.objects.create(
        organisation=organisation,
        actor=actor,
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=obj.pk,
        summary=summary[:300],
        details={**(details or {}),
                 "acted_as": selectors.acting_role(organisation=organisation, actor=actor, action=action)},
        created_at=now or timezone.now(),
    )


def _hash(proposal: Proposal) -> str:
    return content.proposal_hash(proposal)


def _proposal_snapshot(proposal: Proposal) -> dict[str, Any]:
    return {
        "kind": proposal.kind,
        "election": proposal.election_id,
        "constituency": proposal.constituency.gss_code,
        "candidacy": proposal.candidacy_id,
        "amount_pence": proposal.amount_pence,
        "reason": proposal.reason,
        "deadline": proposal.deadline.isoformat() if proposal.deadline else None,
        "content_hash": proposal.content_hash,
    }


def _locked(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().select_related("organisation", "constituency").get(pk=proposal.pk)


def _refuse_if_decided(proposal: Proposal) -> None:
    """A decided or withdrawn proposal is final."""
    if proposal.status == Proposal.Status.DECIDED:
        raise CommitteeError(ERROR_DECIDED.format(id=proposal.pk, outcome=proposal.decision.outcome))
    if proposal.status == Proposal.Status.WITHDRAWN:
        raise CommitteeError(ERROR_WITHDRAWN.format(id=proposal.pk))


def _reason_checked(reason: str) -> str:
    reason = (reason or "").strip()
    if reason and reason not in rules.REJECTION_REASONS:
        raise CommitteeError(ERROR_UNKNOWN_REASON.format(reason=reason, known=", ".join(rules.REJECTION_REASONS)))
    return reason


def policy_set(*, organisation: Organisation, quorum: int, approvals_required: int | None,
               actor: AbstractBaseUser | None = None) -> CommitteePolicy:
    """Set the organisation's quorum and N-of-M rule (validated by `rules.ApprovalPolicy`); the change, with who made
    it and the rule before, goes on the public change log (the admin screen calls this too)."""
    rules.ApprovalPolicy(quorum=quorum, approvals_required=approvals_required)
    with transaction.atomic():
        current = CommitteePolicy.objects.select_for_update().filter(organisation=organisation).first()
        if current and (current.quorum, current.approvals_required) == (quorum, approvals_required):
            return current
        before = ({"quorum": current.quorum, "approvals_required": current.approvals_required} if current else None)
        policy, _ = CommitteePolicy.objects.update_or_create(
            organisation=organisation, defaults={"quorum": quorum, "approvals_required": approvals_required}
        )
        _audit(organisation=organisation, actor=actor, action="policy.set", obj=policy,
               summary=f"set the voting rule: quorum {quorum}, approvals {approvals_required or 'majority'}",
               details={"quorum": quorum, "approvals_required": approvals_required, "before": before})
    return policy


def member_add(*, organisation: Organisation, user: AbstractBaseUser, role: str = CommitteeMember.Role.MEMBER,
               actor: AbstractBaseUser | None = None) -> CommitteeMember:
    """Seat `user` on the committee (or re-activate their seat with `role`). Safe to repeat."""
    with transaction.atomic():
        member, created = CommitteeMember.objects.get_or_create(
            organisation=organisation, user=user,
            defaults={"role": role, "active": True, "joined_at": timezone.now()},
        )
        if not created and (member.role != role or not member.active):
            member.role, member.active = role, True
            member.save(update_fields=["role", "active"])
        elif not created:
            return member
        _audit(organisation=organisation, actor=actor, action="member.seated", obj=member,
               summary=f"joined the committee as {role}",
               details={"user": user.pk, "role": role})
    return member


def member_update(*, member: CommitteeMember, role: str, active: bool,
                  actor: AbstractBaseUser | None = None) -> CommitteeMember:
    """Change a seat's role or stand a member down (`active=False`), on the public change log. Safe to repeat."""
    if role not in CommitteeMember.Role.values:
        raise CommitteeError(ERROR_UNKNOWN_ROLE.format(role=role, known=", ".join(CommitteeMember.Role.values)))
    with transaction.atomic():
        member = CommitteeMember.objects.select_for_update().get(pk=member.pk)
        if (member.role, member.active) == (role, active):
            return member
        before = {"role": member.role, "active": member.active}
        member.role, member.active = role, active
        member.save(update_fields=["role", "active"])
        what = f"now {role}" if active else "stood down from the committee"
        _audit(organisation=member.organisation, actor=actor, action="member.changed", obj=member,
               summary=f"{member.display_name}: {what}",
               details={"user": member.user_id, "role": role, "active": active, "before": before})
    return member


def proposal_create(
    *,
    organisation: Organisation,
    kind: str,
    election: Election,
    constituency: Constituency,
    reason: str,
    proposer: AbstractBaseUser,
    candidacy: Candidacy | None = None,
    amount_pence: int | None = None,
    warnings: Sequence[str] = (),
    deadline: datetime | None = None,
) -> Proposal:
    """Open a proposal. A grant defaults to the organisation's standard amount; a stay-out has no amount."""
    if kind not in Proposal.Kind.values:
        raise CommitteeError(ERROR_UNKNOWN_KIND.format(kind=kind))
    if not reason or not reason.strip():
        raise CommitteeError(ERROR_REASON_REQUIRED)
    if kind == Proposal.Kind.GRANT:
        if candidacy is None:
            raise CommitteeError(ERROR_GRANT_NEEDS_CANDIDACY)
        amount_pence = organisation.standard_grant_pence if amount_pence is None else amount_pence
        if not isinstance(amount_pence, int) or isinstance(amount_pence, bool) or amount_pence <= 0:
            raise CommitteeError(ERROR_AMOUNT.format(amount=amount_pence))
        if candidacy.election_id != election.pk or candidacy.constituency_id != constituency.pk:
            raise CommitteeError(ERROR_CANDIDACY_MISMATCH.format(
                candidacy=candidacy, constituency=constituency, election=election.pk))
    else:
        if candidacy is not None or amount_pence:
            raise CommitteeError(ERROR_STAY_OUT_NO_CANDIDACY)
        amount_pence = 0
    if selectors.member_for(organisation=organisation, user=proposer) is None:
        raise CommitteeForbidden(ERROR_NOT_MEMBER.format(user=proposer, organisation=organisation))
    now = timezone.now()
    with transaction.atomic():
        existing = (
            Proposal.objects.select_for_update()
            .filter(organisation=organisation, election=election, constituency=constituency, status="open")
            .first()
        )
        if existing:
            raise CommitteeError(ERROR_OPEN_EXISTS.format(
                id=existing.pk, constituency=constituency, election=election.pk))
        proposal = Proposal(
            organisation=organisation, kind=kind, election=election, constituency=constituency,
            candidacy=candidacy, amount_pence=amount_pence, reason=reason.strip(), warnings=list(warnings),
            proposer=proposer, created_at=now, updated_at=now, deadline=deadline,
        )
        proposal.content_hash = _hash(proposal)
        proposal.save()
        _audit(organisation=organisation, actor=proposer, action="proposal.created", obj=proposal, now=now,
               summary=f"proposed #{proposal.pk}: {proposal.get_kind_display()} in {constituency.name}",
               details=_proposal_snapshot(proposal))
    return proposal


def proposals_from_recommendations(
    *,
    organisation: Organisation,
    recommendations: Iterable[Any],
    proposer: AbstractBaseUser,
    deadline: datetime | None = None,
) -> list[Proposal]:
    """One proposal per recommended seat: a grant of the standard amount to the backed candidacy, or a stay-out,
    each carrying the rule's written reason. Seats that already have a proposal of this organisation at this
    election (other than a withdrawn one) are skipped, so running it again changes nothing. `deadline`
    (optional) lets the chair close voting after it. Returns the proposals created."""
    created: list[Proposal] = []
    with transaction.atomic():
        for item in recommendations:
            intervention = getattr(item, "intervention", item)
            action = intervention.action
            if action not in ("back", "stay_out"):
                raise CommitteeError(ERROR_UNKNOWN_ACTION.format(
                    action=action, constituency=intervention.constituency_id))
            if Proposal.objects.filter(organisation=organisation, election_id=intervention.election_id,
                                       constituency_id=intervention.constituency_id).exclude(
                                           status=Proposal.Status.WITHDRAWN).exists():
                continue
            backing = action == "back"
            created.append(proposal_create(
                organisation=organisation,
                kind=Proposal.Kind.GRANT if backing else Proposal.Kind.STAY_OUT,
                election=Election.objects.get(pk=intervention.election_id),
                constituency=Constituency.objects.get(pk=intervention.constituency_id),
                candidacy=Candidacy.objects.get(pk=intervention.candidacy_id) if backing else None,
                reason=intervention.reason,
                warnings=[str(w) for w in getattr(intervention, "warnings", ()) or ()],
                proposer=proposer,
                deadline=deadline,
            ))
    return created


def proposal_edit(
    *,
    proposal: Proposal,
    actor: AbstractBaseUser,
    reason: str | None = None,
    amount_pence: int | None = None,
    deadline: datetime | None = None,
) -> Proposal:
    """Change an open proposal nobody has voted on yet; only its proposer may. Its content hash changes, so open
    voting forms go stale."""
    with transaction.atomic():
        proposal = _locked(proposal)
        _refuse_if_decided(proposal)
        if proposal.proposer_id != actor.pk:
            raise CommitteeForbidden(ERROR_NOT_PROPOSER.format(proposer=proposal.proposer, id=proposal.pk))
        if proposal.votes.exists():
            raise CommitteeError(ERROR_EDIT_AFTER_VOTES.format(id=proposal.pk))
        before = _proposal_snapshot(proposal)
        if reason is not None:
            if not reason.strip():
                raise CommitteeError(ERROR_REASON_REQUIRED)
            proposal.reason = reason.strip()
        if amount_pence is not None:
            if proposal.kind != Proposal.Kind.GRANT:
                raise CommitteeError(ERROR_STAY_OUT_NO_CANDIDACY)
            if not isinstance(amount_pence, int) or isinstance(amount_pence, bool) or amount_pence <= 0:
                raise CommitteeError(ERROR_AMOUNT.format(amount=amount_pence))
            proposal.amount_pence = amount_pence
        if deadline is not None:
            proposal.deadline = deadline
        proposal.content_hash = _hash(proposal)
        proposal.updated_at = timezone.now()
        proposal.save()
        _audit(organisation=proposal.organisation, actor=actor, action="proposal.edited", obj=proposal,
               summary=f"edited proposal #{proposal.pk}",
               details={"before": before, "after": _proposal_snapshot(proposal)})
    return proposal


def proposal_withdraw(*, proposal: Proposal, user: AbstractBaseUser, reason: str) -> Proposal:
    """Withdraw an open proposal before anyone has voted on it; only its proposer may, and says why. The proposal
    stays on record with status withdrawn (final, like a decision), the withdrawal and its reason go into the
    committee's append-only audit trail, and the seat may be proposed again. It never becomes a decision, so the
    public decisions pages do not list it as a rejection. After the first vote the count decides it
    (`ERROR_WITHDRAW_AFTER_VOTES`)."""
    if not reason or not reason.strip():
        raise CommitteeError(ERROR_WITHDRAW_REASON)
    with transaction.atomic():
        proposal = _locked(proposal)
        _refuse_if_decided(proposal)
        if proposal.proposer_id != user.pk:
            raise CommitteeForbidden(ERROR_WITHDRAW_NOT_PROPOSER.format(proposer=proposal.proposer, id=proposal.pk))
        if proposal.votes.exists():
            raise CommitteeError(ERROR_WITHDRAW_AFTER_VOTES.format(id=proposal.pk))
        now = timezone.now()
        Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.WITHDRAWN, updated_at=now)
        proposal.status, proposal.updated_at = Proposal.Status.WITHDRAWN, now
        _audit(organisation=proposal.organisation, actor=user, action="proposal.withdrawn", obj=proposal, now=now,
               summary=f"withdrew proposal #{proposal.pk} ({proposal.get_kind_display()} in "
                       f"{proposal.constituency.name}) before any vote",
               details={"reason": reason.strip(), "content_hash": proposal.content_hash})
    return proposal


def _member_or_refuse(*, proposal: Proposal, user: AbstractBaseUser) -> CommitteeMember:
    member = selectors.member_for(organisation=proposal.organisation, user=user)
    if member is None:
        raise CommitteeForbidden(ERROR_NOT_MEMBER.format(user=user, organisation=proposal.organisation))
    return member


def interest_declare(*, proposal: Proposal, user: AbstractBaseUser, note: str = "") -> Interest:
    """Record the member's interest in the proposal: they are recused from it from now on. A vote they already
    cast stays on the record but is no longer counted; the count is re-run, which may decide the proposal."""
    with transaction.atomic():
        proposal = _locked(proposal)
        member = _member_or_refuse(proposal=proposal, user=user)
        _refuse_if_decided(proposal)
        if Interest.objects.filter(proposal=proposal, member=member).exists():
            raise CommitteeError(ERROR_ALREADY_DECLARED.format(member=member.display_name, id=proposal.pk))
        interest = Interest.objects.create(proposal=proposal, member=member, note=note, declared_at=timezone.now())
        _audit(organisation=proposal.organisation, actor=user, action="interest.declared", obj=proposal,
               summary=f"declared an interest in proposal #{proposal.pk} and is recused",
               details={"member": member.pk, "note": note})
        _decide_if_determined(proposal)
    return interest


def vote_cast(*, proposal: Proposal, user: AbstractBaseUser, choice: str, proposal_hash: str,
              reason: str = "") -> Vote:
    """Cast `user`'s vote on the version of the proposal whose hash is `proposal_hash`; decides the proposal
    in the same transaction when the count reaches an outcome. A vote against may give its reason, one of
    `rules.REJECTION_REASONS`; a rejection records the reasons given (`Decision.reasons`)."""
    if choice not in rules.CHOICES:
        raise CommitteeError(ERROR_UNKNOWN_CHOICE.format(choice=choice))
    reason = _reason_checked(reason)
    if reason and choice != rules.AGAINST:
        raise CommitteeError(ERROR_REASON_AGAINST_ONLY.format(choice=choice))
    with transaction.atomic():
        proposal = _locked(proposal)
        member = _member_or_refuse(proposal=proposal, user=user)
        _refuse_if_decided(proposal)
        if proposal_hash != proposal.content_hash:
            raise CommitteeError(ERROR_STALE.format(id=proposal.pk))
        if Interest.objects.filter(proposal=proposal, member=member).exists():
            raise CommitteeForbidden(ERROR_RECUSED.format(member=member.display_name))
        if Vote.objects.filter(proposal=proposal, member=member).exists():
            raise CommitteeError(ERROR_ALREADY_VOTED.format(member=member.display_name, id=proposal.pk))
        vote = Vote.objects.create(proposal=proposal, member=member, choice=choice,
                                   proposal_hash=proposal_hash, cast_at=timezone.now(), reason=reason)
        chain.append(vote)
        _audit(organisation=proposal.organisation, actor=user, action="vote.cast", obj=proposal,
               summary=f"voted on proposal #{proposal.pk}",
               details={"member": member.pk, "choice": choice, "proposal_hash": proposal_hash, "reason": reason})
        _decide_if_determined(proposal)
    return vote


def _decide_if_determined(proposal: Proposal) -> Decision | None:
    count = selectors.proposal_tally(proposal=proposal)
    if count.outcome == rules.OPEN:
        return None
    return _record_decision(proposal=proposal, count=count, closed_by=None)


def _record_decision(*, proposal: Proposal, count: rules.Tally, closed_by: AbstractBaseUser | None,
                     close_reason: str = "") -> Decision:
    now = timezone.now()
    votes = list(selectors.proposal_votes(proposal=proposal))
    ballots = [
        {"member": v.member_id, "user": v.member.user_id, "name": v.member.display_name, "choice": v.choice,
         "cast_at": v.cast_at.isoformat(), "proposal_hash": v.proposal_hash, "reason": v.reason}
        for v in votes
    ]
    recused_ids = selectors.recused_member_ids(proposal=proposal)
    reasons = rules.rejection_reasons(codes=[
        *(v.reason for v in votes if v.choice == rules.AGAINST and v.member_id not in recused_ids),
        close_reason]) if count.outcome == rules.REJECTED else []
    recused = [
        {"member": i.member_id, "name": i.member.display_name, "declared_at": i.declared_at.isoformat()}
        for i in selectors.proposal_interests(proposal=proposal)
    ]
    decision = Decision.objects.create(
        proposal=proposal, outcome=count.outcome,
        trigger=Decision.Trigger.CLOSED if closed_by else Decision.Trigger.COUNT,
        decided_at=now, closed_by=closed_by, proposal_hash=proposal.content_hash, tally=count.as_dict(),
        ballots=ballots, recused=recused, explanation=count.explanation, reasons=reasons,
    )
    chain.append(decision)
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.DECIDED, updated_at=now)
    proposal.status = Proposal.Status.DECIDED
    _audit(organisation=proposal.organisation, actor=closed_by, action=f"decision.{count.outcome}", obj=proposal,
           now=now, summary=f"proposal #{proposal.pk} {count.outcome}: {proposal.constituency.name}",
           details={"decision": decision.pk, "tally": count.as_dict(), "reasons": reasons})
    return decision


def proposal_decide(
    *, proposal: Proposal, closed_by: AbstractBaseUser | None = None, now: datetime | None = None, reason: str = ""
) -> Decision:
    """Decide the proposal from its count. Without `closed_by` the count must already be conclusive
    (approval reached, or approval or quorum unreachable). With `closed_by`, the chair closes voting after the
    deadline and whatever is not approved is rejected; the chair may give the rejection's reason (one of
    `rules.REJECTION_REASONS`), recorded with the reasons on the votes against."""
    reason = _reason_checked(reason)
    with transaction.atomic():
        proposal = _locked(proposal)
        _refuse_if_decided(proposal)
        if closed_by is not None:
            member = _member_or_refuse(proposal=proposal, user=closed_by)
            if member.role != CommitteeMember.Role.CHAIR:
                raise CommitteeForbidden(ERROR_NOT_CHAIR.format(member=member.display_name))
            if proposal.deadline is None:
                raise CommitteeError(ERROR_NO_DEADLINE.format(id=proposal.pk))
            if (now or timezone.now()) < proposal.deadline:
                raise CommitteeError(ERROR_BEFORE_DEADLINE.format(id=proposal.pk, deadline=proposal.deadline))
        count = selectors.proposal_tally(proposal=proposal, closed=closed_by is not None)
        if count.outcome == rules.OPEN:
            raise CommitteeError(ERROR_STILL_OPEN.format(id=proposal.pk, explanation=count.explanation))
        return _record_decision(proposal=proposal, count=count, closed_by=closed_by, close_reason=reason)
