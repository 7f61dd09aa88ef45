"""Card gifts for the demo, through the real `stripe` library against the local stand-in, offline.

Each gift goes the whole way a real one does: a Checkout Session is created by the library (form-encoded POST to
the stand-in), the stand-in takes the "card" and signs the ``checkout.session.completed`` event, the webhook service
verifies and stores it, and the processor records the gift with Stripe's fee. One refund is delivered *before* its
payment, as Stripe sometimes does, and is applied when the payment arrives. Safe to repeat: a campaign that already
has card gifts is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.test.utils import override_settings

from swingfund.display import money
from swingfund.funding.models import Campaign, Donation, Method
from swingfund.funding.payments.services import stripe_event_receive, stripe_events_apply_pending
from swingfund.funding.payments.stripe import checkout_session_create

DEMO_KEY = "sk_test_swingfund_demo"
DEMO_SECRET = "whsec_swingfund_demo"
# (name, email, address, postcode, pence)
DEMO_CARD_GIFTS = [
    ("Priya Shah", "priya@example.org", "21 Orchard Way, Leicester", "LE4 6AB", 2_500),
    ("Callum Reid", "callum@example.org", "4 Harbour View, Dewsbury", "WF13 2AA", 1_000),
    ("Fatima Noor", "fatima@example.org", "9 Station Road, Batley", "WF17 5AA", 5_000),
    ("Owen Davies", "owen@example.org", "30 Chapel St, Blackburn", "BB2 1AA", 1_500),
]
REFUNDED_PENCE = 500  # part of the last gift, refunded — and delivered before the payment itself


@dataclass
class CardDemoSummary:
    campaign: str
    gifts: int
    gross_pence: int
    fees_pence: int
    refunded_pence: int

    def __str__(self) -> str:
        return (f"Card gifts to '{self.campaign}' via the Stripe stand-in: {self.gifts} gifts, "
                f"{money(self.gross_pence, short=True)} gross, {money(self.fees_pence, short=True)} Stripe fees, "
                f"{money(self.refunded_pence, short=True)} refunded. See /payments/stripe/events/.")


def _summary(campaign: Campaign) -> CardDemoSummary:
    gifts = Donation.objects.filter(campaign=campaign, method=Method.CARD)
    return CardDemoSummary(campaign=campaign.slug, gifts=gifts.count(),
                           gross_pence=sum(g.amount_pence for g in gifts), fees_pence=sum(g.fee_pence for g in gifts),
                           refunded_pence=sum(r.amount_pence for g in gifts for r in g.refunds.all()))


def standin_module():
    """The module of the local Stripe stand-in the settings name (`STRIPE_STANDIN_MODULE`): its `StandIn` server and
    its `main` command line. Resolved at run time, so the product never imports the test harnesses itself."""
    return import_module(settings.STRIPE_STANDIN_MODULE)


def card_gifts_demo(*, campaign: Campaign, standin_class: Callable | None = None) -> CardDemoSummary:
    """The demo's card gifts, through `standin_class` (a stand-in server class; default: the one the settings name)."""
    if campaign.mode != "pooled":
        raise ValueError(f"The card demo gives to a pooled campaign; '{campaign.slug}' is {campaign.mode}.")
    if Donation.objects.filter(campaign=campaign, method=Method.CARD).exists():
        return _summary(campaign)
    server = standin_class or standin_module().StandIn
    with server(api_key=DEMO_KEY, webhook_secret=DEMO_SECRET) as standin, override_settings(
        STRIPE_SECRET_KEY=DEMO_KEY, STRIPE_WEBHOOK_SECRET=DEMO_SECRET, STRIPE_API_BASE=standin.url,
    ):
        events = []
        for i, (name, email, address, postcode, pence) in enumerate(DEMO_CARD_GIFTS):
            session = checkout_session_create(
                campaign_slug=campaign.slug, campaign_title=campaign.title, amount_pence=pence, donor_email=email,
                metadata={"donor_name": name, "donor_email": email, "donor_address": address,
                          "donor_postcode": postcode, "declared": "no", "consent_publish": "no"},
                success_url="http://127.0.0.1:8000/", cancel_url="http://127.0.0.1:8000/",
                idempotency_key=f"swingfund-demo-{campaign.slug}-{i}",
            )
            events.append(standin.session_complete(session.id, name=name, email=email))
        refund = standin.refund(events[-1]["data"]["object"]["payment_intent"], REFUNDED_PENCE)
        for event in [refund, *events]:  # out of order, as Stripe may deliver
            body, signature = standin.signed(event)
            stripe_event_receive(payload=body, signature=signature)
        stripe_events_apply_pending()
    return _summary(campaign)
