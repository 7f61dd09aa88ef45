"""Applying stored Stripe events in chunks (`stripe_events_apply_pending`): each chunk's fees come from one listing of
charges (plus the fees met on earlier pages), its payments are recorded together (`donations_record_many`), and
everything else — refunds, disputes, refused payments — goes through the one-by-one path. If the batch fails as a
whole, the chunk is applied one by one with the same outcome. The real `stripe` library talks to the stand-in."""

from __future__ import annotations

import pytest
from django.db import transaction

from swingfund.funding.ledger import ledger_verify
from swingfund.funding.models import Dispute, Donation, LedgerTransaction, Refund
from swingfund.funding.payments import services
from swingfund.funding.payments.handlers import UNKNOWN_CAMPAIGN
from swingfund.funding.payments.models import StripeEvent
from swingfund.funding.payments.services import stripe_event_receive, stripe_events_apply_pending
from swingfund.testing.stripe_standin import StandIn, fee_for
from tests.payments.helpers import intent_of, pay

pytestmark = pytest.mark.django_db

LIST_CHARGES = ("GET", "/v1/charges")


@pytest.fixture(autouse=True)
def no_fees_seen():
    """The fees met while listing are kept per process: each test starts (and leaves) with none."""
    services._fees_seen.clear()
    yield
    services._fees_seen.clear()


@pytest.fixture
def batches(monkeypatch):
    """The sizes of the batches recorded together (the real `donations_record_many` still runs)."""
    sizes: list[int] = []
    real = services.funding.donations_record_many

    def spy(batch):
        sizes.append(len(batch))
        return real(batch)

    monkeypatch.setattr(services.funding, "donations_record_many", spy)
    return sizes


def amount(i: int) -> int:
    return 500 + 37 * i


def payments(standin: StandIn, count: int) -> list[dict]:
    """``count`` paid sessions by distinct donors, of distinct amounts; their checkout.session.completed events."""
    return [pay(standin, amount=amount(i), name=f"Donor {i}", email=f"donor{i}@example.org",
                donor_address=f"{i} Mill Lane") for i in range(count)]


def store(standin: StandIn, *events: dict) -> None:
    """Receive each event as the webhook does (signature checked, stored PENDING, not applied)."""
    for event in events:
        body, signature = standin.signed(event)
        receipt = stripe_event_receive(payload=body, signature=signature)
        assert (receipt.status, receipt.duplicate) == ("pending", False)


def stripe_fee(standin: StandIn, intent: str) -> int:
    """The fee on the payment's balance transaction, as the stand-in holds it."""
    return standin.retrieve("balance_transaction", standin.charge_for(intent)["balance_transaction"])["fee"]


def api_calls(standin: StandIn) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in standin.requests]


def status(event: dict) -> tuple[str, str, str]:
    row = StripeEvent.objects.get(event_id=event["id"])
    return row.status, row.error, row.waiting_for


def test_120_payments_are_recorded_together_with_fees_from_two_list_pages(standin, campaign, batches):
    events = payments(standin, 120)
    store(standin, *events)
    standin.requests.clear()

    assert stripe_events_apply_pending() == 120

    assert batches == [120]
    gifts = {d.external_id: d for d in Donation.objects.select_related("donor")}
    assert len(gifts) == 120
    for i, event in enumerate(events):
        gift = gifts[intent_of(event)]
        assert (gift.amount_pence, gift.fee_pence, gift.method) == (amount(i), fee_for(amount(i)), "card")
        assert gift.fee_pence == stripe_fee(standin, intent_of(event))
        assert gift.reference == event["data"]["object"]["id"] and gift.donor.email == f"donor{i}@example.org"
    assert sum(g.fee_pence for g in gifts.values()) == sum(fee_for(amount(i)) for i in range(120))
    assert set(StripeEvent.objects.values_list("status", flat=True)) == {"handled"}
    assert not StripeEvent.objects.filter(handled_at__isnull=True).exists()
    report = ledger_verify()
    assert report.ok and report.checked == 120 == LedgerTransaction.objects.count()
    # 100 charges then 20, newest first, balance transactions expanded; no payment intent asked for one by one.
    assert api_calls(standin) == [LIST_CHARGES, LIST_CHARGES]
    assert all(r["params"]["expand"] == ["data.balance_transaction"] for r in standin.requests)
    assert stripe_events_apply_pending() == 0 and len(standin.requests) == 2


