"""Driving the webhook end to end, as Stripe would: a real server process on its own database, signed events fired
from many threads, retries of every delivery that was not acknowledged, and the counts that prove no gift was lost
or counted twice. Used by ``benchmarks/donations.py`` and the crash test.

Database-side steps run in a child process with ``DATABASE_URL`` set, so the caller's own Django set-up (a test
database, say) is never touched:

    python -m swingfund.testing.loadtest prepare --campaign SLUG     # migrate + open a campaign
    python -m swingfund.testing.loadtest counts --campaign SLUG      # JSON: events, gifts, duplicates

A scratch database can start empty (a first run migrates it) or as a copy of a migrated template
(``template_database``: built once by the product's own ``swingfund db migrate``, then copied in a moment).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from swingfund.testing.stripe_standin import StandIn

WEBHOOK_PATH = "/payments/stripe/webhook/"
SERVER_START_TIMEOUT = 120
WORKER_INTERVAL = 0.1  # seconds between the worker's polls when idle


def _env(database_url: str, standin: StandIn | None = None) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "swingfund.settings"}
    if standin is not None:
        env.update(STRIPE_SECRET_KEY=standin.api_key, STRIPE_WEBHOOK_SECRET=standin.webhook_secret,
                   STRIPE_API_BASE=standin.url)
    return env


def _run(args: Sequence[str], database_url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], env=_env(database_url), capture_output=True, text=True,
                          timeout=600, check=False)


def database_prepare(*, database_url: str, campaign: str) -> None:
    done = _run(["-m", "swingfund.testing.loadtest", "prepare", "--campaign", campaign], database_url)
    if done.returncode:
        raise RuntimeError(f"preparing {database_url} failed:\n{done.stderr[-3000:]}")


def database_counts(*, database_url: str, campaign: str) -> dict[str, int]:
    done = _run(["-m", "swingfund.testing.loadtest", "counts", "--campaign", campaign], database_url)
    if done.returncode:
        raise RuntimeError(f"counting in {database_url} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


STORED_SQL = "SELECT count(*) FROM payments_stripeevent"  # events stored (acknowledged or about to be)
PENDING_SQL = STORED_SQL + " WHERE status = 'pending'"  # stored, not yet applied


def pending_count(*, database_url: str) -> int:
    """Events stored but not yet applied, read with the bare driver (cheap enough to poll)."""
    return _count(database_url, PENDING_SQL)


@contextlib.contextmanager
def counter(database_url: str) -> Iterator[Callable[[str], int]]:
    """One bare-driver connection for polling counts in a loop (`count(sql)`), closed afterwards."""
    if database_url.startswith("sqlite:"):
        import sqlite3

        with contextlib.closing(sqlite3.connect(urlsplit(database_url).path, timeout=30)) as conn:
            yield lambda sql: conn.execute(sql).fetchone()[0]
        return
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        yield lambda sql: conn.execute(sql).fetchone()[0]


def _count(database_url: str, sql: str) -> int:
    with counter(database_url) as count:
        return count(sql)


def wait_until_applied(*, database_url: str, timeout: float, poll: float = 0.25) -> float:
    """Seconds until no event is pending; raises TimeoutError after ``timeout``."""
    start = time.perf_counter()
    while pending_count(database_url=database_url):
        if time.perf_counter() - start > timeout:
            raise TimeoutError(f"events still pending after {timeout:.0f} s")
        time.sleep(poll)
    return time.perf_counter() - start


def ledger_verify(*, database_url: str) -> subprocess.CompletedProcess:
    """``swingfund ledger verify`` on that database (exit status 0 when the chain and balances hold)."""
    return _run(["-m", "swingfund", "ledger", "verify"], database_url)


def database_migrate(database_url: str) -> None:
    """``swingfund db migrate`` on that database, in its own process: the schema a first ``swingfund …`` makes (as
    the owner's role, the application's role then granted, when DATABASE_OWNER_URL is set; see dbroles.py)."""
    env = _env(database_url)
    if database_url.startswith("sqlite:"):
        env.pop("DATABASE_OWNER_URL", None)  # a PostgreSQL owner has no say over a SQLite file
    done = subprocess.run([sys.executable, "-m", "swingfund", "db", "migrate"], env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    if done.returncode:
        raise RuntimeError(f"migrating {database_url} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")


def migrations_fingerprint() -> str:
    """SHA-256 over every installed app's migration files (this process's Django set-up): a migrated template is
    only ever copied for the migrations it was built from."""
    from django.apps import apps

    digest = hashlib.sha256()
    for app in sorted(apps.get_app_configs(), key=lambda a: a.label):
        for path in sorted((Path(app.path) / "migrations").glob("*.py")):
            digest.update(f"{app.label}/{path.name}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def postgres_admin_url(postgres_url: str) -> str:
    """The same server's maintenance database (it always exists), for CREATE and DROP DATABASE."""
    return urlsplit(postgres_url)._replace(path="/postgres").geturl()


