"""A giver and a joiner in a real browser at phone width: the privacy notice is linked from the donation and join
forms and reachable at 390 px; the thank-you page carries a receipt (page and PDF) that leads to the gift's
highlighted ledger line; Cancel at Stripe brings the giver back to the form as they left it."""

from __future__ import annotations

import pytest

from swingfund.funding.models import Donation
from swingfund.organisations.models import Organisation
from tests.payments.conftest import WEBHOOK_PATH

PHONE = {"width": 390, "height": 844}
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def fill_gift(page, url: str) -> None:
    page.goto(url)
    page.fill("#id_amount", "12.34")
    page.fill("#id_name", "Grace Hopper")
    page.fill("#id_email", "grace@example.org")
    page.fill("#id_address", "2 Low Road")
    page.fill("#id_postcode", "E1 6AN")
    page.check("#id_consent_special")


def inside_phone(page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (selector, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_privacy_notice_is_on_the_join_and_donation_forms_at_390px(page, live_server, standin, campaign):
    Organisation.objects.create(name="Library Friends", slug="library-friends", address="1 High St\nLeeds LS1 1AA",
                                privacy_contact="privacy@library.example")
    page.set_viewport_size(PHONE)
    for form in ("/outreach/join/", f"/payments/checkout/{campaign.slug}/"):
        page.goto(live_server.url + form)
        inside_phone(page, "#privacy-link")
        page.click("#privacy-link")
        page.wait_for_selector("#rights")
        body = page.inner_text("body")
        assert "privacy@library.example" in body and "Wycliffe House, Water Lane, Wilmslow" in body
        assert "Article 9(2)(a)" in body and "Group policy" in body
        inside_phone(page, "#complain")
    page.goto(f"{live_server.url}/payments/checkout/{campaign.slug}/")
    assert "may reveal my political opinions or religious beliefs" in page.inner_text("label[for=id_consent_special]")
    page.goto(f"{live_server.url}/outreach/join/")
    assert "to send me the campaign messages I ticked" in page.inner_text("form")


def test_the_receipt_follows_to_the_highlighted_ledger_line(page, live_server, standin, campaign):
    standin.webhook_url = live_server.url + WEBHOOK_PATH
    page.set_viewport_size(PHONE)
    fill_gift(page, f"{live_server.url}/payments/checkout/{campaign.slug}/")
    page.click("text=Continue to card payment")
    page.wait_for_selector("#pay")
    page.click("#pay")
    page.wait_for_selector("#receipt")
    gift = Donation.objects.get()
    receipt = page.inner_text("#receipt")
    assert f"Gift #{gift.pk}" in receipt and "£12.34" in receipt and "Grace" not in receipt
    pdf = page.request.get(page.get_attribute("#receipt-pdf", "href").replace("?", page.url.split("?")[0] + "?", 1))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    inside_phone(page, "#ledger-line")
    page.click("#ledger-line")
    page.wait_for_selector("#ledger")
    assert page.evaluate("document.querySelector(':target') && document.querySelector(':target').id") == \
        f"tx-{gift.transaction_id}"
    marked = page.evaluate("getComputedStyle(document.querySelector(':target')).backgroundColor")
    assert marked == "rgb(255, 243, 176)"  # the gift's line is highlighted (the site's :target yellow)


def test_cancel_at_checkout_keeps_the_form(page, live_server, standin, campaign):
    page.set_viewport_size(PHONE)
    fill_gift(page, f"{live_server.url}/payments/checkout/{campaign.slug}/")
    page.click("text=Continue to card payment")
    page.wait_for_selector("#pay")
    page.click("#cancel")
    page.wait_for_selector("#donate")
    assert "nothing was taken" in page.inner_text("#cancelled")
    assert [page.input_value(f"#id_{f}") for f in ("amount", "name", "email", "address", "postcode")] == \
        ["12.34", "Grace Hopper", "grace@example.org", "2 Low Road", "E1 6AN"]
    assert page.is_checked("#id_consent_special")
    assert Donation.objects.count() == 0
