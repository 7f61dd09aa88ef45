"""Deployment settings come from the environment or a `.env` file (python-dotenv); the real environment wins; which
file: SWINGFUND_ENV_FILE, else the current directory's `.env`. The group's identity is never a setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
SHOW = ("import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'swingfund.settings'; from django.conf import settings; "
        "print(settings.SWINGFUND_SITE_URL); print(settings.DEFAULT_FROM_EMAIL)")


def settings_seen(*, cwd: Path, home: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("SWINGFUND_SITE_URL", "SWINGFUND_FROM_EMAIL", "SWINGFUND_ENV_FILE")}
    return subprocess.run([sys.executable, "-c", SHOW], cwd=cwd, capture_output=True, text=True, timeout=600,
                          env={**clean, "PYTHONPATH": str(SRC), "SWINGFUND_HOME": str(home), **env})


@pytest.fixture
def folder(tmp_path) -> Path:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / ".env").write_text("# a deployment's file\nSWINGFUND_SITE_URL=https://from-file.example\n"
                                            "SWINGFUND_FROM_EMAIL=noreply@from-file.example\n")
    return tmp_path


def test_the_current_directorys_env_file_is_read(folder):
    seen = settings_seen(cwd=folder / "site", home=folder)
    assert seen.returncode == 0, seen.stderr
    assert seen.stdout.split() == ["https://from-file.example", "noreply@from-file.example"]


def test_the_real_environment_beats_the_file(folder):
    seen = settings_seen(cwd=folder / "site", home=folder, SWINGFUND_SITE_URL="https://from-env.example")
    assert seen.stdout.split() == ["https://from-env.example", "noreply@from-file.example"]


def test_swingfund_env_file_names_another_file_and_a_missing_one_is_an_error(folder):
    (folder / "other.env").write_text("SWINGFUND_SITE_URL=https://other.example\n")
    seen = settings_seen(cwd=folder, home=folder, SWINGFUND_ENV_FILE=str(folder / "other.env"))
    assert seen.stdout.split()[0] == "https://other.example"
    missing = settings_seen(cwd=folder, home=folder, SWINGFUND_ENV_FILE=str(folder / "nope.env"))
    assert missing.returncode != 0 and "SWINGFUND_ENV_FILE" in missing.stderr and "nope.env" in missing.stderr


def test_without_a_file_there_is_no_localhost_sender_default(folder):
    seen = settings_seen(cwd=folder, home=folder)
    assert seen.returncode == 0, seen.stderr
    assert seen.stdout.splitlines()[1] == ""  # the group's own sender is used; no swingfund@localhost


def test_the_group_identity_is_not_a_setting_and_env_example_names_none():
    from django.conf import settings

    for name in ("SWINGFUND_ORG_NAME", "SWINGFUND_ORG_ADDRESS", "SWINGFUND_BANK_ACCOUNT_NUMBER",
                 "SWINGFUND_CHEQUE_PAYEE"):
        assert not hasattr(settings, name), name
    example = (SRC.parent / ".env.example").read_text()
    assert "SWINGFUND_ORG_" not in example and "SWINGFUND_BANK_" not in example and "swingfund setup" in example
