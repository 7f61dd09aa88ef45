"""Fees for many payments in a few list requests: the real `stripe` library pages through the stand-in's
``GET /v1/charges`` (Stripe's list wire format) with each charge's balance transaction expanded."""

from __future__ import annotations

import time

import pytest
import stripe

from swingfund.funding.payments.stripe import (
    CHARGES_PAGE_LIMIT,
    PaymentFee,
    StripeUnavailable,
    payment_fees_fetch_many,
    stripe_client,
)
from swingfund.testing.stripe_standin import StandIn, fee_for
from tests.payments.helpers import intent_of, pay


def paid(standin: StandIn, count: int) -> list[str]:
    """``count`` paid sessions of distinct amounts (so distinct fees); their payment intents, oldest first."""
    return [intent_of(pay(standin, amount=500 + 37 * i)) for i in range(count)]


def charge_of(standin: StandIn, intent: str) -> dict:
    return standin.objects[standin.objects[intent]["latest_charge"]]


def set_created(standin: StandIn, intent: str, created: int) -> None:
    """Move a payment's charge (and its balance transaction) to another moment, as if paid then."""
    with standin.lock:
        charge = charge_of(standin, intent)
        charge["created"] = standin.objects[charge["balance_transaction"]]["created"] = created


def list_requests(standin: StandIn) -> list[dict]:
    return [r for r in standin.requests if (r["method"], r["path"]) == ("GET", "/v1/charges")]


def expected_fee(standin: StandIn, intent: str) -> PaymentFee:
    charge = charge_of(standin, intent)
    return PaymentFee(charge_id=charge["id"], fee_pence=fee_for(charge["amount"]),
                      balance_transaction_id=charge["balance_transaction"])


def an_hour_ago() -> int:
    return int(time.time()) - 3600


def test_fees_for_250_payments_come_from_three_list_pages(standin):
    intents = paid(standin, 250)
    since = an_hour_ago()

    fees = payment_fees_fetch_many(payment_intent_ids=intents, created_since=since)

    assert fees == {intent: expected_fee(standin, intent) for intent in intents}
    assert fees[intents[0]].fee_pence == fee_for(500) == 28  # 1.5 % of £5 = 7.5p → 8p, + 20p
    first, second, third = list_requests(standin)  # 100 + 100 + 50 charges; nothing else was asked
    assert len(standin.requests) == 3
    assert first["params"] == {"created": {"gte": str(since)}, "limit": str(CHARGES_PAGE_LIMIT),
                               "expand": ["data.balance_transaction"]}
    newest_first = [charge_of(standin, intent)["id"] for intent in reversed(intents)]
    assert second["params"] == {**first["params"], "starting_after": newest_first[99]}
    assert third["params"] == {**first["params"], "starting_after": newest_first[199]}


def test_paging_stops_as_soon_as_every_intent_is_found(standin):
    intents = paid(standin, 250)  # newest last: the first page holds intents[150:]

    newest = payment_fees_fetch_many(payment_intent_ids=intents[-5:], created_since=an_hour_ago())
    assert set(newest) == set(intents[-5:]) and len(list_requests(standin)) == 1

    standin.requests.clear()
    middle = payment_fees_fetch_many(payment_intent_ids=[intents[-1], intents[120]], created_since=an_hour_ago())
    assert set(middle) == {intents[-1], intents[120]} and len(list_requests(standin)) == 2


def test_intents_not_found_are_absent(standin):
    intents = paid(standin, 12)
    failed_charge = {"id": "ch_declined", "object": "charge", "amount": 900, "balance_transaction": None,
                     "created": int(time.time()), "currency": "gbp", "paid": False, "payment_intent": "pi_declined",
                     "status": "failed"}
    with standin.lock:
        standin.objects[failed_charge["id"]] = failed_charge

    fees = payment_fees_fetch_many(payment_intent_ids=[intents[3], "pi_nobody", "pi_declined"],
                                   created_since=an_hour_ago())

    assert fees == {intents[3]: expected_fee(standin, intents[3])}  # no charge; a charge with no money moved
    assert len(list_requests(standin)) == 1  # 13 charges: one page, then has_more is false
    assert payment_fees_fetch_many(payment_intent_ids=[], created_since=an_hour_ago()) == {}
    assert len(standin.requests) == 1  # nothing asked for nothing


