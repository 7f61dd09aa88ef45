"""The administrator's second factor (issue 21): each attack of the re-probe, tried for real and shown refused.

A superuser with a password alone, signed in at /admin/login/ or at /accounts/login/, reaches nothing in the admin:
not the committee's voting rule, not the supporters, and not the TOTP devices (where a device with a known key would
have let them pass the treasurer's check). An organiser works in the admin only after their second factor too."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from swingfund.accounts.services import totp_device_create
from swingfund.committee.models import CommitteePolicy
from tests.accounts.helpers import PASSWORD, second_factor, sign_in, totp_now

KNOWN_KEY = "3132333435363738393031323334353637383930"  # the attacker's own authenticator key (RFC 6238's)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _refused(response) -> bool:
    return response.status_code == 403 or (response.status_code == 302 and "/admin/login/" in response["Location"])


def test_a_superuser_with_a_password_alone_does_not_get_into_the_admin(world):
    users, _ = world
    admin = users["administrator"]
    totp_device_create(user=admin)  # they have an authenticator, and simply do not give its code
    policy = CommitteePolicy.objects.get(organisation__slug="group-a")
    rule_url = f"/admin/committee/committeepolicy/{policy.pk}/change/"
    # The admin's own login page with the password alone: refused, no session.
    direct = Client()
    page = direct.post("/admin/login/", {"username": admin.username, "password": PASSWORD, "next": "/admin/"})
    assert page.status_code == 200 and "_auth_user_id" not in direct.session
    assert _refused(direct.get("/admin/"))
    # The site's login with the password alone: signed in, but the admin still refuses every page.
    client = Client()
    sign_in(client, admin)
    for url in ("/admin/", rule_url, "/admin/outreach/supporter/", "/admin/auth/user/",
                "/admin/otp_totp/totpdevice/add/"):
        assert _refused(client.get(url)), url
    assert _refused(client.post(rule_url, {"organisation": policy.organisation_id, "quorum": 1,
                                           "approvals_required": 1}))
    policy.refresh_from_db()
    assert (policy.quorum, policy.approvals_required) == (2, 2)
    # With the second factor they are in.
    second_factor(client, admin)
    assert client.get("/admin/").status_code == 200
    assert client.get(rule_url).status_code == 200


def test_the_admin_login_takes_the_password_and_the_code_together(world):
    users, _ = world
    admin = users["administrator"]
    device = totp_device_create(user=admin)
    client = Client()
    wrong = f"{(int(totp_now(device.key)) + 1) % 1_000_000:06d}"
    assert client.post("/admin/login/", {"username": admin.username, "password": PASSWORD, "otp_device":
                                         device.persistent_id, "otp_token": wrong}).status_code == 200
    assert _refused(client.get("/admin/"))
    import time

    time.sleep(1.1)  # django-otp's throttle after a wrong code
    response = client.post("/admin/login/", {"username": admin.username, "password": PASSWORD,
                                             "otp_device": device.persistent_id, "otp_token": totp_now(device.key),
                                             "next": "/admin/"})
    assert response.status_code == 302, response.content.decode()[:800]
    assert client.get("/admin/").status_code == 200


def test_a_device_with_a_known_key_cannot_be_added_without_the_current_second_factor(world):
    users, ids = world
    admin = users["administrator"]
    client = Client()
    sign_in(client, admin)
    before = TOTPDevice.objects.count()
    form = {"user": admin.pk, "name": "mine", "key": KNOWN_KEY, "step": 30, "t0": 0, "digits": 6, "tolerance": 1,
            "drift": 0, "confirmed": "on"}
    assert _refused(client.post("/admin/otp_totp/totpdevice/add/", form))
    assert TOTPDevice.objects.count() == before
    # Nor does a device of someone else's (the treasurer's) go away without it.
    theirs = totp_device_create(user=users["treasurer_a"])
    assert _refused(client.post(f"/admin/otp_totp/totpdevice/{theirs.pk}/delete/", {"post": "yes"}))
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()
    # Without the device, the treasurer's pages stay shut to the administrator (the attack's goal).
    assert client.get("/funding/dashboard/").status_code in (302, 403)


def test_an_organiser_works_in_the_admin_only_after_their_second_factor(world):
    users, _ = world
    organiser = Client()
    sign_in(organiser, users["organiser_a"])
    assert _refused(organiser.get("/admin/scorecards/statement/"))
    second_factor(organiser, users["organiser_a"])
    assert organiser.get("/admin/scorecards/statement/").status_code == 200
