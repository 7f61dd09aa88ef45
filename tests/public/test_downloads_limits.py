"""A target table of the visitor's choosing, downloaded, is a new calculation like one on /targets/: an anonymous
address gets a few a minute (swingfund/caching.py); a table already computed is served at once."""

from __future__ import annotations

import pytest
from django.test import Client

from swingfund import caching

pytestmark = pytest.mark.django_db


def test_an_anonymous_address_downloads_a_few_new_tables_a_minute(official_db, monkeypatch):
    monkeypatch.setattr(caching, "ANONYMOUS_RUNS_PER_MINUTE", 1)
    visitor = Client(REMOTE_ADDR="198.51.100.61")
    query = {"election": "parl.2024-07-04", "bloc": "religion:muslim"}
    assert visitor.get("/downloads/targets.json", query).status_code == 200
    refused = visitor.get("/downloads/targets.json", {**query, "bloc": "religion:hindu"})
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert visitor.get("/downloads/targets.csv", query).status_code == 200  # computed already