def template_database(kind: str, *, folder: Path, postgres_url: str = "", name: str = "") -> str:
    """A migrated database to copy scratch databases from (``scratch_database(..., template=...)``), migrated by the
    product itself (``database_migrate``). SQLite: the file ``folder/swingfund.sqlite3`` (its WAL folded in, made
    read-only), whose path is returned. PostgreSQL: the database ``name`` (created next to ``postgres_url``, then
    marked a template that accepts no connections, so a copy never finds a session on it), whose name is returned.
    A failed build leaves nothing behind and raises. ``template_drop`` removes it."""
    if kind == "sqlite":
        folder.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix="building-", dir=folder))
        try:
            database_migrate(f"sqlite:///{building / 'swingfund.sqlite3'}")
            with contextlib.closing(sqlite3.connect(building / "swingfund.sqlite3")) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file
            if any(building.glob("swingfund.sqlite3-*")):
                raise RuntimeError(f"the template {building / 'swingfund.sqlite3'} kept a -wal or -shm file")
            (building / "swingfund.sqlite3").chmod(0o400)
            return str((building / "swingfund.sqlite3").rename(folder / "swingfund.sqlite3"))
        finally:
            shutil.rmtree(building, ignore_errors=True)
    import psycopg

    if not name:
        raise ValueError("a PostgreSQL template needs a name")
    with psycopg.connect(postgres_admin_url(postgres_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        database_migrate(urlsplit(postgres_url)._replace(path=f"/{name}").geturl())
        with psycopg.connect(postgres_admin_url(postgres_url), autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false')
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
    except BaseException:
        template_drop("postgres", name, postgres_url=postgres_url)
        raise
    return name


def template_drop(kind: str, template: str, *, postgres_url: str = "") -> None:
    """Remove a template made by ``template_database`` (a PostgreSQL one even while a session is still on it)."""
    if kind == "sqlite":
        Path(template).unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(postgres_admin_url(postgres_url), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone():
            conn.execute(f'ALTER DATABASE "{template}" WITH IS_TEMPLATE false')
            conn.execute(f'DROP DATABASE "{template}" WITH (FORCE)')


def sqlite_copy(template: str | Path, destination: str | Path) -> Path:
    """A copy of a SQLite template at ``destination`` (a new file, readable by its owner only, as the product makes
    its database file)."""
    destination = Path(destination)
    with Path(template).open("rb") as source, os.fdopen(
            os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as copy:
        shutil.copyfileobj(source, copy)
    return destination


@contextlib.contextmanager
def scratch_database(kind: str, *, postgres_url: str = "", template: str = "") -> Iterator[str]:
    """A new database for one run: a SQLite file in a temporary folder, or a PostgreSQL database created next to
    ``postgres_url`` (the role needs CREATEDB) and dropped afterwards. Empty, or a copy of ``template`` (made by
    ``template_database``)."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="swingfund-load-") as folder:
            if template:
                sqlite_copy(template, Path(folder) / "load.sqlite3")
            yield f"sqlite:///{Path(folder) / 'load.sqlite3'}"
        return
    import psycopg

    name = f"swingfund_scratch_{uuid.uuid4().hex[:10]}"
    admin = postgres_admin_url(postgres_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield urlsplit(postgres_url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class AppServer:
    """swingfund served as it is in production (``swingfund serve``: Granian, worker processes × threads) on a free
    port, with ``swingfund worker`` beside it applying the stored events (unless ``worker=False``), each in its own
    process group (so SIGKILL takes all of it), with Stripe settings pointing at the stand-in."""

    def __init__(self, *, database_url: str, standin: StandIn, threads: int = 8, processes: int = 1,
                 worker: bool = True, worker_interval: float = WORKER_INTERVAL):
        self.database_url, self.standin, self.threads, self.processes = database_url, standin, threads, processes
        self.with_worker, self.worker_interval = worker, worker_interval
        self.process: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> str:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = ""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "swingfund", "serve", f"127.0.0.1:{port}", "--workers", str(self.processes),
             "--threads", str(self.threads)],
            env=_env(self.database_url, self.standin), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not self.url:
            if self.process.poll() is not None:
                raise RuntimeError(f"swingfund serve exited with status {self.process.returncode}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError("swingfund serve did not start listening")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                self.url = f"http://127.0.0.1:{port}"
            time.sleep(0.05)
        if self.with_worker:  # started once the server listens: the schema is up to date by then
            self.worker_start()
        return self.url

    def worker_start(self) -> None:
        """Start ``swingfund worker`` (the one queue: it applies the events the web process stores)."""
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "swingfund", "worker", "--interval", str(self.worker_interval)],
            env=_env(self.database_url, self.standin), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    @property
    def webhook_url(self) -> str:
        return self.url + WEBHOOK_PATH

    def kill(self) -> None:
        """SIGKILL the whole server (every pre-forked process, and the worker): no clean shutdown, no last commit."""
        for process in (self.process, self.worker):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def stop(self) -> None:
        for process in (self.process, self.worker):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()

    def __enter__(self) -> AppServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class Signed:
    event_id: str
    body: bytes
    signature: str


def paid_events(standin: StandIn, *, campaign: str, count: int, amount: Callable[[int], int]) -> list[dict]:
    """``count`` paid Checkout Sessions in the stand-in, each with its ``checkout.session.completed`` event."""
    events = []
    for i in range(count):
        metadata = {"campaign": campaign, "donor_name": f"Giver {i}", "donor_email": f"giver{i}@example.org",
                    "donor_address": f"{i} Load Street", "donor_postcode": "N1 1AA"}
        session = standin.session_create({
            "mode": "payment", "success_url": "http://127.0.0.1/thanks/", "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "line_items": [{"quantity": 1, "price_data": {"currency": "gbp", "unit_amount": amount(i),
                                                          "product_data": {"name": "Gift"}}}],
        })
        events.append(standin.session_complete(session["id"]))
    return events


def sign_all(standin: StandIn, events: Sequence[dict]) -> list[Signed]:
    return [Signed(e["id"], *standin.signed(e)) for e in events]


def post(url: str, item: Signed, timeout: float = 30, method: str = "POST") -> int | None:
    """One delivery; the HTTP status, or None when the connection failed (not acknowledged)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, parts.path, body=item.body or None, headers={
            "Content-Type": "application/json; charset=utf-8", "Stripe-Signature": item.signature})
        response = conn.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):  # refused, reset, or cut off mid-response: not acknowledged
        return None
    finally:
        conn.close()


def fire(url: str, items: Sequence[Signed], *, threads: int = 16,
         on_result: Callable[[int, int | None], None] | None = None, method: str = "POST") -> list[int | None]:
    """Deliver every item once from a pool of threads; statuses in input order."""
    statuses: list[int | None] = [None] * len(items)

    def send(index: int) -> None:
        statuses[index] = post(url, items[index], method=method)
        if on_result:
            on_result(index, statuses[index])

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(send, range(len(items))))
    return statuses


def _prepare(campaign: str) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from swingfund.cli import ensure_migrated
    from swingfund.funding.models import Campaign
    from swingfund.funding.services import campaign_create

    ensure_migrated()
    if not Campaign.objects.filter(slug=campaign).exists():
        now = timezone.now()
        campaign_create(organisation=None, slug=campaign, title=f"Load test {campaign}", description="Load test",
                        purpose="Testing the card-gift pipeline under load.", mode="pooled", goal_pence=10**9,
                        starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=30))


def _counts(campaign: str) -> dict[str, int]:
    from django.db.models import Count, Sum

    from swingfund.funding.models import Donation, LedgerTransaction
    from swingfund.funding.payments.models import StripeEvent

    gifts = Donation.objects.filter(campaign__slug=campaign)
    by_status = dict(StripeEvent.objects.values_list("status").annotate(n=Count("id")))
    repeated = gifts.values("external_id").annotate(n=Count("id")).filter(n__gt=1).count()
    return {
        "events": StripeEvent.objects.count(), **{f"events_{k}": v for k, v in by_status.items()},
        "deliveries": StripeEvent.objects.aggregate(t=Sum("deliveries"))["t"] or 0,
        "receipt_times": StripeEvent.objects.values("received_at").distinct().count(),
        "gifts": gifts.count(), "gift_pence": gifts.aggregate(t=Sum("amount_pence"))["t"] or 0,
        "distinct_payments": gifts.values("external_id").distinct().count(), "payments_repeated": repeated,
        "ledger_gift_transactions": LedgerTransaction.objects.filter(kind__in=["gift", "gift_held"]).count(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Load-test helpers run against DATABASE_URL")
    parser.add_argument("step", choices=["prepare", "counts"])
    parser.add_argument("--campaign", required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "swingfund.settings")
    import django

    django.setup()
    if args.step == "prepare":
        _prepare(args.campaign)
    else:
        print(json.dumps(_counts(args.campaign)))


if __name__ == "__main__":
    main()
