"""Writes of the API app: issuing and revoking tokens, and finding the user behind one."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.utils import timezone

from swingfund.api.access import can_hold_token
from swingfund.api.models import ApiToken

TOKEN_PREFIX = "sf_"
USER_UNKNOWN = "No user {name!r}."
USER_NOT_ORGANISER = ("{name} is not an organiser or treasurer of any organisation: only they may hold API tokens "
                      "for write endpoints.")


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(*, username: str, label: str) -> tuple[str, ApiToken]:
    """A new token for an organiser or treasurer: returns the token (shown once) and its row (only a hash)."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValueError(USER_UNKNOWN.format(name=username))
    if not can_hold_token(user):
        raise ValueError(USER_NOT_ORGANISER.format(name=username))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, label=label, key_hash=_hash(raw), created_at=timezone.now())
    return raw, row


def token_revoke(*, token_id: int) -> None:
    ApiToken.objects.filter(pk=token_id, revoked_at__isnull=True).update(revoked_at=timezone.now())


def token_user(*, raw: str):
    """The organiser or treasurer behind a live token, or None (unknown, revoked, or holding neither role any more)."""
    row = ApiToken.objects.select_related("user").filter(key_hash=_hash(raw), revoked_at__isnull=True).first()
    if row is None or not row.user.is_active or not can_hold_token(row.user):
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user
