"""The spending record (CampaignSpend) moves to the reports app, above money. State only: its table keeps its name
(`compliance_campaignspend`) and its rows; `reports.0001_initial` takes it over."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("compliance", "0006_organisation_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="CampaignSpend")],
        ),
    ]
