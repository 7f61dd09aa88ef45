"""Benchmark: the ledger's cost, against the database's raw single-row commit rate measured in the same run.

    python benchmarks/ledger.py                        # SQLite (WAL) in a scratch file
    python benchmarks/ledger.py --database-url postgres://swingfund:swingfund@127.0.0.1:5433/postgres
    python benchmarks/ledger.py --count 5000

In a fresh scratch database (a SQLite file, or a new PostgreSQL database next to the URL given), one process:

* **raw commit** — single-row INSERT + COMMIT through the bare driver, the database's own ceiling;
* **ledger post** — `ledger.transaction_post` of a two-entry transaction, each in its own database transaction:
  chain-head lock, SHA-256 over the canonical serialisation, entries then header, the balance and append-only
  triggers, the head update;
* **gift record** — `services.donation_record` of a card gift with a fee (idempotency check, permissibility
  threshold and splitting checks from the compliance figures, a four-entry transaction, the donation row);
* **gifts in batches** — `services.donations_record_many` of the same gifts, 200 to a database transaction, each
  with a new donor (what the webhook processor does with a burst of card payments);
* **verify** — `ledger.ledger_verify` over everything written: transactions re-hashed per second.

Prints each rate and its ratio to the raw commit rate.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks._common import raw_commit_rate  # noqa: E402
from swingfund.testing.loadtest import scratch_database  # noqa: E402

console = Console()


def scratch(database_url: str) -> contextlib.AbstractContextManager[str]:
    kind = "postgresql" if database_url.startswith(("postgres://", "postgresql://")) else "sqlite"
    return scratch_database(kind, postgres_url=database_url)


def timed(label: str, count: int, step) -> float:
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), console=console, transient=True) as bar:
        task = bar.add_task(label, total=count)
        start = time.perf_counter()
        for i in range(count):
            step(i)
            bar.advance(task)
        return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="A PostgreSQL URL (role with CREATEDB); default SQLite")
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args()
    with scratch(args.database_url) as url, tempfile.TemporaryDirectory() as home:
        os.environ.update(DATABASE_URL=url, SWINGFUND_HOME=home, DJANGO_SETTINGS_MODULE="swingfund.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from swingfund.funding import ledger, services
        from swingfund.funding.ledger import Line

        raw = raw_commit_rate(url, args.count)
        bank, fees = ledger.account_shared("bank"), ledger.account_shared("fees")
        post = timed("ledger post", args.count, lambda i: ledger.transaction_post(
            kind="bench", description=f"bench {i}", lines=[Line(fees, 100 + i), Line(bank, -100 - i)]))
        now = dt.datetime.now(dt.UTC)
        campaign = services.campaign_create(organisation=None, slug="bench", title="Bench", description="d",
                                            purpose="p", mode="pooled", goal_pence=10**9,
                                            starts_at=now - dt.timedelta(days=1), ends_at=now + dt.timedelta(days=1))
        gift = timed("gift record", args.count, lambda i: services.donation_record(
            campaign=campaign, donor=None, amount_pence=500 + i % 400, fee_pence=20, method="card",
            external_id=f"pi_{i}", received_at=now))
        batch = 200
        batches = [[services.GiftDetails(
            campaign=campaign, donor=services.DonorDetails(name=f"Giver {i}", email=f"giver{i}@example.org",
                                                           address=f"{i} Bench Street", postcode="N1 1AA"),
            amount_pence=500 + i % 400, fee_pence=20, method="card", external_id=f"pi_batch_{i}", received_at=now)
            for i in range(start, min(start + batch, args.count))] for start in range(0, args.count, batch)]
        batched = timed("gifts in batches", len(batches), lambda i: services.donations_record_many(batches[i]))
        batched *= args.count / len(batches)  # batches per second → gifts per second
        start = time.perf_counter()
        report = ledger.ledger_verify()
        verify = report.checked / (time.perf_counter() - start)
        assert report.ok, report.problem
    table = Table(title=f"Ledger on {'PostgreSQL' if url.startswith('postgres') else 'SQLite (WAL)'}, "
                        f"{args.count:,} of each")
    for column in ("measure", "per second", "ratio to raw commit"):
        table.add_column(column, justify="right" if column != "measure" else "left")
    for label, rate in (("raw single-row commit (baseline)", raw), ("ledger post (2 entries, chained)", post),
                        ("gift record (service, 4 entries)", gift),
                        ("gifts in batches of 200 (new donors)", batched),
                        ("verify (re-hash, per transaction)", verify)):
        table.add_row(label, f"{rate:,.0f}", f"{rate / raw:.2f}")
    console.print(table)
    console.print(f"Verified {report.checked:,} transactions: chain intact, every transaction balanced.")


if __name__ == "__main__":
    main()
