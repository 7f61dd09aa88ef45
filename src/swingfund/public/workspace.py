"""`/workspace/`: the signed-in organiser's or committee member's page — money against goal, compliance deadlines
(overdue ones flagged), proposals awaiting my vote first, held gifts, and links to the tools. Read-only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from swingfund.accounts.roles import ORGANISER, TREASURER, organisations_for
from swingfund.committee import selectors as committee
from swingfund.committee.models import Proposal
from swingfund.funding import selectors as funding
from swingfund.public import selectors


@dataclass(frozen=True)
class Access:
    money: bool
    committee: bool
    organisation_ids: frozenset[int] = frozenset()  # whose money the person sees (their treasurer roles)
    outreach_ids: frozenset[int] = frozenset()  # whose messages the person approves (their organiser roles)


def workspace_access(user, *, verified: bool = False) -> Access:
    """The one access check of the workspace, by role per organisation (never `is_staff`): the money and
    compliance sections for the organisations where the person is treasurer, once they have given their second
    factor this session; the committee section for committee members."""
    orgs = frozenset(organisations_for(user=user, role=TREASURER).values_list("id", flat=True)) if verified \
        else frozenset()
    organised = frozenset(organisations_for(user=user, role=ORGANISER).values_list("id", flat=True))
    return Access(money=bool(orgs), committee=committee.seats_for(user=user).exists(), organisation_ids=orgs,
                  outreach_ids=organised)


def proposals_for(user) -> list[dict]:
    """Open proposals of the user's committees, those awaiting the user's vote first, then the rest."""
    seats = list(committee.seats_for(user=user))
    if not seats:
        return []
    voted = committee.voted_proposal_ids(user=user)
    proposals = (Proposal.objects.filter(organisation__in=[s.organisation_id for s in seats], status="open")
                 .select_related("constituency", "candidacy", "candidacy__party", "election")
                 .order_by("created_at", "id"))
    rows = []
    for p in proposals:
        member = next(s for s in seats if s.organisation_id == p.organisation_id)
        recused = member.pk in committee.recused_member_ids(proposal=p)
        rows.append({"proposal": p, "voted": p.pk in voted, "recused": recused,
                     "awaiting": p.pk not in voted and not recused})
    rows.sort(key=lambda r: not r["awaiting"])
    return rows


def tasks_with_flags(*, today: dt.date) -> list[dict]:
    return [{"task": t, "overdue": bool(t.due_on and t.due_on < today),
             "days": (t.due_on - today).days if t.due_on else None,
             "late": (today - t.due_on).days if t.due_on else None} for t in funding.open_tasks()]


def _task_organisation(task) -> int | None:
    campaign = task.campaign or (task.donation.campaign if task.donation_id else None)
    return campaign.organisation_id if campaign is not None else None


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    is_verified = getattr(request.user, "is_verified", None)
    access = workspace_access(request.user, verified=bool(is_verified and is_verified()))
    today = timezone.now().date()
    treasurer = organisations_for(user=request.user, role=TREASURER).exists()
    context: dict = {"access": access, "second_factor_needed": treasurer and not access.money,
                     "treasurer": treasurer}
    if access.money:
        mine = access.organisation_ids
        context.update(
            campaigns=[c for c in selectors.campaigns_with_totals() if c["campaign"].organisation_id in mine],
            tasks=[t for t in tasks_with_flags(today=today) if _task_organisation(t["task"]) in mine],
            held=list(funding.held_gifts().filter(campaign__organisation_id__in=mine)))
        context["overdue"] = sum(1 for t in context["tasks"] if t["overdue"])
    if access.committee:
        context["proposals"] = proposals_for(request.user)
        context["awaiting"] = sum(1 for r in context["proposals"] if r["awaiting"])
    if access.outreach_ids:  # drafts waiting for a second organiser's approval (the author cannot approve their own)
        from swingfund.outreach.models import Message

        context["drafts"] = list(Message.objects.filter(organisation_id__in=access.outreach_ids,
                                                        status=Message.Status.DRAFT)
                                 .exclude(author=request.user).select_related("segment").order_by("created_at"))
    status = 200 if (access.money or access.committee or access.outreach_ids or treasurer) else 403
    return render(request, "public/workspace.html", context, status=status)
