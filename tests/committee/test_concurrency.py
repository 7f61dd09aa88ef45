"""Members voting at the same moment cannot decide a proposal twice: each vote locks the proposal row.

Seven (threads) or five (processes) members, quorum 2, two approvals needed; the proposer does not vote, so the
second vote *for* decides and every later vote is refused as "already decided". On PostgreSQL the voters are
threads on the test database; on SQLite they are processes on a real WAL file database (pytest-django's SQLite
test database lives in memory and cannot be shared between connections).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from swingfund.committee import services
from swingfund.committee.models import Decision, Vote
from swingfund.committee.services import CommitteeError

ROOT = Path(__file__).resolve().parents[2]
DECIDED = services.ERROR_DECIDED


def _threads(world, grant) -> list[str]:
    voters = []
    for name in ("erin", "frank", "grace", "heidi"):
        user = get_user_model().objects.create_user(name, password="x-long-password-1")
        services.member_add(organisation=world.org, user=user)
        voters.append(user)
    barrier = threading.Barrier(len(voters))
    results: list[str] = []

    def cast(user):
        try:
            barrier.wait(timeout=10)
            services.vote_cast(proposal=grant, user=user, choice="for", proposal_hash=grant.content_hash)
            results.append("voted")
        except CommitteeError as error:
            results.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=cast, args=(u,)) for u in voters]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _processes(tmp_path: Path) -> tuple[list[str], int, sqlite3.Connection]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(SWINGFUND_HOME=str(tmp_path), PYTHONPATH=f"{ROOT / 'src'}{os.pathsep}{ROOT}")
    run = [sys.executable, "-m", "tests.committee.vote_worker"]
    setup = subprocess.run([*run, "setup"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert setup.returncode == 0, setup.stderr
    proposal_id = int(setup.stdout.strip().splitlines()[-1])
    go = tmp_path / "go"
    workers = [subprocess.Popen([*run, "vote", name, str(go)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for name in ("erin", "frank", "grace", "heidi")]
    time.sleep(3)  # let every worker start Django and wait at the line
    go.touch()
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1])["result"])
    return results, proposal_id, sqlite3.connect(tmp_path / "swingfund.sqlite3")


ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

if ON_POSTGRES:

    @pytest.mark.slow
    def test_simultaneous_votes_decide_exactly_once(transactional_db, world, grant, lift_triggers_at_teardown):
        results = _threads(world, grant)
        assert results.count("voted") == 2
        assert sorted(r for r in results if r != "voted") == [DECIDED.format(id=grant.pk, outcome="approved")] * 2
        assert Decision.objects.filter(proposal=grant).count() == 1
        assert Vote.objects.filter(proposal=grant).count() == 2
        assert Decision.objects.get(proposal=grant).tally["approvals_counted"] == 2

else:

    @pytest.mark.slow
    def test_simultaneous_votes_decide_exactly_once(tmp_path, migrated_sqlite_file):
        migrated_sqlite_file(tmp_path / "swingfund.sqlite3")  # the SWINGFUND_HOME of the voters' processes
        results, proposal_id, db = _processes(tmp_path)
        assert results.count("voted") == 2
        assert sorted(r for r in results if r != "voted") == [DECIDED.format(id=proposal_id, outcome="approved")] * 2
        with db:
            assert db.execute("SELECT COUNT(*) FROM committee_decision").fetchone() == (1,)
            assert db.execute("SELECT COUNT(*) FROM committee_vote").fetchone() == (2,)
            tally = json.loads(db.execute("SELECT tally FROM committee_decision").fetchone()[0])
            assert tally["approvals_counted"] == 2
