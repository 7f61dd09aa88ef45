"""The tokens page (/workspace/tokens/): an organiser or treasurer issues, lists and revokes their own API tokens,
after giving their second factor this session. A new token is shown once, on the page that issued it; only its hash
is stored (`services.token_create`)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from swingfund.accounts.access import forbidden, second_factor_redirect
from swingfund.api.access import TOKEN_ROLES
from swingfund.api.models import ApiToken
from swingfund.api.services import DEFAULT_TOKEN_DAYS, token_create, token_lifetime_days

REFUSED = "API tokens are for the organisers and treasurers of a group."
PICK_A_ROLE = "Choose the group and role the token acts for."
NOT_YOURS = "No token of yours with that number."


def _held(user) -> list[tuple[object, str]]:
    from swingfund.organisations.models import Organisation

    return [(org, role) for role in TOKEN_ROLES
            for org in Organisation.objects.filter(roles__user=user, roles__role=role).distinct().order_by("name")]


def _state(row: ApiToken, now) -> str:
    if row.revoked_at:
        return f"revoked {row.revoked_at:%d %b %Y}"
    if row.expires_at is None or row.expires_at <= now:
        return "expired"
    return f"live until {row.expires_at:%d %b %Y}"


def tokens(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    held = _held(request.user)
    if not held:
        return forbidden(request, REFUSED)
    is_verified = getattr(request.user, "is_verified", None)
    if not (is_verified and is_verified()):
        return second_factor_redirect(request)
    errors: list[str] = []
    issued = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "revoke":
            mine = ApiToken.objects.filter(user=request.user, pk=request.POST.get("token", "0") if
                                           request.POST.get("token", "").isdigit() else 0)
            if not mine.exists():
                errors.append(NOT_YOURS)
            else:
                mine.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        else:
            choice = request.POST.get("scope", "")
            scope = next(((org, role) for org, role in held if f"{org.slug}:{role}" == choice), None)
            label = (request.POST.get("label", "") or "api").strip()[:100]
            days_text = request.POST.get("days", "").strip()
            if scope is None:
                errors.append(PICK_A_ROLE)
            try:
                days = token_lifetime_days(int(days_text)) if days_text else token_lifetime_days()
            except ValueError as exc:
                errors.append(str(exc) if days_text.lstrip("-").isdigit() else
                              f"The lifetime is a whole number of days (got {days_text!r}).")
            if not errors:
                raw, row = token_create(username=request.user.get_username(), label=label, organisation=scope[0],
                                        role=scope[1], days=days)
                issued = {"raw": raw, "row": row}
    now = timezone.now()
    rows = [{"row": r, "state": _state(r, now)} for r in
            ApiToken.objects.filter(user=request.user).select_related("organisation").order_by("-created_at")]
    return render(request, "api/tokens.html", {
        "held": [{"value": f"{org.slug}:{role}", "label": f"{role} of {org.name}"} for org, role in held],
        "rows": rows, "issued": issued, "errors": errors, "default_days": DEFAULT_TOKEN_DAYS,
    }, status=400 if errors else 200)
