"""The ledger's append-only triggers, reinstalled by the one append-only kit (`swingfund.appendonly`), with the
names of migration 0002 (`<table>_no_update` / `<table>_no_delete` on SQLite, `<table>_append_only` on PostgreSQL),
and now on the signed checkpoints too. The balance and sealing triggers of 0002 stay as they are."""

from django.db import migrations

TABLES = ("funding_entry", "funding_ledgertransaction", "funding_ledgercheckpoint")
MESSAGE = "{table} is append-only: {action}s are refused"
POSTGRES_FUNCTION = "funding_refuse_change"


def statements(vendor: str) -> list[str]:
    from swingfund import appendonly as kit

    if vendor == "sqlite":
        return [sql for table in TABLES for sql in (*kit.sqlite_drop(table),
                                                    *kit.sqlite_create(table, message=MESSAGE, flush_may_delete=True))]
    if vendor == "postgresql":
        # 0002's function raised without an error code (a plain RaiseException); kept so, callers see the same error.
        return [kit.postgres_function(POSTGRES_FUNCTION, message="{table} is append-only: {action} is refused",
                                      errcode=None),
                *(sql for table in TABLES for sql in kit.postgres_create(table, function=POSTGRES_FUNCTION))]
    return []


def forward(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


def backward(apps, schema_editor):
    from swingfund import appendonly as kit

    vendor = schema_editor.connection.vendor
    drop = kit.sqlite_drop if vendor == "sqlite" else kit.postgres_drop if vendor == "postgresql" else None
    if drop is not None:  # 0002's own triggers are reinstalled by migrating back through 0002; the checkpoint's go
        for sql in drop("funding_ledgercheckpoint"):
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("funding", "0007_organisation_moved")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
