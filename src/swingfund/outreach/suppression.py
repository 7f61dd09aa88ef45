"""The suppression list: people erased at their request, kept only as keyed hashes of their email address and
mobile number, so that no CSV import and no sign-up adds them back (ICO: keep only what is needed to respect the
objection). The key is `settings.SUPPRESSION_KEY`, else one derived from SECRET_KEY (Django's salted HMAC)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils.crypto import salted_hmac

from swingfund.organisations.models import Organisation
from swingfund.outreach.models import Suppression

SALT = "swingfund.outreach.suppression"


def normalise(*, kind: str, value: str) -> str:
    """An email address lower-cased and trimmed; a number as E.164 (the caller passes it normalised; spaces,
    dashes and brackets are dropped)."""
    value = (value or "").strip()
    if kind == Suppression.Kind.EMAIL:
        return value.lower()
    return "".join(ch for ch in value if ch.isdigit() or ch == "+")


def digest(*, kind: str, value: str) -> str:
    """HMAC-SHA256 (hex) of the normalised contact, keyed and namespaced by kind."""
    secret = settings.SUPPRESSION_KEY or None  # None: Django derives the key from SECRET_KEY
    return salted_hmac(f"{SALT}.{kind}", normalise(kind=kind, value=value), secret=secret,
                       algorithm="sha256").hexdigest()


def suppress(*, organisation: Organisation, email: str = "", phone: str = "", now: datetime) -> int:
    """Add the contact's hashes to the list (already there: nothing changes); returns how many were added."""
    added = 0
    for kind, value in ((Suppression.Kind.EMAIL, email), (Suppression.Kind.PHONE, phone)):
        if value and value.strip():
            _, created = Suppression.objects.get_or_create(
                organisation=organisation, kind=kind, digest=digest(kind=kind, value=value),
                defaults={"created_at": now})
            added += int(created)
    return added


def suppressed(*, organisation: Organisation, email: str = "", phone: str = "") -> str:
    """'' when neither contact is on the list; else which one is ('email address' or 'mobile number')."""
    for kind, value in ((Suppression.Kind.EMAIL, email), (Suppression.Kind.PHONE, phone)):
        if value and value.strip() and Suppression.objects.filter(
                organisation=organisation, kind=kind, digest=digest(kind=kind, value=value)).exists():
            return Suppression.Kind(kind).label
    return ""


def digests(*, organisation: Organisation) -> set[tuple[str, str]]:
    """Every (kind, digest) on the organisation's list, for checking a whole import at once."""
    return set(Suppression.objects.filter(organisation=organisation).values_list("kind", "digest"))
