"""What each Stripe event does to the gifts and the ledger, delivered through the real webhook view."""

from __future__ import annotations

import pytest

from swingfund.funding.models import Dispute, Donation, Refund
from swingfund.funding.payments.handlers import UNKNOWN_CAMPAIGN, UNKNOWN_CANDIDACY
from swingfund.funding.payments.models import StripeEvent
from swingfund.funding.payments.services import (
    MAX_ATTEMPTS,
    stripe_event_receive,
    stripe_events_apply_pending,
)
from swingfund.testing.stripe_standin import fee_for
from tests.payments.helpers import deliver, intent_of, pay

pytestmark = pytest.mark.django_db


def test_paid_session_records_one_gift_with_stripes_fee(client, standin, campaign):
    event = pay(standin, amount=2500)
    response = deliver(client, standin, event)

    assert response.status_code == 200
    assert response.json() == {"received": event["id"], "status": "pending", "duplicate": False}
    gift = Donation.objects.get()
    assert (gift.amount_pence, gift.fee_pence, gift.method) == (2500, fee_for(2500), "card")
    assert gift.external_id == intent_of(event) and gift.reference == event["data"]["object"]["id"]
    assert gift.donor.email == "ada@example.org" and gift.campaign == campaign
    assert gift.received_at.tzinfo is not None and int(gift.received_at.timestamp()) == event["created"]
    row = StripeEvent.objects.get()
    assert (row.event_id, row.type, row.status, row.deliveries) == (event["id"], event["type"], "handled", 1)


def test_redelivery_is_acknowledged_and_not_processed_again(client, standin, campaign):
    event = pay(standin)
    deliver(client, standin, event)
    again = deliver(client, standin, event)

    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert Donation.objects.count() == 1
    assert StripeEvent.objects.get().deliveries == 2


def test_payment_intent_succeeded_and_session_completed_record_one_gift(client, standin, campaign):
    completed = pay(standin)
    intent = standin.retrieve("payment_intent", intent_of(completed))
    succeeded = standin.event("payment_intent.succeeded", intent)

    assert deliver(client, standin, succeeded).status_code == 200
    assert deliver(client, standin, completed).status_code == 200
    assert Donation.objects.count() == 1
    assert set(StripeEvent.objects.values_list("status", flat=True)) == {"handled"}


def test_refund_before_payment_waits_then_applies_when_the_payment_arrives(client, standin, campaign):
    completed = pay(standin, amount=4000)
    refunded = standin.refund(intent_of(completed), 1500)  # Stripe sent it first; the payment event comes later

    assert deliver(client, standin, refunded).status_code == 200
    waiting = StripeEvent.objects.get(event_id=refunded["id"])
    assert (waiting.status, waiting.waiting_for) == ("waiting", intent_of(completed))
    assert Donation.objects.count() == 0 and Refund.objects.count() == 0

    assert deliver(client, standin, completed).status_code == 200
    gift = Donation.objects.get()
    refund = Refund.objects.get()
    assert (refund.donation, refund.amount_pence) == (gift, 1500)
    assert refund.external_id == refunded["data"]["object"]["refunds"]["data"][0]["id"]
    assert StripeEvent.objects.get(event_id=refunded["id"]).status == "handled"
    # A late redelivery of the refund changes nothing.
    deliver(client, standin, refunded)
    assert Refund.objects.count() == 1


def test_two_partial_refunds_delivered_in_reverse_order_are_each_applied_once(client, standin, campaign):
    completed = pay(standin, amount=5000)
    deliver(client, standin, completed)
    first = standin.refund(intent_of(completed), 1000)
    second = standin.refund(intent_of(completed), 2000)
    deliver(client, standin, second)  # lists both refunds
    deliver(client, standin, first)
    assert sorted(Refund.objects.values_list("amount_pence", flat=True)) == [1000, 2000]


