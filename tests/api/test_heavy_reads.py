"""The anonymous API's heavy endpoints share the site's compute slots and rate limit (swingfund/caching.py): a new
target table waits for a slot and is refused with Retry-After when none comes free, or when an anonymous address
asks for too many new tables in a minute."""

from __future__ import annotations

import threading

import pytest
from django.test import Client

from swingfund import caching

pytestmark = pytest.mark.django_db
TARGETS = "/api/v1/elections/parl.2024-07-04/targets"
QUERY = {"bloc": "religion:muslim", "draws": "200", "top": "3"}


def test_a_new_table_needs_a_compute_slot(official_db, monkeypatch):
    slots = threading.BoundedSemaphore(1)
    monkeypatch.setattr(caching, "_slots", slots)
    monkeypatch.setattr(caching, "WAIT_SECONDS", 0.2)
    slots.acquire()  # a page is computing its table
    try:
        busy = Client().get(TARGETS, QUERY)
    finally:
        slots.release()
    assert busy.status_code == 503 and busy["Retry-After"] == "5"
    assert busy.json() == {"detail": caching.BUSY}
    assert Client().get(TARGETS, QUERY).status_code == 200


def test_an_anonymous_address_gets_a_few_new_tables_a_minute(official_db, monkeypatch):
    monkeypatch.setattr(caching, "ANONYMOUS_RUNS_PER_MINUTE", 1)
    visitor = Client(REMOTE_ADDR="198.51.100.44")
    assert visitor.get(TARGETS, {**QUERY, "seed": "1"}).status_code == 200
    assert visitor.get(TARGETS, {**QUERY, "seed": "1", "sort": "majority"}).status_code == 200  # the same table
    refused = visitor.get(TARGETS, {**QUERY, "seed": "2"})
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert refused.json() == {"detail": caching.RATE_LIMITED.format(limit=1)}
