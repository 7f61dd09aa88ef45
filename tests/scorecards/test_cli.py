"""The real `swingfund` command in a fresh process: a malformed evidence file exits with status 2 and writes nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest

SETUP = textwrap.dedent("""
    import datetime as dt, django
    django.setup()
    from django.utils import timezone
    from swingfund.elections.models import DataSource, Election
    from swingfund.scorecards import services
    src = DataSource.objects.create(key="cli", title="t", publisher="p", file_name="-", sha256="0" * 64,
                                    imported_at=timezone.now())
    Election.objects.create(id="parl.2029-05-03", name="t", poll_date=dt.date(2029, 5, 3), boundary_set="pcon2024",
                            source=src)
    org = services.organisation_create(name="CLI Group", slug="cli-group")
    services.statement_create(organisation=org, slug="rights", title="Rights", text="t", agreement="a")
""")


@pytest.mark.slow
def test_malformed_file_exits_2_through_the_real_cli(tmp_path, migrated_sqlite_file):
    db = migrated_sqlite_file(tmp_path / "cli.sqlite3")  # a fresh database of the current schema
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "SWINGFUND_HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "swingfund.settings",
    }
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, timeout=600)
    bad = tmp_path / "pledges.csv"
    bad.write_text(
        "dc_person_id,stance,date,source_url\n1,agree,2024-06-01,https://example.org/a\n"
        "2,perhaps,2024-06-01,https://example.org/b\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "swingfund",
            "evidence",
            "import",
            "pledges",
            str(bad),
            "--organisation",
            "cli-group",
            "--election",
            "parl.2029-05-03",
            "--statement",
            "rights",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 2
    assert f"{bad}:3: column stance: 'perhaps' is not one of" in run.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM scorecards_evidence").fetchone() == (0,)
