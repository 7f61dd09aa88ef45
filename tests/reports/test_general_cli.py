"""`swingfund compliance status` and `spend`: recorded through the same services, refusals as one line, exit 2."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from swingfund.compliance.models import GroupLegalStatus
from swingfund.reports.models import CampaignSpend

ELECTION = "parl.2024-07-04"


@pytest.fixture
def org(official_db, figures):
    from swingfund.organisations.models import Organisation

    return Organisation.objects.create(name="Leeds Fair Vote", slug="lfv")


def test_status_then_spend_records_and_a_refusal_exits_2_naming_the_limit(org, capsys):
    call_command("compliance", "status", "--organisation", "lfv", "--form", "unincorporated_association")
    assert GroupLegalStatus.objects.get(organisation=org).uk_based is True
    call_command("compliance", "spend", "--organisation", "lfv", "--election", ELECTION, "--incurred", "2024-06-01",
                 "--supplier", "Print Co", "--amount", "9,999.99", "--category", "material",
                 "--description", "Leaflets", "--constituency", "E14001063", "--invoice", "INV-9")
    item = CampaignSpend.objects.get()
    assert (item.amount_pence, item.area, [c.gss_code for c in item.constituencies.all()]) == (
        999_999, "constituencies", ["E14001063"])
    with pytest.raises(SystemExit) as exited:
        call_command("compliance", "spend", "--organisation", "lfv", "--election", ELECTION, "--incurred",
                     "2024-06-02", "--supplier", "Ads", "--amount", "0.02", "--category", "media",
                     "--description", "Press", "--nation", "S")
    assert exited.value.code == 2
    assert "over the limit for a campaigner not registered with the Commission of £10,000" in capsys.readouterr().err
    assert CampaignSpend.objects.count() == 1


def test_the_admin_adds_an_item_through_the_service_and_shows_a_refusal_as_a_form_error(org, admin_client):
    from swingfund.elections.models import Constituency

    seat = Constituency.objects.get(gss_code="E14001063", boundary_set="pcon2024")
    form = {"organisation": org.pk, "election_id": ELECTION, "incurred_on": "2024-06-01", "supplier": "Print Co",
            "amount_pence": "70001", "category": "material", "nation": "", "constituencies": [seat.pk],
            "description": "Leaflets"}
    response = admin_client.post("/admin/reports/campaignspend/add/", form)
    assert response.status_code == 200 and CampaignSpend.objects.count() == 0
    assert "over the limit for anyone who is not a registered campaigner of £700" in response.content.decode()
    response = admin_client.post("/admin/reports/campaignspend/add/", {**form, "amount_pence": "70000"})
    assert response.status_code == 302
    item = CampaignSpend.objects.get()
    assert item.transaction.kind == "campaign_spend" and list(item.constituencies.all()) == [seat]


def test_spending_now_for_a_provisional_next_election_is_counted_and_the_range_assumed_is_shown(org, capsys):
    """December 2026 spending for an election expected on 3 May 2029: refused as "not imported" before the election
    is added; once added with a provisional date, counted in the range assumed (from the day after 4 July 2024), and
    the command says it may fall inside the 365-day regulated period (PPERA 2000 Sch 10)."""
    from swingfund.elections.services import election_add

    args = ("compliance", "spend", "--organisation", "lfv", "--election", "parl.2029-05-03", "--incurred",
            "2026-12-01", "--supplier", "Print Co", "--amount", "120.00", "--category", "material",
            "--description", "Leaflets about our issues")
    with pytest.raises(SystemExit):
        call_command(*args)
    assert "not imported" in capsys.readouterr().err
    election_add(election_id="parl.2029-05-03", baseline_id=ELECTION, today=dt.date(2026, 12, 6),
                 date_assumption="May 2029, as parties expect")
    call_command(*args)
    out = capsys.readouterr().out
    assert CampaignSpend.objects.get().amount_pence == 12_000
    assert "may fall inside" in out and "range assumed: 2024-07-05 – 2029-05-03" in out and "Schedule 10" in out
    call_command("compliance", "dates", "--election", "parl.2029-05-03")
    out = capsys.readouterr().out
    assert "regulated period 2028-05-04 – 2029-05-03" in out and "2024-07-05 – 2029-05-03" in out
