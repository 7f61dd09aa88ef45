"""The committee step of `swingfund demo`: three demo members turn the demo organisation's recommendations
into proposals, vote on them by a fixed script, and so reach decisions. Idempotent: running it again creates
no member, proposal, vote or decision twice.

The voting script (members: the chair, who proposes everything, and members 1 and 2; rule: quorum 2, 2 of 3):

* 1st grant proposal: member 2 declares an interest ("volunteers for this campaign") and is recused; the chair
  and member 1 vote for → approved (2 approvals of 2 eligible).
* 2nd grant proposal: members 1 and 2 vote for → approved.
* 3rd and later grant proposals: members 1 and 2 vote against → rejected (the chair alone cannot approve).
* stay-out proposals: members 1 and 2 vote for → approved.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from swingfund.committee import rules, selectors, services
from swingfund.committee.models import CommitteeMember, Interest, Proposal, Vote
from swingfund.organisations.models import Organisation

DEMO_MEMBERS = (
    ("demo-chair", "Chair", "(demo)", CommitteeMember.Role.CHAIR),
    ("demo-member-1", "Member One", "(demo)", CommitteeMember.Role.MEMBER),
    ("demo-member-2", "Member Two", "(demo)", CommitteeMember.Role.MEMBER),
)
DEMO_QUORUM = 2
DEMO_APPROVALS = 2
DEMO_TOP = 15
DEMO_INTEREST_NOTE = "Volunteers for this campaign (demo)."


@dataclass
class DemoSummary:
    members: list[str] = field(default_factory=list)
    new_logins: dict[str, str] = field(default_factory=dict)
    proposals_created: int = 0
    votes_cast: int = 0
    interests_declared: int = 0
    approved: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [
            f"Committee: {', '.join(self.members)} (quorum {DEMO_QUORUM}, {DEMO_APPROVALS} approvals needed).",
            f"This run: {self.proposals_created} proposals, {self.votes_cast} votes, "
            f"{self.interests_declared} declared interests.",
            f"Decisions so far: {len(self.approved)} approved, {len(self.rejected)} rejected.",
            *(f"  approved: {line}" for line in self.approved),
            *(f"  rejected: {line}" for line in self.rejected),
        ]
        lines += [f"Committee login: {user} / {password}" for user, password in self.new_logins.items()]
        return "\n".join(lines)


def _members(organisation: Organisation, summary: DemoSummary) -> list:
    users = []
    password = os.environ.get("SWINGFUND_DEMO_PASSWORD")
    for username, first, last, role in DEMO_MEMBERS:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            secret = password or secrets.token_urlsafe(9)
            user = get_user_model().objects.create_user(username, f"{username}@localhost", secret,
                                                        first_name=first, last_name=last)
            summary.new_logins[username] = secret
        services.member_add(organisation=organisation, user=user, role=role)
        summary.members.append(f"{user.get_full_name()} [{role}]")
        users.append(user)
    return users


def _script(proposal: Proposal, grant_index: int) -> tuple[dict[int, str], int | None]:
    """({user position: choice}, position of a member who declares an interest) for one proposal."""
    if proposal.kind == Proposal.Kind.STAY_OUT:
        return {1: rules.FOR, 2: rules.FOR}, None
    if grant_index == 0:
        return {0: rules.FOR, 1: rules.FOR}, 2
    if grant_index == 1:
        return {1: rules.FOR, 2: rules.FOR}, None
    return {1: rules.AGAINST, 2: rules.AGAINST}, None


def _line(proposal: Proposal) -> str:
    what = f"grant to {proposal.candidacy.person_name}" if proposal.kind == Proposal.Kind.GRANT else "stay out"
    return f"#{proposal.pk} {proposal.constituency.name}: {what}"


def demo_run(*, organisation: Organisation, election_id: str, bloc: str | None, top: int = DEMO_TOP) -> DemoSummary:
    """Members, proposals from the organisation's recommendations, the scripted votes and the decisions."""
    from swingfund.scorecards.recommendations import recommendations

    summary = DemoSummary()
    with transaction.atomic():
        users = _members(organisation, summary)
        services.policy_set(organisation=organisation, quorum=DEMO_QUORUM, approvals_required=DEMO_APPROVALS)
        recs = recommendations(organisation=organisation, election_id=election_id, bloc=bloc, top=top)
        created = services.proposals_from_recommendations(organisation=organisation, recommendations=recs,
                                                          proposer=users[0])
        summary.proposals_created = len(created)
        proposals = list(
            Proposal.objects.filter(organisation=organisation, election_id=election_id)
            .select_related("constituency", "candidacy").order_by("id")
        )
        grants = [p.pk for p in proposals if p.kind == Proposal.Kind.GRANT]
        for proposal in proposals:
            ballots, recuse = _script(proposal, grants.index(proposal.pk) if proposal.pk in grants else -1)
            if recuse is not None and proposal.status == Proposal.Status.OPEN:
                member = selectors.member_for(organisation=organisation, user=users[recuse])
                if not Interest.objects.filter(proposal=proposal, member=member).exists():
                    services.interest_declare(proposal=proposal, user=users[recuse], note=DEMO_INTEREST_NOTE)
                    summary.interests_declared += 1
            for position, choice in ballots.items():
                proposal.refresh_from_db()
                if proposal.status != Proposal.Status.OPEN:
                    break
                if Vote.objects.filter(proposal=proposal, member__user=users[position]).exists():
                    continue
                services.vote_cast(proposal=proposal, user=users[position], choice=choice,
                                   proposal_hash=proposal.content_hash)
                summary.votes_cast += 1
        decided = selectors.proposal_list(organisation=organisation).filter(election_id=election_id)
        for proposal in decided.order_by("id"):
            if proposal.status == Proposal.Status.DECIDED:
                target = summary.approved if proposal.decision.outcome == rules.APPROVED else summary.rejected
                target.append(_line(proposal))
    return summary
