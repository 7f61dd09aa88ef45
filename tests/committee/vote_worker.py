"""A separate process for the concurrency test on SQLite (the test database there is in memory and cannot be
shared between connections, so the test uses a real WAL file database, as `swingfund` does by default).

    python -m tests.committee.vote_worker setup          → migrates, seeds, prints the proposal id
    python -m tests.committee.vote_worker vote USER GO   → waits for the file GO, votes for, prints the outcome
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

VOTERS = ("erin", "frank", "grace", "heidi")


def setup() -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from swingfund.committee import services
    from swingfund.elections.models import Candidacy, Constituency, DataSource, Election
    from swingfund.organisations.models import Organisation

    call_command("migrate", verbosity=0)
    source = DataSource.objects.create(key="worker", title="worker", publisher="tests", file_name="-",
                                       sha256="0" * 64, imported_at=timezone.now())
    election = Election.objects.create(id="parl.2099-05-07", name="Test", poll_date=dt.date(2099, 5, 7),
                                       boundary_set="pcon2024")
    seat = Constituency.objects.create(gss_code="E14999001", boundary_set="pcon2024", name="Testham North",
                                       nation="E", source=source)
    candidacy = Candidacy.objects.create(election=election, constituency=seat, person_name="A Candidate",
                                         source=source)
    org = Organisation.objects.create(name="Worker Group", slug="worker-group")
    users = [get_user_model().objects.create_user(n, password="x-long-password-1") for n in ("alice", *VOTERS)]
    for user in users:
        services.member_add(organisation=org, user=user)
    services.policy_set(organisation=org, quorum=2, approvals_required=2)
    proposal = services.proposal_create(organisation=org, kind="grant", election=election, constituency=seat,
                                        candidacy=candidacy, reason="We back A Candidate.", proposer=users[0])
    print(proposal.pk)


def vote(username: str, go: str) -> None:
    from django.contrib.auth import get_user_model

    from swingfund.committee import services
    from swingfund.committee.models import Proposal
    from swingfund.committee.services import CommitteeError

    user = get_user_model().objects.get(username=username)
    proposal = Proposal.objects.get()
    deadline = time.monotonic() + 30
    while not Path(go).exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    try:
        services.vote_cast(proposal=proposal, user=user, choice="for", proposal_hash=proposal.content_hash)
        print(json.dumps({"user": username, "result": "voted"}))
    except CommitteeError as error:
        print(json.dumps({"user": username, "result": str(error)}))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "swingfund.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # test users: no key stretching
    if sys.argv[1] == "setup":
        setup()
    else:
        vote(sys.argv[2], sys.argv[3])
