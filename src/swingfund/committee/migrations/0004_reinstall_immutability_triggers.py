"""Reinstall the append-only triggers: on SQLite, 0003 rebuilt committee_decision (a new table copied over the old
one), which drops the triggers of the old table. Any later migration that alters committee_decision,
committee_vote or committee_auditevent must end the same way (see immutability.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from swingfund.committee import immutability

    for sql in immutability.statements(schema_editor.connection.vendor, create=True):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("committee", "0003_constraints")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
