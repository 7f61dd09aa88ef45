"""Grant.decision_id (an integer) becomes a one-to-one foreign key to committee.Decision, keeping the column."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("committee", "0001_initial"),
        ("funding", "0002_ledger_triggers"),
    ]

    operations = [
        migrations.RenameField(model_name="grant", old_name="decision_id", new_name="decision"),
        migrations.AlterField(
            model_name="grant",
            name="decision",
            field=models.OneToOneField(
                blank=True,
                help_text="The committee decision this grant carries out (blank for a grant passing on earmarked gifts).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="grant",
                to="committee.decision",
            ),
        ),
    ]
