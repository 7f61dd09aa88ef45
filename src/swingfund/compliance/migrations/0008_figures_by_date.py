"""The figures of the law by date: the long campaign (s.76ZA) and the days to pay a candidate's expenses (s.78)."""

from django.db import migrations, models


def seed(apps, schema_editor):
    from swingfund.compliance.seed import seed_rows

    seed_rows(apps.get_model("compliance", "LegalFigure"))


class Migration(migrations.Migration):

    dependencies = [
        ('compliance', '0007_campaign_spend_moves_to_reports'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='legalfigure',
            name='legalfigure_unit',
        ),
        migrations.AlterField(
            model_name='legalfigure',
            name='key',
            field=models.CharField(choices=[('candidate_donation_threshold', 'Candidate donation threshold (gifts over it)'), ('candidate_spending_limit_base', 'Candidate spending limit: fixed part'), ('candidate_spending_per_elector_borough', 'Candidate spending limit: per elector, borough/burgh seat'), ('candidate_spending_per_elector_county', 'Candidate spending limit: per elector, county seat'), ('candidate_long_limit_base', 'Candidate spending limit, long campaign: fixed part'), ('candidate_long_per_elector_borough', 'Candidate spending limit, long campaign: per elector, borough/burgh seat'), ('candidate_long_per_elector_county', 'Candidate spending limit, long campaign: per elector, county seat'), ('long_campaign_start_months', "Long campaign starts the day after this many months from the parliament's first meeting"), ('candidate_expenses_payment_days', "Days after the result within which a candidate's election expenses must be paid"), ('return_impermissible_days', 'Days to check and return an impermissible gift'), ('ua_registration_threshold', 'Unincorporated association: registration threshold'), ('ua_gift_reporting_threshold', 'Unincorporated association: gift reporting threshold'), ('ua_further_gift_threshold', 'Unincorporated association: further gift threshold'), ('local_permitted_sum', "Local permitted sum per candidate (without agent's authority)"), ('local_authorised_return_days', 'Days to report authorised local spending'), ('regulated_period_days', 'Regulated period (days up to and including polling day)'), ('non_party_unregistrable_limit', 'Spending limit for anyone not eligible to notify'), ('non_party_notification_threshold', 'Non-party notification threshold (UK)'), ('non_party_reporting_threshold', 'Non-party reporting threshold'), ('non_party_limit', 'Non-party spending limit (registered campaigner)'), ('non_party_constituency_limit', 'Non-party spending limit per constituency'), ('non_party_constituency_itemise_threshold', 'Constituency spend above which items are listed in the return'), ('targeted_spending_limit', 'Targeted spending limit (unauthorised by the party)'), ('non_party_permissibility_threshold', 'Non-party permissibility threshold'), ('non_party_donation_report_threshold', 'Non-party: gifts from one source reported individually above'), ('invoice_keep_threshold', 'Keep invoices and receipts for payments over'), ('public_donor_name_threshold', 'Donor names published above')], max_length=60),
        ),
        migrations.AlterField(
            model_name='legalfigure',
            name='unit',
            field=models.CharField(choices=[('pence', 'pence'), ('pence_per_elector', 'pence per elector'), ('days', 'days'), ('months', 'months')], max_length=20),
        ),
        migrations.AddConstraint(
            model_name='legalfigure',
            constraint=models.CheckConstraint(condition=models.Q(('unit__in', ['pence', 'pence_per_elector', 'days', 'months'])), name='legalfigure_unit'),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
