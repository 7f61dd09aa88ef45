"""Heavy pages can't starve the site (swingfund/caching.py): computed target tables and recommendations are kept in
the shared database cache per (election, bloc, assumptions, seed …) and served from it; anonymous custom runs are
rate-limited and bounded; when every compute slot is busy a request is told to come back instead of piling up."""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.db import connection
from django.test import Client

from swingfund import caching
from swingfund.targeting import views as targeting_views

pytestmark = pytest.mark.django_db
QUERY = {"election": "parl.2024-07-04", "bloc": "religion:muslim", "draws": "300"}


@pytest.fixture
def computations(monkeypatch):
    """Counts the target tables actually computed (the real function still runs)."""
    calls: list[dict] = []
    real = targeting_views.targets_compute

    def counting(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(targeting_views, "targets_compute", counting)
    return calls


def cache_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM swingfund_cache")
        return cursor.fetchone()[0]


def test_a_table_is_computed_once_kept_in_the_database_cache_and_served_from_it(official_db, client, computations):
    before = cache_rows()
    first = client.get("/targets/", QUERY)
    again = Client().get("/targets/", QUERY)  # another visitor
    assert first.status_code == again.status_code == 200 and len(computations) == 1
    assert cache_rows() > before  # a row in the database: every process and the CLI share it
    strip = lambda html: html.split('<div class="figures">')[1].split("<script")[0]  # noqa: E731
    assert strip(first.content.decode()) == strip(again.content.decode())
    assert client.get("/targets/", {**QUERY, "seed": "7"}).status_code == 200 and len(computations) == 2  # new key


def test_each_script_keeps_its_own_nonce_when_the_table_comes_from_the_cache(official_db, computations):
    pages = [Client().get("/targets/", QUERY) for _ in range(2)]
    nonces = [p["Content-Security-Policy"].split("'nonce-")[1].split("'")[0] for p in pages]
    assert nonces[0] != nonces[1] and len(computations) == 1
    for page, nonce in zip(pages, nonces, strict=True):
        assert f'<script nonce="{nonce}">' in page.content.decode()


def test_a_new_import_changes_the_data_version_and_the_table_is_computed_again(official_db, client, computations):
    from django.utils import timezone

    from swingfund.elections.models import DataSource

    client.get("/targets/", QUERY)
    source = DataSource.objects.order_by("pk").first()
    source.imported_at = timezone.now()  # what a repeated import does (elections.services.file_import)
    source.save(update_fields=["imported_at"])
    client.get("/targets/", QUERY)
    assert len(computations) == 2


def test_anonymous_custom_runs_are_rate_limited_per_address_and_cached_ones_still_served(official_db, monkeypatch,
                                                                                         computations,
                                                                                         django_user_model):
    monkeypatch.setattr(caching, "ANONYMOUS_RUNS_PER_MINUTE", 2)
    visitor = Client(REMOTE_ADDR="198.51.100.9")
    statuses = [visitor.get("/targets/", {**QUERY, "seed": str(seed)}).status_code for seed in (1, 2, 3)]
    assert statuses == [200, 200, 429] and len(computations) == 2
    refused = visitor.get("/targets/", {**QUERY, "seed": "4"})
    assert 1 <= int(refused["Retry-After"]) <= 60 and "at most 2 a minute" in refused.content.decode()
    assert visitor.get("/targets/", {**QUERY, "seed": "1"}).status_code == 200  # in the cache: no computation
    assert Client(REMOTE_ADDR="198.51.100.10").get("/targets/", {**QUERY, "seed": "3"}).status_code == 200
    member = Client(REMOTE_ADDR="198.51.100.9")
    member.force_login(django_user_model.objects.create_user("signed-in", password="a-long-password-9"))
    assert member.get("/targets/", {**QUERY, "seed": "5"}).status_code == 200  # signed in: not rate-limited


def test_the_anonymous_rate_limit_lifts_when_its_minute_is_over(official_db, monkeypatch, computations):
    """The limit is per minute, not for ever: once the window is over, the same address computes again. (The counter
    was kept with `cache.incr`, which re-stores the key with the cache's default timeout, seven days: after six new
    tables an address was refused for a week, a whole mobile network behind one address with it.) The window is
    shortened to 2 s here; Retry-After counts the seconds until the address may compute again."""
    monkeypatch.setattr(caching, "ANONYMOUS_RUNS_PER_MINUTE", 1)
    monkeypatch.setattr(caching, "RATE_WINDOW_SECONDS", 2)
    visitor = Client(REMOTE_ADDR="198.51.100.21")
    assert visitor.get("/targets/", {**QUERY, "seed": "11"}).status_code == 200
    refused = visitor.get("/targets/", {**QUERY, "seed": "12"})
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 2
    time.sleep(2.1)
    assert visitor.get("/targets/", {**QUERY, "seed": "13"}).status_code == 200
    assert len(computations) == 2


def test_anonymous_runs_are_bounded_in_draws(official_db, client, computations, django_user_model):
    too_many = client.get("/targets/", {**QUERY, "draws": str(targeting_views.ANONYMOUS_MAX_DRAWS + 1)})
    assert too_many.status_code == 400 and "at most 100,000 draws" in too_many.content.decode()
    assert computations == []


def test_when_every_compute_slot_is_busy_a_request_is_told_to_come_back(official_db, monkeypatch, computations):
    slots = threading.BoundedSemaphore(1)
    monkeypatch.setattr(caching, "_slots", slots)
    monkeypatch.setattr(caching, "WAIT_SECONDS", 0.2)
    slots.acquire()  # another request is computing
    try:
        busy = Client().get("/targets/", QUERY)
    finally:
        slots.release()
    assert busy.status_code == 503 and busy["Retry-After"] == "5" and computations == []
    assert "busy calculating" in busy.content.decode()
    assert Client().get("/targets/", QUERY).status_code == 200


def test_an_anonymous_page_from_memory_is_the_page_a_signed_in_person_gets(official_db, computations,
                                                                          django_user_model):
    first, second = Client().get("/targets/", QUERY), Client().get("/targets/", QUERY)  # the second from memory
    member = Client()
    member.force_login(django_user_model.objects.create_user("reader", password="a-long-password-9"))
    signed_in = member.get("/targets/", QUERY).content.decode()
    body = lambda html: re.split(r"<main[^>]*>", html)[1].split("<script")[0]  # noqa: E731
    assert body(first.content.decode()) == body(second.content.decode()) == body(signed_in)
    assert len(computations) == 1


def test_recommendations_are_cached_per_parameters_too(official_db, monkeypatch):
    from swingfund.organisations.models import Organisation
    from swingfund.scorecards import views as scorecards_views

    Organisation.objects.get_or_create(slug="heavy-test", defaults={"name": "Heavy Test"})
    calls = []
    real = scorecards_views.recommendations_with_notes
    monkeypatch.setattr(scorecards_views, "recommendations_with_notes",
                        lambda **kw: calls.append(kw) or real(**kw))
    query = {"org": "heavy-test", "election": "parl.2024-07-04", "top": "5"}
    pages = [Client().get("/scorecards/recommendations/", query) for _ in range(2)]
    assert [p.status_code for p in pages] == [200, 200] and len(calls) == 1
    Client().get("/scorecards/recommendations/", {**query, "top": "6"})
    assert len(calls) == 2


def test_a_crowd_asking_for_the_same_new_table_waits_for_one_computation_and_is_not_rate_limited(
        transactional_db, official_db, monkeypatch):
    """Six threads, each on its own connection: the official rows must be committed for them to read (a
    transactional test; under pytest-xdist an earlier flush in the same worker meant the rows were restored inside
    this test's open transaction, and SQLite's shared in-memory database then locked the other threads out)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection as thread_connection

    monkeypatch.setattr(caching, "ANONYMOUS_RUNS_PER_MINUTE", 1)
    calls = []
    real = targeting_views.targets_compute

    def slow(**kwargs):
        calls.append(kwargs)
        threading.Event().wait(0.5)  # the others arrive while this one computes
        return real(**kwargs)

    monkeypatch.setattr(targeting_views, "targets_compute", slow)

    def visit(_):
        try:
            return Client(REMOTE_ADDR="203.0.113.5").get("/targets/", {**QUERY, "seed": "99"}).status_code
        finally:
            thread_connection.close()  # each thread's own connection (PostgreSQL must drop the test database)

    with ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(visit, range(6)))
    assert statuses == [200] * 6 and len(calls) == 1


def test_the_default_view_counts_against_no_visitors_limit(official_db, monkeypatch, computations):
    """The page everyone shares (no query) is computed for nobody: it waits for a slot and is never refused for
    the rate limit, while a custom run by the same address is (`caching`'s docstring; it was counted against the
    first visitor after each import). Both default tables: a group without a census bloc's, then a census group's."""
    from swingfund.organisations.services import organisation_create

    monkeypatch.setattr(caching, "ANONYMOUS_RUNS_PER_MINUTE", 0)
    monkeypatch.setattr(targeting_views, "DEFAULT_DRAWS", 300)  # the default view's draws: a quick table
    visitor = Client(REMOTE_ADDR="198.51.100.31")
    assert visitor.get("/targets/", {**QUERY, "seed": "21"}).status_code == 429
    assert computations == []
    no_bloc = visitor.get("/targets/")  # no group yet: the table of seats by their chance of changing hands
    assert no_bloc.status_code == 200 and "religion:muslim" not in no_bloc.content.decode()
    assert len(computations) == 1
    # the site's one group targets a census bloc, so its default view is the bloc's table
    organisation_create(name="Census Group", address="1 High Street\nLeeds LS1 1AA", bloc_kind="census",
                        bloc="religion:muslim", default_election="parl.2024-07-04")
    census = visitor.get("/targets/")
    assert census.status_code == 200 and "religion:muslim" in census.content.decode()
    assert len(computations) == 2
