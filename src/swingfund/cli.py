"""The `swingfund` command.

Every subcommand is a Django management command of one of the apps (`swingfund data import …` runs
`elections/management/commands/data.py`), so each capability owns its own command and this file stays a
dispatcher. The database schema is brought up to date before any command that needs it, so a newcomer
never has to run `migrate` by hand.
"""

from __future__ import annotations

import os
import sys

# Commands that must not trigger an automatic migration first.
NO_AUTO_MIGRATE = {"migrate", "db", "makemigrations", "check", "help", "--help", "-h", "version", "--version", "shell"}


def ensure_migrated() -> None:
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


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "swingfund.settings")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    if not argv:
        argv = ["help"]
    if argv[0] in {"version", "--version"}:
        from swingfund import __version__

        print(f"swingfund {__version__}")
        return
    if argv[0] not in NO_AUTO_MIGRATE:
        ensure_migrated()
    execute_from_command_line(["swingfund", *argv])


if __name__ == "__main__":
    main()
