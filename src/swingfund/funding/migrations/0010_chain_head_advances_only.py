"""On PostgreSQL the ledger's chain head only moves forward, onto a transaction that exists with that hash: the
application's role must update it to append, but may no longer rewind it, point it at a made-up hash, or delete it
(the one kit's `postgres_head_guard`; `swingfund db roles` checks the trigger is there, and the role, owning nothing,
cannot drop or disable it). SQLite has no roles: whoever holds its file can do anything, and the signed checkpoints
are what catch that."""

from django.db import migrations


def forward(apps, schema_editor):
    from swingfund import appendonly as kit

    if schema_editor.connection.vendor == "postgresql":
        for sql in kit.postgres_head_guard("funding_chainhead", position="last_id", log="funding_ledgertransaction",
                                           log_position="id"):
            schema_editor.execute(sql, params=None)


def backward(apps, schema_editor):
    from swingfund import appendonly as kit

    if schema_editor.connection.vendor == "postgresql":
        for sql in kit.postgres_head_guard_drop("funding_chainhead"):
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("funding", "0009_donor_identity_full_address")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
