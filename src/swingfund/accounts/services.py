"""Granting and revoking roles, and second factors: keyword-only functions called by the admin and `swingfund roles`."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from swingfund.accounts.models import OrganisationRole
from swingfund.accounts.roles import COMMITTEE_MEMBER, ORGANISATION_ROLES, UNKNOWN_ROLE

GRANTED_HERE = "Only treasurer and organiser are granted here; a committee seat is given by the committee's services."
TOTP_NAME = "swingfund"


def role_grant(*, user, organisation, role: str, by: str = "") -> OrganisationRole:
    if role == COMMITTEE_MEMBER:
        raise ValueError(GRANTED_HERE)
    if role not in ORGANISATION_ROLES:
        raise ValueError(UNKNOWN_ROLE.format(role=role))
    with transaction.atomic():
        grant, _ = OrganisationRole.objects.get_or_create(user=user, organisation=organisation, role=role,
                                                          defaults={"granted_by": by})
    return grant


def role_revoke(*, user, organisation, role: str) -> int:
    deleted, _ = OrganisationRole.objects.filter(user=user, organisation=organisation, role=role).delete()
    return deleted


def totp_device_create(*, user, name: str = TOTP_NAME):
    """A confirmed TOTP device (RFC 6238, 30 s steps, 6 digits) for `user`; its `config_url` is the otpauth:// URL
    an authenticator app scans. Replaces any earlier device of that name."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, name=name).delete()
        return TOTPDevice.objects.create(user=user, name=name, confirmed=True)


def user_get(*, username: str):
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise ValueError(f"No user called {username!r}.") from None
