"""The access attacks of issue 10, each reproduced and shown refused: a staff account is no treasurer; a treasurer
without their second factor moves no money; the committee's voting rule is changed only by the administrator; 20
wrong passwords lock the account; the health check leaks no error text; `check --deploy` is clean with the
documented production settings; the SQLite file is its owner's alone."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import DatabaseError
from django.test import Client

from swingfund.committee.models import CommitteePolicy
from swingfund.funding.models import Donation, Grant
from tests.accounts.helpers import PASSWORD, second_factor, sign_in, totp_now, user_make
from tests.accounts.test_permission_matrix import HELD_DONOR, INTEREST_NOTE

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_staff_account_without_the_treasurer_role_reads_and_moves_nothing(world):
    users, ids = world
    staff = Client()
    sign_in(staff, users["staff_no_role"])  # is_staff=True, no role: before issue 10 this was a treasurer
    assert staff.get("/funding/dashboard/").status_code == 403
    assert staff.get(f"/funding/grants/{ids['grant']}/notice/").status_code == 403
    assert staff.post(f"/funding/grants/{ids['grant']}/pay/", {"reference": "FPS 1"}).status_code == 403
    assert staff.post(f"/funding/dashboard/gifts/{ids['gift']}/return/", {"reference": "R"}).status_code == 403
    assert Grant.objects.get(pk=ids["grant"]).status == Grant.Status.PAYABLE
    assert Donation.objects.get(pk=ids["gift"]).status == Donation.Status.HELD
    page = staff.get(f"/committee/proposals/{ids['proposal']}/")
    assert page.status_code == 403 and INTEREST_NOTE not in page.content.decode()
    assert staff.get("/admin/").status_code == 302  # to the admin's login: staff is not the administrator


def test_the_treasurer_of_another_organisation_cannot_pay_this_ones_grant(world):
    users, ids = world
    other = Client()
    sign_in(other, users["treasurer_b"])
    second_factor(other, users["treasurer_b"])
    assert other.post(f"/funding/grants/{ids['grant']}/pay/", {"reference": "FPS 2"}).status_code == 403
    assert HELD_DONOR not in other.get("/funding/dashboard/").content.decode()
    assert Grant.objects.get(pk=ids["grant"]).status == Grant.Status.PAYABLE


def test_the_treasurer_of_another_organisation_cannot_record_a_gift_to_this_ones_campaign(world):
    users, ids = world
    other = Client()
    sign_in(other, users["treasurer_b"])
    second_factor(other, users["treasurer_b"])
    before = Donation.objects.count()
    form = {"campaign": ids["campaign"], "amount": "10", "method": "cheque", "reference": "CHQ 9",
            "received_on": "2026-01-01", "name": "Eve Other", "address": "1 Side St", "postcode": "LS1 1AA"}
    response = other.post("/funding/dashboard/gift/", form)
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert Donation.objects.count() == before
    assert ids["campaign"] not in other.get("/funding/dashboard/gift/").content.decode()


def test_a_treasurer_without_the_second_factor_is_sent_to_it_and_a_wrong_code_does_not_pass(world):
    from swingfund.accounts.services import totp_device_create

    users, ids = world
    treasurer = Client()
    sign_in(treasurer, users["treasurer_a"])
    response = treasurer.post(f"/funding/grants/{ids['grant']}/pay/", {"reference": "FPS 3"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/?next=")
    device = totp_device_create(user=users["treasurer_a"])
    wrong = f"{(int(totp_now(device.key)) + 1) % 1_000_000:06d}"
    assert treasurer.post("/accounts/two-factor/", {"otp_device": device.persistent_id, "otp_token": wrong}
                          ).status_code == 400
    time.sleep(1.1)  # django-otp throttles a device after a wrong code: 1 s, doubling with each failure
    assert treasurer.post(f"/funding/grants/{ids['grant']}/pay/", {"reference": "FPS 3"}).status_code == 302
    assert Grant.objects.get(pk=ids["grant"]).status == Grant.Status.PAYABLE
    assert treasurer.post("/accounts/two-factor/", {"otp_device": device.persistent_id,
                                                    "otp_token": totp_now(device.key)}).status_code == 302
    assert treasurer.post(f"/funding/grants/{ids['grant']}/pay/", {"reference": "FPS 3"}).status_code == 302
    assert Grant.objects.get(pk=ids["grant"]).status == Grant.Status.PAID


def test_only_the_administrator_reaches_the_voting_rule_in_the_admin(world):
    users, _ = world
    policy = CommitteePolicy.objects.get(organisation__slug="group-a")
    url = f"/admin/committee/committeepolicy/{policy.pk}/change/"
    for role in ("staff_no_role", "committee_member_a", "organiser_a"):
        client = Client()
        sign_in(client, users[role])
        response = client.post(url, {"organisation": policy.organisation_id, "quorum": 1, "approvals_required": 1})
        refused = response.status_code == 403 or (response.status_code == 302
                                                   and "/admin/login/" in response["Location"])
        assert refused, role  # the organiser may use the admin, for statements and evidence only: 403 here
    policy.refresh_from_db()
    assert (policy.quorum, policy.approvals_required) == (2, 2)
    admin = Client()
    sign_in(admin, users["administrator"])
    assert admin.get(url).status_code == 302  # a password alone does not open the admin (issue 21)
    second_factor(admin, users["administrator"])
    assert admin.get(url).status_code == 200


def test_twenty_wrong_passwords_then_the_right_one_is_refused(db, settings):
    user = user_make("target")
    client = Client()
    for attempt in range(20):
        response = client.post("/accounts/login/", {"username": "target", "password": f"guess-{attempt}"})
        assert response.status_code in (200, 429), attempt  # the form again, then the lockout page
    assert response.status_code == 429 and "Signing in is paused" in response.content.decode()
    locked = client.post("/accounts/login/", {"username": "target", "password": PASSWORD})
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    assert Client().post("/admin/login/", {"username": "target", "password": PASSWORD}).status_code == 429
    assert user.check_password(PASSWORD)  # the password was right: the lock refused it


def test_the_lock_is_per_username_and_address_and_lifted_by_axes_reset(db):
    from django.core.management import call_command

    user_make("target")
    client = Client()
    for attempt in range(20):
        client.post("/accounts/login/", {"username": "target", "password": f"guess-{attempt}"})
    other_address = Client(REMOTE_ADDR="192.0.2.7")
    assert other_address.post("/accounts/login/", {"username": "target", "password": PASSWORD}).status_code == 302
    call_command("axes_reset", verbosity=0)
    assert client.post("/accounts/login/", {"username": "target", "password": PASSWORD}).status_code == 302


def test_healthz_shows_no_error_text(client, monkeypatch, db):
    from swingfund.public import views

    class Unreachable:
        vendor = "postgresql"

        def cursor(self):
            raise DatabaseError('could not connect to server at "db.internal.example" as role "swingfund_owner"')

    monkeypatch.setattr(views, "connection", Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"ok": False, "database": "unreachable"}
    assert b"internal" not in response.content and b"swingfund_owner" not in response.content


def test_pages_carry_a_content_security_policy_with_a_script_nonce(client, db):
    response = client.get("/targets/")
    policy = response["Content-Security-Policy"]
    script_src = policy.split("script-src")[1].split(";")[0]
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in script_src
    assert response["X-Frame-Options"] == "DENY"
    nonce = re.search(r"'nonce-([^']+)'", script_src).group(1)
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    inline = [s for s in scripts if " src=" not in s]  # scripts from this site's own files need no nonce ('self')
    assert all(script == f'<script nonce="{nonce}">' for script in inline), scripts
    assert all(re.fullmatch(r'<script src="/static/[^"]+"( defer)?>', s) for s in scripts if s not in inline)



def production_environment() -> dict[str, str]:
    """The production block of `.env.example`, as a deployer would set it."""
    text = (ROOT / ".env.example").read_text()
    block = text.split("# --- Production security")[1].split("# --- end of production security")[0]
    pairs = dict(re.findall(r"^# (SWINGFUND_[A-Z_]+)=(\S+)$", block, flags=re.M))
    assert {"SWINGFUND_HSTS_SECONDS", "SWINGFUND_SSL_REDIRECT", "SWINGFUND_SECURE_COOKIES"} <= set(pairs)
    return pairs


GROUP_SETUP = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'swingfund.settings'; django.setup(); "
               "from swingfund.organisations.services import organisation_create; "
               "organisation_create(name='Leeds Fair Vote', address='3 Briggate\\nLeeds\\nLS1 6HD', "
               "sender_email='hello@leedsfairvote.example')")


def deploy_env(tmp_path, env_extra: dict[str, str]) -> dict[str, str]:
    """A deployment in its own home and SQLite file (never the test run's database)."""
    env = dict(os.environ)
    for name in ("SWINGFUND_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "DATABASE_OWNER_URL",
                 "SWINGFUND_FROM_EMAIL", "SWINGFUND_SECRET_KEY", "SWINGFUND_ENV_FILE"):
        env.pop(name, None)  # the test run's own settings, not a deployment's
    return {**env, "SWINGFUND_HOME": str(tmp_path), **env_extra}


def run_check(env_extra: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "swingfund", "check", "--deploy", "--fail-level", "WARNING"],
                          env=deploy_env(tmp_path, env_extra), capture_output=True, text=True, timeout=600, cwd=ROOT)


