"""Project-level checks: Django's system checks pass and every model change has a migration."""

import importlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command


def test_system_checks_pass():
    out = StringIO()
    call_command("check", stdout=out)
    assert "no issues" in out.getvalue()


@pytest.mark.django_db
def test_no_missing_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit as exc:  # makemigrations --check exits 1 when a migration is missing
        raise AssertionError(f"missing migrations:\n{out.getvalue()}") from exc


@pytest.mark.django_db
def test_a_sqlite_commit_is_on_disk_before_it_returns():
    """A webhook's 200 tells Stripe to stop retrying: on SQLite the commit must survive a power cut (FULL), not only
    a crash of the process (NORMAL), as PostgreSQL's synchronous_commit=on does; WAL lets readers work meanwhile."""
    from django.db import connection

    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] in {"wal", "memory"}  # the test database may be in memory


@pytest.mark.parametrize("name", sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "benchmarks")
                                        .glob("*.py") if not p.stem.startswith("_")))
def test_every_benchmark_imports(name):
    """A benchmark whose imports moved fails here rather than when someone next runs it."""
    importlib.import_module(f"benchmarks.{name}")
