"""Heavy pages can't starve the site.

A target table or a list of recommendations costs up to seconds of CPU (a Monte Carlo run over every seat, a chart
of 650 hexes). Pages that show one:

- keep the rendered result in the shared cache (`settings.CACHES`, a table in the database, so every web process,
  the worker and the CLI share it), keyed by everything the result depends on — the page, its parameters (election,
  bloc, assumptions, draws, seed …) and a fingerprint of the data it was computed from — so the defaults are computed
  once and then served from the cache by every process;
- compute each result once per process at a time (a request for a result being computed waits for it), and at most
  `COMPUTE_SLOTS` results at a time per process; a request that finds every slot busy waits up to `WAIT_SECONDS`,
  else is told to come back (503 with Retry-After);
- let each anonymous address start at most `ANONYMOUS_RUNS_PER_MINUTE` computations that are not in the cache
  (429 with Retry-After beyond that). Signed-in people are not rate-limited.

Views call `fragment(...)` with a `compute()` that renders the heavy part of the page to HTML. On top of the shared
cache each process keeps the last few results in memory (`LOCAL_ENTRIES`), and for anonymous visitors without a
session the whole rendered page (`anonymous_page`): served again with the request's own CSP nonce put back, it costs
about as much as the health check, so a crowd on the heaviest page cannot hold the rest of the site up.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Model
from django.http import HttpRequest, HttpResponse

COMPUTE_SLOTS = int(os.environ.get("SWINGFUND_COMPUTE_SLOTS", "2"))
WAIT_SECONDS = float(os.environ.get("SWINGFUND_COMPUTE_WAIT_SECONDS", "20"))
ANONYMOUS_RUNS_PER_MINUTE = int(os.environ.get("SWINGFUND_ANONYMOUS_RUNS_PER_MINUTE", "6"))
KEY_PREFIX = "heavy:v1"

RATE_LIMITED = ("Too many new calculations from your address: at most {limit} a minute without signing in. "
                "The usual analyses are ready at once; try yours again in a minute.")
BUSY = "The site is busy calculating other analyses; try again in a few seconds."

LOCAL_ENTRIES = 32
FINGERPRINT_SECONDS = 2.0  # a new import is seen within this long
NONCE_PLACEHOLDER = b"\x00swingfund-csp-nonce\x00"

_slots = threading.BoundedSemaphore(COMPUTE_SLOTS)
_local: OrderedDict[str, object] = OrderedDict()
_local_lock = threading.Lock()
_fingerprints: dict[tuple, tuple[float, str]] = {}
_inflight: dict[str, threading.Event] = {}
_inflight_lock = threading.Lock()


def _local_get(key: str):
    with _local_lock:
        value = _local.get(key)
        if value is not None:
            _local.move_to_end(key)
        return value


def _local_set(key: str, value: object) -> None:
    with _local_lock:
        _local[key] = value
        _local.move_to_end(key)
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)


def local_clear() -> None:
    with _local_lock:
        _local.clear()
    _fingerprints.clear()


class Refused(Exception):
    """The computation was not started; `status` and `retry_after` (seconds) say what to answer."""

    def __init__(self, message: str, *, status: int, retry_after: int) -> None:
        super().__init__(message)
        self.status, self.retry_after = status, retry_after


def fingerprint(models: Iterable[type[Model] | tuple[type[Model], str]]) -> str:
    """A cheap summary of the data a result depends on — each table's row count and highest id, and for a
    `(model, field)` pair also the latest value of that field (e.g. when a file was last imported) — so a result
    computed from older data is not served again. Name small tables here: it runs on every request."""
    models = tuple(models)
    now = time.monotonic()
    memo = _fingerprints.get(models)
    if memo is not None and now - memo[0] < FINGERPRINT_SECONDS:
        return memo[1]
    parts = []
    for item in models:
        model, field = item if isinstance(item, tuple) else (item, None)
        summary = model.objects.aggregate(n=Count("pk"), top=Max("pk"), **({"last": Max(field)} if field else {}))
        parts.append(f"{model._meta.label}:{summary['n']}:{summary['top']}:{summary.get('last')}")
    _fingerprints[models] = (now, "|".join(parts))
    return _fingerprints[models][1]


def cache_key(*, page: str, params: dict, version: str) -> str:
    blob = json.dumps({"page": page, "params": params, "version": version}, sort_keys=True, default=str)
    return f"{KEY_PREFIX}:{page}:{hashlib.sha256(blob.encode()).hexdigest()}"


def client_address(request: HttpRequest) -> str:
    from axes.helpers import get_client_ip_address  # the same address django-axes throttles sign-ins by

    return get_client_ip_address(request) or "unknown"


def _rate_check(request: HttpRequest) -> None:
    key = f"{KEY_PREFIX}:rate:{client_address(request)}"
    cache.add(key, 0, timeout=60)
    try:
        runs = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60)
        runs = 1
    if runs > ANONYMOUS_RUNS_PER_MINUTE:
        raise Refused(RATE_LIMITED.format(limit=ANONYMOUS_RUNS_PER_MINUTE), status=429, retry_after=60)


def fragment(*, request: HttpRequest, page: str, params: dict, version: str, compute: Callable[[], str],
             timeout: int | None = None) -> str:
    """The heavy part of a page, from the shared cache or computed now (within the limits above). Requests for a
    result another request of this process is already computing wait for it instead (single flight) and do not
    count against the anonymous rate limit."""
    key = cache_key(page=page, params=params, version=version)
    html = _local_get(key) or cache.get(key)
    if html is not None:
        _local_set(key, html)
        return html
    with _inflight_lock:
        done = _inflight.get(key)
        leader = done is None
        if leader:
            done = _inflight[key] = threading.Event()
    if not leader:
        done.wait(WAIT_SECONDS)
        html = _local_get(key) or cache.get(key)
        if html is None:
            raise Refused(BUSY, status=503, retry_after=5)
        return html
    try:
        if not request.user.is_authenticated:
            _rate_check(request)
        if not _slots.acquire(timeout=WAIT_SECONDS):
            raise Refused(BUSY, status=503, retry_after=5)
        try:
            html = cache.get(key)  # computed by another process meanwhile
            if html is None:
                html = compute()
                cache.set(key, html, timeout)
        finally:
            _slots.release()
        _local_set(key, html)
        return html
    finally:
        with _inflight_lock:
            _inflight.pop(key, None)
        done.set()


def _plain_anonymous(request: HttpRequest) -> bool:
    return (request.method == "GET" and not request.user.is_authenticated
            and settings.SESSION_COOKIE_NAME not in request.COOKIES)


def anonymous_page(*, request: HttpRequest, page: str, params: dict, version: str,
                   render: Callable[[], HttpResponse]) -> HttpResponse:
    """The whole page for an anonymous visitor without a session, from this process's memory when it was rendered
    before for the same parameters and data (with this request's CSP nonce in place of the one it was rendered
    with); otherwise `render()`, kept for next time when it is a 200."""
    if not _plain_anonymous(request):
        return render()
    key = "page:" + cache_key(page=page, params=params, version=version)
    stored = _local_get(key)
    if stored is not None:
        body, content_type = stored
        return HttpResponse(body.replace(NONCE_PLACEHOLDER, str(request.csp_nonce).encode()),
                            content_type=content_type)
    response = render()
    if response.status_code == 200 and not response.streaming and not response.cookies:
        nonce = str(request.csp_nonce).encode()
        _local_set(key, (response.content.replace(nonce, NONCE_PLACEHOLDER), response["Content-Type"]))
    return response
