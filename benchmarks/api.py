"""Benchmark: API latency under a fixed offered load (open loop), against `swingfund serve`.

    python benchmarks/api.py                           # SQLite scratch database, 200 requests/s, 15 s per endpoint
    python benchmarks/api.py --database-url postgres://swingfund:swingfund@127.0.0.1:55432/postgres
    python benchmarks/api.py --rate 200 --seconds 30 --workers 2 --threads 8

A scratch database gets the demo (`swingfund demo --no-serve`: the official files, the demo organisation, its
committee and money); `swingfund serve` runs it (Granian, as in production) with the API's read throttle lifted
(`SWINGFUND_API_READ_RATE`, so the figures are the server's, not the limiter's). Each endpoint is then offered
`--rate` GET requests per second for `--seconds`, open loop (`swingfund.testing.openloop`: latency from each
request's scheduled time, so queueing counts). Endpoints:

* **floor** — the same generator against a fixed answer from a thread of this process (no Django): loopback and
  the generator's own cost;
* **baseline** — `/api/v1/organisations` (one tiny query): the server's own floor in this run;
* **targets** — `/api/v1/elections/parl.2024-07-04/targets?bloc=religion:muslim&top=100` (cached target table,
  re-sorted and serialised per request);
* **ledger** — `/api/v1/ledger` (the public ledger with its hash chain, built from the database per request).

Prints p50 / p95 / p99 / max, errors, the achieved rate, and each p95 as a multiple of the baseline's.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from swingfund.testing.loadtest import scratch_database  # noqa: E402
from swingfund.testing.openloop import floor_server, open_loop  # noqa: E402

console = Console()
ENDPOINTS = {
    "baseline": "/api/v1/organisations",
    "targets": "/api/v1/elections/parl.2024-07-04/targets?bloc=religion:muslim&top=100",
    "ledger": "/api/v1/ledger",
}


def env(database_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "swingfund.settings",
            "PYTHONPATH": str(ROOT / "src"), "SWINGFUND_API_READ_RATE": "1000000/s"}


@contextlib.contextmanager
def served(database_url: str, *, workers: int, threads: int):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "swingfund", "serve", f"127.0.0.1:{port}", "--workers",
                                str(workers), "--threads", str(threads)], env=env(database_url),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"swingfund serve exited with status {process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + ENDPOINTS["baseline"], timeout=5).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("swingfund serve did not answer within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        os.killpg(process.pid, 15)
        process.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="sqlite")
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    if not os.environ.get("SWINGFUND_DATA"):
        raise SystemExit("Set SWINGFUND_DATA to the folder of official files (the demo imports them).")
    kind = "postgresql" if args.database_url.startswith(("postgres://", "postgresql://")) else "sqlite"
    with scratch_database(kind, postgres_url=args.database_url) as database_url:
        with console.status("Importing the official files and the demo into a scratch database…"):
            done = subprocess.run([sys.executable, "-m", "swingfund", "demo", "--no-serve"], env=env(database_url),
                                  capture_output=True, text=True, check=False)
        if done.returncode:
            raise SystemExit(f"demo failed:\n{done.stderr[-3000:]}")
        with served(database_url, workers=args.workers, threads=args.threads) as url:
            for _ in range(args.workers * 4):  # every worker computes and caches the target table once
                httpx.get(url + ENDPOINTS["targets"], timeout=120)
            results = {}
            with floor_server() as floor, console.status("floor: the generator against a fixed answer…"):
                results["floor"] = open_loop(floor, rate=args.rate, duration=args.seconds)
            for name, path in ENDPOINTS.items():
                with console.status(f"{name}: {args.rate:g} requests/s for {args.seconds:g} s…"):
                    results[name] = open_loop(url + path, rate=args.rate, duration=args.seconds)
    table = Table(title=f"API latency at {args.rate:g} requests/s offered, open loop, {args.seconds:g} s each "
                        f"({kind}, {args.workers} workers × {args.threads} threads)")
    for col in ("endpoint", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors", "achieved/s", "p95 ÷ baseline"):
        table.add_column(col, justify="right")
    base = results["baseline"].percentile(95)
    for name, r in results.items():
        table.add_row(name, f"{r.percentile(50) * 1000:.1f}", f"{r.percentile(95) * 1000:.1f}",
                      f"{r.percentile(99) * 1000:.1f}", f"{r.latencies.max() * 1000 if r.latencies.size else 0:.1f}",
                      str(r.errors), f"{r.achieved_rate:.0f}", f"{r.percentile(95) / base:.1f}×")
    console.print(table)


if __name__ == "__main__":
    main()
