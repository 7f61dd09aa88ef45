"""Small helpers shared by the payment tests: paying through the stand-in and delivering signed events."""

from __future__ import annotations

import json

from swingfund.testing.stripe_standin import StandIn
from tests.payments.conftest import WEBHOOK_PATH, committed

CAMPAIGN = "keep-the-library-open"


def open_session(standin: StandIn, *, amount: int = 2500, email: str = "ada@example.org", name: str = "Ada Lovelace",
                 campaign: str = CAMPAIGN, **extra: str) -> dict:
    metadata = {"campaign": campaign, "donor_name": name, "donor_email": email, "donor_address": "1 High St",
                "donor_postcode": "N1 1AA", **extra}
    return standin.session_create({
        "mode": "payment", "success_url": "http://testserver/thanks/",
        "line_items": [{"quantity": 1, "price_data": {"currency": "gbp", "unit_amount": amount,
                                                      "product_data": {"name": "Gift"}}}],
        "metadata": metadata, "payment_intent_data": {"metadata": metadata},
    })


def pay(standin: StandIn, **kwargs) -> dict:
    """A paid session's ``checkout.session.completed`` event (not delivered)."""
    return standin.session_complete(open_session(standin, **kwargs)["id"])


def deliver(client, standin: StandIn, event: dict):
    """POST the event, signed as Stripe signs it, through Django's test client; the task it queues runs on return."""
    body, signature = standin.signed(event)
    with committed():
        return client.post(WEBHOOK_PATH, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)


def intent_of(event: dict) -> str:
    return event["data"]["object"]["payment_intent"]


def as_json(event: dict) -> str:
    return json.dumps(event, separators=(",", ":"))
