"""In a real Chromium: the treasurer signs in (password, then the code from their authenticator), records a cheque
through the form, sees it on the dashboard;
the public campaign page then draws the progress bar and the money chart, and the ledger shows the gift."""

from __future__ import annotations

import pytest

from swingfund.accounts.services import role_grant, totp_device_create
from swingfund.funding import services
from swingfund.organisations.models import Organisation
from tests.accounts.helpers import totp_now
from tests.funding.conftest import at


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_treasurer_records_a_cheque_and_the_public_sees_it(live_server, page, django_user_model, official_db):
    from swingfund.compliance.services import legal_figures_seed

    legal_figures_seed()  # transactional tests start from a flushed database
    organisation = Organisation.objects.create(name="Browser Group", slug="browser-group")
    campaign = services.campaign_create(
        organisation=organisation, slug="browser-fund", title="Browser fund", description="Gifts for grants.",
        purpose="Grants to candidates our committee backs.", mode="pooled", goal_pence=100_000,
        starts_at=at("05-01"), ends_at=at("2030-01-01"))
    treasurer = django_user_model.objects.create_user("treasurer", "t@example.org", "pw-treasurer-123")
    role_grant(user=treasurer, organisation=organisation, role="treasurer")
    device = totp_device_create(user=treasurer)

    page.goto(f"{live_server.url}/accounts/login/?next=/funding/dashboard/gift/")
    page.fill("#id_username", "treasurer")
    page.fill("#id_password", "pw-treasurer-123")
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/two-factor/**")  # a role that moves money: the second factor first
    page.fill("#id_otp_token", totp_now(device.key))
    page.click("button[type=submit]")
    page.wait_for_url("**/funding/dashboard/gift/")
    page.select_option("#id_campaign", "browser-fund")
    page.fill("#id_amount", "250")
    page.select_option("#id_method", "cheque")
    page.fill("#id_reference", "CHQ 4242")
    page.fill("#id_name", "Zara Browser")
    page.fill("#id_address", "7 Test Lane, York")
    page.fill("#id_postcode", "YO1 7HH")
    page.click("button[type=submit]")
    page.wait_for_url("**/funding/dashboard/")
    assert "Recorded gift" in page.inner_text(".messages")

    page.goto(f"{live_server.url}/funding/campaigns/{campaign.slug}/")
    assert page.inner_text("#raised") == "£250"
    bar = page.locator("svg.progress rect.filled")
    assert float(bar.get_attribute("width")) == pytest.approx(600 * 0.25, abs=1)
    assert page.locator("svg.money-flow rect.in").count() == 1
    assert page.locator("svg.money-flow").bounding_box()["width"] > 300

    page.goto(f"{live_server.url}/funding/ledger/")
    assert page.locator("#ledger tbody tr").count() == 1
    assert "Gift received: £250" in page.inner_text("#ledger")
