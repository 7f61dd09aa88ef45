"""Django's `flush`, allowed to empty the append-only ledger tables (see `swingfund.appendonly`).

Emptying the whole database (a fresh start, or between transactional tests) is the one operation that
may remove ledger rows; `ledger verify` on an empty ledger then starts a new chain.
"""

from django.core.management.commands.flush import Command as DjangoFlush

from swingfund import dbroles
from swingfund.appendonly import maintenance


class Command(DjangoFlush):
    def handle(self, **options):
        # On PostgreSQL with two roles, only the owner may TRUNCATE: flushing is the owner's job, never the app's.
        with dbroles.as_owner(options.get("database") or "default"), maintenance():
            return super().handle(**options)
