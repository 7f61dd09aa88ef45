"""Heavy pages can't starve the site.

A target table or a list of recommendations costs up to seconds of CPU (a Monte Carlo run over every seat, a chart
of 650 hexes). Pages that show one:

- keep the rendered result in the shared cache (`settings.CACHES`, a table in the database, so every web process,
  the worker and the CLI share it), keyed by everything the result depends on — the page, its parameters (election,
  bloc, assumptions, draws, seed …) and a fingerprint of the data it was computed from — so the defaults are computed
  once and then served from the cache by every process;
- compute at most `COMPUTE_SLOTS` results at a time per process; a request that finds every slot busy waits up to
  `WAIT_SECONDS` (then looks in the cache again: another request may have computed the same result), else is told
  to come back (503 with Retry-After);
- let each anonymous address start at most `ANONYMOUS_RUNS_PER_MINUTE` computations that are not in the cache
  (429 with Retry-After beyond that). Signed-in people are not rate-limited.

Views call `fragment(...)` with a `compute()` that renders the heavy part of the page to HTML.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db.models import Count, Max, Model
from django.http import HttpRequest

COMPUTE_SLOTS = int(os.environ.get("SWINGFUND_COMPUTE_SLOTS", "2"))
WAIT_SECONDS = float(os.environ.get("SWINGFUND_COMPUTE_WAIT_SECONDS", "20"))
ANONYMOUS_RUNS_PER_MINUTE = int(os.environ.get("SWINGFUND_ANONYMOUS_RUNS_PER_MINUTE", "6"))
KEY_PREFIX = "heavy:v1"

RATE_LIMITED = ("Too many new calculations from your address: at most {limit} a minute without signing in. "
                "The usual analyses are ready at once; try yours again in a minute.")
BUSY = "The site is busy calculating other analyses; try again in a few seconds."

_slots = threading.BoundedSemaphore(COMPUTE_SLOTS)


class Refused(Exception):
    """The computation was not started; `status` and `retry_after` (seconds) say what to answer."""

    def __init__(self, message: str, *, status: int, retry_after: int) -> None:
        super().__init__(message)
        self.status, self.retry_after = status, retry_after


def fingerprint(models: Iterable[type[Model] | tuple[type[Model], str]]) -> str:
    """A cheap summary of the data a result depends on — each table's row count and highest id, and for a
    `(model, field)` pair also the latest value of that field (e.g. when a file was last imported) — so a result
    computed from older data is not served again. Name small tables here: it runs on every request."""
    parts = []
    for item in models:
        model, field = item if isinstance(item, tuple) else (item, None)
        summary = model.objects.aggregate(n=Count("pk"), top=Max("pk"), **({"last": Max(field)} if field else {}))
        parts.append(f"{model._meta.label}:{summary['n']}:{summary['top']}:{summary.get('last')}")
    return "|".join(parts)


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
    """The heavy part of a page, from the shared cache or computed now (within the limits above)."""
    key = cache_key(page=page, params=params, version=version)
    html = cache.get(key)
    if html is not None:
        return html
    if not request.user.is_authenticated:
        _rate_check(request)
    if not _slots.acquire(timeout=WAIT_SECONDS):
        raise Refused(BUSY, status=503, retry_after=5)
    try:
        html = cache.get(key)  # computed by another request while this one waited for a slot
        if html is None:
            html = compute()
            cache.set(key, html, timeout)
    finally:
        _slots.release()
    return html
