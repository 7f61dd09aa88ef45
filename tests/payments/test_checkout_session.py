"""Checkout Sessions created by the real `stripe` library, as the stand-in received them on the wire."""

from __future__ import annotations

import pytest
import stripe
from django.conf import settings

from swingfund.funding.payments.stripe import (
    CARD_PAYMENTS_OFF,
    CardPaymentsOff,
    StripeUnavailable,
    checkout_session_create,
    payment_fee_fetch,
)
from swingfund.funding.payments.wire import WireFormatError, decode_form
from swingfund.testing.stripe_standin import StandIn, fee_for

pytestmark = pytest.mark.django_db

SESSION_ARGS = {
    "campaign_slug": "keep-the-library-open", "campaign_title": "Keep the library open", "amount_pence": 2550,
    "donor_email": "ada@example.org", "metadata": {"donor_name": "Ada Lovelace", "category": "uk_elector"},
    "success_url": "http://testserver/thanks/?session={CHECKOUT_SESSION_ID}",
    "cancel_url": "http://testserver/cancel/", "idempotency_key": "key-1",
}


def test_session_is_created_through_the_library_with_stripes_form_encoding(standin):
    session = checkout_session_create(**SESSION_ARGS)

    [request] = standin.requests
    assert request["method"] == "POST" and request["path"] == "/v1/checkout/sessions"
    assert request["headers"]["Authorization"] == "Bearer sk_test_swingfund_tests"
    assert request["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert request["headers"]["Idempotency-Key"] == "key-1"
    body = request["body"]
    # Nested keys exactly as Stripe documents them, amounts as integer pence.
    assert "line_items[0][price_data][currency]=gbp" in body
    assert "line_items[0][price_data][unit_amount]=2550" in body
    assert "line_items[0][quantity]=1" in body
    assert "metadata[campaign]=keep-the-library-open" in body
    assert "metadata[donor_name]=Ada+Lovelace" in body
    assert "payment_intent_data[metadata][category]=uk_elector" in body
    assert "mode=payment" in body
    params = request["params"]
    assert params["success_url"] == SESSION_ARGS["success_url"]
    assert params["line_items"][0]["price_data"]["product_data"]["name"] == "Gift to Keep the library open"
    assert session.id.startswith("cs_test_") and session.amount_pence == 2550
    assert session.url == f"{standin.url}/c/pay/{session.id}"


def test_session_retrieved_back_has_stripes_shape(standin):
    session = checkout_session_create(**SESSION_ARGS)
    client = stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses={"api": standin.url})
    fetched = client.v1.checkout.sessions.retrieve(session.id)
    assert fetched.object == "checkout.session"
    assert (fetched.amount_total, fetched.currency, fetched.status, fetched.payment_status) == (
        2550, "gbp", "open", "unpaid")
    assert fetched.metadata["campaign"] == "keep-the-library-open"


def test_same_idempotency_key_returns_the_same_session(standin):
    first = checkout_session_create(**SESSION_ARGS)
    again = checkout_session_create(**SESSION_ARGS)
    assert first.id == again.id


def test_fee_comes_from_the_balance_transaction(standin):
    session = checkout_session_create(**SESSION_ARGS)
    event = standin.session_complete(session.id)
    fee = payment_fee_fetch(payment_intent_id=event["data"]["object"]["payment_intent"])
    assert fee.fee_pence == fee_for(2550) == 58  # 1.5 % of £25.50 = 38.25p → 38p, + 20p
    assert standin.requests[-1]["params"]["expand"] == ["latest_charge.balance_transaction"]


def test_wrong_key_is_refused_with_stripes_401(standin, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_wrong"
    with pytest.raises(StripeUnavailable) as caught:
        checkout_session_create(**SESSION_ARGS)
    assert isinstance(caught.value.__cause__, stripe.AuthenticationError)
    assert "Invalid API Key provided" in str(caught.value)


def test_invalid_request_is_a_stripe_400_naming_the_param(standin):
    client = stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses={"api": standin.url})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.checkout.sessions.create({"mode": "payment", "success_url": "http://x/"})
    assert caught.value.http_status == 400
    assert caught.value.param == "line_items"
    assert caught.value.json_body == {"error": {"type": "invalid_request_error", "param": "line_items",
                                                "message": "Missing required param: line_items."}}


def test_unknown_session_is_resource_missing(standin):
    client = stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses={"api": standin.url})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.checkout.sessions.retrieve("cs_test_nope")
    assert caught.value.http_status == 404 and caught.value.code == "resource_missing"


def test_card_payments_are_off_without_a_key(settings):
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(CardPaymentsOff, match=CARD_PAYMENTS_OFF):
        checkout_session_create(**SESSION_ARGS)


def test_non_integer_amount_is_refused_before_any_request():
    with StandIn() as quiet, pytest.raises(ValueError, match="positive integer"):
        checkout_session_create(**{**SESSION_ARGS, "amount_pence": 25.5})
    assert quiet.requests == []


def test_form_decoding_of_nested_keys():
    assert decode_form("a[b][0][c]=1&a[b][1][c]=2&e[]=x&e[]=y&m[k]=v") == {
        "a": {"b": [{"c": "1"}, {"c": "2"}]}, "e": ["x", "y"], "m": {"k": "v"}}
    with pytest.raises(WireFormatError, match="Malformed"):
        decode_form("a]b=1")
