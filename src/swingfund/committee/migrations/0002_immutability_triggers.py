"""Database triggers refusing UPDATE and DELETE on decisions, votes and audit events (see immutability.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from swingfund.committee import immutability

    for sql in immutability.statements(schema_editor.connection.vendor, create=True):
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    from swingfund.committee import immutability

    for sql in immutability.statements(schema_editor.connection.vendor, create=False):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("committee", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
