"""The figures the returns and Schedule 19A reporting need: the £500 floor for counting an unincorporated
association's political contributions and its 30-day notice, the £250,000 auditor's-report threshold of a spending
return, the 25 working days from dissolution to the poll and the 7 days to deliver each weekly pre-poll report."""


from django.db import migrations, models


def forwards(apps, schema_editor):
    from swingfund.compliance.seed import seed_rows

    seed_rows(apps.get_model("compliance", "LegalFigure"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ('compliance', '0009_agent_authority_and_material_cost'),
    ]

    operations = [
        migrations.AlterField(
            model_name='legalfigure',
            name='key',
            field=models.CharField(choices=[('candidate_donation_threshold', 'Candidate donation threshold (gifts over it)'), ('candidate_spending_limit_base', 'Candidate spending limit: fixed part'), ('candidate_spending_per_elector_borough', 'Candidate spending limit: per elector, borough/burgh seat'), ('candidate_spending_per_elector_county', 'Candidate spending limit: per elector, county seat'), ('candidate_long_limit_base', 'Candidate spending limit, long campaign: fixed part'), ('candidate_long_per_elector_borough', 'Candidate spending limit, long campaign: per elector, borough/burgh seat'), ('candidate_long_per_elector_county', 'Candidate spending limit, long campaign: per elector, county seat'), ('long_campaign_start_months', "Long campaign starts the day after this many months from the parliament's first meeting"), ('candidate_expenses_payment_days', "Days after the result within which a candidate's election expenses must be paid"), ('return_impermissible_days', 'Days to check and return an impermissible gift'), ('ua_registration_threshold', 'Unincorporated association: registration threshold'), ('ua_gift_reporting_threshold', 'Unincorporated association: gift reporting threshold'), ('ua_further_gift_threshold', 'Unincorporated association: further gift threshold'), ('ua_contribution_count_threshold', 'Unincorporated association: political contributions counted only above'), ('ua_notify_days', 'Unincorporated association: days to notify the Commission'), ('local_permitted_sum', "Local permitted sum per candidate (without agent's authority)"), ('local_authorised_return_days', 'Days to report authorised local spending'), ('regulated_period_days', 'Regulated period (days up to and including polling day)'), ('non_party_unregistrable_limit', 'Spending limit for anyone not eligible to notify'), ('non_party_notification_threshold', 'Non-party notification threshold (UK)'), ('non_party_reporting_threshold', 'Non-party reporting threshold'), ('non_party_limit', 'Non-party spending limit (registered campaigner)'), ('non_party_constituency_limit', 'Non-party spending limit per constituency'), ('non_party_constituency_itemise_threshold', 'Constituency spend above which items are listed in the return'), ('targeted_spending_limit', 'Targeted spending limit (unauthorised by the party)'), ('non_party_permissibility_threshold', 'Non-party permissibility threshold'), ('non_party_donation_report_threshold', 'Non-party: gifts from one source reported individually above'), ('invoice_keep_threshold', 'Keep invoices and receipts for payments over'), ('non_party_auditor_threshold', "Spending return needs an auditor's report above"), ('dissolution_working_days', 'Working days from dissolution to the poll'), ('pre_poll_report_days', 'Days after each weekly period to deliver its pre-poll report'), ('public_donor_name_threshold', 'Donor names published above')], max_length=60),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
