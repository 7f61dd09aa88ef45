"""`/workspace/`: the signed-in organiser's or committee member's page — money against goal, compliance deadlines
(overdue ones flagged), proposals awaiting my vote first, held gifts, and links to the tools. Read-only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from swingfund.committee import selectors as committee
from swingfund.committee.models import Proposal
from swingfund.funding import selectors as funding
from swingfund.public import selectors


@dataclass(frozen=True)
class Access:
    money: bool
    committee: bool


def workspace_access(user) -> Access:
    """The one access check of the workspace (switch to `accounts.roles.user_has_role` at merge): the money and
    compliance sections for treasurers/organisers (staff), the committee section for committee members."""
    staff = bool(user.is_staff or user.is_superuser)
    return Access(money=staff, committee=staff or committee.seats_for(user=user).exists())


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


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    access = workspace_access(request.user)
    today = timezone.now().date()
    context: dict = {"access": access}
    if access.money:
        context.update(campaigns=selectors.campaigns_with_totals(), tasks=tasks_with_flags(today=today),
                       held=list(funding.held_gifts()))
        context["overdue"] = sum(1 for t in context["tasks"] if t["overdue"])
    if access.committee:
        context["proposals"] = proposals_for(request.user)
        context["awaiting"] = sum(1 for r in context["proposals"] if r["awaiting"])
    status = 200 if (access.money or access.committee) else 403
    return render(request, "public/workspace.html", context, status=status)
