"""Fixtures for card gifts: the Stripe stand-in (real `stripe` library on the client side) and a campaign."""

from __future__ import annotations

import io
import json
import wsgiref.util
from datetime import timedelta

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import TestCase
from django.utils import timezone

from swingfund.funding.services import campaign_create
from swingfund.testing.stripe_standin import StandIn

API_KEY = "sk_test_swingfund_tests"
WEBHOOK_SECRET = "whsec_swingfund_tests"
WEBHOOK_PATH = "/payments/stripe/webhook/"
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def standin(settings):
    """A running stand-in; the settings point the `stripe` library at it and share its webhook secret. Tasks run
    at once, in this process (django-tasks' immediate backend): the task a delivery queues on commit applies its
    event before the delivery returns (see `committed`). Servers in their own process use `swingfund worker`."""
    with StandIn(api_key=API_KEY, webhook_secret=WEBHOOK_SECRET) as server:
        settings.STRIPE_SECRET_KEY = API_KEY
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_API_BASE = server.url
        settings.TASKS = IMMEDIATE_TASKS
        yield server


def committed():
    """Around one delivery in a test: the test's transaction is never committed, so run what the delivery queued
    `on_commit` (the task that applies its event) when the delivery returns, as a real commit would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.fixture
def campaign(db):
    now = timezone.now()
    return campaign_create(
        organisation=None, slug="keep-the-library-open", title="Keep the library open",
        description="A campaign for tests.",
        purpose="Grants to candidates who pledge to keep the central library open.", mode="pooled",
        goal_pence=2_000_000, starts_at=now - timedelta(days=10), ends_at=now + timedelta(days=30),
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "crash: kills a real server process with SIGKILL mid-load (tests/payments)")


@pytest.fixture
def server_standin():
    """A stand-in for a server in another process: that process gets the key, secret and address by environment."""
    with StandIn(api_key=API_KEY, webhook_secret=WEBHOOK_SECRET) as server:
        yield server


class Answer:
    def __init__(self, status_code: int, body: bytes) -> None:
        self.status_code, self.body = status_code, body

    def json(self) -> dict:
        return json.loads(self.body)


def _meta(headers: dict[str, str] | None) -> dict[str, str]:
    """HTTP headers as WSGI environ keys (``Stripe-Signature`` → ``HTTP_STRIPE_SIGNATURE``)."""
    return {"HTTP_" + name.upper().replace("-", "_"): value for name, value in (headers or {}).items()}


class ServedApplication:
    """POSTs to the WSGI application `swingfund serve` runs (`swingfund.wsgi.application`, whose webhook hot path
    answers before Django), called in this process and this database transaction."""

    def post(self, path: str, body: bytes | str, headers: dict[str, str] | None = None,
             method: str = "POST", content_length: bool = True) -> Answer:
        from swingfund.wsgi import application

        data = body.encode() if isinstance(body, str) else body
        environ: dict = {"REQUEST_METHOD": method, "PATH_INFO": path, "CONTENT_TYPE": "application/json",
                         "wsgi.input": io.BytesIO(data)}
        if method == "POST" and content_length:
            environ["CONTENT_LENGTH"] = str(len(data))
        wsgiref.util.setup_testing_defaults(environ)
        environ.update(_meta(headers))
        answer: dict = {}

        def start_response(status: str, response_headers: list, exc_info=None) -> None:
            answer["status"] = int(status.split()[0])

        # As Django's test client does: the test's connection (and its transaction) must outlive the request.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            with committed():
                chunks = application(environ, start_response)
                try:
                    content = b"".join(chunks)
                finally:
                    getattr(chunks, "close", lambda: None)()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return Answer(answer["status"], content)


class DjangoView:
    """POSTs through Django's test client (the view `runserver` and the test client reach)."""

    def __init__(self, client) -> None:
        self.client = client

    def post(self, path: str, body: bytes | str, headers: dict[str, str] | None = None,
             method: str = "POST") -> Answer:
        extra = _meta(headers)
        call = self.client.post if method == "POST" else self.client.get
        with committed():
            response = (call(path, data=body, content_type="application/json", **extra) if method == "POST"
                        else call(path, **extra))
        return Answer(response.status_code, response.content)


@pytest.fixture(params=["served application", "django view"])
def webhook(request, client):
    """Both ways a delivery reaches swingfund: the served WSGI application and the Django view."""
    return ServedApplication() if request.param == "served application" else DjangoView(client)
