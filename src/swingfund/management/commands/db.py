"""`swingfund db migrate | grant | roles`: run migrations as the owner role and grant the application's role its
rights (PostgreSQL with `DATABASE_OWNER_URL`; see `swingfund/dbroles.py`)."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from swingfund import dbroles

NO_OWNER = ("DATABASE_OWNER_URL is not set: with one role there is nothing to grant. On PostgreSQL set DATABASE_URL "
            "to the application's role and DATABASE_OWNER_URL to the owner's (same server and database).")


class Command(BaseCommand):
    help = "Migrate as the database owner and grant the application's role (PostgreSQL, two roles)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("migrate", help="Run migrations as DATABASE_OWNER_URL's role, then grant DATABASE_URL's role.")
        sub.add_parser("grant", help="Grant DATABASE_URL's role data rights only (no TRUNCATE, no triggers).")
        sub.add_parser("roles", help="Say whether the application's role could rewrite the ledger, the committee's "
                                     "records, their checkpoints or chain heads; exit 1 if so.")

    def handle(self, *args, action: str, verbosity: int = 1, **options):
        if action == "migrate":
            with dbroles.as_owner():
                call_command("migrate", interactive=False, verbosity=verbosity)
            if dbroles.has_owner():
                self._grant(verbosity)
            return
        if action == "grant":
            if not dbroles.has_owner():
                raise CommandError(NO_OWNER)
            self._grant(verbosity)
            return
        if connection.vendor != "postgresql":
            self.stdout.write(f"{connection.vendor}: one file and no roles; the ledger's triggers refuse updates and "
                              "deletes, and checkpoints (`swingfund ledger checkpoint`) anchor its history.")
            return
        problems = dbroles.role_problems()
        if problems:
            raise CommandError("The application's database role could rewrite the ledger: " + "; ".join(problems))
        self.stdout.write(self.style.SUCCESS(
            f"{connection.vendor}: the application's role cannot truncate the ledger or change its triggers, change "
            f"or delete a transaction, a vote, a decision or a checkpoint, or rewind a chain head."))

    def _grant(self, verbosity: int) -> None:
        app_role = connection.settings_dict["USER"]
        statements = dbroles.grant(app_role=app_role)
        if verbosity:
            self.stdout.write(f"Granted {app_role}: {len(statements)} statements (data only; no TRUNCATE, no "
                              "triggers, no ownership).")