def test_dispute_opened_then_lost(client, standin, campaign):
    completed = pay(standin, amount=3000)
    deliver(client, standin, completed)
    opened = standin.dispute(intent_of(completed))
    deliver(client, standin, opened)
    dispute = Dispute.objects.get()
    assert (dispute.amount_pence, dispute.status) == (3000, "open")
    closed = standin.dispute_close(opened["data"]["object"]["id"], status="lost")
    deliver(client, standin, closed)
    dispute.refresh_from_db()
    assert dispute.status == "lost" and dispute.closed_at is not None


def test_dispute_before_payment_waits(client, standin, campaign):
    completed = pay(standin, amount=3000)
    opened = standin.dispute(intent_of(completed))
    deliver(client, standin, opened)
    assert StripeEvent.objects.get(event_id=opened["id"]).status == "waiting"
    deliver(client, standin, completed)
    assert Dispute.objects.get().donation == Donation.objects.get()


def test_payment_for_an_unknown_campaign_is_kept_as_failed_then_retried(client, standin, campaign):
    event = pay(standin, campaign="no-such-campaign")
    response = deliver(client, standin, event)

    assert response.status_code == 200
    row = StripeEvent.objects.get()
    assert row.status == "failed" and row.error == UNKNOWN_CAMPAIGN.format(slug="no-such-campaign")
    assert Donation.objects.count() == 0
    # The organiser fixes it (here: the campaign appears); Stripe's next retry is processed, not ignored.
    campaign.slug = "no-such-campaign"
    campaign.save()
    deliver(client, standin, event)
    row.refresh_from_db()
    assert (row.status, row.error, row.deliveries) == ("handled", "", 2)
    assert Donation.objects.count() == 1


def test_events_swingfund_does_not_act_on_are_stored_as_ignored(client, standin):
    event = standin.event("customer.created", {"id": "cus_1", "object": "customer"})
    assert deliver(client, standin, event).status_code == 200
    assert StripeEvent.objects.get().status == "ignored"


def test_stripe_unreachable_for_the_fee_keeps_the_event_pending_then_applies_it(client, standin, campaign, settings):
    event = pay(standin, amount=2000)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    assert deliver(client, standin, event).status_code == 200  # stored: Stripe need not retry
    row = StripeEvent.objects.get()
    assert (row.status, row.attempts) == ("pending", 1) and "APIConnectionError" in row.error
    assert Donation.objects.count() == 0

    settings.STRIPE_API_BASE = standin.url
    assert stripe_events_apply_pending() == 1
    row.refresh_from_db()
    assert row.status == "handled" and Donation.objects.get().fee_pence == fee_for(2000)


def test_an_event_that_keeps_failing_is_marked_failed_after_the_last_attempt(client, standin, campaign, settings):
    body, signature = standin.signed(pay(standin))
    stripe_event_receive(payload=body, signature=signature)  # stored only; applied by hand below

    def broken(**_):
        raise ConnectionError("Stripe is down")

    for _ in range(MAX_ATTEMPTS):
        stripe_events_apply_pending(fee_lookup=broken)
    row = StripeEvent.objects.get()
    assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
    assert row.error == f"Attempt {MAX_ATTEMPTS} failed: ConnectionError: Stripe is down"
    assert stripe_events_apply_pending(fee_lookup=broken) == 0  # failed events wait for an organiser or Stripe


def test_payment_earmarked_for_an_unknown_candidacy_fails_with_the_reason(client, standin, campaign):
    event = pay(standin, earmarked_candidacy="999999")
    deliver(client, standin, event)
    row = StripeEvent.objects.get()
    assert (row.status, row.error) == ("failed", UNKNOWN_CANDIDACY.format(pk="999999"))
    assert Donation.objects.count() == 0


def test_payment_the_ledger_refuses_is_failed_with_the_ledgers_reason(client, standin, campaign):
    event = pay(standin, name="")  # a donor needs a name
    event["data"]["object"]["customer_details"] = None
    deliver(client, standin, event)
    row = StripeEvent.objects.get()
    assert row.status == "failed" and row.error.startswith("The ledger refused the gift: ")
