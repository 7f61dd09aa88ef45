"""The compliance page in a real Chromium: figures with sources and [verify] flags, the SVG gauges, and the
election chooser switching the figures in force (2024 → 2019 candidate limits)."""

from __future__ import annotations

import datetime as dt

import pytest

from swingfund.compliance.services import legal_figures_seed
from swingfund.elections.models import Election


@pytest.mark.browser
def test_compliance_page_figures_gauges_and_election_switch(live_server, page, transactional_db):
    legal_figures_seed()
    for election_id, poll in (("parl.2024-07-04", dt.date(2024, 7, 4)), ("parl.2019-12-12", dt.date(2019, 12, 12))):
        Election.objects.get_or_create(id=election_id, defaults={"name": election_id, "poll_date": poll,
                                                                  "boundary_set": "pcon2024"})
    page.goto(f"{live_server.url}/compliance/?election=parl.2024-07-04")
    figures = page.locator("#figures")
    assert "£11,390" in figures.locator('tr[data-key="candidate_spending_limit_base"]').inner_text()
    constituency = figures.locator('tr[data-key="non_party_constituency_limit"]')
    assert "[verify]" in constituency.inner_text()
    assert constituency.locator("a").get_attribute("href").startswith("https://www.electoralcommission.org.uk/")
    gauges = page.locator("#position svg g.gauge")
    assert gauges.count() == 2  # contributions vs registration, spending vs notification
    box = page.locator("#position svg").bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 60
    assert "Regulated period begins" in page.locator("#dates").inner_text()

    page.select_option("#election", "parl.2019-12-12")
    page.click("form.inline button[type=submit]")
    page.wait_for_url("**/compliance/?election=parl.2019-12-12")
    row = page.locator('#figures tr[data-key="candidate_spending_limit_base"]')
    assert "£8,700" in row.inner_text()
    assert "regulated period 13 December 2018 – 12 December 2019" in page.locator("#dates h2").inner_text()
