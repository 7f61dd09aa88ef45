"""Compliance over real funding records (funding services write them): the returns' columns and totals from the
command, and the compliance page's gauges."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command

from swingfund.elections.models import Candidacy, Constituency, DataSource, Election, Result
from swingfund.funding.services.gifts import donation_record, donor_declare, donor_get_or_create
from swingfund.funding.services.grants import campaign_create, candidate_spend_record, grant_create
from swingfund.funding.services.refunds import donation_return
from swingfund.reports.returns import (
    CANDIDATE_SPEND_COLUMNS,
    DONATION_COLUMNS,
    SECTION_HELD,
    SECTION_IMPERMISSIBLE,
    SECTION_ITEMISED,
    SPENDING_COLUMNS,
)

ELECTION = "parl.2024-07-04"
UTC = dt.UTC


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T12:00:00").replace(tzinfo=UTC)


@pytest.fixture
def seat(figures):
    source = DataSource.objects.create(key="test-results", title="Test results", publisher="Test", file_name="t.csv",
                                       sha256="0" * 64, imported_at=at("2024-07-10"))
    election, _ = Election.objects.get_or_create(id=ELECTION, defaults={
        "name": "General election 2024", "poll_date": dt.date(2024, 7, 4), "boundary_set": "pcon2024"})
    seat = Constituency.objects.create(gss_code="E14001001", boundary_set="pcon2024", name="Testford",
                                       nation="E", constituency_type="Borough", source=source)
    candidacy = Candidacy.objects.create(election=election, constituency=seat, person_name="Alex Example",
                                         became_candidate_on=dt.date(2024, 5, 23), source=source)
    Result.objects.create(election=election, constituency=seat, electorate=60_000, valid_votes=40_000, majority=500,
                          source=source)
    return candidacy  # limit: £11,390 + 8p × 60,000 = £16,190


@pytest.fixture
def funded(seat: Candidacy):
    campaign = campaign_create(organisation=None, slug="testford", title="Testford fund", description="d",
                               purpose="Grants to candidates we back in Testford", mode="pooled",
                               goal_pence=5_000_000, starts_at=at("2023-01-01"), ends_at=at("2024-07-04"))

    def donor(name: str, category: str | None = "uk_elector"):
        person = donor_get_or_create(name=name, email=f"{name.lower()}@example.org", address=f"1 {name} Road",
                                     postcode="TF1 1AA")
        if category:
            person = donor_declare(donor=person, category=category, evidence="register entry", checked_by="treasurer",
                          checked_at=at("2024-04-01"))
        return person

    def give(person, pence: int, day: str):
        return donation_record(campaign=campaign, donor=person, amount_pence=pence, method="bank_transfer",
                               reference=f"{person.name}-{day}", received_at=at(day))

    give(donor("Before"), 2_000_000, "2023-06-01")  # before the regulated period: not in the report
    give(donor("Asha"), 800_000, "2024-05-01")
    bo = donor("Bo")
    give(bo, 400_000, "2024-05-02")
    give(bo, 400_000, "2024-05-03")
    give(donor("Cy"), 100_000, "2024-05-04")
    give(donor("Di", category=None), 30_000, "2024-05-05")
    held = give(donor("Eve", category="impermissible"), 90_000, "2024-05-06")
    donation_return(donation=held, reference="RET-1", by="treasurer", returned_at=at("2024-05-20"))
    give(donor("Flo", category=None), 60_000, "2024-05-08")
    grant_create(campaign=campaign, candidacy=seat, amount_pence=500_000, reason="Backed by the committee",
                 created_at=at("2024-06-01"))
    candidate_spend_record(campaign=campaign, candidacy=seat, kind="advert", description="Local ads",
                           amount_pence=65_000, spent_at=at("2024-06-10"), supplier="Ads Ltd",
                           invoice_reference="INV-7")
    return campaign, seat


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_donations_report_command_columns_and_totals(funded, tmp_path):
    out = tmp_path / "donations.csv"
    call_command("compliance", "report", "donations", "--election", ELECTION, "--out", str(out), "--no-progress")
    rows = read(out)
    assert list(rows[0]) == DONATION_COLUMNS
    itemised = [(r["DonorName"], r["Value"], r["IsAggregation"], r["DonorAddress"]) for r in rows
                if r["ReportSection"] == SECTION_ITEMISED]
    assert itemised == [("Asha", "8000.00", "False", "1 Asha Road"), ("Bo", "4000.00", "True", "1 Bo Road"),
                        ("Bo", "4000.00", "True", "1 Bo Road")]
    bad = {r["DonorName"]: r for r in rows if r["ReportSection"] == SECTION_IMPERMISSIBLE}
    assert bad["Eve"]["DonationAction"] == "Returned to the donor" and bad["Eve"]["ReturnedDate"] == "2024-05-20"
    assert bad["Eve"]["MannerOfReturn"] == "Returned to the donor" and "Flo" not in bad  # Flo is held, not bad
    held = {r["DonorName"]: r for r in rows if r["ReportSection"] == SECTION_HELD}
    assert held["Flo"]["ReturnDueDate"] == "2024-06-06"
    totals = {r["ReportSection"]: r["Value"] for r in rows if not r["DonorName"]}
    assert totals["Total received in the regulated period"] == "18800.00"  # the 2023-06-01 gift is outside it
    assert totals["Total of other accepted donations over £500 and up to £7,500"] == "1000.00"
    assert totals["Total of gifts of £500 or less (not donations in law)"] == "300.00"
    assert totals["Total of gifts held awaiting a permissibility check"] == "600.00"
    assert all(r["LedgerTransaction"] for r in rows if r["DonorName"])


def test_spending_report_command_columns_and_totals(funded, tmp_path):
    out = tmp_path / "spending.csv"
    call_command("compliance", "report", "spending", "--election", ELECTION, "--out", str(out), "--no-progress")
    rows = read(out)
    assert list(rows[0]) == SPENDING_COLUMNS
    assert not [r for r in rows if r["LedgerTransaction"]]  # the advert and the grant are not PPERA spending
    out = tmp_path / "candidate.csv"
    call_command("compliance", "report", "candidate-spending", "--election", ELECTION, "--out", str(out),
                 "--no-progress")
    rows = read(out)
    assert list(rows[0]) == CANDIDATE_SPEND_COLUMNS
    advert = next(r for r in rows if r["ExpenseCategoryName"] == "Advertising")
    assert (advert["TotalExpenditure"], advert["SupplierName"], advert["ConstituencyCode"]) == (
        "650.00", "Ads Ltd", "E14001001")
    by_section = {r["ReportSection"]: r for r in rows}
    assert by_section["Total spending about named candidates"]["TotalExpenditure"] == "650.00"
    assert by_section["Constituency total"]["ConstituencyName"] == "Testford"
    out = tmp_path / "grants.csv"
    call_command("compliance", "report", "grants", "--election", ELECTION, "--out", str(out), "--no-progress")
    assert {r["ReportSection"]: r for r in read(out)}["Total grants"]["Value"] == "5000.00"


def test_report_for_a_bad_election_id_exits_2_and_writes_no_file(funded, tmp_path, capsys):
    out = tmp_path / "x.csv"
    with pytest.raises(SystemExit) as exited:
        call_command("compliance", "report", "donations", "--election", "parl.2024-13-45", "--out", str(out))
    assert exited.value.code == 2 and not out.exists()


def test_compliance_page_shows_figures_sources_verify_flags_and_gauges(funded, client):
    response = client.get("/compliance/", {"election": ELECTION})
    assert response.status_code == 200
    html = response.content.decode()
    assert "regulated period 6 July 2023 – 4 July 2024" in html
    assert "PPERA 2000, Sch 10 para 3(2A)" in html and "[verify]" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    # the £5,000 grant and £650 of spending about a candidate are not Schedule 19A political contributions
    assert 'data-key="ua_registration_threshold" data-percent="0"' in html
    assert 'class="gauge gauge-near" data-key="local_permitted_sum" data-percent="92"' in html  # £650 of £700
    assert "£5,000: past the £50 threshold" in html  # the grant is a donation: over £50 the agent records and checks it
    assert "(10000%)" not in html  # a threshold passed is not a limit broken
    assert "candidate's spending limit" not in html.split('id="position"')[1].split('id="figures"')[0]
    assert "Testford" in html


def test_compliance_page_2019_shows_2019_candidate_limit_and_names_missing_figures(figures, client):
    html = client.get("/compliance/", {"election": "parl.2019-12-12"}).content.decode()
    assert "£8,700" in html and "6p per elector" in html
    assert "No figure in force for:" in html and "ua_registration_threshold" in html


def test_compliance_page_bad_election_is_a_clear_400(figures, client):
    response = client.get("/compliance/", {"election": "parl.someday"})
    assert response.status_code == 400
    assert "is not a Democracy Club election id" in response.content.decode()


def test_report_download_is_for_the_administrator_only_and_serves_csv(funded, client, admin_user, django_user_model):
    from django.test import Client

    from tests.accounts.helpers import PASSWORD, administrator_client

    assert client.get("/compliance/reports/donations.csv").status_code == 302
    staff = django_user_model.objects.create_user("staff", password="not-admin-pw-123", is_staff=True)
    client.force_login(staff)
    assert client.get("/compliance/reports/donations.csv").status_code == 403  # staff is no role
    admin_user.set_password(PASSWORD)
    admin_user.save()
    response = administrator_client(Client(), admin_user).get("/compliance/reports/spending.csv",
                                                                {"election": ELECTION})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines()[0] == ",".join(SPENDING_COLUMNS)
