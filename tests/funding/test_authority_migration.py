"""The upgrade that leaves one record of an election agent's authority (funding migration 0012), run as a group
upgrading would: `swingfund django migrate` on a database left at the migration before it, holding the funding
app's old `AgentAuthorisation` rows. Each becomes a `compliance.AgentAuthority` of its group, the spending made
under it points at the new record, and an authorisation no group can be given stops the upgrade, naming it, with
nothing changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

BEFORE = "0011_grant_agent_clean_money_returns_contributions"

# Run inside `swingfund django shell` at the schema of funding 0011, with the models as they were then.
MAKE_OLD_ROWS = r'''
import datetime as dt
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
apps = MigrationLoader(connection).project_state(("funding", "%s")).apps
M = lambda app, name: apps.get_model(app, name)
now = dt.datetime(2024, 6, 1, 12, tzinfo=dt.UTC)
src = M("elections", "DataSource").objects.create(key="t", title="t", publisher="t", file_name="t", sha256="0" * 64,
                                                   imported_at=now)
election = M("elections", "Election").objects.create(id="parl.2024-07-04", name="UK general election 2024",
                                                     poll_date=dt.date(2024, 7, 4), boundary_set="pcon2024")
seat = M("elections", "Constituency").objects.create(gss_code="E14001063", boundary_set="pcon2024", name="Testford",
                                                     nation="E", source=src)
x, y = (M("elections", "Candidacy").objects.create(election=election, constituency=seat, person_name=n, source=src)
        for n in ("Ann Candidate", "Bob Candidate"))
a = M("organisations", "Organisation").objects.create(name="Leeds Fair Vote", slug="leeds-fair-vote")
M("organisations", "Organisation").objects.create(name="Bradford Voice", slug="bradford-voice")
campaign = M("funding", "Campaign").objects.create(organisation=a, slug="fund", title="Fund", description="d",
                                                   purpose="p", goal_pence=100000, starts_at=now,
                                                   ends_at=now + dt.timedelta(days=30))
old = M("funding", "AgentAuthorisation")
spent_under = old.objects.create(candidacy=x, agent_name="Pat Agent", authorised_on=dt.date(2024, 6, 11),
                                 limit_pence=150000, document_reference="letter in file 3", recorded_by="treasurer")
old.objects.create(candidacy=y, agent_name="Sam Agent", authorised_on=dt.date(2024, 6, 12), limit_pence=90000,
                   document_reference="scanned to the shared drive")
with transaction.atomic():  # a balanced ledger transaction: its entries first, then the transaction row
    spend_account, bank = (M("funding", "Account").objects.create(code=c, name=c, kind=k)
                           for c, k in (("candidate_spend", "expense"), ("bank", "asset")))
    for account, pence in ((spend_account, 80000), (bank, -80000)):
        M("funding", "Entry").objects.create(transaction_id=1, account=account, amount_pence=pence)
    txn = M("funding", "LedgerTransaction").objects.create(id=1, posted_at=now, kind="candidate_spend",
                                                           description="d", prev_hash="0" * 64, hash="1" * 64)
    M("funding", "CandidateSpend").objects.create(candidacy=x, campaign=campaign, kind="leaflet",
                                                  description="Leaflets", amount_pence=80000, spent_at=now,
                                                  authorisation=spent_under, transaction=txn)
''' % BEFORE

DROP_SECOND_GROUP = r'''
from django.db import connection
from django.db.migrations.loader import MigrationLoader
apps = MigrationLoader(connection).project_state(("funding", "%s")).apps
apps.get_model("organisations", "Organisation").objects.filter(slug="bradford-voice").delete()
''' % BEFORE

READ_NEW_ROWS = r'''
import json
from swingfund.compliance.models import AgentAuthority
from swingfund.funding.models import CandidateSpend
rows = [{"group": r.organisation.slug, "candidate": r.candidacy.person_name, "agent": r.agent_name,
         "address": r.agent_address, "on": r.authorised_on.isoformat(), "limit": r.limit_pence,
         "document": bytes(r.document).decode(), "name": r.document_name, "by": r.recorded_by}
        for r in AgentAuthority.objects.order_by("candidacy__person_name")]
spend = CandidateSpend.objects.get()
print(json.dumps({"authorities": rows, "spend_authority": spend.authority.agent_name if spend.authority else None}))
'''


def swingfund(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("DATABASE_OWNER_URL", None)
    return subprocess.run([sys.executable, "-m", "swingfund", *args], env=env, capture_output=True, text=True,
                          timeout=600)


def test_old_authorisations_become_the_laws_one_record_and_an_unplaceable_one_stops_the_upgrade(scratch_url):
    done = swingfund(scratch_url, "django", "migrate", "funding", BEFORE, "--verbosity", "0")
    assert done.returncode == 0, done.stderr
    made = swingfund(scratch_url, "django", "shell", "-c", MAKE_OLD_ROWS)
    assert made.returncode == 0, made.stderr
    # Sam Agent's authorisation has no spending under it and there are two groups: nothing is guessed
    stopped = swingfund(scratch_url, "django", "migrate", "--verbosity", "0")
    assert stopped.returncode != 0
    assert ("funding.AgentAuthorisation #2 (Sam Agent, candidacy #2) cannot be given to one group: no spending "
            "names a group and there is not exactly one") in stopped.stderr
    shown = swingfund(scratch_url, "django", "showmigrations", "funding")
    assert f"[X] {BEFORE}" in shown.stdout and "[ ] 0012_one_agent_authority" in shown.stdout  # rolled back
    assert swingfund(scratch_url, "django", "shell", "-c", DROP_SECOND_GROUP).returncode == 0
    upgraded = swingfund(scratch_url, "django", "migrate", "--verbosity", "0")
    assert upgraded.returncode == 0, upgraded.stderr
    read = swingfund(scratch_url, "django", "shell", "-c", READ_NEW_ROWS)
    assert read.returncode == 0, read.stderr
    found = json.loads(read.stdout.strip().splitlines()[-1])
    pat, sam = found["authorities"]
    assert (pat["group"], pat["candidate"], pat["agent"], pat["on"], pat["limit"], pat["by"]) == (
        "leeds-fair-vote", "Ann Candidate", "Pat Agent", "2024-06-11", 150_000, "treasurer")
    assert pat["document"].endswith("Where the signed letter is kept: letter in file 3\n")
    assert pat["name"] == "where-the-signed-letter-is-kept.txt" and pat["address"].startswith("(not recorded")
    assert (sam["group"], sam["agent"], sam["limit"]) == ("leeds-fair-vote", "Sam Agent", 90_000)  # the only group
    assert found["spend_authority"] == "Pat Agent"  # the spending made under it points at its new record
