"""Issue 20: grants offered to the candidate's agent (accepted, declined, returned, with reversing transactions),
non-money gifts, the manner of a returned gift, new compliance tasks, and the political contributions an
unincorporated association counts (PPERA 2000 Sch 19A)."""


import django.db.models.deletion
from django.db import migrations, models


def manner_of_past_returns(apps, schema_editor):
    """Returns recorded before the manner was: to the donor when known, else to whoever transferred it."""
    Refund = apps.get_model("funding", "Refund")
    returns = Refund.objects.filter(kind="return", manner="")
    returns.filter(donation__donor__isnull=False).update(manner="donor")
    returns.filter(donation__donor__isnull=True).update(manner="payer")


class Migration(migrations.Migration):

    dependencies = [
        ('committee', '0008_record_chain'),
        ('elections', '0004_poll'),
        ('funding', '0010_chain_head_advances_only'),
        ('organisations', '0002_profile_and_defaults'),
    ]

    operations = [
        migrations.CreateModel(
            name='PoliticalContribution',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('recipient_kind', models.CharField(max_length=30)),
                ('recipient_name', models.CharField(max_length=200)),
                ('amount_pence', models.BigIntegerField()),
                ('made_on', models.DateField()),
                ('recorded_by', models.CharField(blank=True, max_length=150)),
            ],
            options={
                'ordering': ['made_on', 'id'],
            },
        ),
        migrations.AddField(
            model_name='donation',
            name='nature',
            field=models.CharField(blank=True, help_text='A non-money gift: what was given (goods, services, property); its value is `amount_pence` (PPERA 2000 Sch 11 para 10).', max_length=300),
        ),
        migrations.AddField(
            model_name='grant',
            name='agent_email',
            field=models.EmailField(blank=True, max_length=254),
        ),
        migrations.AddField(
            model_name='grant',
            name='agent_phone',
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name='grant',
            name='agent_response',
            field=models.CharField(choices=[('offered', 'Offered'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('returned', 'Returned')], default='offered', max_length=10),
        ),
        migrations.AddField(
            model_name='grant',
            name='offered_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='grant',
            name='payment_reversal',
            field=models.OneToOneField(blank=True, help_text='The reversal of the payment when the grant came back.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='grant_payment_reversal', to='funding.ledgertransaction'),
        ),
        migrations.AddField(
            model_name='grant',
            name='responded_on',
            field=models.DateField(blank=True, help_text='The day the agent accepted, declined or returned it.', null=True),
        ),
        migrations.AddField(
            model_name='grant',
            name='response_note',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name='grant',
            name='reversal',
            field=models.OneToOneField(blank=True, help_text='The reversal of the approval when the agent declined or returned the grant.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='grant_reversal', to='funding.ledgertransaction'),
        ),
        migrations.AddField(
            model_name='refund',
            name='manner',
            field=models.CharField(blank=True, choices=[('donor', 'Returned to the donor'), ('payer', 'Returned to the person who transferred it'), ('institution', 'Returned to the financial institution that transferred it'), ('commission', 'Sent to the Electoral Commission (no payer or institution could be identified)')], help_text='For the return of an impermissible or unidentifiable gift.', max_length=12),
        ),
        migrations.AlterField(
            model_name='compliancetask',
            name='kind',
            field=models.CharField(choices=[('verify', "Check the donor's permissibility"), ('return', 'Return the gift'), ('split', 'Review possible splitting of a gift'), ('register', 'Registration threshold approaching'), ('duplicate', 'Possible duplicate donor: check whether two records are one person'), ('commission', 'Send an unreturnable anonymous gift to the Electoral Commission'), ('ua_notify', 'Notify the Electoral Commission: political contributions over the threshold'), ('ua_report', 'Report a gift to the Electoral Commission (unincorporated association)'), ('pre_poll', 'File a pre-poll donation report with the Electoral Commission')], max_length=10),
        ),
        migrations.AlterField(
            model_name='donation',
            name='method',
            field=models.CharField(choices=[('card', 'Card'), ('bank_transfer', 'Bank transfer'), ('cheque', 'Cheque'), ('cash', 'Cash'), ('non_money', 'Non-money (goods, services or property)')], max_length=20),
        ),
        migrations.AlterField(
            model_name='grant',
            name='agent_name',
            field=models.CharField(blank=True, help_text="The candidate's election agent.", max_length=200),
        ),
        migrations.AddConstraint(
            model_name='donation',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('fee_pence', 0), ('method', 'non_money'), models.Q(('nature', ''), _negated=True)), models.Q(models.Q(('method', 'non_money'), _negated=True), ('nature', '')), _connector='OR'), name='donation_non_money_has_nature'),
        ),
        migrations.AddConstraint(
            model_name='grant',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('agent_response__in', ['offered', 'accepted']), ('reversal__isnull', True)), models.Q(('agent_response__in', ['declined', 'returned']), ('responded_on__isnull', False), ('reversal__isnull', False)), _connector='OR'), name='grant_declined_or_returned_is_reversed'),
        ),
        migrations.AddConstraint(
            model_name='grant',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('agent_response', 'returned'), _negated=True), ('payment_reversal__isnull', False), _connector='OR'), name='grant_returned_reverses_its_payment'),
        ),
        migrations.AddField(
            model_name='politicalcontribution',
            name='campaign',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='political_contributions', to='funding.campaign'),
        ),
        migrations.AddField(
            model_name='politicalcontribution',
            name='organisation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='political_contributions', to='organisations.organisation'),
        ),
        migrations.AddField(
            model_name='politicalcontribution',
            name='transaction',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='political_contribution', to='funding.ledgertransaction'),
        ),
        migrations.AddConstraint(
            model_name='politicalcontribution',
            constraint=models.CheckConstraint(condition=models.Q(('amount_pence__gt', 0)), name='politicalcontribution_positive'),
        ),
        migrations.RunPython(manner_of_past_returns, migrations.RunPython.noop),
    ]