@pytest.mark.slow
def test_check_deploy_is_clean_with_the_documented_production_settings_and_not_without(tmp_path, migrated_sqlite_file):
    # a real group set up first, in the deployment's own database (of the current schema): without one,
    # `check --deploy` fails (tests/organisations/test_checks.py)
    migrated_sqlite_file(tmp_path / "swingfund.sqlite3")
    subprocess.run([sys.executable, "-c", GROUP_SETUP], env=deploy_env(tmp_path, {}), check=True, timeout=300,
                   cwd=ROOT)
    clean = run_check(production_environment(), tmp_path)
    assert clean.returncode == 0, clean.stderr
    assert "System check identified no issues" in clean.stdout + clean.stderr
    bare = run_check({}, tmp_path)
    assert bare.returncode != 0 and "security.W004" in bare.stderr and "security.W012" in bare.stderr
    placeholder = run_check({**production_environment(), "SWINGFUND_SECRET_KEY": "change-me"}, tmp_path)
    assert placeholder.returncode != 0 and "organisations.E010" in placeholder.stderr


def test_the_sqlite_file_is_created_readable_by_its_owner_only(tmp_path):
    """The database file and its -wal and -shm companions are 0600. SQLite deletes -wal and -shm when the last
    connection closes, so the modes are read inside the process while its connection is still open, and every one
    of the three files must be there."""
    env = {**os.environ, "SWINGFUND_HOME": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    code = ("import django, json, os, stat, sys; os.environ['DJANGO_SETTINGS_MODULE'] = 'swingfund.settings'; "
            "django.setup(); from django.db import connection; c = connection.cursor(); "
            "c.execute('CREATE TABLE t (x)'); c.execute('INSERT INTO t VALUES (1)'); "
            "home = os.environ['SWINGFUND_HOME']; names = ('swingfund.sqlite3', 'swingfund.sqlite3-wal', "
            "'swingfund.sqlite3-shm'); "
            "print(json.dumps({n: (oct(stat.S_IMODE(os.stat(os.path.join(home, n)).st_mode)) "
            "if os.path.exists(os.path.join(home, n)) else None) for n in names}))")
    done = subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=600, capture_output=True,
                          text=True)
    modes = json.loads(done.stdout.strip().splitlines()[-1])
    assert modes == {"swingfund.sqlite3": "0o600", "swingfund.sqlite3-wal": "0o600",
                     "swingfund.sqlite3-shm": "0o600"}, modes


