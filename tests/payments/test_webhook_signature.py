"""The webhook refuses anything Stripe did not sign (Stripe's own library verifies), and writes nothing."""

from __future__ import annotations

import json
import time

import pytest

from swingfund.funding.models import Donation
from swingfund.funding.payments.models import StripeEvent
from swingfund.funding.payments.services import SIGNATURE_TOLERANCE_SECONDS
from swingfund.funding.payments.stripe import WEBHOOKS_OFF
from swingfund.testing.stripe_standin import sign_payload
from tests.payments.conftest import WEBHOOK_PATH, WEBHOOK_SECRET

pytestmark = pytest.mark.django_db


def paid_event(standin) -> dict:
    session = standin.session_create({
        "mode": "payment", "success_url": "http://x/",
        "line_items": [{"quantity": 1, "price_data": {"currency": "gbp", "unit_amount": 1000,
                                                      "product_data": {"name": "Gift"}}}],
        "metadata": {"campaign": "keep-the-library-open", "donor_name": "Ada", "donor_email": "ada@example.org"},
    })
    return standin.session_complete(session["id"])


def post(webhook, body: str, signature: str | None):
    return webhook.post(WEBHOOK_PATH, body, {"Stripe-Signature": signature} if signature is not None else {})


def assert_nothing_written():
    assert StripeEvent.objects.count() == 0
    assert Donation.objects.count() == 0


@pytest.mark.parametrize("how", ["wrong secret", "tampered body", "no header", "garbage header", "stale timestamp"])
def test_forged_missing_or_stale_signature_is_refused_and_writes_nothing(webhook, standin, campaign, how):
    event = paid_event(standin)
    body = json.dumps(event)
    signature = sign_payload(body, WEBHOOK_SECRET)
    if how == "wrong secret":
        signature = sign_payload(body, "whsec_attacker")
    elif how == "tampered body":
        event["data"]["object"]["amount_total"] = 100_000_00
        body = json.dumps(event)
    elif how == "no header":
        signature = None
    elif how == "garbage header":
        signature = "v1=deadbeef"
    elif how == "stale timestamp":  # a genuine signature replayed after the tolerance window
        signature = sign_payload(body, WEBHOOK_SECRET, int(time.time()) - SIGNATURE_TOLERANCE_SECONDS - 5)

    response = post(webhook, body, signature)

    assert response.status_code == 400
    assert response.json()["error"].startswith("Stripe signature refused")
    assert_nothing_written()


def test_signed_body_that_is_not_an_event_is_refused(webhook, standin):
    body = json.dumps({"hello": "world"})
    response = post(webhook, body, sign_payload(body, WEBHOOK_SECRET))
    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0


def test_webhooks_are_off_until_the_secret_is_set(webhook, settings, standin):
    settings.STRIPE_WEBHOOK_SECRET = ""
    body = json.dumps(paid_event(standin))
    response = post(webhook, body, sign_payload(body, WEBHOOK_SECRET))
    assert response.status_code == 503
    assert response.json()["error"] == WEBHOOKS_OFF
    assert_nothing_written()


def test_get_is_not_allowed(webhook):
    assert webhook.post(WEBHOOK_PATH, b"", method="GET").status_code == 405
