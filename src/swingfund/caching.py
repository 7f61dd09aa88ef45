"""The one cache layer: the data version, the result cache, and whole anonymous pages.

**Data version** (`data_version(*scopes)`): a short digest of the data a cached answer was built from, read in one
database query (a single SELECT of scalar subqueries). Each scope of `VERSION_SOURCES` names the aggregates that move
when its data changes: the newest import, the ledger's head (it changes with every transaction), the newest decision,
proposal change, piece of evidence, statement version, dispute, score and stand-down, the consents to publish a
giver's name, the legal figures (and today's date: a dated figure comes into force on a day), and every field of
every organisation and campaign (a handful of rows, edited in place). A key that includes the version is never served
for older data. An edit in place that moves none of these aggregates (a donor's name corrected in the admin) is seen
when the entry's time limit runs out. Models are found through `django.apps` by label (or by name, should one move
between apps): this module imports no swingfund app.

**Result cache** (`result(...)`): a computed result (an HTML fragment, a JSON body, a target table) kept in the shared
cache (`settings.CACHES`, a table in the database, so every web process, the worker and the CLI share it) and, on
top, in this process's memory (`LOCAL_ENTRIES`, least recently used dropped first), keyed by a name, the parameters
and a data version. A heavy computation (a Monte Carlo run over every seat, two backtests) also:

- runs once per process at a time per key (single flight): a request for a result being computed waits for it and
  does not count against the rate limit;
- runs in one of `COMPUTE_SLOTS` slots per process; a request that finds every slot busy waits up to
  `WAIT_SECONDS`, else is refused (`Refused`, 503 with Retry-After). Callers without a request (the CLI, the public
  pages' default views) wait for a slot. A heavy computation inside another one runs in its caller's slot;
- for an anonymous visitor, counts against `ANONYMOUS_RUNS_PER_MINUTE` per address (`Refused`, 429 with
  Retry-After beyond that). Signed-in people are not rate-limited.

**Anonymous pages** (`AnonymousPageMiddleware`): the rendered answer to an anonymous GET (no session cookie) of the
pages in `settings.SWINGFUND_CACHED_PAGES`, kept in the same two layers and keyed by the host (a site may serve
several groups, each on its own host), the path with its query, the deployment settings the pages show and the whole
data version; `SWINGFUND_PAGE_CACHE_SECONDS` bounds anything else
(0 turns it off). An answer that sets a cookie, or is not a 200, is never kept. Place the middleware after
CSPMiddleware (and so inside GZipMiddleware): the page is kept with its script nonce replaced by a placeholder, and
each answer from the cache carries the nonce of its own response, in the body and in the Content-Security-Policy
header that CSPMiddleware then adds.

`clear()` forgets everything this process cached, in memory and (by a new key generation) in the shared cache; the
tests' autouse fixture calls it before every test.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.db import DatabaseError, connection
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

T = TypeVar("T")

COMPUTE_SLOTS = int(os.environ.get("SWINGFUND_COMPUTE_SLOTS", "2"))
WAIT_SECONDS = float(os.environ.get("SWINGFUND_COMPUTE_WAIT_SECONDS", "20"))
ANONYMOUS_RUNS_PER_MINUTE = int(os.environ.get("SWINGFUND_ANONYMOUS_RUNS_PER_MINUTE", "6"))
RATE_WINDOW_SECONDS = 60  # the anonymous rate limit's window (a minute)
DEFAULT_PAGE_SECONDS = 60
LOCAL_ENTRIES = 64
KEY_PREFIX = "swingfund:cache:v1"

RATE_LIMITED = ("Too many new calculations from your address: at most {limit} a minute without signing in. "
                "The usual analyses are ready at once; try yours again in a minute.")
BUSY = "The site is busy calculating other analyses; try again in a few seconds."

ROWS = "rows"
"""In `VERSION_SOURCES`, instead of an aggregate: a digest of every column of every row (for small tables edited in
place)."""

# scope -> (model label, SQL aggregate over its table's columns, or ROWS); each is one scalar subquery.
VERSION_SOURCES: dict[str, tuple[tuple[str, str], ...]] = {
    "imports": (("elections.DataSource", "MAX(imported_at)"), ("elections.DataSource", "MAX(id)"),
                ("elections.DataSource", "COUNT(*)"), ("elections.Candidacy", "MAX(recorded_at)")),
    "organisations": (("organisations.Organisation", ROWS),),
    "scorecards": (("scorecards.StatementVersion", "MAX(published_at)"), ("scorecards.StatementVersion", "COUNT(*)"),
                   ("scorecards.Evidence", "MAX(recorded_at)"), ("scorecards.Evidence", "COUNT(*)"),
                   ("scorecards.Evidence", "SUM(CASE WHEN public THEN id ELSE 0 END)"),
                   ("scorecards.Dispute", "MAX(opened_at)"), ("scorecards.Dispute", "MAX(responded_at)"),
                   ("scorecards.Score", "MAX(computed_at)"), ("scorecards.Score", "COUNT(*)"),
                   ("scorecards.StandDown", "MAX(recorded_at)"), ("scorecards.StandDown", "COUNT(*)")),
    "committee": (("committee.Decision", "MAX(decided_at)"), ("committee.Decision", "COUNT(*)"),
                  ("committee.Proposal", "MAX(updated_at)"), ("committee.Proposal", "COUNT(*)")),
    "ledger": (("funding.ChainHead", "MAX(last_hash)"), ("funding.ChainHead", "MAX(last_id)")),
    "campaigns": (("funding.Campaign", ROWS),),
    "givers": (("funding.Donation", "COUNT(*)"),
               ("funding.Donation", "SUM(CASE WHEN consent_publish THEN id ELSE 0 END)"),
               ("funding.Donation", "SUM(CASE WHEN status = 'accepted' THEN id ELSE 0 END)"),
               ("funding.Donor", "COUNT(*)"), ("funding.Donor", "MAX(checked_at)"),
               ("funding.Donor", "MAX(erased_at)"), ("funding.Donor", "COUNT(erased_at)")),
    "law": (("compliance.LegalFigure", "COUNT(*)"), ("compliance.LegalFigure", "MAX(id)")),
}
DATED_SCOPES = ("law",)
"""Scopes whose meaning changes with the date as well as the data: today's date is part of their version."""

