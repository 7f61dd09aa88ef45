"""Who may use the planner: the organisers and the treasurer of the organisation whose plan it is (per-organisation
roles of `swingfund.accounts`; `is_staff` grants nothing, and the site administrator holds no organisation's role)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from swingfund.accounts.access import forbidden, refusal
from swingfund.accounts.roles import ORGANISER, TREASURER, organisations_for, user_has_role

PLANNER_ROLES = (ORGANISER, TREASURER)
REFUSED = "The planner of {organisation} is for its organisers and its treasurer."
REFUSED_ANY = "The planner is for the organisers and treasurers of an organisation."


def plannable_organisations(*, user) -> list:
    """The organisations `user` may plan for, by slug."""
    orgs = {o.pk: o for role in PLANNER_ROLES for o in organisations_for(user=user, role=role)}
    return sorted(orgs.values(), key=lambda o: o.slug)


def plan_refusal(request: HttpRequest, *, organisation) -> HttpResponse | None:
    """None when the signed-in person may plan for `organisation` (None: they may plan for no organisation); else
    the refusing response. A treasurer who is not also an organiser gives their second factor first, as on every
    treasurer's page."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if organisation is None:
        return forbidden(request, REFUSED_ANY)
    if user_has_role(user=request.user, organisation=organisation, role=ORGANISER):
        return None
    if user_has_role(user=request.user, organisation=organisation, role=TREASURER):
        return refusal(request, organisation=organisation, role=TREASURER)
    return forbidden(request, REFUSED.format(organisation=organisation))
