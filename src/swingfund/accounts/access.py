"""Role checks for views: one call per view, for the organisation the request touches.

`refusal(request, organisation=…, role=…)` returns the response that refuses the request (a login redirect for
anonymous people, a second-factor step for roles that move money, else 403 naming the role), or None to go on.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from swingfund.accounts.roles import ADMINISTRATOR, SECOND_FACTOR_ROLES, organisations_for, user_has_role

REFUSED = "This page is for the {role} of {organisation}."
REFUSED_ANY = "This page is for a {role} of an organisation."
ROLE_NAMES = {"treasurer": "treasurer", "organiser": "organiser", "committee_member": "committee members",
              ADMINISTRATOR: "administrator"}


def _verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def second_factor_redirect(request: HttpRequest) -> HttpResponse:
    from django.shortcuts import redirect

    return redirect(f"{reverse('accounts:two-factor')}?{urlencode({'next': request.get_full_path()})}")


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "accounts/refused.html", {"message": message}, status=403)


def refusal(request: HttpRequest, *, organisation, role: str) -> HttpResponse | None:
    """None when the signed-in person holds `role` in `organisation` (and, for money roles, has given their second
    factor this session); otherwise the refusing response."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not user_has_role(user=request.user, organisation=organisation, role=role):
        if organisation is None:
            return forbidden(request, REFUSED.format(role="site administrator", organisation="records of no "
                                                     "organisation"))
        return forbidden(request, REFUSED.format(role=ROLE_NAMES[role], organisation=organisation))
    if (role in SECOND_FACTOR_ROLES or organisation is None) and not _verified(request):
        return second_factor_redirect(request)
    return None


def refusal_any(request: HttpRequest, *, role: str) -> HttpResponse | None:
    """As `refusal`, for pages listing the records of every organisation where the person holds `role` (the
    administrator passes too: they see the records of no organisation)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not organisations_for(user=request.user, role=role).exists() and not user_has_role(
            user=request.user, organisation=None, role=ADMINISTRATOR):
        return forbidden(request, REFUSED_ANY.format(role=ROLE_NAMES[role]))
    if not _verified(request) and (role in SECOND_FACTOR_ROLES or request.user.is_superuser):
        return second_factor_redirect(request)
    return None


def administrator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        refused = refusal(request, organisation=None, role=ADMINISTRATOR)
        return refused or view(request, *args, **kwargs)

    return wrapped


def visible_organisations(request: HttpRequest, *, role: str) -> tuple[list, bool]:
    """The organisations whose records `request.user` may see as `role`, and whether the records of no organisation
    are included (the administrator's)."""
    orgs = list(organisations_for(user=request.user, role=role))
    return orgs, user_has_role(user=request.user, organisation=None, role=ADMINISTRATOR)