# Deployment settings the public pages show (whether card giving is offered): part of every cached page's key. The
# group's own identity (imprint, bank and cheque details) is in its organisation row, so in the data version.
PAGE_SETTINGS = ("STRIPE_SECRET_KEY",)
NONCE_PLACEHOLDER = b"\x00swingfund-csp-nonce\x00"  # never in a rendered page (the importers refuse NUL bytes)

_generation = 0
_local: OrderedDict[str, tuple[float | None, object]] = OrderedDict()
_local_lock = threading.Lock()
_slots = threading.BoundedSemaphore(COMPUTE_SLOTS)
_rate_lock = threading.Lock()
_inflight: dict[str, threading.Event] = {}
_inflight_lock = threading.Lock()
_thread = threading.local()  # .in_slot: this thread is running a heavy computation


class Refused(Exception):
    """The computation was not started; `status` and `retry_after` (seconds) say what to answer."""

    def __init__(self, message: str, *, status: int, retry_after: int) -> None:
        super().__init__(message)
        self.status, self.retry_after = status, retry_after


def clear() -> None:
    """Forget every result and page this process cached: its memory, and (a new key generation) what it stored in
    the shared cache."""
    global _generation
    with _local_lock:
        _local.clear()
        _generation += 1


# --- pure computations -----------------------------------------------------------------------------------------

PURE_ENTRIES = int(os.environ.get("SWINGFUND_PURE_ENTRIES", "32"))
"""How many results of pure computations (`pure`) this process keeps, least recently used dropped first."""

_pure: OrderedDict[str, object] = OrderedDict()
_pure_lock = threading.Lock()
_pure_stats = {"hits": 0, "misses": 0}


class _Unkeyable(Exception):
    """An argument whose content cannot be digested (an open file, a generator): the call is simply not kept."""


