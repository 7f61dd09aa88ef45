"""The committee's record chain (`committee/chain.py`): every vote and decision on a SHA-256 chain, its head, and its
signed checkpoints. The links and checkpoints are append-only (the one kit's triggers; the whole-database flush may
empty them, as it may the ledger's; on PostgreSQL the head only moves forward), and the votes and decisions already written are chained here in the order they
were written, so a grant from an earlier decision finds its links."""

from django.db import migrations, models

TABLES = ("committee_chainlink", "committee_recordcheckpoint")
MESSAGE = "swingfund: committee records are append-only ({table}: {action} refused)"
POSTGRES_FUNCTION = "committee_refuse_change"  # migration 0002's


def triggers(apps, schema_editor):
    from swingfund import appendonly as kit

    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [sql for t in TABLES for sql in kit.sqlite_create(t, message=MESSAGE, flush_may_delete=True)]
    elif vendor == "postgresql":
        statements = [kit.postgres_function(POSTGRES_FUNCTION, message=MESSAGE),
                      *(sql for t in TABLES for sql in kit.postgres_create(t, function=POSTGRES_FUNCTION)),
                      *kit.postgres_head_guard("committee_recordchainhead", position="last_position",
                                               log="committee_chainlink", log_position="position")]
    else:
        statements = []
    for sql in statements:
        schema_editor.execute(sql, params=None)


def chain_existing(apps, schema_editor):
    """Chain the votes and decisions written before this migration, in the order written (a decision after the votes
    cast at the same moment), with the hashing of `committee.chain`."""
    from swingfund.committee import chain

    Vote, Decision = apps.get_model("committee", "Vote"), apps.get_model("committee", "Decision")
    ChainLink, Head = apps.get_model("committee", "ChainLink"), apps.get_model("committee", "RecordChainHead")
    records = [(v.cast_at, 0, v.pk, chain.VOTE, chain.vote_document(v)) for v in Vote.objects.all()]
    records += [(d.decided_at, 1, d.pk, chain.DECISION, chain.decision_document(d)) for d in Decision.objects.all()]
    prev, links = chain.GENESIS_HASH, []
    for position, (_when, _order, pk, kind, document) in enumerate(sorted(records, key=lambda r: r[:3]), start=1):
        digest = chain.link_hash(position=position, prev_hash=prev, document=document)
        links.append(ChainLink(position=position, record=kind, object_id=pk, prev_hash=prev, hash=digest))
        prev = digest
    ChainLink.objects.bulk_create(links)
    Head.objects.create(pk=1, last_position=len(links), last_hash=prev)


class Migration(migrations.Migration):

    dependencies = [
        ('committee', '0007_withdrawal_and_rejection_reasons'),
    ]

    operations = [
        migrations.CreateModel(
            name='ChainLink',
            fields=[
                ('position', models.BigIntegerField(primary_key=True, serialize=False)),
                ('record', models.CharField(choices=[('vote', 'vote'), ('decision', 'decision')], max_length=10)),
                ('object_id', models.BigIntegerField()),
                ('prev_hash', models.CharField(max_length=64)),
                ('hash', models.CharField(max_length=64, unique=True)),
            ],
            options={
                'ordering': ['position'],
                'constraints': [models.CheckConstraint(condition=models.Q(('position__gte', 1)), name='chainlink_position_positive'), models.CheckConstraint(condition=models.Q(('record__in', ['vote', 'decision'])), name='chainlink_record_valid'), models.UniqueConstraint(fields=('record', 'object_id'), name='chainlink_one_per_record')],
            },
        ),
        migrations.CreateModel(
            name='RecordChainHead',
            fields=[
                ('id', models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ('last_position', models.BigIntegerField(default=0)),
                ('last_hash', models.CharField(max_length=64)),
            ],
            options={
                'constraints': [models.CheckConstraint(condition=models.Q(('id', 1)), name='recordchainhead_single_row')],
            },
        ),
        migrations.CreateModel(
            name='RecordCheckpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('tree_size', models.BigIntegerField()),
                ('head_hash', models.CharField(max_length=64)),
                ('signed_at', models.DateTimeField()),
                ('key_id', models.CharField(max_length=64)),
                ('public_key', models.CharField(help_text='Raw Ed25519 public key, base64.', max_length=64)),
                ('signature', models.CharField(help_text='Ed25519 signature of the statement, base64.', max_length=128)),
            ],
            options={
                'ordering': ['tree_size', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('tree_size__gte', 0)), name='recordcheckpoint_size_nonneg')],
            },
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(triggers, migrations.RunPython.noop, elidable=False),
    ]
