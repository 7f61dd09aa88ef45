"""Concurrent delivery against a real server process (pooled WSGI threads, each with its own database connection)
and the real `swingfund worker` beside it (django-tasks' database worker), on a fresh database of the kind this test
run uses (SQLite file or PostgreSQL)."""

from __future__ import annotations

import contextlib
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from swingfund.testing import loadtest

COPIES = 50
CAMPAIGN = "concurrency"


@pytest.mark.slow
def test_concurrent_deliveries_record_each_event_once(migrated_scratch_url, server_standin):
    loadtest.database_prepare(database_url=migrated_scratch_url, campaign=CAMPAIGN)
    [same] = loadtest.sign_all(server_standin, loadtest.paid_events(
        server_standin, campaign=CAMPAIGN, count=1, amount=lambda i: 2000))
    different = loadtest.sign_all(server_standin, loadtest.paid_events(
        server_standin, campaign=CAMPAIGN, count=COPIES, amount=lambda i: 1000 + i))
    start = threading.Barrier(COPIES)

    with loadtest.AppServer(database_url=migrated_scratch_url, standin=server_standin, threads=16) as server:
        def send(_: int) -> int | None:
            start.wait()  # all 50 copies of the same event leave together
            return loadtest.post(server.webhook_url, same)

        with ThreadPoolExecutor(COPIES) as pool:
            same_statuses = list(pool.map(send, range(COPIES)))
        different_statuses = loadtest.fire(server.webhook_url, different, threads=16)
        loadtest.wait_until_applied(database_url=migrated_scratch_url, timeout=60)

    assert same_statuses == [200] * COPIES and different_statuses == [200] * COPIES
    counts = loadtest.database_counts(database_url=migrated_scratch_url, campaign=CAMPAIGN)
    assert counts["events"] == counts["events_handled"] == 1 + COPIES
    assert counts["deliveries"] == 2 * COPIES  # every copy was seen and counted; none applied twice
    assert counts["gifts"] == counts["distinct_payments"] == 1 + COPIES
    assert counts["payments_repeated"] == 0 and counts["ledger_gift_transactions"] == 1 + COPIES
    assert counts["gift_pence"] == 2000 + sum(1000 + i for i in range(COPIES))
    verify = loadtest.ledger_verify(database_url=migrated_scratch_url)
    assert verify.returncode == 0, verify.stdout + verify.stderr


QUEUED_SQL = "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'"


def _delete_queued_passes(database_url: str) -> None:
    """As if the process had died between committing its events and queueing their pass."""
    sql = "DELETE FROM django_tasks_database_dbtaskresult WHERE status = 'READY'"
    if database_url.startswith("sqlite:"):
        import sqlite3

        with contextlib.closing(sqlite3.connect(urlsplit(database_url).path, timeout=30)) as conn, conn:
            conn.execute(sql)
        return
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql)


@pytest.mark.slow
def test_the_web_process_only_stores_and_queues_and_the_worker_applies_even_what_was_never_queued(
        migrated_scratch_url, server_standin):
    loadtest.database_prepare(database_url=migrated_scratch_url, campaign=CAMPAIGN)
    events = loadtest.sign_all(server_standin, loadtest.paid_events(
        server_standin, campaign=CAMPAIGN, count=5, amount=lambda i: 700))
    with loadtest.AppServer(database_url=migrated_scratch_url, standin=server_standin, worker=False) as server:
        assert loadtest.fire(server.webhook_url, events) == [200] * 5  # acknowledged: Stripe will not resend
        assert urllib.request.urlopen(server.url + "/funding/", timeout=30).status == 200  # noqa: S310
    with loadtest.counter(migrated_scratch_url) as count:
        assert count(loadtest.PENDING_SQL) == 5  # stored, not applied: no worker ran
        assert count(QUEUED_SQL) >= 1  # each commit queued a pass (a burst shares one)
    _delete_queued_passes(migrated_scratch_url)

    with loadtest.AppServer(database_url=migrated_scratch_url, standin=server_standin):  # the worker starts beside it
        loadtest.wait_until_applied(database_url=migrated_scratch_url, timeout=60)
    counts = loadtest.database_counts(database_url=migrated_scratch_url, campaign=CAMPAIGN)
    assert counts["gifts"] == counts["events_handled"] == 5
