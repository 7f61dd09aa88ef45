"""Triggers refusing UPDATE and DELETE on stored forecasts (see targeting/immutability.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from swingfund.targeting import immutability

    for sql in immutability.statements(schema_editor.connection.vendor, create=True):
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    from swingfund.targeting import immutability

    for sql in immutability.statements(schema_editor.connection.vendor, create=False):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("targeting", "0001_stored_forecast")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
