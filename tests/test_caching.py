"""The one cache layer (swingfund/caching.py): the data version is one query and moves with the data; a result is
computed once however many ask for it at the same time; an anonymous address is refused beyond its rate; the page
cache forgets everything when the tests' fixture clears it."""

from __future__ import annotations

import threading
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.utils import timezone

from swingfund import caching

pytestmark = pytest.mark.django_db


def test_the_data_version_is_one_query_and_moves_with_the_data(official_db, django_assert_num_queries):
    from swingfund.elections.models import DataSource
    from swingfund.organisations.models import Organisation

    with django_assert_num_queries(1):
        everything = caching.data_version()
    with django_assert_num_queries(1):
        imports = caching.data_version("imports")
    assert caching.data_version() == everything and caching.data_version("imports") == imports  # stable

    Organisation.objects.create(slug="cache-test", name="Cache Test")
    assert caching.data_version() != everything
    assert caching.data_version("imports") == imports  # a new organisation is not a new import
    org_version = caching.data_version("organisations")
    Organisation.objects.filter(slug="cache-test").update(name="Cache Test Renamed")  # an edit in place
    assert caching.data_version("organisations") != org_version

    source = DataSource.objects.order_by("pk").first()
    source.imported_at = timezone.now()  # what a repeated import does
    source.save(update_fields=["imported_at"])
    assert caching.data_version("imports") != imports


def test_two_threads_asking_for_the_same_result_compute_it_once():
    calls, started, release = [], threading.Event(), threading.Event()

    def compute() -> str:
        calls.append(1)
        started.set()
        release.wait(5)
        return "the table"

    answers: list[str] = []

    def ask() -> None:
        answers.append(caching.result(name="t", params={"seed": 1}, version="v", compute=compute, shared=False))

    first = threading.Thread(target=ask)
    first.start()
    started.wait(5)
    second = threading.Thread(target=ask)  # arrives while the first is computing
    second.start()
    time.sleep(0.3)  # long enough for a second computation to start, were it allowed to
    release.set()
    first.join(5)
    second.join(5)
    assert answers == ["the table", "the table"] and len(calls) == 1
    assert caching.result(name="t", params={"seed": 1}, version="v2", compute=lambda: "new", shared=False) == "new"


def test_an_anonymous_address_is_refused_beyond_its_rate_and_cached_results_still_served(monkeypatch,
                                                                                       django_user_model):
    monkeypatch.setattr(caching, "ANONYMOUS_RUNS_PER_MINUTE", 2)
    request = RequestFactory().get("/targets/", REMOTE_ADDR="198.51.100.77")
    request.user = AnonymousUser()

    def ask(seed: int, who=request) -> str:
        return caching.result(request=who, name="rate", params={"seed": seed}, version="v", compute=lambda: f"r{seed}")

    assert [ask(1), ask(2)] == ["r1", "r2"]
    with pytest.raises(caching.Refused) as refused:
        ask(3)
    assert refused.value.status == 429 and refused.value.retry_after == 60
    assert str(refused.value) == caching.RATE_LIMITED.format(limit=2)
    assert ask(1) == "r1"  # in the cache: no new calculation, no refusal
    member = RequestFactory().get("/targets/", REMOTE_ADDR="198.51.100.77")
    member.user = django_user_model.objects.create_user("cache-member", password="a-long-password-9")
    assert ask(3, member) == "r3"  # signed in: not rate-limited


def test_the_page_cache_keeps_anonymous_pages_until_it_is_cleared(official_db):
    first, second = Client().get("/funding/ledger/"), Client().get("/funding/ledger/")
    assert first.status_code == 200 and (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    caching.clear()  # what the tests' autouse fixture (`cache_forgotten`) does before each test
    assert Client().get("/funding/ledger/")["X-Page-Cache"] == "miss"


def test_each_host_has_its_own_cached_pages(official_db, settings):
    settings.ALLOWED_HOSTS = ["leeds.example", "bristol.example"]  # one site serving two groups
    leeds = [Client(HTTP_HOST="leeds.example").get("/funding/ledger/") for _ in range(2)]
    bristol = Client(HTTP_HOST="bristol.example").get("/funding/ledger/")
    assert [r["X-Page-Cache"] for r in [*leeds, bristol]] == ["miss", "hit", "miss"]
