"""The `swingfund` command: the product's verbs in the order of the flow; Django's own under `swingfund django`.

Every verb is a management command of the app it belongs to (`swingfund data import …` runs
`elections/management/commands/data.py`), so each capability owns its command and this file only dispatches.
`VERBS` is the one list of the product's verbs: `swingfund --help` prints it, one line each, showing only the verbs
whose command exists. Anything else Django knows (`migrate`, `createsuperuser`, `shell`, …) runs as
`swingfund django NAME …`.

Asking for help never touches the database: neither `swingfund --help` nor `swingfund VERB --help` migrates or
queries it. Running a verb brings the schema up to date first, so a newcomer never runs `migrate` by hand.
"""

from __future__ import annotations

import os
import sys

# verb → one line for `swingfund --help`, in the order of the flow (official files → … → serving and set-up).
VERBS: dict[str, str] = {
    "data": "fetch and import the official files (results, candidates, polls, census, postcodes)",
    "election": "add the next general election or a by-election; move its polling date and see what changes",
    "candidates": "prospective candidates: add by hand or from a CSV, mark withdrawn, list",
    "polls": "import opinion polls (one row per poll) and list them; targets averages them",
    "targets": "rank an election's seats by leverage and P(pivotal), with the forecast behind them",
    "backtest": "forecast a past election from the one before and score it against the result",
    "scorecard": "a candidate's stance on each statement, with every source",
    "evidence": "import evidence: pledge-survey answers or Commons division votes",
    "recommend": "whom to back, or to stay out, in each target seat, with the rule's reason",
    "committee": "members, proposals, votes and decisions",
    "funding": "campaigns, offline gifts, grants and payments, compliance tasks",
    "ledger": "verify the ledger's hash chain and balances; sign and check checkpoints",
    "stripe": "card gifts: the webhook's event log, the local Stripe stand-in, data retention",
    "compliance": "the law's figures and timetables, the donation and spending returns",
    "outreach": "supporters and their consent, segments, messages; export or erase a supporter",
    "plan": "allocate a fund across the backed seats",
    "evaluate": "after polling day: what the group's money and votes did; the forecast's score",
    "api": "tokens for the public API (/api/v1/)",
    "serve": "run the site (Granian): swingfund serve [HOST:PORT] --workers N --threads N",
    "worker": "run the one background queue: Stripe events, outreach deliveries, every task",
    "demo": "import the official files, run the whole flow once, then serve the site",
    "setup": "create your group (name, address, sender, defaults) and its first administrator",
    "roles": "roles per organisation (committee seats too), the voting rule, invitations; second factors",
    "check": "check the configuration (--deploy: ready for the public?)",
    "db": "PostgreSQL with two roles: migrate as the owner, grant the site's role, check them",
    "django": "Django's own commands: swingfund django help | migrate | createsuperuser | shell …",
}

HELP_FLAGS = {"-h", "--help"}
# Django's commands that run without an up-to-date schema (or bring it up to date themselves).
DJANGO_NO_MIGRATE = {
    "help", "migrate", "makemigrations", "showmigrations", "sqlmigrate", "squashmigrations", "optimizemigration",
    "check", "diffsettings", "dbshell", "shell", "startapp", "startproject", "version", "collectstatic",
    "findstatic", "compilemessages", "makemessages", "test", "testserver", "sendtestemail", "flush", "db",
}
# Verbs that bring the schema up to date themselves, once their arguments are checked: `serve` refuses a bad
# address or a busy port at once, before a first run's migrations (10-20 s), and leaves no database behind.
MIGRATES_ITSELF = {"serve"}
# Verbs that run Django's system checks (models, URLs, templates, settings) before they start: the ones that serve
# or are the check. Every other verb skips them: loading every URL and view to check them took 1.9 s of the 2.4 s
# of a one-line command such as `swingfund polls list`. `swingfund check` runs them all on demand, as CI does.
RUNS_CHECKS = {"serve", "check", "demo"}
UNKNOWN = "Unknown command '{verb}'. See `swingfund --help`."
IS_DJANGOS = "'{verb}' is one of Django's own commands: run `swingfund django {verb}`."


def ensure_migrated() -> None:
    """Bring the schema up to date (as the owner role when there is one, see dbroles.py)."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        from swingfund import dbroles

        if dbroles.has_owner():  # migrate as the owner, then grant the application's role (see dbroles.py)
            call_command("db", "migrate", verbosity=0)
        else:
            call_command("migrate", interactive=False, verbosity=0)


def product_commands() -> set[str]:
    """The verbs `swingfund VERB` runs: every management command of swingfund's own apps, and the verbs of `VERBS`
    that Django provides (`check`). Django's own commands that an app overrides (`flush`) stay Django's."""
    from django.core.management import get_commands

    commands = get_commands()
    own = {name for name, app in commands.items() if app.startswith("swingfund") and name not in _djangos_own()}
    return own | {verb for verb in VERBS if verb in commands}


def _djangos_own() -> set[str]:
    """The names of the commands Django itself ships (core), whoever overrides them."""
    import pkgutil

    from django.core.management import commands as core

    return {m.name for m in pkgutil.iter_modules(core.__path__)}


def help_text() -> str:
    """The main help: the verbs of `VERBS` whose command exists, in the flow's order, one line each."""
    from swingfund import __version__

    available = product_commands() | {"django"}
    width = max(len(v) for v in VERBS)
    lines = [
        f"swingfund {__version__}: target seats, back candidates, raise and grant money, and account for it.",
        "",
        "Usage: swingfund COMMAND [ARGS]      swingfund COMMAND --help for its options",
        "",
        *(f"  {verb:<{width}}  {line}" for verb, line in VERBS.items() if verb in available),
        "",
        "A real group starts with `swingfund setup`; a try-out with `swingfund demo`." if "setup" in available
        else "A try-out starts with `swingfund demo`.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "swingfund.settings")
    if argv and argv[0] in {"version", "--version"}:
        from swingfund import __version__

        print(f"swingfund {__version__}")
        return
    import django

    django.setup()
    if not argv or argv[0] in HELP_FLAGS | {"help"} and len(argv) == 1:
        print(help_text())
        return
    verb, asks_help = argv[0], bool(HELP_FLAGS & set(argv[1:]))
    if verb == "help":  # `swingfund help VERB` is `swingfund VERB --help`
        verb, argv, asks_help = argv[1], [argv[1], "--help"], True
    from django.core.management import execute_from_command_line

    if verb == "django":
        name = next((a for a in argv[1:] if not a.startswith("-")), "help")
        if not asks_help and name not in DJANGO_NO_MIGRATE:
            ensure_migrated()
        execute_from_command_line(["swingfund django", *argv[1:]])
        return
    products = product_commands()
    if verb not in products:
        from django.core.management import get_commands

        sys.stderr.write((IS_DJANGOS if verb in get_commands() else UNKNOWN).format(verb=verb) + "\n")
        sys.exit(2)
    if not asks_help and verb not in DJANGO_NO_MIGRATE | MIGRATES_ITSELF:
        ensure_migrated()
    if verb not in RUNS_CHECKS:
        argv = [verb, "--skip-checks", *argv[1:]]
    execute_from_command_line(["swingfund", *argv])


if __name__ == "__main__":
    main()
