"""The `swingfund` command: the product's verbs on one screen, Django's own behind `swingfund django`, and help that
never touches the database (how fast it answers: benchmarks/cli_help.py)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys

from swingfund import cli

MAX_HELP_LINES = 40


def _run(args: list[str], home, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "SWINGFUND_HOME": str(home), **env}
    environment.pop("DATABASE_URL", None)  # the default: an SQLite file in SWINGFUND_HOME
    return subprocess.run([sys.executable, "-m", "swingfund", *args], env=environment, capture_output=True,
                          text=True, timeout=600, check=False)


def test_the_help_fits_on_one_screen_and_lists_only_the_products_verbs(tmp_path):
    from django.core.management import get_commands

    done = _run([], tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) <= MAX_HELP_LINES
    listed = [line.split()[0] for line in lines if line.startswith("  ")]
    assert listed == [verb for verb in cli.VERBS if verb in listed]  # the flow's order
    assert {"data", "targets", "backtest", "recommend", "committee", "funding", "serve", "worker", "django"} <= set(
        listed)
    djangos = {name for name, app in get_commands().items() if not app.startswith("swingfund")} - set(cli.VERBS)
    assert not djangos & set(listed)
    for name in ("startproject", "dbshell", "flush", "migrate", "createsuperuser", "runserver"):
        assert name not in listed
    assert _run(["--help"], tmp_path).stdout == done.stdout


def test_every_product_command_has_its_line_in_the_help():
    assert cli.product_commands() - set(cli.VERBS) == set()


def test_djangos_own_commands_run_under_swingfund_django(tmp_path):
    done = _run(["django", "help"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "swingfund django help <subcommand>" in done.stdout
    for name in ("migrate", "createsuperuser", "flush", "shell"):
        assert f"    {name}\n" in done.stdout


def test_a_django_command_at_the_top_level_is_refused_naming_its_new_place(tmp_path):
    done = _run(["migrate"], tmp_path)
    assert done.returncode == 2
    assert cli.IS_DJANGOS.format(verb="migrate") in done.stderr
    unknown = _run(["frobnicate"], tmp_path)
    assert unknown.returncode == 2 and cli.UNKNOWN.format(verb="frobnicate") in unknown.stderr


def test_flush_db_and_the_worker_belong_to_no_one_app():
    from django.core.management import get_commands

    commands = get_commands()
    assert commands["db"] == commands["flush"] == "swingfund"


HELP_EVERY_VERB = """
import contextlib, io, os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "swingfund.settings"
django.setup()
from django.db import connections
from swingfund import cli
verbs = [verb for verb in cli.VERBS if verb in cli.product_commands()]
assert len(verbs) > 15, verbs
for argv in [[], ["--help"], *([verb, "--help"] for verb in verbs), ["django", "migrate", "--help"],
             ["django", "createsuperuser", "--help"], ["help", "backtest"]]:
    with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.suppress(SystemExit):
        cli.main(argv)
    assert "usage" in out.getvalue().lower() or "Usage" in out.getvalue(), (argv, out.getvalue()[:500])
opened = [c.alias for c in connections.all(initialized_only=True) if c.connection is not None]
assert opened == [], opened
print("ok")
"""


def test_asking_for_help_never_touches_the_database(tmp_path):
    environment = {**os.environ, "SWINGFUND_HOME": str(tmp_path)}
    environment.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", HELP_EVERY_VERB], env=environment, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-3000:]
    assert not list(tmp_path.glob("*.sqlite3*")), "asking for help created a database file"


def test_only_the_verbs_that_serve_or_check_run_djangos_system_checks(db, capsys, monkeypatch):
    # a one-line command spent 1.9 s of its 2.4 s loading every URL and view for the checks
    from django.core import checks
    from django.db import connections

    # a command closes every connection when it ends (`BaseCommand.run_from_argv`); in-process, inside this test's
    # transaction on PostgreSQL, the next command would find its connection closed
    monkeypatch.setattr(connections, "close_all", lambda: None)

    assert {"serve", "check", "demo"} == cli.RUNS_CHECKS
    ran = []

    def record(app_configs, **kwargs):
        ran.append(1)
        return []

    checks.register(record)
    try:
        for argv, expected in ((["polls", "list"], False), (["ledger", "verify"], False), (["check"], True)):
            ran.clear()
            with contextlib.suppress(SystemExit):
                cli.main(argv)
            assert bool(ran) is expected, argv
    finally:
        checks.registry.registry.registered_checks.discard(record)
