"""Fixtures for card gifts: the Stripe stand-in (real `stripe` library on the client side) and a campaign."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from swingfund.funding.payments.standin import StandIn
from swingfund.funding.services import campaign_create

API_KEY = "sk_test_swingfund_tests"
WEBHOOK_SECRET = "whsec_swingfund_tests"
WEBHOOK_PATH = "/payments/stripe/webhook/"


@pytest.fixture
def standin(settings):
    """A running stand-in; the settings point the `stripe` library at it and share its webhook secret."""
    with StandIn(api_key=API_KEY, webhook_secret=WEBHOOK_SECRET) as server:
        settings.STRIPE_SECRET_KEY = API_KEY
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_API_BASE = server.url
        settings.STRIPE_WEBHOOK_PROCESSING = "inline"  # deterministic in-process tests; servers use "background"
        yield server


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
