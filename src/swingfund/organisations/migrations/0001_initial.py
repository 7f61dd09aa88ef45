# The organisation moves from scorecards to the ground floor. State only: the table stays `scorecards_organisation`.

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('scorecards', '0005_evidence_candidacy_set_null'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Organisation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200)),
                        ('slug', models.SlugField(max_length=80, unique=True)),
                        ('publishes_committee_names', models.BooleanField(default=False, help_text='Publish the names of committee members next to their votes.')),
                        ('standard_grant_pence', models.PositiveIntegerField(default=100000, help_text='The standard grant to a backed candidate, in pence (100000 = £1,000).')),
                        ('demo', models.BooleanField(default=False, help_text='Demo data: pages say the codings are illustrative.')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        'db_table': 'scorecards_organisation',
                        'ordering': ['name'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('standard_grant_pence__gt', 0)), name='organisation_grant_positive')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
