"""Cached public pages: the rendered, compressed answer to an anonymous GET of the busiest public pages, kept in
this process's memory until anything they show changes.

The key is the path with its query, whether the client takes gzip, a settings fingerprint, and the *site version*:
the newest import, the ledger's head hash (it changes with every transaction, and differs between two ledgers with
different contents), the newest decision, proposal change, piece of evidence, published statement and dispute,
and the shown fields of every organisation and campaign. Reading the version costs three small queries;
rendering /targets/ costs hundreds of milliseconds. A time limit (SWINGFUND_PAGE_CACHE_SECONDS, 0 turns the
cache off) bounds anything else. Signed-in visitors (a session cookie) are never served from or stored in the
cache, and neither is any answer that sets a cookie.

Place the middleware after CSPMiddleware (and so inside GZipMiddleware): the page is kept with its script nonce
replaced by a placeholder, and each answer from the cache carries the nonce of its own response, in the body and in
the Content-Security-Policy header that CSPMiddleware then adds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse

CACHED_PREFIXES = ("/targets/", "/seats/", "/funding/ledger/", "/committee/decisions/", "/recommendations/")
CACHED_EXACT = ("/",)
DEFAULT_SECONDS = 60


# (model label, SQL aggregate) — one scalar subquery each, read in a single round trip.
VERSION_PARTS = (
    ("elections.DataSource", "MAX(imported_at)"),
    ("funding.ChainHead", "MAX(last_hash)"),
    ("funding.ChainHead", "MAX(last_id)"),
    ("committee.Decision", "MAX(decided_at)"),
    ("committee.Proposal", "MAX(updated_at)"),
    ("scorecards.Evidence", "MAX(recorded_at)"),
    ("scorecards.StatementVersion", "MAX(published_at)"),
    ("scorecards.Dispute", "MAX(opened_at)"),
    ("scorecards.Dispute", "MAX(responded_at)"),
)


def _version_sql() -> str:
    from django.apps import apps

    parts = [f"(SELECT {agg} FROM {connection.ops.quote_name(apps.get_model(label)._meta.db_table)})"
             for label, agg in VERSION_PARTS]
    return "SELECT " + ", ".join(parts)


def site_version() -> str:
    """A fingerprint of everything the cached pages show (see the module docstring), in one query."""
    from swingfund.funding.models import Campaign
    from swingfund.organisations.models import Organisation

    with connection.cursor() as cursor:
        cursor.execute(_version_sql())
        row = cursor.fetchone()
    # A group has a handful of organisations and campaigns, edited in place (admin): their shown fields, whole.
    orgs = list(Organisation.objects.order_by("id").values_list("id", "name", "slug", "publishes_committee_names",
                                                                "standard_grant_pence", "demo"))
    campaigns = list(Campaign.objects.order_by("id").values_list("id", "slug", "title", "goal_pence", "starts_at",
                                                                 "ends_at", "mode"))
    return hashlib.sha256(repr((row, orgs, campaigns)).encode()).hexdigest()[:24]


def _settings_fingerprint() -> str:
    names = ("SWINGFUND_ORG_NAME", "SWINGFUND_ORG_ADDRESS", "SWINGFUND_ORG_BLOC", "SWINGFUND_ORG_LENS",
             "STRIPE_SECRET_KEY", "SWINGFUND_BANK_ACCOUNT_NUMBER", "SWINGFUND_CHEQUE_PAYEE")
    return hashlib.sha256(repr([getattr(settings, n, "") for n in names]).encode()).hexdigest()[:12]


NONCE_PLACEHOLDER = b"\x00swingfund-csp-nonce\x00"  # never in a rendered page (the importers refuse NUL bytes)


def _nonce(request: HttpRequest) -> bytes:
    """This response's CSP script nonce (django-csp puts it in the header once it has been read)."""
    nonce = getattr(request, "csp_nonce", None)
    return str(nonce).encode() if nonce is not None else b""


def cacheable(request: HttpRequest) -> bool:
    if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    path = request.path
    return path in CACHED_EXACT or path.startswith(CACHED_PREFIXES)


class PublicPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = int(getattr(settings, "SWINGFUND_PAGE_CACHE_SECONDS", DEFAULT_SECONDS))
        if seconds <= 0 or not cacheable(request):
            return self.get_response(request)
        key = "page:" + hashlib.sha256(
            f"{request.get_full_path()}|{_settings_fingerprint()}|{site_version()}".encode()).hexdigest()
        cache = caches["default"]
        stored = cache.get(key)
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
            cache.set(key, (response.status_code, headers, body), seconds)
            response["X-Page-Cache"] = "miss"
        return response
