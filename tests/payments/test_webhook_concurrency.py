"""The same event delivered 50 times at once (threads against a live server): recorded once, one gift."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from swingfund.funding.models import Donation, LedgerTransaction
from swingfund.funding.payments.models import StripeEvent
from tests.payments.conftest import WEBHOOK_PATH
from tests.payments.helpers import intent_of, pay

COPIES = 50


@pytest.mark.django_db(transaction=True)
def test_same_event_delivered_50_times_concurrently_is_recorded_once(live_server, standin, campaign):
    event = pay(standin, amount=2000)
    url = live_server.url + WEBHOOK_PATH
    start = threading.Barrier(COPIES)

    def send(_: int) -> int:
        start.wait()  # all 50 deliveries leave together
        return standin.deliver(event, url)

    with ThreadPoolExecutor(COPIES) as pool:
        statuses = list(pool.map(send, range(COPIES)))

    assert statuses == [200] * COPIES
    row = StripeEvent.objects.get()
    assert (row.event_id, row.status, row.deliveries) == (event["id"], "handled", COPIES)
    gift = Donation.objects.get()
    assert gift.external_id == intent_of(event) and gift.amount_pence == 2000
    assert LedgerTransaction.objects.filter(kind="gift").count() == 1


@pytest.mark.django_db(transaction=True)
def test_50_different_events_at_once_all_recorded(live_server, standin, campaign):
    events = [pay(standin, amount=1000 + i, email=f"giver{i}@example.org") for i in range(COPIES)]
    url = live_server.url + WEBHOOK_PATH
    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(lambda e: standin.deliver(e, url), events))
    assert statuses == [200] * COPIES
    assert StripeEvent.objects.filter(status="handled").count() == COPIES
    assert sorted(Donation.objects.values_list("amount_pence", flat=True)) == [1000 + i for i in range(COPIES)]
