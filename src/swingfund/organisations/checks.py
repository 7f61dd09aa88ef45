"""`swingfund check --deploy`: refuses to call a deployment ready while it would publish the demo's identity, sign
sessions with a placeholder key, or send mail from localhost. Each error names what to change and where.

Registered with deploy=True, so these run only under `check --deploy` (never before `migrate` or `runserver`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register
from django.db import DatabaseError

DEMO_NAME = "Demo Community Group"
DEMO_ADDRESS_MARK = "example street"
LOCAL_DOMAINS = ("localhost", "localhost.localdomain", "127.0.0.1", "[127.0.0.1]", "[::1]")
PLACEHOLDER_KEYS = ("change-me", "django-insecure")

NO_DATABASE = "The database is not set up, so no group's identity can be checked."
NO_DATABASE_HINT = "Run `swingfund setup` (it creates the tables, the group and its first administrator)."
NO_ORGANISATION = "No organisation is set up: every page, email and notice would go out without an imprint."
NO_ORGANISATION_HINT = "Run `swingfund setup` to create your group with its name and postal address."
ONLY_DEMO = "The only organisation here is the demo's ({name!r}): its identity is illustrative."
ONLY_DEMO_HINT = "Create your own group with `swingfund setup`; the demo belongs on a laptop, not a public site."
DEMO_IDENTITY = "The organisation {slug!r} still has the demo's {what} ({value!r})."
DEMO_IDENTITY_HINT = "Change the group's {what} on its settings page or with `swingfund setup`."
NO_ADDRESS = "The organisation {slug!r} has no postal address: the law requires it in every imprint."
NO_ADDRESS_HINT = "Add the group's postal address on its settings page or with `swingfund setup`."
SECRET_PLACEHOLDER = "SWINGFUND_SECRET_KEY is a placeholder ({start!r}…): anyone who reads the docs can forge sessions."
SECRET_PLACEHOLDER_HINT = ("Unset SWINGFUND_SECRET_KEY to use the key generated for this machine, or set it to a long "
                           "random value: python -c 'import secrets; print(secrets.token_urlsafe(50))'.")
SENDER_LOCAL = "The organisation {slug!r} sends email from {sender!r}, on localhost: it will not be delivered."
SENDER_LOCAL_HINT = ("Set the group's sender (e.g. hello@yourgroup.org) on its settings page or with `swingfund setup`"
                     "{fallback}.")
SENDER_MISSING = "The organisation {slug!r} has no sender address and the site no fallback sender."
SENDER_MISSING_HINT = "Set the group's sender on its settings page or with `swingfund setup`, or SWINGFUND_FROM_EMAIL."
FALLBACK_LOCAL = "SWINGFUND_FROM_EMAIL is {sender!r}, on localhost: mail from it will not be delivered."
FALLBACK_LOCAL_HINT = "Set SWINGFUND_FROM_EMAIL to an address on your domain, or leave it unset."


def is_local(address: str) -> bool:
    domain = address.rpartition("@")[2].strip().lower().rstrip(".")
    return domain in LOCAL_DOMAINS or domain.endswith(".localhost")


def secret_key_errors() -> list[Error]:
    key = str(getattr(settings, "SECRET_KEY", "") or "")
    if key.lower().startswith(PLACEHOLDER_KEYS):
        return [Error(SECRET_PLACEHOLDER.format(start=key[:9]), hint=SECRET_PLACEHOLDER_HINT,
                      id="organisations.E010")]
    return []


def fallback_sender_errors() -> list[Error]:
    fallback = settings.DEFAULT_FROM_EMAIL or ""
    if fallback and is_local(fallback):
        return [Error(FALLBACK_LOCAL.format(sender=fallback), hint=FALLBACK_LOCAL_HINT, id="organisations.E011")]
    return []


def organisation_errors() -> list[Error]:
    """The groups' identities: at least one real group; none with the demo's name or address, or without an
    address; each with a sender that is not on localhost."""
    from .models import Organisation

    try:
        organisations = list(Organisation.objects.order_by("pk"))
    except DatabaseError:
        return [Error(NO_DATABASE, hint=NO_DATABASE_HINT, id="organisations.E001")]
    if not organisations:
        return [Error(NO_ORGANISATION, hint=NO_ORGANISATION_HINT, id="organisations.E002")]
    real = [o for o in organisations if not o.demo]
    if not real:
        return [Error(ONLY_DEMO.format(name=organisations[0].name), hint=ONLY_DEMO_HINT, id="organisations.E003")]
    errors: list[Error] = []
    fallback = settings.DEFAULT_FROM_EMAIL or ""
    for org in real:
        if org.name.strip().casefold() == DEMO_NAME.casefold() or org.legal_name.strip().casefold() == \
                DEMO_NAME.casefold():
            errors.append(Error(DEMO_IDENTITY.format(slug=org.slug, what="name", value=org.name),
                                hint=DEMO_IDENTITY_HINT.format(what="name"), obj=org, id="organisations.E004"))
        if DEMO_ADDRESS_MARK in org.address.casefold():
            errors.append(Error(DEMO_IDENTITY.format(slug=org.slug, what="address", value=org.address),
                                hint=DEMO_IDENTITY_HINT.format(what="postal address"), obj=org,
                                id="organisations.E005"))
        elif not org.address.strip():
            errors.append(Error(NO_ADDRESS.format(slug=org.slug), hint=NO_ADDRESS_HINT, obj=org,
                                id="organisations.E006"))
        sender = org.sender_email or fallback
        if not sender:
            errors.append(Error(SENDER_MISSING.format(slug=org.slug), hint=SENDER_MISSING_HINT, obj=org,
                                id="organisations.E007"))
        elif is_local(sender):
            where = "" if org.sender_email else " (it now falls back to SWINGFUND_FROM_EMAIL)"
            errors.append(Error(SENDER_LOCAL.format(slug=org.slug, sender=sender),
                                hint=SENDER_LOCAL_HINT.format(fallback=where), obj=org, id="organisations.E008"))
    return errors


@register("swingfund", deploy=True)
def deployment_identity_check(app_configs=None, **kwargs) -> list[Error]:
    """A deployment is ready only with a real group's identity, a real secret key and a deliverable sender."""
    return secret_key_errors() + fallback_sender_errors() + organisation_errors()
