"""The webhook's hot path in the served WSGI application (`payments/receiver.py`): it answers signed deliveries
itself, as the Django view would, and hands everything else to Django."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import connection

from swingfund.funding.models import Donation
from swingfund.funding.payments import receiver
from swingfund.funding.payments.models import StripeEvent
from swingfund.testing.stripe_standin import sign_payload
from tests.payments.conftest import WEBHOOK_PATH, WEBHOOK_SECRET, ServedApplication
from tests.payments.helpers import as_json, pay

pytestmark = pytest.mark.django_db
served = ServedApplication()


def signed(event: dict) -> tuple[str, dict[str, str]]:
    body = as_json(event)
    return body, {"Stripe-Signature": sign_payload(body, WEBHOOK_SECRET)}


def test_a_signed_delivery_is_stored_verbatim_and_applied_once_however_often_it_comes(standin, campaign):
    body, headers = signed(pay(standin, amount=4_200))
    first, again = served.post(WEBHOOK_PATH, body, headers), served.post(WEBHOOK_PATH, body, headers)
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["duplicate"] is False and again.json()["duplicate"] is True
    row = StripeEvent.objects.get()
    assert (row.status, row.deliveries, row.payload) == ("handled", 2, json.loads(body))
    assert Donation.objects.get().amount_pence == 4_200
    if connection.vendor == "sqlite":  # PostgreSQL's jsonb keeps the content, not the text
        with connection.cursor() as cursor:
            cursor.execute("SELECT payload FROM payments_stripeevent")
            assert cursor.fetchone()[0] == body


def test_a_forged_delivery_is_refused_logged_and_writes_nothing(standin, campaign, caplog):
    body, _ = signed(pay(standin))
    with caplog.at_level(logging.WARNING, logger=receiver.logger.name):
        answer = served.post(WEBHOOK_PATH, body, {"Stripe-Signature": sign_payload(body, "whsec_attacker")})
    assert answer.status_code == 400 and answer.json()["error"].startswith("Stripe signature refused")
    assert "Stripe webhook answered 400: Stripe signature refused" in caplog.text
    assert StripeEvent.objects.count() == Donation.objects.count() == 0


def test_a_body_over_the_upload_limit_is_refused_unread_naming_the_limit(standin, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    body, headers = signed(standin.event("customer.created", {"id": "cus_1", "note": "x" * 2_000}))
    answer = served.post(WEBHOOK_PATH, body, headers)
    assert answer.status_code == 413
    assert answer.json()["error"] == receiver.TOO_LARGE.format(size=len(body), limit=1_000)
    assert StripeEvent.objects.count() == 0


def test_a_delivery_that_cannot_be_stored_is_answered_500_so_stripe_retries(standin, monkeypatch, caplog):
    def broken(**_: object):
        raise RuntimeError("disk full")

    monkeypatch.setattr(receiver, "stripe_event_receive", broken)
    body, headers = signed(standin.event("customer.created", {"id": "cus_1"}))
    answer = served.post(WEBHOOK_PATH, body, headers)
    assert answer.status_code == 500 and answer.json() == {"error": receiver.FAILED}
    assert "disk full" in caplog.text and StripeEvent.objects.count() == 0


def test_other_requests_go_to_django(standin):
    assert served.post(WEBHOOK_PATH, b"", method="GET").status_code == 405  # the view's require_POST
    assert served.post("/healthz", b"", method="GET").status_code == 200
    assert served.post("/no/such/page/", b"{}").status_code == 404


def test_a_delivery_without_content_length_goes_through_django_and_is_still_verified(standin):
    body, headers = signed(standin.event("customer.created", {"id": "cus_1"}))
    answer = served.post(WEBHOOK_PATH, body, headers, content_length=False)
    # Django reads no body without a length: the signature cannot match an empty body, so it is refused.
    assert answer.status_code == 400 and StripeEvent.objects.count() == 0
