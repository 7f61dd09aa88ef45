"""The compliance page in a real Chromium: figures with sources and [verify] flags, the four regimes each with its
own SVG gauges (a general-campaign item at 80 % of the £10,000 warns), and the election chooser switching the
figures in force (2024 → 2019 candidate limits)."""

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
    _group_with_spending()
    page.goto(f"{live_server.url}/compliance/?election=parl.2024-07-04")
    figures = page.locator("#figures")
    assert "£11,390" in figures.locator('tr[data-key="candidate_spending_limit_base"]').inner_text()
    constituency = figures.locator('tr[data-key="non_party_constituency_limit"]')
    assert "£17,553" in constituency.inner_text() and "[verify]" not in constituency.inner_text()
    assert constituency.locator("a").get_attribute("href").startswith("https://www.electoralcommission.org.uk/")
    scotland = figures.locator('tr[data-key="non_party_limit"]').filter(has_text="£81,571")
    assert "[verify]" in scotland.inner_text()
    assert page.locator("section.regime").count() == 4
    general = page.locator("#regime-general")
    assert general.locator('svg g.gauge[data-key="non_party_notification_threshold"]').get_attribute(
        "data-percent") == "80"
    assert "Warning: Regulated spending across the UK: £8,000, 80%" in general.inner_text()
    assert page.locator("#regime-ua svg g.gauge").count() == 1
    box = general.locator("svg").bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 60
    assert "Regulated period begins" in page.locator("#dates").inner_text()

    page.select_option("#election", "parl.2019-12-12")
    page.click("form.inline button[type=submit]")
    page.wait_for_url("**/compliance/?election=parl.2019-12-12")
    row = page.locator('#figures tr[data-key="candidate_spending_limit_base"]')
    assert "£8,700" in row.inner_text()
    assert "regulated period 13 December 2018 – 12 December 2019" in page.locator("#dates h2").inner_text()


def _group_with_spending() -> None:
    """A UK-based group, not registered, with £8,000 of general-campaign spending in two real-looking seats."""
    from swingfund.compliance.services import group_legal_status_set
    from swingfund.elections.models import Constituency, DataSource
    from swingfund.organisations.models import Organisation
    from swingfund.reports.services import campaign_spending_record

    source = DataSource.objects.create(key="browser-seats", title="t", publisher="t", file_name="t.csv",
                                       sha256="0" * 64, imported_at=dt.datetime(2024, 7, 10, tzinfo=dt.UTC))
    for code, nation in (("E14009991", "E"), ("S14009992", "S")):
        Constituency.objects.create(gss_code=code, boundary_set="pcon2024", name=f"Seat {code}", nation=nation,
                                    source=source)
    org = Organisation.objects.create(name="Browser Group", slug="browser-group")
    group_legal_status_set(organisation=org, legal_form="unincorporated_association")
    campaign_spending_record(organisation=org, election="parl.2024-07-04", incurred_on=dt.date(2024, 6, 1),
                             supplier="Print Co", amount_pence=800_000, category="material",
                             constituencies=["E14009991"], description="Leaflets")
