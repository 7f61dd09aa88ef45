"""Several OS processes record gifts at once into one fresh database of the current schema (a SQLite file, or a new
PostgreSQL database when DATABASE_URL names one): the chain is not forked, positions stay contiguous, a payment
delivered by every process at the same moment is recorded once, and `swingfund ledger verify` passes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PROCESSES = 4
GIFTS_EACH = 25

WRITER = textwrap.dedent("""
    import datetime as dt, os, sys
    import django
    django.setup()
    from swingfund.funding import services
    from swingfund.funding.models import Campaign
    campaign = Campaign.objects.get(slug="race")
    me, count = sys.argv[1], int(sys.argv[2])
    now = dt.datetime(2024, 6, 1, 12, tzinfo=dt.UTC)
    for i in range(count):
        services.donation_record(campaign=campaign, donor=None, amount_pence=100 + i, method="card",
                                 external_id=f"{me}-{i}", received_at=now)
        services.donation_record(campaign=campaign, donor=None, amount_pence=5_000, method="card",
                                 external_id=f"shared-{i}", received_at=now)
""")

SETUP = textwrap.dedent("""
    import datetime as dt
    import django
    django.setup()
    from swingfund.funding import services
    services.campaign_create(organisation=None, slug="race", title="Race", description="d", purpose="p",
                             mode="pooled", goal_pence=100_000, starts_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
                             ends_at=dt.datetime(2024, 7, 4, tzinfo=dt.UTC))
""")

COUNT = textwrap.dedent("""
    import django
    django.setup()
    from swingfund.funding.models import Donation, LedgerTransaction
    ids = list(LedgerTransaction.objects.order_by("id").values_list("id", flat=True))
    print(Donation.objects.count(), len(ids), ids == list(range(1, len(ids) + 1)))
""")


def _env(url: str, home: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "SWINGFUND_HOME": home, "DJANGO_SETTINGS_MODULE": "swingfund.settings",
            "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}


def _python(code: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_concurrent_writers_cannot_fork_the_chain_or_double_count(migrated_scratch_url, tmp_path):
    env = _env(migrated_scratch_url, str(tmp_path))
    assert _python(SETUP, env=env).returncode == 0
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, f"p{n}", str(GIFTS_EACH)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for n in range(PROCESSES)]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
    donations, transactions, contiguous = _python(COUNT, env=env).stdout.split()
    assert int(donations) == PROCESSES * GIFTS_EACH + GIFTS_EACH  # each shared payment recorded once
    assert int(transactions) == int(donations) and contiguous == "True"
    verify = subprocess.run([sys.executable, "-m", "swingfund", "ledger", "verify"], env=env,
                            capture_output=True, text=True, timeout=300)
    assert verify.returncode == 0, verify.stderr
    assert f"Ledger OK: {transactions} transactions" in verify.stdout


