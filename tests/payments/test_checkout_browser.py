"""A giver in a real browser: donate form → Stripe (stand-in) hosted page → pay → webhook → thank-you page."""

from __future__ import annotations

import pytest

from swingfund.funding.models import Donation
from swingfund.funding.payments.models import StripeEvent
from swingfund.testing.stripe_standin import fee_for
from tests.payments.conftest import WEBHOOK_PATH


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_card_gift_from_form_to_ledger(page, live_server, standin, campaign):
    standin.webhook_url = live_server.url + WEBHOOK_PATH
    page.goto(f"{live_server.url}/payments/checkout/{campaign.slug}/")
    page.fill("#id_amount", "12.34")
    page.fill("#id_name", "Grace Hopper")
    page.fill("#id_email", "grace@example.org")
    page.fill("#id_address", "2 Low Road")
    page.fill("#id_postcode", "E1 6AN")
    page.check("#id_consent_special")
    page.click("text=Continue to card payment")

    page.wait_for_selector("#pay")
    assert page.url.startswith(standin.url + "/c/pay/cs_test_")
    assert "£12.34" in page.inner_text("body")
    page.click("#pay")  # Stripe takes the card, sends the signed webhook, then sends the giver back

    page.wait_for_selector("#thanks")
    assert page.url.startswith(f"{live_server.url}/payments/checkout/{campaign.slug}/thanks/?session=cs_test_")
    assert "£12.34" in page.inner_text("#recorded")
    gift = Donation.objects.get()
    assert (gift.amount_pence, gift.fee_pence, gift.donor.name) == (1234, fee_for(1234), "Grace Hopper")
    assert StripeEvent.objects.get().status == "handled"
