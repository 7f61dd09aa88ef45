"""Benchmark: signed Stripe webhook events per second, end to end, on SQLite (WAL) and PostgreSQL, against the raw
single-row commit rate of the same database measured in the same run.

    python benchmarks/donations.py                                   # SQLite only
    python benchmarks/donations.py --database-url postgres://swingfund:swingfund@127.0.0.1:5433/postgres
    python benchmarks/donations.py --events 6000 --sender python

For each database, in a fresh scratch database:

* **baseline** — N single-row ``INSERT`` + ``COMMIT`` through the bare driver (sqlite3 with swingfund's pragmas:
  WAL, synchronous=FULL; psycopg with PostgreSQL's defaults, synchronous_commit=on), one connection, in a loop;
* **webhook** — swingfund served as in production (``swingfund serve``: Granian, worker processes × threads) in its
  own process on 127.0.0.1, the Stripe stand-in answering its fee look-ups, and N ``checkout.session.completed``
  events, signed as Stripe signs them, sent by wrk (a C load generator, `wrk_deliver.lua`: each event until it is
  acknowledged; Python threads when wrk is not installed). Two rates: **acknowledged** (every
  delivery answered 200: the event is verified and durably stored, grouped with the deliveries arriving at the same
  moment) and **applied** (every gift recorded in the ledger with its fee, by `swingfund worker`);
* **ceiling** — the same deliveries with a wrong signature: read, verified, refused with 400 (and logged, as a
  forged delivery is), no database touched: what the server and sender manage before any storing;
* **check** — events lost (paid but not recorded) and double-counted (recorded twice), and ``swingfund ledger
  verify`` on the result.

Everything shares this machine's cores: the server, and also the sender and the stand-in, which play Stripe's part
(in production they run on Stripe's machines), so the figures are a lower bound for a one-box deployment.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import raw_commit_rate  # noqa: E402
from swingfund.testing import loadtest  # noqa: E402
from swingfund.testing.stripe_standin import StandIn  # noqa: E402

CAMPAIGN = "benchmark"
GOAL_EVENTS_PER_SECOND = 500
GOAL_RATIO_OF_RAW = 0.5
console = Console(width=max(Console().width, 150))


def run_one(kind: str, args: argparse.Namespace) -> dict:
    with StandIn() as standin, loadtest.scratch_database(kind, postgres_url=args.database_url) as url:
        console.print(f"[bold]{kind}[/]: preparing a scratch database and {args.events:,} paid Checkout Sessions…")
        loadtest.database_prepare(database_url=url, campaign=CAMPAIGN)
        raw = raw_commit_rate(url, args.raw_rows)
        events = loadtest.paid_events(standin, campaign=CAMPAIGN, count=args.events, amount=lambda i: 500 + i % 20000)
        signed = loadtest.sign_all(standin, events)  # signing is the sender's work: outside the timing
        expected_pence = sum(500 + i % 20000 for i in range(args.events))
        server = loadtest.AppServer(database_url=url, standin=standin, threads=args.server_threads,
                                    processes=args.processes)
        with server, Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                              TimeElapsedColumn(), console=console) as progress:
            task = progress.add_task(f"{kind}: delivering", total=args.events)
            lock = threading.Lock()

            def advance(_: int, __: int | None) -> None:
                with lock:
                    progress.advance(task)

            start = time.perf_counter()
            if args.sender == "wrk":
                not_acked = fire_wrk(server, signed, args, url, progress=lambda n: progress.update(task, completed=n))
            else:
                statuses = loadtest.fire(server.webhook_url, signed, threads=args.client_threads, on_result=advance)
                not_acked = sum(1 for s in statuses if s != 200)
            acked_at = time.perf_counter() - start
            applying = progress.add_task(f"{kind}: applying", total=args.events)
            while (pending := loadtest.pending_count(database_url=url)) > 0:
                progress.update(applying, completed=args.events - pending)
                if time.perf_counter() - start > args.timeout:
                    raise TimeoutError(f"{pending} events still pending after {args.timeout} s")
                time.sleep(0.2)
            progress.update(applying, completed=args.events)
            applied_at = time.perf_counter() - start
            ceiling = no_database_ceiling(server, signed, args)
        counts = loadtest.database_counts(database_url=url, campaign=CAMPAIGN)
        verify = loadtest.ledger_verify(database_url=url)
        listed = sum(1 for r in standin.requests if r.get("path", "").startswith("/v1/charges"))
        console.print(f"{kind}: the worker asked the stand-in {listed} charges page(s) and "
                      f"{len(standin.requests) - listed} other request(s) for fees")
    return {
        "kind": kind, "raw": raw, "ceiling": ceiling, "acked": args.events / acked_at,
        "applied": args.events / applied_at,
        "not_acked": not_acked, "lost": args.events - counts["distinct_payments"],
        "double": counts["gifts"] - counts["distinct_payments"] + counts["payments_repeated"],
        "pence_ok": counts["gift_pence"] == expected_pence, "verify": verify.returncode == 0,
        "verify_text": (verify.stdout or verify.stderr).strip().splitlines()[-1:],
    }


def fire_wrk(server: loadtest.AppServer, signed: list, args: argparse.Namespace, database_url: str,
             progress) -> int:
    """Deliver every event once with wrk (a C load generator, `benchmarks/wrk_deliver.lua`), so that the sender
    takes next to no CPU from the server; returns until every event is stored (acknowledged), and how many
    deliveries were not answered 200."""
    with tempfile.TemporaryDirectory(prefix="swingfund-wrk-") as folder:
        lines = Path(folder) / "deliveries.tsv"
        lines.write_text("".join(f"{s.signature}\t{s.body.decode()}\n" for s in signed))
        threads = min(args.wrk_threads, args.client_threads)
        wrk = subprocess.Popen(
            ["wrk", "-t", str(threads), "-c", str(args.client_threads), "-d", f"{int(args.timeout)}s", "--timeout",
             "30s", "-s", str(Path(__file__).with_name("wrk_deliver.lua")), server.url, "--", str(lines),
             str(threads), loadtest.WEBHOOK_PATH, "/healthz"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            with loadtest.counter(database_url) as count:
                while (stored := count(loadtest.STORED_SQL)) < len(signed):
                    progress(stored)
                    if wrk.poll() is not None:
                        raise RuntimeError(f"wrk stopped early: {wrk.stdout.read()[-2000:]}")
                    time.sleep(0.05)
            progress(len(signed))
        finally:
            wrk.send_signal(signal.SIGINT)
            output = wrk.communicate(timeout=60)[0]
    answered = re.search(r"deliveries answered (\d+), not 200 (\d+), resent (\d+)", output)
    if answered is None:
        raise RuntimeError(f"wrk did not report its deliveries:\n{output[-2000:]}")
    return int(answered.group(2))


def no_database_ceiling(server: loadtest.AppServer, signed: list, args: argparse.Namespace) -> float:
    """Deliveries per second the same server and sender manage when every delivery is refused at the signature
    check (a real event body, a wrong signature: read, verified, answered 400 and logged, no database touched):
    a yardstick for what the server and sender cost before any storing. Measured after the burst, so the
    worker may still be applying events beside it."""
    forged = [loadtest.Signed(s.event_id, s.body, f"t={int(time.time())},v1={'0' * 64}") for s in signed]
    if args.sender == "wrk":
        with tempfile.TemporaryDirectory(prefix="swingfund-wrk-") as folder:
            script = Path(folder) / "forged.lua"
            script.write_text(f'wrk.method = "POST"\nwrk.body = [==[{forged[0].body.decode()}]==]\n'
                              f'wrk.headers["Content-Type"] = "application/json; charset=utf-8"\n'
                              f'wrk.headers["Stripe-Signature"] = "{forged[0].signature}"\n')
            done = subprocess.run(["wrk", "-t", str(min(args.wrk_threads, args.client_threads)), "-c",
                                   str(args.client_threads), "-d", "5s", "-s", str(script), server.webhook_url],
                                  capture_output=True, text=True, timeout=60, check=False)
        found = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
        return float(found.group(1)) if found else float("nan")
    start = time.perf_counter()
    statuses = loadtest.fire(server.webhook_url, forged, threads=args.client_threads)
    assert set(statuses) == {400}, f"forged deliveries must be refused, got {set(statuses)}"
    return len(forged) / (time.perf_counter() - start)


def report(results: list[dict], args: argparse.Namespace) -> None:
    table = Table(title=f"Signed webhook events, {args.events:,} per database "
                        f"({args.client_threads} concurrent deliveries from {args.sender} → "
                        f"{args.processes} server process(es) × "
                        f"{args.server_threads} threads, one `swingfund worker`, {os.cpu_count()} CPUs)")
    for column in ("database", "raw commits/s", "refused-at-signature/s", "acknowledged/s", "ack ÷ raw", "applied/s",
                   "applied ÷ raw", "not 2xx", "lost", "double", "£ total", "ledger verify"):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(r["kind"], f"{r['raw']:,.0f}", f"{r['ceiling']:,.0f}", f"{r['acked']:,.0f}",
                      f"{r['acked'] / r['raw']:.3f}",
                      f"{r['applied']:,.0f}", f"{r['applied'] / r['raw']:.3f}", str(r["not_acked"]), str(r["lost"]),
                      str(r["double"]), "ok" if r["pence_ok"] else "WRONG", "ok" if r["verify"] else "FAILED")
    console.print(table)
    for r in results:
        goals = [f"≥ {GOAL_EVENTS_PER_SECOND} events/s acknowledged: "
                 f"{'met' if r['acked'] >= GOAL_EVENTS_PER_SECOND else 'NOT met'}",
                 f"acknowledged ≥ {GOAL_RATIO_OF_RAW:.0%} of raw commit rate: "
                 f"{'met' if r['acked'] >= GOAL_RATIO_OF_RAW * r['raw'] else 'NOT met'} "
                 f"({r['acked'] / r['raw']:.0%}; the refused-at-signature yardstick is {r['ceiling'] / r['raw']:.0%})",
                 f"≥ {GOAL_EVENTS_PER_SECOND} events/s applied to the ledger: "
                 f"{'met' if r['applied'] >= GOAL_EVENTS_PER_SECOND else 'NOT met'}",
                 f"applied ≥ {GOAL_RATIO_OF_RAW:.0%} of raw commit rate: "
                 f"{'met' if r['applied'] >= GOAL_RATIO_OF_RAW * r['raw'] else 'NOT met'} "
                 f"({r['applied'] / r['raw']:.0%}: a payment is one gift, a donor and a balanced ledger "
                 f"transaction, several rows, against one row per raw commit)",
                 f"0 lost / 0 double: {'met' if r['lost'] == r['double'] == 0 else 'NOT met'}"]
        console.print(f"{r['kind']}: " + "; ".join(goals) + f". Ledger: {' '.join(r['verify_text'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--raw-rows", type=int, default=5000)
    parser.add_argument("--database-url", default=os.environ.get("SWINGFUND_BENCH_POSTGRES", ""),
                        help="a PostgreSQL URL whose server can host a scratch database (role needs CREATEDB)")
    parser.add_argument("--client-threads", type=int, default=32, help="concurrent deliveries (connections)")
    parser.add_argument("--sender", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python",
                        help="wrk (Debian package `wrk`; default when installed) or Python threads")
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--server-threads", type=int, default=32)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="run one database only")
    args = parser.parse_args()
    kinds = ["sqlite"] + (["postgres"] if args.database_url else [])
    if args.only:
        if args.only not in kinds:
            parser.error("--only postgres needs --database-url (or SWINGFUND_BENCH_POSTGRES)")
        kinds = [args.only]
    results = [run_one(kind, args) for kind in kinds]
    report(results, args)
    if any(r["lost"] or r["double"] or not r["verify"] for r in results):
        sys.exit(1)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