def _feed(h, value) -> None:
    """Feed `value`'s whole content to the hash `h`: arrays by dtype, shape and bytes, dataclasses field by field,
    containers item by item, scalars by type and repr. Anything else is `_Unkeyable`."""
    import dataclasses

    if value is None or isinstance(value, (bool, int, float, str, bytes, complex)):
        h.update(f"{type(value).__name__}:{value!r};".encode())
    elif hasattr(value, "dtype") and hasattr(value, "tobytes") and hasattr(value, "shape"):  # a numpy array/scalar
        h.update(f"array:{value.dtype.str}:{getattr(value, 'shape', ())};".encode())
        if getattr(value, "dtype", None) is not None and value.dtype.hasobject:
            for item in value.ravel().tolist():
                _feed(h, item)
        else:
            import numpy as np

            h.update(np.ascontiguousarray(value).tobytes())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(f"dataclass:{type(value).__module__}.{type(value).__qualname__}(".encode())
        for f in dataclasses.fields(value):
            h.update(f"{f.name}=".encode())
            _feed(h, getattr(value, f.name))
        h.update(b")")
    elif isinstance(value, dict):
        h.update(f"dict:{len(value)}{{".encode())
        for k in sorted(value, key=repr):
            _feed(h, k)
            _feed(h, value[k])
        h.update(b"}")
    elif isinstance(value, (list, tuple, frozenset, set)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        h.update(f"{type(value).__name__}:{len(value)}[".encode())
        for item in items:
            _feed(h, item)
        h.update(b"]")
    else:
        raise _Unkeyable(type(value).__name__)


def pure(name: str, *, skip_if: tuple[str, ...] = ()) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Keep the results of a pure computation (a seeded Monte Carlo run) in this process, keyed by `name` and a
    digest of the whole content of its arguments (`_feed`): the same inputs give the same answer, so a repeated
    call returns a copy of the kept one instead of computing it again, whatever else changed in the database (a
    gift moving the data version of a page whose target table is unchanged). A call with a callable argument (a
    progress callback: the command line, which runs once anyway) or an argument that cannot be digested is computed
    as usual and not kept, and so is one where a keyword argument named in `skip_if` is true (a result too large to
    keep: every draw's votes). `clear()` leaves these entries alone: a key that is the inputs' own content is never
    stale; `pure_clear()` forgets them."""
    import copy
    import functools

    def decorate(function: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            if (PURE_ENTRIES <= 0 or any(callable(v) for v in (*args, *kwargs.values()))
                    or any(kwargs.get(flag) for flag in skip_if)):
                return function(*args, **kwargs)
            h = hashlib.sha256(f"{name}:".encode())
            try:
                _feed(h, args)
                _feed(h, kwargs)
            except _Unkeyable:
                return function(*args, **kwargs)
            key = h.hexdigest()
            with _pure_lock:
                found = _pure.get(key, _pure)
                if found is not _pure:
                    _pure.move_to_end(key)
                    _pure_stats["hits"] += 1
            if found is not _pure:
                return copy.deepcopy(found)
            value = function(*args, **kwargs)
            with _pure_lock:
                _pure_stats["misses"] += 1
                _pure[key] = copy.deepcopy(value)
                _pure.move_to_end(key)
                while len(_pure) > PURE_ENTRIES:
                    _pure.popitem(last=False)
            return value

        return wrapper

    return decorate


def pure_clear() -> None:
    """Forget every kept result of a pure computation (`pure`), and its hit and miss counts."""
    with _pure_lock:
        _pure.clear()
        _pure_stats.update(hits=0, misses=0)


def pure_stats() -> dict[str, int]:
    """How many calls of `pure` computations were answered from memory (hits) and computed (misses)."""
    with _pure_lock:
        return dict(_pure_stats)


# --- the data version ---------------------------------------------------------------------------------------------

def _model(label: str) -> type[Model]:
    try:
        return apps.get_model(label)
    except LookupError:
        name = label.rsplit(".", 1)[-1].lower()
        found = [m for m in apps.get_models() if m._meta.model_name == name]
        if len(found) != 1:
            raise
        return found[0]


def _rows_sql(model: type[Model]) -> str:
    """A scalar subquery: the MD5 of every column of every row, in primary-key order ('' for an empty table)."""
    q = connection.ops.quote_name
    table, pk = q(model._meta.db_table), q(model._meta.pk.column)
    line = " || '|' || ".join(f"COALESCE(CAST({q(f.column)} AS TEXT), '~')" for f in model._meta.concrete_fields)
    if connection.vendor == "postgresql":
        return f"(SELECT MD5(COALESCE(STRING_AGG({line}, ',' ORDER BY {pk}), '')) FROM {table})"
    rows = f"SELECT {line} AS line FROM {table} ORDER BY {pk}"
    return f"(SELECT MD5(COALESCE(GROUP_CONCAT(line, ','), '')) FROM ({rows}))"


def version_sql(*scopes: str) -> str:
    """The one query `data_version` runs for `scopes`."""
    parts = []
    for scope in scopes:
        for label, aggregate in VERSION_SOURCES[scope]:
            model = _model(label)
            parts.append(_rows_sql(model) if aggregate == ROWS else
                         f"(SELECT {aggregate} FROM {connection.ops.quote_name(model._meta.db_table)})")
    return "SELECT " + ", ".join(parts)


def data_version(*scopes: str) -> str:
    """A digest of the data in `scopes` (every scope of `VERSION_SOURCES` when none is named), read in one query:
    it changes whenever that data changes (see the module docstring)."""
    scopes = tuple(dict.fromkeys(scopes or VERSION_SOURCES))
    with connection.cursor() as cursor:
        cursor.execute(version_sql(*scopes))
        row = cursor.fetchone()
    dated = timezone.now().date().isoformat() if any(s in DATED_SCOPES for s in scopes) else ""
    return hashlib.sha256(repr((scopes, tuple(str(v) for v in row), dated)).encode()).hexdigest()[:24]


# --- the result cache -----------------------------------------------------------------------------------------------

def _key(name: str, params: dict, version: str) -> str:
    blob = json.dumps({"name": name, "params": params, "version": version}, sort_keys=True, default=str)
    return f"{KEY_PREFIX}:{_generation}:{name}:{hashlib.sha256(blob.encode()).hexdigest()}"


def _local_get(key: str):
    with _local_lock:
        found = _local.get(key)
        if found is None:
            return None
        expires, value = found
        if expires is not None and expires < time.monotonic():
            del _local[key]
            return None
        _local.move_to_end(key)
        return value


def _local_set(key: str, value: object, timeout: int | None) -> None:
    with _local_lock:
        _local[key] = (time.monotonic() + timeout if timeout else None, value)
        _local.move_to_end(key)
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)


def _get(key: str, *, shared: bool, timeout: int | None):
    value = _local_get(key)
    if value is None and shared:
        try:
            value = cache.get(key)
        except DatabaseError as error:  # the shared cache is an optimisation: unreadable is a miss, never a failure
            logger.warning("shared cache not read (%s): %s", key, error)
            return None
        if value is not None:
            _local_set(key, value, timeout)
    return value


def _put(key: str, value: object, *, shared: bool, timeout: int | None) -> None:
    if shared:
        try:  # Django's database cache writes inside its own savepoint: a refused write leaves nothing behind
            cache.set(key, value, timeout or DEFAULT_TIMEOUT)  # else the cache's own TIMEOUT
        except DatabaseError as error:  # e.g. SQLite's "table is locked" under a crowd: kept in this process only
            logger.warning("shared cache not written (%s): %s", key, error)
    _local_set(key, value, timeout)


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client that sent `request`: the socket's; or, behind `settings.SWINGFUND_PROXY_COUNT`
    trusted proxies (each appends the address it received the request from to X-Forwarded-For), the entry that many
    places from the right. Entries further left are whatever the client wrote and are never read. The sign-in
    lockout (django-axes' `AXES_CLIENT_IP_CALLABLE`), the API's throttle and the heavy pages' rate limit all key on
    this one function."""
    from ipware.ip import get_client_ip

    proxies = int(getattr(settings, "SWINGFUND_PROXY_COUNT", 0) or 0)
    address = None
    if proxies > 0:
        # django-ipware counts the proxies after the client inside the header; the last proxy's own address is the
        # socket's, so it is one fewer than the proxies in front of the site.
        address, _ = get_client_ip(request, proxy_order="left-most", proxy_count=proxies - 1, strict=False,
                                   request_header_order=["HTTP_X_FORWARDED_FOR"])
    return address or request.META.get("REMOTE_ADDR") or None


def client_address(request: HttpRequest) -> str:
    """`client_ip` as a key: "unknown" for a request that carries no address (an in-process request)."""
    return client_ip(request) or "unknown"


def _rate_check(request: HttpRequest) -> None:
    """A sliding window of `RATE_WINDOW_SECONDS` per address: the times of its latest attempts (refused ones too,
    at most one more than the limit), stored with an explicit timeout of one window, so a quiet address is free again
    a minute later. (Never `cache.incr`: it re-stores a key with the cache's default timeout, seven days.) Counted
    under a lock in this process; between processes two attempts at the same instant may be counted as one."""
    now = time.time()
    key = f"{KEY_PREFIX}:{_generation}:attempts:{client_address(request)}"  # ":rate:" held an int counter
    with _rate_lock:
        recent = [t for t in cache.get(key) or [] if t > now - RATE_WINDOW_SECONDS]
        recent = [*recent, now][-(ANONYMOUS_RUNS_PER_MINUTE + 1):]
        cache.set(key, recent, timeout=RATE_WINDOW_SECONDS)
    if len(recent) > ANONYMOUS_RUNS_PER_MINUTE:
        # free again when the limit-th latest attempt leaves the window (a limit of 0: the only one, this one)
        left = recent[-ANONYMOUS_RUNS_PER_MINUTE] + RATE_WINDOW_SECONDS - now
        raise Refused(RATE_LIMITED.format(limit=ANONYMOUS_RUNS_PER_MINUTE), status=429,
                      retry_after=max(1, math.ceil(left)))


def _run(*, key: str, compute: Callable[[], T], request: HttpRequest | None, heavy: bool, shared: bool,
         timeout: int | None) -> T:
    nested = getattr(_thread, "in_slot", False)
    if not heavy or nested:
        value = compute()
    else:
        if request is not None and not request.user.is_authenticated:
            _rate_check(request)
        if not _slots.acquire(timeout=WAIT_SECONDS if request is not None else None):
            raise Refused(BUSY, status=503, retry_after=5)
        _thread.in_slot = True
        try:
            value = cache.get(key) if shared else None  # computed by another process meanwhile
            if value is None:
                value = compute()
        finally:
            _thread.in_slot = False
            _slots.release()
    _put(key, value, shared=shared, timeout=timeout)
    return value


def result(*, name: str, params: dict, version: str, compute: Callable[[], T], request: HttpRequest | None = None,
           heavy: bool = True, shared: bool = True, timeout: int | None = None) -> T:
    """The result of `compute()` for `name`, `params` and a data `version`: from this process's memory, else from
    the shared cache, else computed now (single flight; a `heavy` one within the slots and, for an anonymous
    `request`, the rate limit: see the module docstring). `shared=False` keeps it in this process only (for results
    that are not plain data); `timeout` (seconds) bounds how long it is kept. Raises `Refused`."""
    key = _key(name, params, version)
    value = _get(key, shared=shared, timeout=timeout)
    if value is not None:
        return value
    with _inflight_lock:
        done = _inflight.get(key)
        leader = done is None
        if leader:
            done = _inflight[key] = threading.Event()
    if not leader:
        done.wait(WAIT_SECONDS)
        value = _get(key, shared=shared, timeout=timeout)
        if value is None:
            raise Refused(BUSY, status=503, retry_after=5)
        return value
    try:
        return _run(key=key, compute=compute, request=request, heavy=heavy, shared=shared, timeout=timeout)
    finally:
        with _inflight_lock:
            _inflight.pop(key, None)
        done.set()


# --- anonymous pages ------------------------------------------------------------------------------------------------

def _settings_fingerprint() -> str:
    return hashlib.sha256(repr([getattr(settings, n, "") for n in PAGE_SETTINGS]).encode()).hexdigest()[:12]


def _nonce(request: HttpRequest) -> bytes:
    """This response's CSP script nonce (django-csp puts it in the header once it has been read)."""
    nonce = getattr(request, "csp_nonce", None)
    return str(nonce).encode() if nonce is not None else b""


def page_cacheable(request: HttpRequest) -> bool:
    """An anonymous GET (no session cookie) of a page in `settings.SWINGFUND_CACHED_PAGES`: "/" is the home page
    only, any other entry a path prefix."""
    if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    pages = getattr(settings, "SWINGFUND_CACHED_PAGES", ())
    return any(request.path == p if p == "/" else request.path.startswith(p) for p in pages)


class AnonymousPageMiddleware:
    """Whole anonymous pages from the cache (see the module docstring); `X-Page-Cache` says hit or miss."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = int(getattr(settings, "SWINGFUND_PAGE_CACHE_SECONDS", DEFAULT_PAGE_SECONDS))
        if seconds <= 0 or not page_cacheable(request):
            return self.get_response(request)
        key = _key("page", {"host": request.get_host(), "path": request.get_full_path(),
                            "settings": _settings_fingerprint()}, data_version())
        stored = _get(key, shared=True, timeout=seconds)
        if stored is not None:
            status, headers, body = stored
            response = HttpResponse(body.replace(NONCE_PLACEHOLDER, _nonce(request)), status=status)
            for name, value in headers:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (response.status_code == 200 and not response.streaming and not response.cookies
                and "Set-Cookie" not in response):
            headers = [(k, v) for k, v in response.items()
                       if k.lower() not in ("set-cookie", "x-page-cache", "content-security-policy", "content-length")]
            nonce = _nonce(request)
            body = response.content.replace(nonce, NONCE_PLACEHOLDER) if nonce else response.content
            _put(key, (response.status_code, headers, body), shared=True, timeout=seconds)
            response["X-Page-Cache"] = "miss"
        return response
