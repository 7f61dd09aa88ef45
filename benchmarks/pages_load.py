"""Benchmark: the public pages under load, against `swingfund serve` (Granian, as in production) on loopback.

    python benchmarks/pages_load.py                       # SQLite scratch file, demo data, 200 req/s for 5 s
    python benchmarks/pages_load.py --rate 200 --seconds 10 --database-url postgres://…/postgres

For each of home, /targets/, a seat page and the ledger (and /healthz, the no-work floor, as the baseline):

* **open loop at --rate req/s** — requests are sent on a fixed schedule (request i at start + i/rate) by a pool
  of sender threads far larger than needed; a slow answer does not slow the sender, and each latency is measured
  from the request's *scheduled* time, so queueing shows (no coordinated omission). p50/p95/p99 and errors.
* **sustained maximum** — closed loop: --clients connections each sending the next request as soon as the last
  answer arrives, for --seconds; answers per second.

Clients ask for gzip, as browsers do; the bytes on the wire of each page are printed too. Ratios are to /healthz
measured the same way in the same run. Each measurement is bounded in count and time and stops by itself.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
from swingfund.testing.loadtest import scratch_database  # noqa: E402

PAGES = {"healthz (floor)": "/healthz", "home": "/", "targets": "/targets/", "seat": "/seats/E14001300/",
         "ledger": "/funding/ledger/"}
START_TIMEOUT = 60.0


def _env(database_url: str, home: str) -> dict[str, str]:
    return dict(os.environ, SWINGFUND_HOME=home, PYTHONPATH=str(ROOT / "src"), DATABASE_URL=database_url)


def prepare(*, database_url: str, home: str) -> None:
    """The demo's data (official files → targeting → scorecards → committee → funding) in the scratch database."""
    subprocess.run([sys.executable, "-m", "swingfund", "demo", "--no-serve"], env=_env(database_url, home),
                   check=True, stdout=subprocess.DEVNULL)


@contextlib.contextmanager
def served(*, database_url: str, home: str, workers: int, threads: int) -> Iterator[str]:
    """`swingfund serve` on a free loopback port, in its own process group; stopped on exit."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "swingfund", "serve", f"127.0.0.1:{port}", "--workers", str(workers),
         "--threads", str(threads)], env=_env(database_url, home), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"swingfund serve exited with status {process.returncode}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("swingfund serve did not answer /healthz")
            time.sleep(0.1)
        yield url
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


_local = threading.local()


def _get(url: str) -> tuple[int, int]:
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
        session.headers["Accept-Encoding"] = "gzip"
    response = session.get(url, timeout=30, stream=True)
    body = response.raw.read(decode_content=False)  # the bytes on the wire
    return response.status_code, len(body)


@dataclass
class OpenLoop:
    sent: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    achieved: float
    wire_bytes: int


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def open_loop(url: str, *, rate: float, seconds: float, senders: int = 64) -> OpenLoop:
    """`rate` requests per second for `seconds`, on schedule; latency from each request's scheduled time."""
    count = int(rate * seconds)
    latencies: list[float] = []
    errors, sizes = [0], [0]
    lock = threading.Lock()
    start = time.perf_counter() + 0.2

    def one(i: int) -> None:
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        try:
            status, size = _get(url)
        except requests.RequestException:
            status, size = 0, 0
        done = time.perf_counter()
        with lock:
            latencies.append((done - scheduled) * 1000)
            if status != 200:
                errors[0] += 1
            sizes[0] = size or sizes[0]

    with ThreadPoolExecutor(max_workers=senders) as pool:
        list(pool.map(one, range(count)))
    elapsed = time.perf_counter() - start
    return OpenLoop(sent=count, errors=errors[0], p50_ms=_percentile(latencies, 0.50),
                    p95_ms=_percentile(latencies, 0.95), p99_ms=_percentile(latencies, 0.99),
                    achieved=count / elapsed, wire_bytes=sizes[0])


def sustained_max(url: str, *, clients: int, seconds: float) -> float:
    """Closed loop: `clients` connections back to back for `seconds`; successful answers per second."""
    stop = time.perf_counter() + seconds
    counts = [0] * clients

    def client(k: int) -> None:
        while time.perf_counter() < stop:
            with contextlib.suppress(requests.RequestException):
                if _get(url)[0] == 200:
                    counts[k] += 1

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - began)


def measure(url: str, *, rate: float, seconds: float, clients: int) -> dict[str, tuple[OpenLoop, float]]:
    out = {}
    for name, path in PAGES.items():
        with ThreadPoolExecutor(max_workers=32) as pool:  # warm every worker process: its first render fills
            list(pool.map(lambda _: _get(url + path), range(64)))  # its page cache and targeting cache
        time.sleep(1.0)  # let the previous page's closed loop drain before the schedule starts
        schedule = open_loop(url + path, rate=rate, seconds=seconds)
        out[name] = (schedule, sustained_max(url + path, clients=clients, seconds=seconds))
    return out


def report(results: dict[str, tuple[OpenLoop, float]], *, rate: float, console: Console) -> None:
    floor = results["healthz (floor)"][1]
    table = Table(title=f"Public pages, open loop at {rate:g} req/s offered (latency from the scheduled send)")
    for column in ("page", "on the wire", "achieved req/s", "p50 ms", "p95 ms", "p99 ms", "errors",
                   "sustained max req/s", "max ÷ healthz"):
        table.add_column(column, justify="right")
    for name, (ol, peak) in results.items():
        wire = f"{ol.wire_bytes} B" if ol.wire_bytes < 1000 else f"{ol.wire_bytes / 1000:.1f} KB"
        table.add_row(name, wire, f"{ol.achieved:.0f}", f"{ol.p50_ms:.1f}",
                      f"{ol.p95_ms:.1f}", f"{ol.p99_ms:.1f}", str(ol.errors), f"{peak:.0f}", f"{peak / floor:.2f}")
    console.print(table)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="", help="PostgreSQL server URL (a scratch database is made "
                                                          "next to it); default: a SQLite scratch file")
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    console = Console(width=140)
    kind = "postgres" if args.database_url.startswith("postgres") else "sqlite"
    with scratch_database(kind, postgres_url=args.database_url) as url, \
            tempfile.TemporaryDirectory(prefix="swingfund-pages-") as home:
        console.print(f"Preparing the demo data in a scratch {kind} database …")
        prepare(database_url=url, home=home)
        with served(database_url=url, home=home, workers=args.workers, threads=args.threads) as base:
            console.print(f"Serving at {base} ({args.workers} worker(s) × {args.threads} threads)")
            results = measure(base, rate=args.rate, seconds=args.seconds, clients=args.clients)
    report(results, rate=args.rate, console=console)


if __name__ == "__main__":
    main()
