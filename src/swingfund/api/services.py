"""Writes of the API app: issuing, listing and revoking tokens, and finding the token behind a request.

A token is issued for one role (organiser or treasurer) in one organisation, to a person who holds it, and lives
`SWINGFUND_API_TOKEN_DAYS` days (default `DEFAULT_TOKEN_DAYS`) unless given another lifetime. It is refused once
revoked, expired, or when its holder no longer holds that role there. Each request it authenticates is counted
(`use_count`, `last_used_at`). A token is issued only after its holder's second factor: on the tokens page
(/workspace/tokens/) to a person who gave it this session, or from the command line with the code their authenticator
shows now (`token_issue`).

Every write carries an `Idempotency-Key` (`write_once`): the same key gives the same answer, never a second gift."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from swingfund.accounts.roles import user_has_role
from swingfund.api.access import TOKEN_ROLES
from swingfund.api.models import ApiToken, ApiWrite

TOKEN_PREFIX = "sf_"
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 366
USER_UNKNOWN = "No user {name!r}."
USER_NOT_ORGANISER = ("{name} is not an organiser or treasurer of any organisation: only they may hold API tokens "
                      "for write endpoints.")
TOKEN_ROLE_AMBIGUOUS = ("{name} holds several roles that use tokens ({held}): name the organisation and the role the "
                        "token is for (--organisation SLUG --role organiser|treasurer).")
TOKEN_ROLE_NOT_HELD = ("{name} does not hold the role {role!r} in {organisation}: a token is issued only for a role "
                       "held.")
TOKEN_ROLE_UNKNOWN = "A token is for the role organiser or treasurer, not {role!r}."
TOKEN_DAYS_RANGE = "A token's lifetime is between 1 and {most} days (got {days!r})."
TOKEN_UNKNOWN = "No API token #{id}."
NO_SECOND_FACTOR = ("{name} has no second factor set up: a token is issued only after its holder's second factor. "
                    "They sign in once and set one up at /accounts/two-factor/, then give its code.")
BAD_SECOND_FACTOR = ("That is not {name}'s current second-factor code: a token is issued only after its holder's "
                     "second factor (--code: the 6 digits their authenticator app shows now).")


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_lifetime_days(days: int | None = None) -> int:
    """The lifetime asked for, else `SWINGFUND_API_TOKEN_DAYS`, else `DEFAULT_TOKEN_DAYS`; refused outside 1..366."""
    value = days if days is not None else os.environ.get("SWINGFUND_API_TOKEN_DAYS") or DEFAULT_TOKEN_DAYS
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not 1 <= number <= MAX_TOKEN_DAYS:
        raise ValueError(TOKEN_DAYS_RANGE.format(most=MAX_TOKEN_DAYS, days=value))
    return number


def _scope(user, *, organisation, role: str | None):
    """(organisation, role) the token is for: as given (and held), or the only one the user holds."""
    from swingfund.organisations.models import Organisation

    name = user.get_username()
    if role is not None and role not in TOKEN_ROLES:
        raise ValueError(TOKEN_ROLE_UNKNOWN.format(role=role))
    if organisation is not None and role is not None:
        if not user_has_role(user=user, organisation=organisation, role=role):
            raise ValueError(TOKEN_ROLE_NOT_HELD.format(name=name, role=role, organisation=organisation))
        return organisation, role
    held = [(org, r) for r in TOKEN_ROLES if role in (None, r)
            for org in Organisation.objects.filter(roles__user=user, roles__role=r).distinct().order_by("slug")
            if organisation is None or org.pk == organisation.pk]
    if not held:
        if organisation is not None or role is not None:
            raise ValueError(TOKEN_ROLE_NOT_HELD.format(name=name, role=role or "organiser or treasurer",
                                                        organisation=organisation or "any organisation"))
        raise ValueError(USER_NOT_ORGANISER.format(name=name))
    if len(held) > 1:
        raise ValueError(TOKEN_ROLE_AMBIGUOUS.format(name=name, held=", ".join(f"{r} of {o.slug}" for o, r in held)))
    return held[0]


def token_create(*, username: str, label: str, organisation=None, role: str | None = None,
                 days: int | None = None, now: dt.datetime | None = None) -> tuple[str, ApiToken]:
    """A new token for `role` in `organisation` (both may be left out when the user holds exactly one role that
    uses tokens): returns the token (shown once) and its row (only a hash)."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValueError(USER_UNKNOWN.format(name=username))
    if not user.is_active:
        raise ValueError(USER_NOT_ORGANISER.format(name=username))
    lifetime = token_lifetime_days(days)
    organisation, role = _scope(user, organisation=organisation, role=role)
    now = now or timezone.now()
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, organisation=organisation, role=role, label=label[:100],
                                  key_hash=_hash(raw), created_at=now, expires_at=now + dt.timedelta(days=lifetime))
    return raw, row


