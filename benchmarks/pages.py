"""Benchmark: public pages served as in production (``swingfund serve``: Granian) on loopback.

    python benchmarks/pages.py                         # imports the demo data into a scratch home first (~20 s)
    python benchmarks/pages.py --home ~/.local/share/swingfund --seconds 20 --clients 16

Scenarios (each prints its figures; `SCENARIOS` below is the registry — add a scenario function there):

* **health under load** (issue 10) — the health check's latency while ``--clients`` clients hammer the heaviest
  public page (`HEAVIEST_PAGE`, the default target table: every seat, a Monte Carlo run and a hex map of 650 seats),
  against its latency on the idle server measured in the same run. The goal: p95 under `GOAL_HEALTH_P95_MS` ms.
  The hammering clients run in their own process, so their work does not slow the prober's measurements; the
  prober asks for ``/healthz`` every `PROBE_INTERVAL` seconds, one request at a time.
* **cold start** — the same hammering with the shared cache emptied first: the first clients wait for one computation
  (compute slots, single flight), everyone after is served from the cache; the health check meanwhile.

Everything shares this machine's cores (server, clients, prober), so the figures are a lower bound.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
HEAVIEST_PAGE = "/targets/"  # the default analysis: 650 seats × 100,000 draws, two SVG charts
HEALTH = "/healthz"
GOAL_HEALTH_P95_MS = 100.0
PROBE_INTERVAL = 0.02
SERVER_START_TIMEOUT = 60
console = Console(width=max(Console().width, 120))


# --- the server --------------------------------------------------------------------------------------------------


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, "SWINGFUND_HOME": str(home), "PYTHONPATH": str(ROOT / "src")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def demo_home() -> Path:
    """A scratch data home with the demo imported (`swingfund demo --no-serve`)."""
    home = Path(tempfile.mkdtemp(prefix="swingfund-bench-pages-"))
    console.print(f"importing the demo data into {home} …")
    subprocess.run([sys.executable, "-m", "swingfund", "demo", "--no-serve"], env=_env(home), check=True,
                   stdout=subprocess.DEVNULL)
    return home


@contextlib.contextmanager
def served(home: Path, *, workers: int, threads: int) -> Iterator[tuple[str, int]]:
    """`swingfund serve` on a free loopback port; yields (host, port); stops it (its whole process group)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "swingfund", "serve", f"127.0.0.1:{port}", "--workers", str(workers),
         "--threads", str(threads)], env=_env(home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"swingfund serve exited with status {process.returncode}")
            with contextlib.suppress(OSError):
                status, _ = get("127.0.0.1", port, HEALTH)
                if status == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("swingfund serve did not start answering")
            time.sleep(0.1)
        yield "127.0.0.1", port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 15)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


def get(host: str, port: int, path: str, *, conn: http.client.HTTPConnection | None = None,
        timeout: float = 120) -> tuple[int, int]:
    """One GET; (status, body bytes). Reuses `conn` (keep-alive) when given."""
    own = conn is None
    conn = conn or http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, len(response.read())
    finally:
        if own:
            conn.close()


# --- load and measurement ----------------------------------------------------------------------------------------


def _hammer_client(host: str, port: int, path: str, stop_at: float, results: list) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=120)
    while time.monotonic() < stop_at:
        start = time.perf_counter()
        try:
            status, size = get(host, port, path, conn=conn)
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=120)
            status, size = -1, 0
        results.append((status, size, time.perf_counter() - start))
    conn.close()


def _hammer_process(host: str, port: int, path: str, clients: int, seconds: float, queue) -> None:
    stop_at = time.monotonic() + seconds
    results: list = []
    threads = [threading.Thread(target=_hammer_client, args=(host, port, path, stop_at, results))
               for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put(results)


@dataclass
class Latencies:
    seconds: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)

    def pct(self, q: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] * 1000 if ordered else float("nan")

    @property
    def count(self) -> int:
        return len(self.seconds)


def probe(host: str, port: int, *, seconds: float, interval: float = PROBE_INTERVAL) -> Latencies:
    """GET /healthz one at a time, a fresh connection each (as a load balancer does), for `seconds`."""
    out = Latencies()
    stop_at = time.monotonic() + seconds
    while time.monotonic() < stop_at:
        start = time.perf_counter()
        try:
            status, _ = get(host, port, HEALTH, timeout=30)
        except (OSError, http.client.HTTPException):
            status = -1
        out.seconds.append(time.perf_counter() - start)
        out.statuses[status] += 1
        time.sleep(interval)
    return out


