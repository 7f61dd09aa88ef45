"""The demo's roles: the demo login is the demo organisation's organiser and treasurer (and, as the demo's
administrator, a superuser). Safe to repeat."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from swingfund.accounts.services import role_grant

DEMO_ROLES_NOTE = ("{user} is organiser and treasurer of {organisation}. Treasurer pages ask for a code from an "
                   "authenticator app: run `swingfund roles totp --user {user}` and scan the QR code it prints.")


def demo_roles(*, username: str) -> str:
    from swingfund.organisations.models import Organisation

    user = get_user_model().objects.filter(username=username).first()
    organisation = Organisation.objects.filter(demo=True).order_by("pk").first()
    if user is None or organisation is None:
        return f"No user {username!r} or no demo organisation: no roles granted."
    for role in ("organiser", "treasurer"):
        role_grant(user=user, organisation=organisation, role=role, by="swingfund demo")
    return DEMO_ROLES_NOTE.format(user=username, organisation=organisation.slug)
