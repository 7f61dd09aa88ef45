"""`swingfund setup`: a group and its first administrator from prompts or flags; a bad answer names its field, exits
with status 2 and writes nothing."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from swingfund.accounts.management.commands import setup
from swingfund.accounts.roles import ADMINISTRATOR, user_has_role
from swingfund.accounts.services import EMAIL_BAD, USERNAME_TAKEN
from swingfund.organisations.models import Organisation
from swingfund.organisations.services import ADDRESS_REQUIRED, SENDER_LOCALHOST, SLUG_TAKEN
from tests.accounts.helpers import totp_now

PASSWORD = "a-long-admin-password-9"


def _flags(tmp_path, **changes) -> list[str]:
    (tmp_path / "pw").write_text(PASSWORD + "\n")
    values = {"name": "Leeds Fair Vote", "address": "1 Park Row, Leeds, LS1 5AB", "sender": "hello@leedsfairvote.org",
              "bloc-kind": "none", "admin-username": "amina", "admin-email": "amina@leedsfairvote.org",
              "admin-password-file": str(tmp_path / "pw")} | changes
    flags = ["--no-input"]
    for key, value in values.items():
        if value is not None:
            flags += [f"--{key}", value]
    return flags


@pytest.mark.django_db
def test_setup_creates_the_group_and_its_administrator_with_a_second_factor(tmp_path):
    out = io.StringIO()
    call_command("setup", *_flags(tmp_path), stdout=out)
    organisation = Organisation.objects.get(slug="leeds-fair-vote")
    assert organisation.name == "Leeds Fair Vote"
    assert organisation.address == "1 Park Row\nLeeds\nLS1 5AB"
    assert organisation.sender_email == "hello@leedsfairvote.org"
    assert (organisation.bloc_kind, organisation.bloc, organisation.lens) == ("none", "", "swing")
    admin = get_user_model().objects.get(username="amina")
    assert admin.check_password(PASSWORD) and not admin.is_superuser and not admin.is_staff
    assert user_has_role(user=admin, organisation=organisation, role=ADMINISTRATOR)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=admin)
    assert device.key and device.config_url in out.getvalue()  # the authenticator's link is printed
    assert device.verify_token(totp_now(device.key))


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "flag", "message"), [
    ({"address": ""}, "--address", ADDRESS_REQUIRED),
    ({"sender": "group@localhost"}, "--sender", SENDER_LOCALHOST.format(value="group@localhost")),
    ({"admin-email": "amina-at-home"}, "--admin-email", EMAIL_BAD.format(email="amina-at-home")),
    ({"name": ""}, "--name", "The group needs a name."),
    ({"bloc-kind": "census", "bloc": ""}, "--bloc", "A census bloc needs at least one census category"),
    ({"election": "parl.1066-10-14"}, "--election", "No election 'parl.1066-10-14'"),
])
def test_a_bad_answer_names_its_field_exits_2_and_writes_nothing(tmp_path, changes, flag, message):
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("setup", *_flags(tmp_path, **changes), stderr=err, stdout=io.StringIO())
    assert raised.value.returncode == 2
    assert f"{flag}: {message}" in err.getvalue()
    assert not Organisation.objects.exists() and not get_user_model().objects.exists()


@pytest.mark.django_db
def test_a_taken_slug_or_username_writes_nothing_either(tmp_path):
    call_command("setup", *_flags(tmp_path), stdout=io.StringIO())
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("setup", *_flags(tmp_path, name="Leeds Fair Vote", **{"admin-username": "zara",
                                                                            "admin-email": "z@leedsfairvote.org"}),
                     stderr=err, stdout=io.StringIO())
    assert SLUG_TAKEN.format(slug="leeds-fair-vote") in err.getvalue()
    with pytest.raises(CommandError):
        call_command("setup", *_flags(tmp_path, name="Bradford Fair Vote"), stderr=err, stdout=io.StringIO())
    assert USERNAME_TAKEN.format(username="amina") in err.getvalue()
    assert Organisation.objects.count() == 1 and get_user_model().objects.count() == 1


@pytest.mark.django_db
def test_a_weak_password_or_none_is_refused(tmp_path):
    (tmp_path / "weak").write_text("password\n")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("setup", *_flags(tmp_path, **{"admin-password-file": str(tmp_path / "weak")}), stderr=err,
                     stdout=io.StringIO())
    assert "--admin-password: " in err.getvalue() and "too common" in err.getvalue()
    flags = [f for f in _flags(tmp_path) if f != "--admin-password-file" and not f.endswith("/pw")]
    with pytest.raises(CommandError, match="no password given"):
        call_command("setup", *flags, stdout=io.StringIO())
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_interactive_setup_asks_each_question_with_its_default(monkeypatch):
    answers = iter(["Leeds Fair Vote", "1 Park Row, Leeds, LS1 5AB", "", "hello@leedsfairvote.org", "", "", "",
                    "amina", "amina@leedsfairvote.org"])
    asked: list[str] = []

    def fake_input(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    monkeypatch.setattr("builtins.input", fake_input)
    monkeypatch.setattr(setup.getpass, "getpass", lambda prompt: PASSWORD)
    call_command("setup", stdout=io.StringIO())
    organisation = Organisation.objects.get()
    assert organisation.slug == "leeds-fair-vote"  # the suggested default, taken with Enter
    assert (organisation.lens, organisation.bloc_kind) == ("swing", "none")
    assert "Short name for links (lower-case letters, digits, hyphens) [leeds-fair-vote]: " in asked
    assert "Lens: swing or own [swing]: " in asked
    assert not any("Census categories" in q for q in asked)  # no census bloc: not asked


@pytest.mark.slow  # a whole command run, in its own process, on a fresh database
def test_the_real_command_exits_2_on_a_bad_answer(tmp_path):
    """As a volunteer's shell sees it: `swingfund setup` in its own process, on a fresh database."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SWINGFUND_", "DATABASE_"))}
    env |= {"SWINGFUND_HOME": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    done = subprocess.run([sys.executable, "-m", "swingfund", "setup", *_flags(tmp_path, address="")], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"--address: {ADDRESS_REQUIRED}" in done.stderr
