"""The spending record moves here from the compliance app: state only, the table (and its rows) stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("compliance", "0007_campaign_spend_moves_to_reports"),
        ("elections", "0001_initial"),
        ("funding", "0007_organisation_moved"),
        ("organisations", "0002_profile_and_defaults"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='CampaignSpend',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('election_id', models.CharField(help_text='Democracy Club election id, e.g. parl.YYYY-MM-DD', max_length=80)),
                ('incurred_on', models.DateField(help_text='When the group became committed to pay (the order confirmed).')),
                ('paid_on', models.DateField(blank=True, null=True)),
                ('supplier', models.CharField(max_length=200)),
                ('supplier_address', models.TextField(blank=True)),
                ('amount_pence', models.BigIntegerField()),
                ('category', models.CharField(choices=[('material', 'Election material made available to the public'), ('canvassing', 'Canvassing or market research'), ('media', 'Press conferences or other dealings with the media'), ('transport', 'Transport of persons to obtain publicity'), ('events', 'Public rallies and other public events')], max_length=20)),
                ('area', models.CharField(choices=[('uk', 'The whole UK'), ('nation', 'One part of the UK'), ('constituencies', 'Named constituencies')], max_length=20)),
                ('nation', models.CharField(blank=True, choices=[('', 'UK-wide'), ('E', 'England'), ('W', 'Wales'), ('S', 'Scotland'), ('N', 'Northern Ireland')], max_length=1)),
                ('party_authorised', models.BooleanField(default=False, help_text='The party authorised this targeted spending.')),
                ('description', models.CharField(max_length=300)),
                ('invoice_reference', models.CharField(blank=True, max_length=200)),
                ('source_ref', models.CharField(blank=True, help_text='The outreach message or material that caused it, where there is one.', max_length=300)),
                ('recorded_by', models.CharField(blank=True, max_length=150)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('constituencies', models.ManyToManyField(blank=True, related_name='+', to='elections.constituency')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='campaign_spends', to='organisations.organisation')),
                ('targets_party', models.ForeignKey(blank=True, help_text='A party (or its candidates) the item promotes or opposes: targeted spending.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='elections.party')),
                ('transaction', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='campaign_spend', to='funding.ledgertransaction')),
            ],
            options={
                'ordering': ['incurred_on', 'id'],
                'db_table': 'compliance_campaignspend',
                'indexes': [models.Index(fields=['organisation', 'election_id', 'incurred_on'], name='compliance__organis_03f231_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('amount_pence__gt', 0)), name='campaignspend_amount_positive'), models.CheckConstraint(condition=models.Q(('paid_on__isnull', True), ('paid_on__gte', models.F('incurred_on')), _connector='OR'), name='campaignspend_paid_after_incurred'), models.CheckConstraint(condition=models.Q(models.Q(('area', 'nation'), ('nation__in', ['E', 'W', 'S', 'N'])), models.Q(('area__in', ['uk', 'constituencies']), ('nation', '')), _connector='OR'), name='campaignspend_nation_matches_area'), models.CheckConstraint(condition=models.Q(('category__in', ['material', 'canvassing', 'media', 'transport', 'events'])), name='campaignspend_category')],
            },
        ),
            ],
        ),
    ]
