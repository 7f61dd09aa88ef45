"""One record of an election agent's written authority (RPA 1983 s.75(1)): the law's `compliance.AgentAuthority`.

The funding app kept its own `AgentAuthorisation` (no group, no agent's address, a note of where the letter is kept
instead of a copy), and checked spending about a candidate against it alone, while material was checked against
`compliance.AgentAuthority` alone. Each old authorisation becomes an `AgentAuthority` of the group that spent under
it (else of the group whose campaigns spent about that candidacy, else of the only group there is), keeping the
agent, the day, the limit and who recorded it; the note of where the signed letter is kept becomes the record's
document (a short text, named so), and the address reads that it was not recorded. Spending that counted against an
old authorisation points at its new record. An authorisation that cannot be given to exactly one group stops the
migration with its id, so that nothing is guessed: set the campaign's organisation, then migrate again.
"""

import hashlib

import django.db.models.deletion
from django.db import migrations, models

ADDRESS_NOT_RECORDED = "(not recorded: this authority was recorded before swingfund kept agents' addresses)"
DOCUMENT_NAME = "where-the-signed-letter-is-kept.txt"
DOCUMENT_TEXT = ("Recorded before swingfund kept a copy of the agent's signed authority. Where the signed letter "
                 "is kept: {reference}\n")
NO_GROUP = ("funding.AgentAuthorisation #{id} ({agent}, candidacy #{candidacy}) cannot be given to one group: "
            "{why}. Set the organisation of the campaigns that spent about that candidacy, then migrate again.")


def authorisations_to_authorities(apps, schema_editor):
    Old = apps.get_model("funding", "AgentAuthorisation")
    Authority = apps.get_model("compliance", "AgentAuthority")
    Spend = apps.get_model("funding", "CandidateSpend")
    Organisation = apps.get_model("organisations", "Organisation")
    for old in Old.objects.order_by("id"):
        groups = set(Spend.objects.filter(authorisation=old).values_list("campaign__organisation", flat=True))
        if None in groups:
            raise RuntimeError(NO_GROUP.format(id=old.pk, agent=old.agent_name, candidacy=old.candidacy_id,
                                               why="spending under it belongs to a campaign of no group"))
        if not groups:
            groups = set(Spend.objects.filter(candidacy_id=old.candidacy_id)
                         .values_list("campaign__organisation", flat=True)) - {None}
        if not groups:
            only = list(Organisation.objects.values_list("pk", flat=True)[:2])
            if len(only) != 1:
                raise RuntimeError(NO_GROUP.format(id=old.pk, agent=old.agent_name, candidacy=old.candidacy_id,
                                                   why="no spending names a group and there is not exactly one"))
            groups = set(only)
        text = DOCUMENT_TEXT.format(reference=old.document_reference).encode()
        for group in sorted(groups):
            new = Authority.objects.create(
                organisation_id=group, candidacy_id=old.candidacy_id, agent_name=old.agent_name,
                agent_address=ADDRESS_NOT_RECORDED, authorised_on=old.authorised_on, limit_pence=old.limit_pence,
                document=text, document_name=DOCUMENT_NAME, document_sha256=hashlib.sha256(text).hexdigest(),
                recorded_by=old.recorded_by)
            Authority.objects.filter(pk=new.pk).update(created_at=old.created_at)
            Spend.objects.filter(authorisation=old, campaign__organisation_id=group).update(authority=new)


class Migration(migrations.Migration):

    dependencies = [
        ('compliance', '0010_returns_and_schedule_19a_figures'),
        ('funding', '0011_grant_agent_clean_money_returns_contributions'),
        ('organisations', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='candidatespend',
            name='authority',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name='+', to='compliance.agentauthority'),
        ),
        migrations.RunPython(authorisations_to_authorities, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='candidatespend',
            name='authorisation',
        ),
        migrations.DeleteModel(
            name='AgentAuthorisation',
        ),
    ]
