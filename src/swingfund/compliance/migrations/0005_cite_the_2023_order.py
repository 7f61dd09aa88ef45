"""Cite the order that uprated the 2024 figures (SI 2023/1235), confirm the constituency limit, and add the
Scotland, Wales and Northern Ireland non-party limits. A row an administrator has edited (its citation no longer
the one seeded before) is left alone."""

from django.db import migrations

OLD_CITATIONS = {
    "candidate_spending_limit_base": "Representation of the People Act 1983, s.76 (as uprated for 2024; short campaign)",
    "candidate_spending_per_elector_borough":
        "Representation of the People Act 1983, s.76 (as uprated for 2024; short campaign)",
    "candidate_spending_per_elector_county":
        "Representation of the People Act 1983, s.76 (as uprated for 2024; short campaign)",
    "ua_registration_threshold":
        "PPERA 2000, Schedule 19A (unincorporated associations; as uprated from 1 January 2024)",
    "ua_gift_reporting_threshold":
        "PPERA 2000, Schedule 19A (unincorporated associations; as uprated from 1 January 2024)",
    "ua_further_gift_threshold":
        "PPERA 2000, Schedule 19A (unincorporated associations; as uprated from 1 January 2024)",
    "non_party_limit": "PPERA 2000, Schedule 10 Part 3 (as uprated from 1 January 2024)",
    "non_party_constituency_limit":
        "PPERA 2000, Schedule 10 Part 3 (constituency limit, as uprated from 1 January 2024)",
    "targeted_spending_limit":
        "PPERA 2000, s.94(5ZA) and Schedule 10 (targeted spending not authorised by the party)",
}


def forwards(apps, schema_editor):
    from swingfund.compliance.seed import SEED_FIGURES, seed_rows

    model = apps.get_model("compliance", "LegalFigure")
    db = schema_editor.connection.alias
    for row in SEED_FIGURES:
        old = OLD_CITATIONS.get(row["key"])
        if old is None:
            continue
        model.objects.using(db).filter(key=row["key"], nation=row["nation"], effective_from=row["effective_from"],
                                       citation=old).update(citation=row["citation"], source_url=row["source_url"],
                                                            verified=row["verified"], note=row["note"])
    seed_rows(model, using=db)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0004_group_legal_status_and_campaign_spend")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
