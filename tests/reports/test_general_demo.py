"""The demo's general-campaign items: the compliance page's figures checked against the ledger and the spending
records (worked independently here), and the spending return in the Commission's shape."""

from __future__ import annotations

import csv
import re
from fractions import Fraction

import pytest
from django.core.management import call_command

from swingfund.funding import ledger
from swingfund.reports.demo import demo_run
from swingfund.reports.models import CampaignSpend
from swingfund.reports.returns import SECTION_GENERAL, SECTION_GENERAL_SEAT, SECTION_GENERAL_TOTAL

ELECTION = "parl.2024-07-04"
SEATS = {"E": 543, "S": 57, "W": 32, "N": 18}


@pytest.fixture
def demo_org(official_db, figures):
    from swingfund.organisations.models import Organisation

    org = Organisation.objects.create(name="Demo Group", slug="demo-group", demo=True)
    demo_run(organisation=org)
    demo_run(organisation=org)  # safe to repeat
    return org


def gauges(html: str, regime: str) -> list[tuple[str, int, int]]:
    part = html.split(f'id="regime-{regime}"')[1].split("</section>")[0]
    return [(key, int(amount), int(limit)) for key, amount, limit in re.findall(
        r'<li data-key="([a-z_]+)" data-amount="(\d+)" data-threshold="(\d+)">', part)]


def test_the_page_figures_match_the_ledger_and_the_spending_records(demo_org, client):
    records = list(CampaignSpend.objects.filter(organisation=demo_org))
    assert len(records) == 3
    recorded = sum(r.amount_pence for r in records)
    assert recorded == 250_000 == ledger.account_balance(ledger.account_shared("campaign_spend"))
    html = client.get(f"/compliance/?election={ELECTION}&organisation={demo_org.slug}").content.decode()
    general = gauges(html, "general")
    # Not registered, UK-based unincorporated association: the UK-wide total against £10,000.
    assert general[0] == ("non_party_notification_threshold", recorded, 1_000_000)
    # The busiest constituencies: each named seat's third of the leaflets plus its 1/650 of the UK-wide advert.
    uk = next(r for r in records if r.area == "uk").amount_pence
    leaflets = next(r for r in records if r.area == "constituencies")
    named = round(Fraction(leaflets.amount_pence, leaflets.constituencies.count()) + Fraction(uk, 650))
    seat_gauges = [g for g in general if g[0] == "non_party_constituency_limit"]
    assert [g[1] for g in seat_gauges[:3]] == [named] * 3 and seat_gauges[0][2] == 1_755_300
    # A Scottish seat with no named spending: its share of the Scottish advert and of the UK-wide one.
    scottish = next(r for r in records if r.area == "nation").amount_pence
    assert round(Fraction(scottish, 57) + Fraction(uk, 650)) in [g[1] for g in seat_gauges]
    # The four regimes are shown apart, each with its own heading.
    for key in ("grants", "local", "general", "ua"):
        assert f'id="regime-{key}"' in html


def test_the_spending_return_lists_each_dated_item_by_part_of_the_uk_and_constituency(demo_org, tmp_path):
    out = tmp_path / "spending.csv"
    call_command("compliance", "report", "spending", "--election", ELECTION, "--out", str(out), "--no-progress")
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    items = [r for r in rows if r["ReportSection"] == SECTION_GENERAL]
    assert [r["DateIncurred"] for r in items] == ["2024-06-03", "2024-06-10", "2024-06-20"]
    uk_ad = items[0]
    # £1,200 across the UK by seats: England 543/650 of it, to the penny (largest remainder).
    exact = {n: Fraction(120_000 * c, 650) for n, c in SEATS.items()}
    assert uk_ad["AmountInEngland"] == f"{int(exact['E']) // 100}.{int(exact['E']) % 100:02d}"
    parts = [uk_ad[c] for c in ("AmountInEngland", "AmountInScotland", "AmountInWales", "AmountInNorthernIreland")]
    assert sum(round(float(p) * 100) for p in parts) == 120_000
    assert items[1]["ConstituencyCode"].count(";") == 2 and items[2]["AmountInScotland"] == "400.00"
    assert all(r["LedgerTransaction"] and r["InvoiceReference"] for r in items)
    seats = [r for r in rows if r["ReportSection"] == SECTION_GENERAL_SEAT]
    assert len(seats) == 3 and {r["TotalExpenditure"] for r in seats} == {"301.85"}  # £300 + £1,200/650
    (total,) = [r for r in rows if r["ReportSection"] == SECTION_GENERAL_TOTAL]
    assert total["TotalExpenditure"] == "2500.00"
    assert sum(round(float(total[c]) * 100) for c in ("AmountInEngland", "AmountInScotland", "AmountInWales",
                                                      "AmountInNorthernIreland")) == 250_000


def test_with_no_items_the_return_has_its_totals_all_zero(official_db, figures, tmp_path):
    out = tmp_path / "empty.csv"
    call_command("compliance", "report", "spending", "--election", ELECTION, "--out", str(out), "--no-progress")
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    (total,) = [r for r in rows if r["ReportSection"] == SECTION_GENERAL_TOTAL]
    assert total["TotalExpenditure"] == "0.00" and total["AmountInScotland"] == "0.00"
