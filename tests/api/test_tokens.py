"""API tokens (issue 21): issued per organisation and role, they expire, can be listed and revoked, and each use is
logged. The attack: a token issued once worked for ever, for every organisation its holder served."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from swingfund.accounts.services import role_grant
from swingfund.api.models import ApiToken
from swingfund.api.services import DEFAULT_TOKEN_DAYS, token_create
from swingfund.funding.models import Donation
from swingfund.organisations.models import Organisation
from tests.api.test_write import GIFT, post

pytestmark = pytest.mark.django_db


def test_a_token_expires_after_its_lifetime(demo_all, organiser_token, client):
    row = ApiToken.objects.get(user__username="api-organiser")
    assert row.expires_at - row.created_at == dt.timedelta(days=DEFAULT_TOKEN_DAYS)
    assert post(client, {**GIFT, "reference": "fresh"}, organiser_token).status_code == 201
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    before = Donation.objects.count()
    assert post(client, {**GIFT, "reference": "expired"}, organiser_token).status_code == 401
    assert Donation.objects.count() == before


def test_the_lifetime_is_configurable_and_bounded(demo_all, django_user_model, monkeypatch):
    user = django_user_model.objects.create_user("short-lived", password="x")
    role_grant(user=user, organisation=demo_all, role="treasurer")
    _, row = token_create(username="short-lived", label="t", days=7)
    assert row.expires_at - row.created_at == dt.timedelta(days=7)
    monkeypatch.setenv("SWINGFUND_API_TOKEN_DAYS", "30")
    _, row = token_create(username="short-lived", label="t")
    assert row.expires_at - row.created_at == dt.timedelta(days=30)
    for days in (0, -1, 10_000):
        with pytest.raises(ValueError, match="between 1 and"):
            token_create(username="short-lived", label="t", days=days)


def test_a_token_is_for_one_organisation_and_one_role(demo_all, client, django_user_model):
    user = django_user_model.objects.create_user("two-hats", password="x")
    other = Organisation.objects.create(name="Other Group", slug="other-group")
    role_grant(user=user, organisation=demo_all, role="treasurer")
    role_grant(user=user, organisation=other, role="organiser")
    with pytest.raises(ValueError, match="holds several roles that use tokens"):
        token_create(username="two-hats", label="t")
    with pytest.raises(ValueError, match="does not hold"):
        token_create(username="two-hats", label="t", organisation=other, role="treasurer")
    elsewhere, _ = token_create(username="two-hats", label="t", organisation=other, role="organiser")
    # The same person is the demo's treasurer, but this token was issued for their organiser role elsewhere.
    assert post(client, {**GIFT, "reference": "wrong hat"}, elsewhere).status_code == 403
    right, _ = token_create(username="two-hats", label="t", organisation=demo_all, role="treasurer")
    assert post(client, {**GIFT, "reference": "right hat"}, right).status_code == 201


def test_each_use_is_logged(demo_all, organiser_token, client):
    row = ApiToken.objects.get(user__username="api-organiser")
    assert (row.use_count, row.last_used_at) == (0, None)
    for n in range(3):
        post(client, {**GIFT, "reference": f"use {n}"}, organiser_token)
    row.refresh_from_db()
    assert row.use_count == 3 and row.last_used_at is not None


def test_tokens_are_listed_and_revoked_from_the_command_line(demo_all, organiser_token, client):
    row = ApiToken.objects.get(user__username="api-organiser")
    out = io.StringIO()
    call_command("api", "token", "--list", stdout=out)
    listing = out.getvalue()
    assert f"{row.pk}" in listing and "api-organiser" in listing and "treasurer" in listing
    assert demo_all.slug in listing and f"expires {row.expires_at:%Y-%m-%d}" in listing
    assert organiser_token not in listing and row.key_hash not in listing
    out = io.StringIO()
    call_command("api", "token", "--revoke", str(row.pk), stdout=out)
    assert f"Token {row.pk} revoked" in out.getvalue()
    assert post(client, {**GIFT, "reference": "after revoke"}, organiser_token).status_code == 401
    out = io.StringIO()
    call_command("api", "token", "--list", stdout=out)
    assert "revoked" in out.getvalue()