def under_load(host: str, port: int, *, path: str, clients: int, seconds: float) -> tuple[Latencies, Latencies]:
    """Hammer `path` with `clients` keep-alive clients (in a separate process) while probing /healthz here."""
    queue = multiprocessing.get_context("spawn").Queue()
    hammer = multiprocessing.get_context("spawn").Process(
        target=_hammer_process, args=(host, port, path, clients, seconds, queue))
    hammer.start()
    time.sleep(min(1.0, seconds / 10))  # let the clients get going
    health = probe(host, port, seconds=seconds - 2 * min(1.0, seconds / 10))
    page = Latencies()
    for status, _size, elapsed in queue.get(timeout=seconds + 300):
        page.seconds.append(elapsed)
        page.statuses[status] += 1
    hammer.join()
    return health, page


def cache_clear(home: Path) -> None:
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'swingfund.settings'; django.setup(); "
            "from django.core.cache import cache; cache.clear()")
    subprocess.run([sys.executable, "-c", code], env=_env(home), check=True)


# --- scenarios ---------------------------------------------------------------------------------------------------


def _report(title: str, idle: Latencies, health: Latencies, page: Latencies, seconds: float) -> bool:
    table = Table(title=title)
    for column in ("measure", "requests", "p50 ms", "p95 ms", "p99 ms", "max ms", "statuses"):
        table.add_column(column, justify="right" if column != "measure" else "left")

    def row(name: str, lat: Latencies) -> None:
        table.add_row(name, str(lat.count), f"{lat.pct(50):.1f}", f"{lat.pct(95):.1f}", f"{lat.pct(99):.1f}",
                      f"{max(lat.seconds, default=0) * 1000:.1f}", ", ".join(f"{k}×{v}" for k, v in
                                                                        sorted(lat.statuses.items())))

    row("/healthz, idle server (baseline)", idle)
    row("/healthz, under load", health)
    row(f"{HEAVIEST_PAGE} (the load)", page)
    console.print(table)
    ok = health.pct(95) < GOAL_HEALTH_P95_MS and set(health.statuses) == {200}
    console.print(f"heaviest page: {page.count / seconds:.1f} pages/s; /healthz p95 under load "
                  f"{health.pct(95):.1f} ms = {health.pct(95) / max(idle.pct(95), 1e-9):.1f}× idle; goal < "
                  f"{GOAL_HEALTH_P95_MS:.0f} ms: {'[green]met[/]' if ok else '[red]NOT met[/]'}")
    return ok


def health_under_load(home: Path, args: argparse.Namespace) -> bool:
    with served(home, workers=args.workers, threads=args.threads) as (host, port):
        status, size = get(host, port, HEAVIEST_PAGE)  # the defaults: computed once, then from the cache
        console.print(f"{HEAVIEST_PAGE}: {status}, {size / 1024:.0f} KiB")
        idle = probe(host, port, seconds=min(5.0, args.seconds / 2))
        health, page = under_load(host, port, path=HEAVIEST_PAGE, clients=args.clients, seconds=args.seconds)
    return _report(f"health under load: {args.clients} clients on {HEAVIEST_PAGE}, {args.seconds:.0f} s, "
                   f"serve --workers {args.workers} --threads {args.threads}", idle, health, page, args.seconds)


def cold_start(home: Path, args: argparse.Namespace) -> bool:
    cache_clear(home)
    with served(home, workers=args.workers, threads=args.threads) as (host, port):
        idle = probe(host, port, seconds=min(5.0, args.seconds / 2))
        health, page = under_load(host, port, path=HEAVIEST_PAGE, clients=args.clients, seconds=args.seconds)
    return _report(f"cold start: the cache emptied, then {args.clients} clients on {HEAVIEST_PAGE}", idle, health,
                   page, args.seconds)


SCENARIOS: dict[str, Callable[[Path, argparse.Namespace], bool]] = {
    "health": health_under_load,
    "cold": cold_start,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, help="a SWINGFUND_HOME with data imported (default: a scratch demo)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), action="append",
                        help="run only these (default: all)")
    args = parser.parse_args(argv)
    home = args.home or demo_home()
    try:
        results = {name: SCENARIOS[name](home, args) for name in (args.scenario or list(SCENARIOS))}
    finally:
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