def test_charges_created_before_created_since_are_left_out(standin):
    recent, old = paid(standin, 2)
    now = int(time.time())
    set_created(standin, old, now - 7200)

    fees = payment_fees_fetch_many(payment_intent_ids=[recent, old], created_since=now - 3600)
    assert set(fees) == {recent}
    assert set(payment_fees_fetch_many(payment_intent_ids=[recent, old], created_since=now - 7200)) == {recent, old}
    assert set(payment_fees_fetch_many(payment_intent_ids=[recent, old], created_since=now + 60)) == set()


def test_list_filters_by_payment_intent_and_expands_each_balance_transaction(standin):
    intents = paid(standin, 3)
    client = stripe_client()

    page = client.v1.charges.list({"payment_intent": intents[1], "expand": ["data.balance_transaction"]})
    assert (page.object, page.url, page.has_more, len(page.data)) == ("list", "/v1/charges", False, 1)
    [charge] = page.data
    assert charge.object == "charge" and charge.payment_intent == intents[1]
    txn = charge.balance_transaction
    assert txn.object == "balance_transaction" and txn.fee == fee_for(charge.amount) and txn.source == charge.id

    plain = client.v1.charges.list({"payment_intent": intents[1]})
    assert plain.data[0].balance_transaction == txn.id  # not expanded unless asked


@pytest.mark.parametrize(("params", "param", "message"), [
    ({"limit": 0}, "limit", "This value must be greater than or equal to 1."),
    ({"limit": 101}, "limit", "This value must be less than or equal to 100 (it currently is '101')."),
    ({"limit": "ten"}, "limit", "Invalid integer: ten"),
    ({"created": {"gte": "yesterday"}}, "created[gte]", "Invalid integer: yesterday"),
    ({"starting_after": "ch_nope"}, "starting_after", "No such charge: 'ch_nope'"),
    ({"starting_after": "ch_a", "ending_before": "ch_b"}, "ending_before",
     "You may only specify one of these parameters: ending_before, starting_after."),
    ({"expand": ["balance_transaction"]}, "expand", "This property cannot be expanded (balance_transaction)."),
])
def test_bad_list_requests_are_stripe_400s(standin, params, param, message):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client().v1.charges.list(params)
    assert caught.value.http_status == 400 and caught.value.param == param
    assert caught.value.json_body["error"]["type"] == "invalid_request_error"
    assert caught.value.json_body["error"]["message"] == message


def test_paging_with_starting_after_has_no_duplicates_and_no_gaps(standin):
    intents = paid(standin, 25)
    base = int(time.time()) - 600
    # Five moments, interleaved with the order of payment: pages of 7 cut through runs of equal `created`.
    created = [base + (i * 3 % 5) * 10 for i in range(25)]
    for intent, moment in zip(intents, created, strict=True):
        set_created(standin, intent, moment)
    # Newest first; a tie goes to the charge made later.
    expected = [charge_of(standin, intents[i])["id"]
                for i in sorted(range(25), key=lambda i: (created[i], i), reverse=True)]
    client = stripe_client()

    seen, pages, cursor = [], [], None
    while True:
        page = client.v1.charges.list({"limit": 7, **({"starting_after": cursor} if cursor else {})})
        pages.append(len(page.data))
        seen += [charge.id for charge in page.data]
        if not page.has_more:
            break
        cursor = page.data[-1].id
    assert pages == [7, 7, 7, 4]
    assert seen == expected and len(set(seen)) == 25

    assert [c.id for c in client.v1.charges.list({"limit": 7}).auto_paging_iter()] == expected
    # Backwards from the oldest with ending_before: the same charges, the library yielding them oldest first.
    backwards = client.v1.charges.list({"limit": 7, "ending_before": expected[-1]}).auto_paging_iter()
    assert [c.id for c in backwards] == expected[-2::-1]
    # A cursor the filter leaves out still marks the place: after the 3rd charge (created at base + 40), those
    # created at exactly base + 30 (the 6th to the 10th).
    window = {"gte": base + 30, "lte": base + 30}
    page = client.v1.charges.list({"limit": 100, "starting_after": expected[2], "created": window})
    assert [c.id for c in page.data] == expected[5:10] and not page.has_more


def test_a_stripe_error_while_paging_is_stripe_unavailable(standin, settings):
    intents = paid(standin, 2)
    settings.STRIPE_SECRET_KEY = "sk_test_wrong"
    with pytest.raises(StripeUnavailable) as caught:
        payment_fees_fetch_many(payment_intent_ids=intents, created_since=an_hour_ago())
    assert isinstance(caught.value.__cause__, stripe.AuthenticationError)
    assert "AuthenticationError: Invalid API Key provided" in str(caught.value)
