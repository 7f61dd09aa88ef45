"""The 365-day regulated period has applied since PPERA 2000 Part VI came into force, not only since 2019."""

from datetime import date

from django.db import migrations


def widen(apps, schema_editor):
    LegalFigure = apps.get_model("compliance", "LegalFigure")
    LegalFigure.objects.filter(key="regulated_period_days", nation="", effective_from=date(2019, 1, 1)).update(
        effective_from=date(2001, 2, 16), note="Unchanged since PPERA 2000 Part VI came into force."
    )


class Migration(migrations.Migration):
    dependencies = [("compliance", "0002_seed_figures")]

    operations = [migrations.RunPython(widen, migrations.RunPython.noop)]
