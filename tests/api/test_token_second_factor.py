"""API tokens are issued only after their holder's second factor (issue 21, part 1): on the tokens page, to a person
who gave it this session; from the command line, with the code their authenticator shows now. The attack: anyone
with a password (or the operator, for anyone) could mint a token that moves money."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from swingfund.accounts.services import role_grant, totp_device_create
from swingfund.api.models import ApiToken
from swingfund.api.services import token_live
from swingfund.organisations.models import Organisation
from tests.accounts.helpers import PASSWORD, second_factor, sign_in, totp_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def treasurer(django_user_model):
    org = Organisation.objects.create(slug="tok-group", name="Token Group")
    user = django_user_model.objects.create_user("tok-treasurer", password=PASSWORD)
    role_grant(user=user, organisation=org, role="treasurer")
    return user


def test_the_command_line_issues_a_token_only_with_the_holders_current_code(treasurer):
    args = ("api", "token", "--user", "tok-treasurer", "--organisation", "tok-group", "--role", "treasurer")
    with pytest.raises(CommandError, match="no second factor set up"):
        call_command(*args, "--code", "123456")
    device = totp_device_create(user=treasurer)
    with pytest.raises(CommandError, match="not tok-treasurer's current second-factor code"):
        call_command(*args)  # no code at all
    wrong = f"{(int(totp_now(device.key)) + 1) % 1_000_000:06d}"
    with pytest.raises(CommandError, match="not tok-treasurer's current second-factor code"):
        call_command(*args, "--code", wrong)
    assert not ApiToken.objects.exists()  # nothing written by a refusal
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down guessing after a wrong code; the holder waits it out
    out = io.StringIO()
    call_command(*args, "--code", totp_now(device.key), stdout=out)
    raw = re.search(r"UTC: (sf_\S+)", out.getvalue()).group(1)
    row = token_live(raw=raw)
    assert row is not None and (row.user, row.role, row.organisation.slug) == (treasurer, "treasurer", "tok-group")


def test_the_tokens_page_issues_only_after_the_second_factor_and_shows_the_token_once(client, treasurer):
    sign_in(client, treasurer)
    response = client.post("/workspace/tokens/", {"action": "issue", "scope": "tok-group:treasurer", "days": "30"})
    assert response.status_code == 302 and "/accounts/two-factor/" in response["Location"]
    assert not ApiToken.objects.exists()
    second_factor(client, treasurer)
    response = client.post("/workspace/tokens/", {"action": "issue", "scope": "tok-group:treasurer", "days": "30",
                                                  "label": "bank import"})
    assert response.status_code == 200
    row = ApiToken.objects.get()
    raw = response.context["issued"]["raw"]
    assert raw in response.content.decode() and token_live(raw=raw).pk == row.pk
    assert (row.expires_at - row.created_at).days == 30 and row.label == "bank import"
    listing = client.get("/workspace/tokens/").content.decode()
    assert "bank import" in listing and raw not in listing and row.key_hash not in listing  # shown once


def test_the_page_refuses_a_scope_not_held_and_a_token_not_yours(client, treasurer, django_user_model):
    other = django_user_model.objects.create_user("tok-other", password=PASSWORD)
    other_org = Organisation.objects.create(slug="tok-other-group", name="Other Group")
    role_grant(user=other, organisation=other_org, role="treasurer")
    totp_device_create(user=other)
    theirs = ApiToken.objects.create(user=other, organisation=other_org, role="treasurer", label="theirs",
                                     key_hash="x" * 64, created_at=timezone.now())
    sign_in(client, treasurer)
    second_factor(client, treasurer)
    response = client.post("/workspace/tokens/", {"action": "issue", "scope": "tok-other-group:treasurer"})
    assert response.status_code == 400 and "Choose the group and role" in response.content.decode()
    response = client.post("/workspace/tokens/", {"action": "revoke", "token": str(theirs.pk)})
    assert response.status_code == 400 and "No token of yours" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.revoked_at is None and ApiToken.objects.count() == 1


def test_someone_without_a_token_role_is_refused(client, django_user_model):
    member = django_user_model.objects.create_user("tok-member", password=PASSWORD)  # no organiser or treasurer role
    sign_in(client, member)
    assert client.get("/workspace/tokens/").status_code == 403
    assert client.get("/workspace/tokens/", follow=False).status_code == 403
    client.logout()
    assert "/accounts/login/" in client.get("/workspace/tokens/")["Location"]
