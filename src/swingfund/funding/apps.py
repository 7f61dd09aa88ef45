from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "swingfund.funding"
    label = "funding"
    verbose_name = "Funding and ledger"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from swingfund.appendonly import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="funding_sqlite_ledger_guard")
