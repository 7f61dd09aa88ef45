"""A decided proposal is final: triggers refuse any UPDATE or DELETE of a proposal whose status is 'decided'
(see immutability.py), so a grant cannot be built from a proposal changed after its decision."""

from django.db import migrations


def forwards(apps, schema_editor):
    from swingfund.committee import immutability

    for sql in immutability.statements(schema_editor.connection.vendor, create=True):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("committee", "0004_reinstall_immutability_triggers")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
