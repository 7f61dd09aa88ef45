"""Signing in as a role, through the real pages: a password login (django-axes in the path) and, for roles that
move money, a TOTP code computed independently of django-otp (RFC 6238, hmac/hashlib) posted to the second-factor
page."""

from __future__ import annotations

import hashlib
import hmac
import struct
import time

from django.contrib.auth import get_user_model

from swingfund.accounts import services

PASSWORD = "a-long-role-password-7"


def totp_now(key_hex: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits), written from the RFC, not from django-otp."""
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 10 ** digits
    return str(code).zfill(digits)


def user_make(username: str, **extra):
    return get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD, **extra)


def sign_in(client, user) -> None:
    response = client.post("/accounts/login/", {"username": user.get_username(), "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def second_factor(client, user) -> None:
    device = services.totp_device_create(user=user)
    response = client.post("/accounts/two-factor/", {"otp_device": device.persistent_id, "otp_token":
                                                     totp_now(device.key), "next": "/"})
    assert response.status_code == 302, response.content.decode()[:800]


def treasurer_client(client, user, organisation):
    """`client` signed in as `user`, treasurer of `organisation`, with their second factor given."""
    services.role_grant(user=user, organisation=organisation, role="treasurer")
    sign_in(client, user)
    second_factor(client, user)
    return client


def administrator_client(client, user):
    """`client` signed in as `user`, a superuser (the site administrator), with their second factor given."""
    sign_in(client, user)
    second_factor(client, user)
    return client


def admin_verified(client, user):
    """`client` signed in as `user` (no password needed) with their second factor given, as the admin requires."""
    client.force_login(user)
    second_factor(client, user)
    return client
