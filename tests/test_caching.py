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
    assert refused.value.status == 429 and 59 <= refused.value.retry_after <= 60
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


# --- pure computations: kept by the content of their inputs -------------------------------------------------------

def test_a_pure_computation_is_kept_by_the_content_of_its_inputs_and_handed_out_as_a_copy():
    import dataclasses

    import numpy as np

    @dataclasses.dataclass
    class Inputs:
        centre: np.ndarray
        label: str

    calls = []

    @caching.pure("test:double")
    def double(inputs: Inputs, *, seed: int) -> dict:
        calls.append(seed)
        return {"out": inputs.centre * 2 + seed}

    caching.pure_clear()
    first = double(Inputs(np.array([0.1, 0.2, 0.3]), "a"), seed=1)
    again = double(Inputs(np.array([0.1, 0.2, 0.3]), "a"), seed=1)  # other objects, the same content
    assert calls == [1] and caching.pure_stats() == {"hits": 1, "misses": 1}
    np.testing.assert_array_equal(again["out"], [1.2, 1.4, 1.6])
    again["out"][0] = 99.0  # a caller changing what it was handed changes nobody else's copy
    np.testing.assert_array_equal(double(Inputs(np.array([0.1, 0.2, 0.3]), "a"), seed=1)["out"], first["out"])

    double(Inputs(np.array([0.1, 0.2, 0.30000001]), "a"), seed=1)  # one element moved
    double(Inputs(np.array([0.1, 0.2, 0.3], dtype=np.float32), "a"), seed=1)  # the same numbers, another dtype
    double(Inputs(np.array([0.1, 0.2, 0.3]), "b"), seed=1)  # another field
    double(Inputs(np.array([0.1, 0.2, 0.3]), "a"), seed=2)  # another seed
    assert calls == [1, 1, 1, 1, 2]

    caching.clear()  # the data-versioned results go; a key that is the inputs' own content is never stale
    double(Inputs(np.array([0.1, 0.2, 0.3]), "a"), seed=1)
    assert calls == [1, 1, 1, 1, 2]
    caching.pure_clear()
    double(Inputs(np.array([0.1, 0.2, 0.3]), "a"), seed=1)
    assert calls == [1, 1, 1, 1, 2, 1]


def test_a_call_with_a_progress_callback_or_an_undigestible_argument_is_computed_and_not_kept():
    calls = []

    @caching.pure("test:count")
    def count(values, *, progress=None) -> int:
        calls.append(1)
        if progress:
            progress(1, 1)
        return len(values)

    caching.pure_clear()
    seen = []
    assert count([1, 2], progress=lambda done, total: seen.append(done)) == 2
    assert count([1, 2], progress=lambda done, total: seen.append(done)) == 2
    assert len(calls) == 2 and seen == [1, 1]  # the command line's progress bar still moves
    handle = object()
    count([handle])
    count([handle])
    assert len(calls) == 4 and caching.pure_stats()["hits"] == 0


def test_the_same_target_table_twice_runs_its_monte_carlo_once_and_gives_the_same_figures(official_db):
    import numpy as np

    from swingfund.targeting.bloc import bloc_parse
    from swingfund.targeting.targets import targets_compute

    caching.pure_clear()
    bloc = bloc_parse(text="religion:muslim")
    first = targets_compute(election_id="parl.2024-07-04", bloc=bloc, draws=2_000)
    misses = caching.pure_stats()["misses"]
    assert misses >= 2  # P(pivotal) and the majority sample
    second = targets_compute(election_id="parl.2024-07-04", bloc=bloc, draws=2_000)
    assert caching.pure_stats() == {"hits": misses, "misses": misses}
    np.testing.assert_array_equal(first.p_swing, second.p_swing)
    np.testing.assert_array_equal(first.p_own, second.p_own)
    assert np.isfinite(first.p_swing).sum() > 500
    targets_compute(election_id="parl.2024-07-04", bloc=bloc, draws=2_001)  # other inputs: computed again
    assert caching.pure_stats()["misses"] > misses


def test_a_call_asking_for_a_result_too_large_to_keep_is_computed_each_time():
    calls = []

    @caching.pure("test:large", skip_if=("keep_votes",))
    def sample(seed: int, *, keep_votes: bool = False) -> int:
        calls.append(keep_votes)
        return seed

    caching.pure_clear()
    sample(1, keep_votes=True)
    sample(1, keep_votes=True)
    sample(1)
    sample(1)
    assert calls == [True, True, False]


def test_a_shared_cache_that_refuses_a_read_or_a_write_is_a_miss_not_a_failure(official_db, monkeypatch, caplog):
    """SQLite answers "database table is locked" to a crowd of threads writing the cache table at once: the page
    is still served, computed once, and kept in this process; the refusal is logged."""
    from django.db import OperationalError

    def locked(*args, **kwargs):
        raise OperationalError("database table is locked: swingfund_cache")

    monkeypatch.setattr(caching.cache, "set", locked)
    monkeypatch.setattr(caching.cache, "get", locked)
    calls = []
    answer = caching.result(name="t", params={"seed": 2}, version="v", compute=lambda: calls.append(1) or "table",
                            heavy=False)
    again = caching.result(name="t", params={"seed": 2}, version="v", compute=lambda: calls.append(1) or "other",
                           heavy=False)
    assert (answer, again, len(calls)) == ("table", "table", 1)
    assert "shared cache not written" in caplog.text and "database table is locked" in caplog.text
