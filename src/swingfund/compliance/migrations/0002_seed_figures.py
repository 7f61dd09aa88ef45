"""Seed the legal figures of LAW.md (2024) and the 2019 candidate limits."""

from django.db import migrations


def seed(apps, schema_editor):
    from swingfund.compliance.seed import seed_rows

    seed_rows(apps.get_model("compliance", "LegalFigure"))


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
