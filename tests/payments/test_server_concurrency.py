"""Concurrent delivery against a real server process (pooled WSGI threads, each with its own database connection),
on a fresh database of the kind this test run uses (SQLite file or PostgreSQL)."""

from __future__ import annotations

import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from swingfund.testing import loadtest

COPIES = 50
CAMPAIGN = "concurrency"


@pytest.mark.slow
def test_concurrent_deliveries_record_each_event_once(scratch_url, server_standin):
    loadtest.database_prepare(database_url=scratch_url, campaign=CAMPAIGN)
    [same] = loadtest.sign_all(server_standin, loadtest.paid_events(
        server_standin, campaign=CAMPAIGN, count=1, amount=lambda i: 2000))
    different = loadtest.sign_all(server_standin, loadtest.paid_events(
        server_standin, campaign=CAMPAIGN, count=COPIES, amount=lambda i: 1000 + i))
    start = threading.Barrier(COPIES)

    with loadtest.AppServer(database_url=scratch_url, standin=server_standin, threads=16) as server:
        def send(_: int) -> int | None:
            start.wait()  # all 50 copies of the same event leave together
            return loadtest.post(server.webhook_url, same)

        with ThreadPoolExecutor(COPIES) as pool:
            same_statuses = list(pool.map(send, range(COPIES)))
        different_statuses = loadtest.fire(server.webhook_url, different, threads=16)
        loadtest.wait_until_applied(database_url=scratch_url, timeout=60)

    assert same_statuses == [200] * COPIES and different_statuses == [200] * COPIES
    counts = loadtest.database_counts(database_url=scratch_url, campaign=CAMPAIGN)
    assert counts["events"] == counts["events_handled"] == 1 + COPIES
    assert counts["deliveries"] == 2 * COPIES  # every copy was seen and counted; none applied twice
    assert counts["gifts"] == counts["distinct_payments"] == 1 + COPIES
    assert counts["payments_repeated"] == 0 and counts["ledger_gift_transactions"] == 1 + COPIES
    assert counts["gift_pence"] == 2000 + sum(1000 + i for i in range(COPIES))
    verify = loadtest.ledger_verify(database_url=scratch_url)
    assert verify.returncode == 0, verify.stdout + verify.stderr


@pytest.mark.slow
def test_events_stored_before_a_restart_are_applied_once_the_new_process_serves_any_page(scratch_url, server_standin):
    loadtest.database_prepare(database_url=scratch_url, campaign=CAMPAIGN)
    events = loadtest.sign_all(server_standin, loadtest.paid_events(
        server_standin, campaign=CAMPAIGN, count=5, amount=lambda i: 700))
    with loadtest.AppServer(database_url=scratch_url, standin=server_standin, processing="none") as server:
        assert loadtest.fire(server.webhook_url, events) == [200] * 5  # acknowledged: Stripe will not resend
    assert loadtest.pending_count(database_url=scratch_url) == 5

    with loadtest.AppServer(database_url=scratch_url, standin=server_standin) as server:
        assert urllib.request.urlopen(server.url + "/funding/", timeout=30).status == 200  # noqa: S310
        loadtest.wait_until_applied(database_url=scratch_url, timeout=60)
    counts = loadtest.database_counts(database_url=scratch_url, campaign=CAMPAIGN)
    assert counts["gifts"] == counts["events_handled"] == 5
