"""`swingfund check --deploy` fails while the identity is the demo's, the secret key a placeholder or the sender on
localhost; each error says what to change. Plain `check` (run before every command) is not affected."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from swingfund.organisations import checks
from swingfund.organisations.models import Organisation

GOOD_KEY = "k3y-" + "x" * 60


@pytest.fixture
def deploy(db, settings):
    settings.SECRET_KEY = GOOD_KEY
    settings.DEFAULT_FROM_EMAIL = ""

    def ids() -> list[str]:
        return sorted(error.id for error in checks.deployment_identity_check())

    return ids


def real_group(**overrides) -> Organisation:
    fields = {"name": "Leeds Fair Vote", "address": "3 Briggate\nLeeds\nLS1 6HD",
              "sender_email": "hello@leedsfairvote.example", **overrides}
    return Organisation.objects.create(slug=fields["name"].lower().replace(" ", "-"), **fields)


def test_a_real_group_with_a_real_key_and_sender_passes(deploy):
    real_group()
    assert deploy() == []


def test_no_group_at_all_fails_and_says_run_setup(deploy):
    (error,) = checks.deployment_identity_check()
    assert error.id == "organisations.E002" and "swingfund setup" in error.hint


def test_only_the_demo_group_fails(deploy):
    Organisation.objects.create(name="Demo Community Group", slug="demo-community-group", demo=True,
                                address="1 Example Street\nLondon\nN1 1AA", sender_email="demo@example.org")
    assert deploy() == ["organisations.E003"]
    real_group()  # the demo beside a real group is the demo's business: only the real group is checked
    assert deploy() == []


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"name": "Demo Community Group"}, ["organisations.E004"]),
    ({"legal_name": "demo community group"}, ["organisations.E004"]),
    ({"address": "1 Example Street, London, N1 1AA"}, ["organisations.E005"]),
    ({"address": ""}, ["organisations.E006"]),
    ({"sender_email": "swingfund@localhost"}, ["organisations.E008"]),
    ({"sender_email": "me@box.localhost"}, ["organisations.E008"]),
    ({"sender_email": ""}, ["organisations.E007"]),
])
def test_a_real_group_with_the_demos_identity_or_no_address_or_a_local_sender_fails(deploy, overrides, expected):
    real_group(**overrides)
    assert deploy() == expected


def test_each_error_names_the_group_and_what_to_change(deploy):
    real_group(name="Demo Community Group", address="", sender_email="x@localhost")
    errors = {e.id: e for e in checks.deployment_identity_check()}
    assert set(errors) == {"organisations.E004", "organisations.E006", "organisations.E008"}
    assert all("'demo-community-group'" in e.msg for e in errors.values())
    assert "name" in errors["organisations.E004"].hint and "settings page" in errors["organisations.E004"].hint
    assert "postal address" in errors["organisations.E006"].hint
    assert "hello@yourgroup.org" in errors["organisations.E008"].hint


@pytest.mark.parametrize("key", ["change-me", "change-me-in-production", "django-insecure-abc123"])
def test_a_placeholder_secret_key_fails(deploy, settings, key):
    real_group()
    settings.SECRET_KEY = key
    (error,) = checks.deployment_identity_check()
    assert error.id == "organisations.E010" and "SWINGFUND_SECRET_KEY" in error.msg and "secrets" in error.hint


def test_a_localhost_fallback_sender_fails_and_a_group_without_its_own_sender_uses_it(deploy, settings):
    settings.DEFAULT_FROM_EMAIL = "swingfund@localhost"
    real_group(sender_email="")
    errors = checks.deployment_identity_check()
    assert sorted(e.id for e in errors) == ["organisations.E008", "organisations.E011"]
    assert "SWINGFUND_FROM_EMAIL" in next(e for e in errors if e.id == "organisations.E008").hint
    settings.DEFAULT_FROM_EMAIL = "noreply@leedsfairvote.example"
    assert deploy() == []


def test_the_check_runs_under_check_deploy_only(deploy):
    real_group(address="1 Example Street, London, N1 1AA")
    call_command("check")  # every command's own check: not a deployment's
    with pytest.raises(SystemCheckError, match=r"organisations\.E005"):
        call_command("check", deploy=True)