def token_issue(*, username: str, code: str, label: str, organisation=None, role: str | None = None,
                days: int | None = None) -> tuple[str, ApiToken]:
    """`token_create` after the holder's second factor: `code` must be the current code of one of their confirmed
    devices (django-otp; a code is good once). Refuses a holder without a device, or a wrong code; nothing is
    written then."""
    from django_otp import devices_for_user, match_token

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValueError(USER_UNKNOWN.format(name=username))
    if not any(True for _ in devices_for_user(user, confirmed=True)):
        raise ValueError(NO_SECOND_FACTOR.format(name=username))
    if not (code or "").strip() or match_token(user, (code or "").strip()) is None:
        raise ValueError(BAD_SECOND_FACTOR.format(name=username))
    return token_create(username=username, label=label, organisation=organisation, role=role, days=days)


def token_list(*, username: str | None = None):
    """Every token (newest first), or one user's, with holder and organisation."""
    rows = ApiToken.objects.select_related("user", "organisation")
    return rows.filter(user__username=username) if username else rows


def token_revoke(*, token_id: int) -> ApiToken:
    """Revoke a token (a revoked one stays revoked); refuses an unknown id."""
    if not ApiToken.objects.filter(pk=token_id).exists():
        raise ValueError(TOKEN_UNKNOWN.format(id=token_id))
    ApiToken.objects.filter(pk=token_id, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return ApiToken.objects.get(pk=token_id)


def token_live(*, raw: str) -> ApiToken | None:
    """The live token behind `raw`, its use counted: None when unknown, revoked, expired, without a scope, or when
    its holder is inactive or no longer holds its role in its organisation."""
    now = timezone.now()
    row = ApiToken.objects.select_related("user", "organisation").filter(
        key_hash=_hash(raw), revoked_at__isnull=True, expires_at__gt=now, organisation__isnull=False).first()
    if row is None or row.role not in TOKEN_ROLES or not row.user.is_active:
        return None
    if not user_has_role(user=row.user, organisation=row.organisation, role=row.role):
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=now, use_count=F("use_count") + 1)
    return row


def token_user(*, raw: str):
    """The holder of a live token (`token_live`), or None."""
    row = token_live(raw=raw)
    return None if row is None else row.user


# --- idempotent writes -------------------------------------------------------------------------------------

IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_.:\-]{1,200}")
KEY_MISSING = ("Every API write needs an Idempotency-Key header: 1 to 200 letters, digits, '-', '_', '.' or ':' "
               "(a UUID will do). A retry with the same key gets the same answer and writes nothing twice.")
KEY_REUSED = ("This Idempotency-Key was already used by you for a different request ({endpoint}): a new write needs "
              "a new key.")


class KeyReused(Exception):
    """The key names an earlier, different request: nothing was written."""


class _Raced(Exception):
    """Another request with the same key committed first: this one's writes are rolled back."""


def idempotency_key_check(value: str | None) -> str:
    """The header's value, or `ValueError(KEY_MISSING)` when it is missing or malformed."""
    if value is None or not IDEMPOTENCY_KEY.fullmatch(value):
        raise ValueError(KEY_MISSING)
    return value


def write_once(*, user, key: str | None, endpoint: str, request: str,
               write: Callable[[], tuple[int, dict]]) -> tuple[int, dict]:
    """Run `write` (returning the status and JSON body of its answer) at most once per (user, Idempotency-Key):
    a repeat of the same request gets the stored answer and writes nothing; the key with another `endpoint` or
    `request` raises `KeyReused`. A refused write (an exception from `write`) stores nothing, so a retry runs
    again. Two requests racing with one key: the second's writes are rolled back and it gets the first's answer."""
    key = idempotency_key_check(key)
    digest = hashlib.sha256(f"{endpoint}\n{request}".encode()).hexdigest()

    def stored() -> tuple[int, dict] | None:
        row = ApiWrite.objects.filter(user=user, key=key).first()
        if row is None:
            return None
        if row.request_sha256 != digest:
            raise KeyReused(KEY_REUSED.format(endpoint=row.endpoint))
        return row.status, row.response

    try:
        with transaction.atomic():
            earlier = stored()
            if earlier is not None:
                return earlier
            status, body = write()
            try:
                with transaction.atomic():
                    ApiWrite.objects.create(user=user, key=key, endpoint=endpoint[:200], request_sha256=digest,
                                            status=status, response=body, created_at=timezone.now())
            except IntegrityError as error:
                raise _Raced from error
            return status, body
    except _Raced:
        answer = stored()
        if answer is None:
            raise
        return answer
