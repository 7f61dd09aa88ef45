"""Reads of committee data. `decided_grants` is the stable interface the money app consumes."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from swingfund.committee import rules
from swingfund.committee.models import (
    AuditEvent,
    CommitteeMember,
    CommitteePolicy,
    Decision,
    Interest,
    Proposal,
    Vote,
)
from swingfund.organisations.models import Organisation


def decided_grants(*, organisation: Organisation | None = None) -> QuerySet[Decision]:
    """Approved decisions on grant proposals, oldest first: each becomes a payable grant in the money app.

    Each row carries `proposal` (kind, candidacy, constituency, election, amount_pence, reason) and
    `decided_at` (UTC), with the related rows selected in the same query.
    """
    qs = Decision.objects.filter(outcome=Decision.Outcome.APPROVED, proposal__kind=Proposal.Kind.GRANT)
    if organisation is not None:
        qs = qs.filter(proposal__organisation=organisation)
    return qs.select_related(
        "proposal",
        "proposal__organisation",
        "proposal__candidacy",
        "proposal__candidacy__person",
        "proposal__candidacy__party",
        "proposal__constituency",
        "proposal__election",
    ).order_by("decided_at", "id")


def policy_for(*, organisation: Organisation) -> rules.ApprovalPolicy:
    row = CommitteePolicy.objects.filter(organisation=organisation).first()
    return row.as_rule() if row else rules.ApprovalPolicy()


def member_for(*, organisation: Organisation, user: AbstractBaseUser | AnonymousUser | None) -> CommitteeMember | None:
    """The user's active seat on the organisation's committee, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return CommitteeMember.objects.filter(organisation=organisation, user=user, active=True).first()


def seats_for(*, user: AbstractBaseUser) -> QuerySet[CommitteeMember]:
    return CommitteeMember.objects.filter(user=user, active=True).select_related("organisation")


def voted_proposal_ids(*, user: AbstractBaseUser) -> set[int]:
    """Proposals on which the user has voted, on any committee they sit on."""
    return set(Vote.objects.filter(member__user=user).values_list("proposal_id", flat=True))


def proposal_interests(*, proposal: Proposal) -> QuerySet[Interest]:
    return proposal.interests.select_related("member__user").order_by("declared_at", "id")


def recused_member_ids(*, proposal: Proposal) -> set[int]:
    return set(proposal.interests.values_list("member_id", flat=True))


def eligible_member_ids(*, proposal: Proposal) -> set[int]:
    """Active members of the proposal's organisation who have not declared an interest in it."""
    active = CommitteeMember.objects.filter(organisation_id=proposal.organisation_id, active=True)
    return set(active.values_list("id", flat=True)) - recused_member_ids(proposal=proposal)


def proposal_votes(*, proposal: Proposal) -> QuerySet[Vote]:
    return proposal.votes.select_related("member__user").order_by("cast_at", "id")


def proposal_tally(*, proposal: Proposal, closed: bool = False) -> rules.Tally:
    """The proposal's count right now, under its organisation's policy."""
    proposer = CommitteeMember.objects.filter(
        organisation_id=proposal.organisation_id, user_id=proposal.proposer_id, active=True
    ).first()
    return rules.tally(
        ballots=dict(proposal.votes.values_list("member_id", "choice")),
        eligible_member_ids=eligible_member_ids(proposal=proposal),
        proposer_member_id=proposer.id if proposer else None,
        policy=policy_for(organisation=proposal.organisation),
        closed=closed,
    )


def proposal_list(*, organisation: Organisation | None = None, status: str | None = None) -> QuerySet[Proposal]:
    qs = Proposal.objects.select_related(
        "organisation", "election", "constituency", "candidacy", "candidacy__party", "proposer", "decision"
    )
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-created_at", "-id")


def public_decisions(*, organisation: Organisation) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(proposal__organisation=organisation)
        .select_related("proposal", "proposal__constituency", "proposal__candidacy", "proposal__candidacy__party",
                        "proposal__election")
        .order_by("-decided_at", "-id")
    )


def decision_totals(*, organisation: Organisation) -> dict[str, int]:
    """Counts of the organisation's decisions and the pence of approved grants, for the public headline."""
    decisions = Decision.objects.filter(proposal__organisation=organisation)
    grants = decided_grants(organisation=organisation)
    return {
        "decisions": decisions.count(),
        "grants_approved": grants.count(),
        "grant_pence": sum(grants.values_list("proposal__amount_pence", flat=True)),
        "stay_out_approved": decisions.filter(outcome="approved", proposal__kind="stay_out").count(),
        "rejected": decisions.filter(outcome="rejected").count(),
    }


# Changes only the site administrator makes (from the admin or `swingfund committee`): the voting rule and the seats.
SITE_ADMINISTRATOR = "site_administrator"
ADMINISTRATOR_ACTIONS = frozenset({"policy.set", "member.seated", "member.changed"})


def acting_role(*, organisation: Organisation, actor, action: str) -> str:
    """The role in which `actor` made a change to `organisation`'s committee: "site_administrator" (a superuser) or
    "administrator" (the group's) — always so for the rule and the seats —, "chair" or "committee_member" for a
    seat, else ""."""
    from swingfund.accounts.roles import ADMINISTRATOR, is_administrator, user_has_role

    if actor is None:
        return ""

    def administrator() -> str:
        if is_administrator(actor):
            return SITE_ADMINISTRATOR
        return ADMINISTRATOR if user_has_role(user=actor, organisation=organisation, role=ADMINISTRATOR) else ""

    if action in ADMINISTRATOR_ACTIONS and administrator():
        return administrator()
    seat = actor.committee_seats.filter(organisation=organisation).order_by("-active").first()
    if seat is not None:
        return "chair" if seat.role == "chair" else "committee_member"
    return administrator()


def recent_changes(*, organisation: Organisation | None = None, limit: int = 100) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.select_related("actor", "organisation")
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.order_by("-created_at", "-id")[:limit]


def organisations_with_committee() -> QuerySet[Organisation]:
    return Organisation.objects.filter(committee_members__isnull=False).distinct().order_by("name")
