"""The demo's scorecard leaflets say whom the committee backs, so in each target seat where it backs a candidate
their cost is that candidate's s.75 spending (RPA 1983), within the £700 permitted sum, not general-campaign
spending (issue 20). The demo still builds and the compliance page shows them under the local regime."""

from __future__ import annotations

import re

import pytest

ELECTION = "parl.2024-07-04"


@pytest.mark.django_db
def test_the_demos_scorecard_leaflets_are_spending_about_the_candidates_they_back(world, client):
    from swingfund.committee.selectors import decided_grants
    from swingfund.compliance.models import MaterialCost
    from swingfund.reports import returns
    from swingfund.reports.demo import demo_run
    from swingfund.reports.models import CampaignSpend
    from swingfund.reports.returns_data import candidate_spending_report

    org = world.organisation
    demo_run(organisation=org)
    demo_run(organisation=org)  # safe to repeat
    # the seats the committee decided to back at 2024 (on the 2024 boundaries): the demo world has two, so the
    # leaflets' third target seat is the first other English seat, where they back no one
    backed = [(d.proposal.constituency_id, d.proposal.candidacy_id) for d in decided_grants(organisation=org)
              if d.proposal.constituency.boundary_set == "pcon2024" and d.proposal.election_id == ELECTION][:3]
    assert len(backed) == 2 and all(candidacy for _, candidacy in backed)
    # £900 of leaflets over three seats is £300 a seat: in each backed seat about the candidate backed there
    # (£400 left of the £700 permitted sum), in the third general-campaign spending
    costs = MaterialCost.objects.filter(organisation=org, source_ref="demo:leaflets")
    assert sorted((c.regime, c.candidacy_id, c.amount_pence) for c in costs) == sorted(
        ("candidate", candidacy, 30_000) for _, candidacy in backed)
    (general,) = CampaignSpend.objects.filter(organisation=org, source_ref="demo:leaflets")
    assert general.amount_pence == 30_000 and general.invoice_reference == "CPC-5531"
    assert general.constituencies.count() == 1 and general.constituencies.get().pk not in dict(backed)
    # with the UK-wide £1,200 advert and the £400 Scottish one
    assert sorted(s.amount_pence for s in CampaignSpend.objects.filter(organisation=org)) == [30_000, 40_000, 120_000]
    s75 = candidate_spending_report(election_id=ELECTION, progress=False, organisation=org)
    items = [r for r in s75.rows if r["ReportSection"] == returns.SECTION_SPEND]
    assert [(r["TotalExpenditure"], r["AgentAuthorised"]) for r in items] == [("300.00", "False")] * 2
    html = client.get(f"/compliance/?election={ELECTION}&organisation={org.slug}").content.decode()
    local = html.split('id="regime-local"')[1].split("</section>")[0]
    gauges = re.findall(r'<li data-key="([a-z_]+)" data-amount="(\d+)" data-threshold="(\d+)">', local)
    assert gauges == [("local_permitted_sum", "30000", "70000")] * 2
