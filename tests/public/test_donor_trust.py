"""A donor can trust the form: a privacy notice from the group's profile, what is needed over the permissibility
threshold marked, accurate words on when a name is published (the dated figures, never a literal), announced field
errors with a summary at the top; and closed campaigns labelled wherever campaigns are listed."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from swingfund.compliance.selectors import figure
from swingfund.display import money


@pytest.fixture
def open_campaign(world, settings):
    from swingfund.funding.services import campaign_create

    settings.STRIPE_SECRET_KEY = "sk_test_x"  # card payments on (the form renders; nothing is sent)
    now = timezone.now()
    return campaign_create(organisation=world.organisation, slug="spring-fund", title="Spring fund", description="x",
                           purpose="Grants to the candidates our committee backs.", mode="pooled",
                           goal_pence=500_000, starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=9))


def test_the_form_carries_the_privacy_notice_the_marks_and_the_publication_rules(world, open_campaign, client):
    html = unescape(client.get(f"/payments/checkout/{open_campaign.slug}/").content.decode())
    today = timezone.now().date()
    names = money(figure("public_donor_name_threshold", on=today).value, short=True)
    reported = money(figure("non_party_donation_report_threshold", on=today).value, short=True)
    over = money(figure("non_party_permissibility_threshold", on=today).value, short=True)
    notice = re.search(r'id="privacy-notice".*?</section>', html, re.S).group(0)
    assert world.organisation.privacy_contact in notice and world.organisation.name in notice
    for field in ("address", "postcode", "category", "declaration"):
        label = re.search(rf'<label for="id_{field}"[^>]*>(.*?)</label>', html, re.S).group(1)
        assert f"needed for gifts over {over}" in label, field
    consent = re.search(r'id="publish-rules".*?</p>', html, re.S).group(0)
    assert f"only for gifts over {names}" in consent and "Electoral Commission" in consent
    assert f"over {reported}" in consent
    assert "You may publish my name with my gift." not in html


def test_field_errors_are_announced_and_summarised(world, open_campaign, client):
    response = client.post(f"/payments/checkout/{open_campaign.slug}/", {
        "amount": "600", "name": "Ada", "email": "not-an-email", "address": "", "postcode": ""})
    html = response.content.decode()
    assert response.status_code == 400
    described = dict(re.findall(r'id="(id_\w+)"[^>]*aria-describedby="([^"]+)"', html))
    described.update({k: v for v, k in re.findall(r'aria-describedby="([^"]+)"[^>]*id="(id_\w+)"', html)})
    assert {"id_email", "id_address"} <= set(described)
    for ids in described.values():
        for target in ids.split():
            assert f'id="{target}"' in html, target  # every description resolves to an element
    summary = re.search(r'id="error-summary".*?</div>', html, re.S).group(0)
    assert 'href="#id_email"' in summary and 'href="#id_address"' in summary
    assert html.index('id="error-summary"') < html.index('id="donate"')


def test_closed_campaigns_are_labelled_on_the_home_page_and_the_list(world, open_campaign, client):
    for path in ("/", "/funding/"):
        html = client.get(path).content.decode()
        closed = re.findall(r'class="badge campaign-status closed">([^<]*)<', html)
        assert closed and all("closed" in c.lower() for c in closed), path
        assert 'class="badge campaign-status open"' in html, path


@pytest.mark.browser
def test_a_form_error_is_announced_in_the_browser(live_server, page, journey, settings):
    from swingfund.funding.services import campaign_create

    settings.STRIPE_SECRET_KEY = "sk_test_x"
    now = timezone.now()
    campaign_create(organisation=journey.organisation, slug="open-fund", title="Open fund", description="x",
                    purpose="Grants.", mode="pooled", goal_pence=100_000, starts_at=now - timedelta(days=1),
                    ends_at=now + timedelta(days=5))
    page.goto(f"{live_server.url}/payments/checkout/open-fund/")
    page.fill("#id_amount", "600")
    page.fill("#id_name", "Ada Lovelace")
    page.fill("#id_email", "ada@example.org")
    page.click("text=Continue to card payment")
    expect(page.locator("#error-summary")).to_be_visible()
    address = page.locator("#id_address")
    expect(address).to_have_attribute("aria-invalid", "true")
    for target in address.get_attribute("aria-describedby").split():
        expect(page.locator(f"#{target}")).to_have_count(1)
    expect(page.locator("#id_address_error")).to_contain_text("home address")
    page.click("#error-summary a[href='#id_address']")
    expect(address).to_be_focused()
