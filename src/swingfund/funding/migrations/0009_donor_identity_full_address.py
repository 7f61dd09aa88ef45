"""A gift joins a donor only on the full address, postcode included (issue 21): keys on the name and email are
dropped from checked donors, and from donors with an address but no postcode (or a postcode but no address)."""

from django.db import migrations
from django.db.models import Q


def drop_weak_keys(apps, schema_editor):
    Donor = apps.get_model("funding", "Donor")
    weak = Donor.objects.filter(identity_key__startswith="e:")
    weak.filter(Q(checked_at__isnull=False) | ~Q(address="") | ~Q(postcode="")).update(identity_key=None)


class Migration(migrations.Migration):

    dependencies = [
        ("funding", "0008_ledger_triggers_from_the_kit"),
    ]

    operations = [
        migrations.RunPython(drop_weak_keys, migrations.RunPython.noop),
    ]
