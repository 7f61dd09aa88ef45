"""The donate form: validation (integer pence, the declaration over the legal threshold), then Stripe Checkout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from swingfund.compliance.selectors import figure
from swingfund.display import money
from swingfund.funding.payments.forms import AMOUNT_INVALID, DECLARATION_NEEDED
from swingfund.funding.payments.stripe import CARD_PAYMENTS_OFF
from swingfund.funding.payments.views import NO_BACKED_CANDIDATE

pytestmark = pytest.mark.django_db

URL = "/payments/checkout/keep-the-library-open/"
GIVER = {"name": "Ada Lovelace", "email": "ada@example.org", "address": "1 High St, Islington", "postcode": "n1 1aa",
         "consent_special": "on"}


def threshold():
    return figure("non_party_permissibility_threshold", on=timezone.now().date())


def test_a_gift_needs_the_article_9_consent(client, standin, campaign):
    """Giving to such a group can reveal political opinions or religion (UK GDPR Article 9(2)(a)): no consent, no
    checkout session, and the form says why."""
    response = client.post(URL, {**{k: v for k, v in GIVER.items() if k != "consent_special"}, "amount": "10"})
    assert response.status_code == 400 and not standin.requests
    assert "explicit consent" in response.content.decode() and "Article 9(2)(a)" in response.content.decode()


def test_form_shows_the_legal_threshold_with_its_source(client, standin, campaign):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    limit = threshold()
    assert money(limit.value, short=True) in page and limit.citation in page and limit.source_url in page
    assert campaign.purpose in page


def test_small_gift_redirects_to_a_checkout_session_with_the_donor_in_metadata(client, standin, campaign):
    response = client.post(URL, {**GIVER, "amount": "25.50", "consent_publish": "on"})

    assert response.status_code == 302
    [request] = standin.requests
    session = standin.retrieve("checkout.session", response["Location"].rsplit("/", 1)[-1])
    assert response["Location"] == session["url"]
    assert session["amount_total"] == 2550 and session["currency"] == "gbp"
    consent = session["metadata"].pop("special_consent")
    assert consent.startswith("version 2026-12-1, given ")  # the Article 9 consent's wording version and time
    assert session["metadata"] == {
        "campaign": campaign.slug, "donor_name": "Ada Lovelace", "donor_email": "ada@example.org",
        "donor_address": "1 High St, Islington", "donor_postcode": "N1 1AA", "category": "", "declared": "no",
        "consent_publish": "yes", "declaration_threshold_pence": str(threshold().value),
    }
    assert request["params"]["success_url"].endswith("/thanks/?session={CHECKOUT_SESSION_ID}")


def test_gift_over_the_threshold_needs_the_declaration(client, standin, campaign):
    over = f"{(threshold().value + 100) / 100:.2f}"
    response = client.post(URL, {**GIVER, "amount": over})
    assert response.status_code == 400
    message = DECLARATION_NEEDED.format(threshold=money(threshold().value, short=True), citation=threshold().citation)
    assert message in response.content.decode().replace("&#x27;", "'")
    assert standin.requests == []  # nothing sent to Stripe

    response = client.post(URL, {**GIVER, "amount": over, "category": "uk_elector", "declaration": "on"})
    assert response.status_code == 302
    session = standin.retrieve("checkout.session", response["Location"].rsplit("/", 1)[-1])
    assert (session["metadata"]["category"], session["metadata"]["declared"]) == ("uk_elector", "yes")


@pytest.mark.parametrize("amount", ["25.505", "ten", "-5", "NaN"])
def test_amount_must_be_pounds_and_pence(client, standin, campaign, amount):
    response = client.post(URL, {**GIVER, "amount": amount})
    assert response.status_code == 400
    assert AMOUNT_INVALID in response.content.decode() or "smallest card gift" in response.content.decode()
    assert standin.requests == []


def test_card_payments_off_until_the_key_is_set(client, settings, campaign):
    settings.STRIPE_SECRET_KEY = ""
    response = client.get(URL)
    assert response.status_code == 503 and CARD_PAYMENTS_OFF in response.content.decode()


def test_closed_campaign_takes_no_gifts(client, standin, campaign):
    campaign.__class__.objects.filter(pk=campaign.pk).update(ends_at=timezone.now() - timedelta(days=1),
                                                             starts_at=timezone.now() - timedelta(days=20))
    response = client.post(URL, {**GIVER, "amount": "10"})
    assert response.status_code == 409 and standin.requests == []


def test_earmarked_campaign_without_a_backed_candidate_takes_no_card_gifts(client, standin, campaign):
    campaign.__class__.objects.filter(pk=campaign.pk).update(mode="earmarked")
    response = client.get(URL)
    assert response.status_code == 409 and NO_BACKED_CANDIDATE in response.content.decode()


def test_bank_and_cheque_givers_over_the_threshold_are_told_what_to_send(client, campaign):
    """Over £500 (PPERA 2000 Sch 11) a gift needs the giver's name, address and declaration: the campaign page says
    how a bank or cheque giver supplies them, and where."""
    from swingfund.organisations.models import Organisation

    Organisation.objects.create(name="Library Friends", slug="lf", address="1 High St\nLeeds LS1 1AA",
                                privacy_contact="treasurer@lf.example", bank_account_name="Library Friends",
                                bank_sort_code="12-34-56", bank_account_number="12345678", 
                                cheque_payee="Library Friends",
                                cheque_address="1 High St, Leeds")
    html = client.get(f"/funding/campaigns/{campaign.slug}/").content.decode()
    said = html[html.index('id="offline-over"'):]
    said = said[:said.index("</p>")]
    assert "Giving more than £500 by bank or cheque?" in said
    assert "home address" in said and "declaration" in said and "treasurer@lf.example" in said
    assert threshold().citation in said and threshold().value == 50_000