def test_an_organiser_edits_only_their_own_organisations_statements_in_the_admin(world):
    from swingfund.scorecards.models import Statement, StatementVersion

    users, _ = world
    organiser = Client()
    sign_in(organiser, users["organiser_a"])
    second_factor(organiser, users["organiser_a"])
    mine = Statement.objects.get(organisation__slug="group-a")
    theirs = Statement.objects.get(organisation__slug="group-b")
    listing = organiser.get("/admin/scorecards/statement/")
    assert listing.status_code == 200
    assert f"/admin/scorecards/statement/{mine.pk}/change/" in listing.content.decode()
    assert f"/admin/scorecards/statement/{theirs.pk}/change/" not in listing.content.decode()
    assert organiser.get(f"/admin/scorecards/statement/{theirs.pk}/change/").status_code == 302  # "doesn't exist"
    new_version = {"statement": theirs.pk, "title": "Hijacked", "text": "Words B never published.",
                   "agreement": "Agrees", "publish": "on"}
    refused = organiser.post("/admin/scorecards/statementversion/add/", new_version)
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert not StatementVersion.objects.filter(title="Hijacked").exists()
    assert organiser.post("/admin/scorecards/statementversion/add/", {**new_version, "statement": mine.pk}
                          ).status_code == 302
    assert StatementVersion.objects.filter(title="Hijacked", statement=mine).exists()
    assert organiser.get("/admin/funding/donor/").status_code == 403  # donors are not the organiser's
    assert organiser.get("/admin/committee/committeepolicy/").status_code == 403
