"""A proposal can be withdrawn by its proposer (status 'withdrawn', final like 'decided'); a vote against and a
rejection carry the reasons members gave. The altered tables are rebuilt on SQLite, which drops their triggers, so
the triggers are lifted first and installed again last (see immutability.py), with the withdrawn status final."""

from django.conf import settings
from django.db import migrations, models


def triggers_off(apps, schema_editor):
    from swingfund.committee import immutability

    for sql in immutability.statements(schema_editor.connection.vendor, create=False):
        schema_editor.execute(sql, params=None)


def triggers_on(apps, schema_editor):
    from swingfund.committee import immutability

    for sql in immutability.statements(schema_editor.connection.vendor, create=True):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('committee', '0006_organisation_moved'),
        ('elections', '0001_initial'),
        ('organisations', '0002_profile_and_defaults'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(triggers_off, triggers_on),
        migrations.RemoveConstraint(
            model_name='proposal',
            name='proposal_status_valid',
        ),
        migrations.AddField(
            model_name='decision',
            name='reasons',
            field=models.JSONField(blank=True, default=list, help_text="A rejection's reasons as members gave them: [{reason, label, count}]."),
        ),
        migrations.AddField(
            model_name='vote',
            name='reason',
            field=models.CharField(blank=True, choices=[('', 'no reason given'), ('statements', "The candidate's record does not meet our statements"), ('evidence', 'The evidence on the candidates is disputed or incomplete'), ('no_effect', 'Our support would not change the result in this seat'), ('elsewhere', 'The money does more in another seat'), ('amount', 'The amount is not right for this seat'), ('law', 'A legal or compliance concern')], default='', help_text='Why the member voted against (votes against only).', max_length=20),
        ),
        migrations.AlterField(
            model_name='proposal',
            name='status',
            field=models.CharField(choices=[('open', 'open'), ('decided', 'decided'), ('withdrawn', 'withdrawn by its proposer')], default='open', max_length=10),
        ),
        migrations.AddConstraint(
            model_name='proposal',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['open', 'decided', 'withdrawn'])), name='proposal_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='vote',
            constraint=models.CheckConstraint(condition=models.Q(('reason', ''), models.Q(('choice', 'against'), ('reason__in', ['statements', 'evidence', 'no_effect', 'elsewhere', 'amount', 'law'])), _connector='OR'), name='vote_reason_against_only'),
        ),
        migrations.RunPython(triggers_on, triggers_off),
    ]