def test_a_mixed_chunk(standin, campaign, batches):
    a, b, c, d = payments(standin, 4)
    # A refund of c reached swingfund before c's payment and was applied alone: it waits for the payment.
    waiting_refund = standin.refund(intent_of(c), 200)
    store(standin, waiting_refund)
    assert stripe_events_apply_pending() == 1
    assert status(waiting_refund) == ("waiting", "", intent_of(c))
    # Then a chunk: a refund of a stored before a's payment, the payments, one for a campaign that does not exist,
    # and b's payment_intent.succeeded after its checkout.session.completed.
    early_refund = standin.refund(intent_of(a), 100)
    unknown = pay(standin, campaign="no-such-campaign", amount=900, name="Eve", email="eve@example.org")
    b_again = standin.event("payment_intent.succeeded", standin.retrieve("payment_intent", intent_of(b)))
    store(standin, early_refund, a, b, c, unknown, b_again, d)

    assert stripe_events_apply_pending() == 7

    assert batches == [5]  # a, b, c, b again, d; the refund and the refused payment one by one
    gifts = {g.external_id: g for g in Donation.objects.all()}
    assert set(gifts) == {intent_of(e) for e in (a, b, c, d)}  # b once; nothing for the unknown campaign
    for i, event in enumerate((a, b, c, d)):
        gift = gifts[intent_of(event)]
        assert (gift.amount_pence, gift.fee_pence) == (amount(i), fee_for(amount(i)))
    assert gifts[intent_of(b)].reference == b["data"]["object"]["id"]  # the event stored first recorded it
    refunds = sorted(Refund.objects.values_list("donation__external_id", "amount_pence", "external_id"))
    assert refunds == sorted([
        (intent_of(a), 100, early_refund["data"]["object"]["refunds"]["data"][0]["id"]),
        (intent_of(c), 200, waiting_refund["data"]["object"]["refunds"]["data"][0]["id"]),
    ])
    for event in (a, b, c, d, b_again, early_refund, waiting_refund):
        assert status(event) == ("handled", "", ""), event["type"]
    assert status(unknown) == ("failed", UNKNOWN_CAMPAIGN.format(slug="no-such-campaign"), "")
    assert "does not exist" in status(unknown)[1]
    assert ledger_verify().ok and LedgerTransaction.objects.count() == 4 + 2
    assert set(api_calls(standin)) == {LIST_CHARGES}
    assert stripe_events_apply_pending() == 0 and Refund.objects.count() == 2  # nothing left, nothing twice


def fallback_scenario(standin: StandIn) -> list[dict]:
    """Payments (one delivered twice), a refund stored before its payment, a dispute, an unknown campaign."""
    events = payments(standin, 6)
    refund = standin.refund(intent_of(events[2]), 300)
    dispute = standin.dispute(intent_of(events[4]))
    again = standin.event("payment_intent.succeeded", standin.retrieve("payment_intent", intent_of(events[1])))
    unknown = pay(standin, campaign="gone", amount=700, name="Eve", email="eve@example.org")
    return [refund, *events[:4], again, unknown, dispute, *events[4:]]


def outcome() -> dict:
    report = ledger_verify()
    assert report.ok, report.problem
    return {
        "gifts": sorted(Donation.objects.values_list("external_id", "amount_pence", "fee_pence", "status",
                                                     "donor__email", "reference")),
        "refunds": sorted(Refund.objects.values_list("donation__external_id", "amount_pence", "external_id")),
        "disputes": sorted(Dispute.objects.values_list("donation__external_id", "amount_pence", "status")),
        "events": sorted(StripeEvent.objects.values_list("event_id", "status", "error", "waiting_for")),
        "transactions": report.checked, "balances": report.balances,
    }


def test_when_the_batch_fails_every_event_is_applied_one_by_one_with_the_same_outcome(standin, campaign, monkeypatch,
                                                                                      batches):
    events = fallback_scenario(standin)
    with transaction.atomic():  # recorded together, looked at, then rolled back
        store(standin, *events)
        assert stripe_events_apply_pending() == len(events) == 10
        together = outcome()
        transaction.set_rollback(True)
    assert batches == [7] and together["balances"] and sum(together["balances"].values()) == 0
    assert not StripeEvent.objects.exists() and not Donation.objects.exists()

    calls = []

    def broken(batch):
        calls.append(len(batch))
        raise RuntimeError("the batch broke")

    monkeypatch.setattr(services.funding, "donations_record_many", broken)
    store(standin, *events)
    assert stripe_events_apply_pending() == 10

    assert calls == [7]  # tried once with the chunk's payments, then nothing of it was kept
    one_by_one = outcome()
    assert one_by_one == together
    assert len(one_by_one["gifts"]) == 6 and one_by_one["transactions"] == 6 + 1 + 1  # gifts, refund, dispute
    assert sum(g[1] for g in one_by_one["gifts"]) == sum(amount(i) for i in range(6))
    assert sum(g[2] for g in one_by_one["gifts"]) == sum(fee_for(amount(i)) for i in range(6))
    assert one_by_one["refunds"][0][:2] == (intent_of(events[3]), 300)
    assert one_by_one["disputes"] == [(intent_of(events[-2]), amount(4), "open")]
    statuses = {row[0]: row[1:] for row in one_by_one["events"]}
    assert statuses[events[6]["id"]] == ("failed", UNKNOWN_CAMPAIGN.format(slug="gone"), "")
    assert {s[0] for e, s in statuses.items() if e != events[6]["id"]} == {"handled"}


