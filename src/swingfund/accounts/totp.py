"""The issuer an authenticator app shows beside a TOTP code (django-otp's OTP_TOTP_ISSUER, a callable setting)."""

from __future__ import annotations

from swingfund.organisations.models import Organisation
from swingfund.organisations.selectors import organisation_current

FALLBACK_ISSUER = "swingfund"


def totp_issuer(*, device) -> str:
    """The name of the first group (by id) in which the device's user holds a role; else the group this site serves;
    else "swingfund". Never a name from settings."""
    organisation = (Organisation.objects.filter(roles__user_id=device.user_id).order_by("pk").first()
                    or organisation_current())
    return organisation.name if organisation is not None and organisation.name else FALLBACK_ISSUER