def test_a_gift_the_ledger_refuses_fails_alone_and_the_others_are_recorded(standin, campaign, batches):
    good = payments(standin, 3)
    nameless = pay(standin, name="", amount=1200, email="anon@example.org")
    store(standin, good[0], nameless, *good[1:])

    assert stripe_events_apply_pending() == 4

    assert batches == [4]  # refused as a whole (a donor needs a name), then applied one by one
    assert sorted(Donation.objects.values_list("amount_pence", "fee_pence")) == [
        (amount(i), fee_for(amount(i))) for i in range(3)]
    state, error, _ = status(nameless)
    assert state == "failed" and error.startswith("The ledger refused the gift: ")
    assert [status(e)[0] for e in good] == ["handled"] * 3
    assert ledger_verify().ok and set(api_calls(standin)) == {LIST_CHARGES}


def test_a_payment_whose_fee_the_listing_missed_is_applied_alone_with_its_own_fee_request(standin, campaign, batches):
    events = payments(standin, 3)
    late = intent_of(events[1])
    with standin.lock:  # its charge was made two hours before its event: older than the listing goes back
        standin.objects[standin.objects[late]["latest_charge"]]["created"] -= 7200
    store(standin, *events)
    standin.requests.clear()

    assert stripe_events_apply_pending() == 3

    assert batches == [2]
    assert api_calls(standin) == [LIST_CHARGES, ("GET", f"/v1/payment_intents/{late}")]
    assert sorted(Donation.objects.values_list("amount_pence", "fee_pence")) == [
        (amount(i), fee_for(amount(i))) for i in range(3)]
    assert set(StripeEvent.objects.values_list("status", flat=True)) == {"handled"} and ledger_verify().ok


def test_later_chunks_take_their_fees_from_the_charges_the_first_listing_met(standin, campaign, monkeypatch, batches):
    monkeypatch.setattr(services, "APPLY_CHUNK", 4)
    events = payments(standin, 10)  # chunks of 4, 4 and 2, oldest first
    store(standin, *events)
    standin.requests.clear()

    assert stripe_events_apply_pending() == 10

    assert batches == [4, 4, 2]
    # The first chunk's payments are the oldest: its one page (newest first) met the six others on the way.
    assert api_calls(standin) == [LIST_CHARGES]
    assert set(services._fees_seen) == {intent_of(e) for e in events[4:]}
    for i, event in enumerate(events):
        gift = Donation.objects.get(external_id=intent_of(event))
        assert gift.fee_pence == fee_for(amount(i)) == stripe_fee(standin, intent_of(event))
    for event in events[4:]:
        charge = standin.charge_for(intent_of(event))
        assert services._fees_seen[intent_of(event)] == services.PaymentFee(
            charge_id=charge["id"], fee_pence=fee_for(charge["amount"]),
            balance_transaction_id=charge["balance_transaction"])
    assert set(StripeEvent.objects.values_list("status", flat=True)) == {"handled"}
    assert ledger_verify().ok


def test_an_injected_fee_lookup_is_asked_once_per_payment(standin, campaign, batches):
    events = payments(standin, 5)
    again = standin.event("payment_intent.succeeded", standin.retrieve("payment_intent", intent_of(events[0])))
    store(standin, *events, again)
    asked: list[str] = []

    def lookup(*, payment_intent_id: str) -> services.PaymentFee:
        asked.append(payment_intent_id)
        return services.PaymentFee(charge_id="ch_x", fee_pence=7, balance_transaction_id="txn_x")

    assert stripe_events_apply_pending(fee_lookup=lookup) == 6

    assert sorted(asked) == sorted(intent_of(e) for e in events) and batches == [6]
    assert sorted(Donation.objects.values_list("amount_pence", "fee_pence")) == [(amount(i), 7) for i in range(5)]
    assert standin.requests == [] and services._fees_seen == {}
