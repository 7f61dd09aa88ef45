"""The Electoral Commission return shapes on a small hand-worked set of gifts and spending (no funding app)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from swingfund.reports.returns import (
    CANDIDATE_SPEND_COLUMNS,
    DONATION_COLUMNS,
    GRANT_COLUMNS,
    SECTION_GRANT,
    SECTION_HELD,
    SECTION_IMPERMISSIBLE,
    SECTION_ITEMISED,
    SECTION_SPEND,
    CandidateSpendRecord,
    GiftRecord,
    GrantRecord,
    candidate_spending_rows,
    donation_rows,
    grant_rows,
)

POLL = date(2024, 7, 4)
pytestmark = pytest.mark.usefixtures("figures")


def gift(key: str, pence: int, day: int, status: str = "accepted") -> GiftRecord:
    return GiftRecord(donor_key=key, donor_name=f"Donor {key}", donor_status="Individual", address=f"{key} Street",
                      postcode="N1 1AA", company_number="", amount_pence=pence, received_on=date(2024, 5, day),
                      accepted_on=date(2024, 5, day) if status == "accepted" else None, status=status,
                      manner_of_return="Returned to the donor" if status == "returned" else "")


def parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_donations_report_itemises_aggregates_and_totals():
    gifts = [
        gift("A", 800_000, 1),  # £8,000 alone: itemised, not an aggregation
        gift("B", 400_000, 2), gift("B", 400_000, 3),  # £4,000 + £4,000 = £8,000: both itemised as aggregation
        gift("C", 100_000, 4),  # £1,000: in the "other" total
        gift("D", 50_000, 5), gift("D", 30_000, 6),  # £500 and £300: not donations
        gift("E", 90_000, 7, status="returned"),  # impermissible £900, returned
        gift("F", 60_000, 8, status="held"),  # £600 awaiting a check
    ]
    report = donation_rows(gifts=gifts, poll_date=POLL)
    rows = parse(report.csv_text())
    assert list(rows[0].keys()) == DONATION_COLUMNS
    itemised = [r for r in rows if r["ReportSection"] == SECTION_ITEMISED]
    assert [(r["DonorName"], r["Value"], r["IsAggregation"]) for r in itemised] == [
        ("Donor A", "8000.00", "False"), ("Donor B", "4000.00", "True"), ("Donor B", "4000.00", "True"),
    ]
    impermissible = [r for r in rows if r["ReportSection"] == SECTION_IMPERMISSIBLE]
    assert [(r["DonorName"], r["DonationAction"], r["MannerOfReturn"]) for r in impermissible] == [
        ("Donor E", "Returned to the donor", "Returned to the donor")]
    # a held gift is not (yet) impermissible: its own section
    (held,) = [r for r in rows if r["ReportSection"] == SECTION_HELD]
    assert (held["DonorName"], held["DonationAction"]) == ("Donor F", "Held: permissibility not yet established")
    assert held["ReturnDueDate"] == "2024-06-06"  # 30 days beginning with 8 May
    summary = {r["ReportSection"]: r["Value"] for r in rows if not r["DonorName"]}
    assert summary["Total of other accepted donations over £500 and up to £7,500"] == "1000.00"
    assert summary["Total of gifts of £500 or less (not donations in law)"] == "800.00"
    assert summary["Total of gifts held awaiting a permissibility check"] == "600.00"
    assert summary["Total received in the regulated period"] == "19300.00"
    sources = [r["Reference"] for r in rows if r["ReportSection"].startswith("Figure applied: ")]
    assert len(sources) == 2 and "PPERA 2000, Schedule 11" in sources[0]
    t = report.totals
    assert t["itemised"] + t["impermissible"] + t["other"] + t["small"] + t["held"] == t["received"] == 1_930_000


def test_candidate_spending_return_totals_each_candidate_against_the_permitted_sum():
    """£700 (RPA 1983 s.75(1ZZB)): above it a candidate's total needs the agent's written authority; authorised
    items are due to the Returning Officer 21 days after the poll (s.75(2)): 25 July 2024."""
    def spend(pence: int, code: str, authorised: bool = False) -> CandidateSpendRecord:
        return CandidateSpendRecord(
            organisation="G", candidate_name=f"Candidate {code}", constituency_code=code,
            constituency_name=f"Seat {code}", category="Advertising", description="Ads", amount_pence=pence,
            incurred_on=date(2024, 6, 1), paid_on=date(2024, 6, 2), supplier_name="Printer Ltd",
            supplier_address="1 Print St", agent_authorised=authorised, agent_name="Jo" if authorised else "")

    report = candidate_spending_rows(items=[spend(40_000, "E1"), spend(30_001, "E1", authorised=True),
                                            spend(70_000, "S2")], poll_date=POLL)
    rows = parse(report.csv_text())
    assert list(rows[0].keys()) == CANDIDATE_SPEND_COLUMNS
    items = [r for r in rows if r["ReportSection"] == SECTION_SPEND]
    assert [(r["TotalExpenditure"], r["AgentAuthorised"], r["ReturnDueDate"]) for r in items] == [
        ("400.00", "False", ""), ("300.01", "True", "2024-07-25"), ("700.00", "False", "")]
    seats = {r["ConstituencyCode"]: r for r in rows if r["ReportSection"] == "Constituency total"}
    assert seats["E1"]["TotalExpenditure"] == "700.01" and "permitted sum" in seats["E1"]["Description"]
    assert seats["S2"]["Description"] == ""  # £700 is not over £700
    assert report.totals["spending"] == 140_001


def test_grants_return_counts_only_grants_that_stayed_given():
    def grant(pence: int, response: str) -> GrantRecord:
        return GrantRecord(organisation="G", candidate_name="C", constituency_code="E1", constituency_name="Seat",
                           agent_name="Jo", agent_contact="jo@example.org", amount_pence=pence,
                           offered_on=date(2024, 6, 1), response=response, responded_on=date(2024, 6, 3),
                           paid_on=None, bank_reference="", true_sources="", ledger_transaction="7")
    report = grant_rows(grants=[grant(100_000, "accepted"), grant(50_000, "declined")], poll_date=POLL)
    rows = parse(report.csv_text())
    assert list(rows[0].keys()) == GRANT_COLUMNS
    assert [r["AgentResponse"] for r in rows if r["ReportSection"] == SECTION_GRANT] == ["accepted", "declined"]
    assert report.totals == {"grants": 100_000, "came_back": 50_000}


def test_weekly_pre_poll_reports_run_from_dissolution_and_list_each_gift_over_7500_pounds():
    """Dissolution 30 May 2024 (25 working days before the 4 July poll, RPA 1983 Sch 1 r.1): week 1 is 30 May-5 June,
    week 2 is 6-12 June. A single gift over £7,500 (PPERA 2000 Sch 11 para 10) is reported in its week, accepted or
    not yet; £7,500 exactly is not, and aggregated gifts are not."""
    from swingfund.compliance.seed import seed_table
    from swingfund.compliance.timetables import dissolution_date
    from swingfund.reports.returns import PRE_POLL_COLUMNS, pre_poll_rows

    dissolution = dissolution_date(figures=seed_table(), election_id="parl.2024-07-04")
    assert dissolution == date(2024, 5, 30)

    def on(key, pence, day, status="accepted"):
        return GiftRecord(donor_key=key, donor_name=f"Donor {key}", donor_status="Individual", address="a",
                          postcode="", company_number="", amount_pence=pence, received_on=day,
                          accepted_on=day if status == "accepted" else None, status=status)

    report = pre_poll_rows(gifts=[on("A", 800_000, date(2024, 6, 3)), on("B", 750_000, date(2024, 6, 4)),
                                  on("C", 900_000, date(2024, 6, 12), status="held"),
                                  on("D", 900_000, date(2024, 5, 29))], dissolution=dissolution, poll_date=POLL)
    rows = [r for r in parse(report.csv_text()) if r["PeriodStart"]]
    assert list(rows[0].keys()) == PRE_POLL_COLUMNS
    # the weeks and due dates are the Commission's own table for 2024 (30 May-5 June due 12 June, ...)
    assert [(r["ReportSection"], r["PeriodStart"], r["PeriodEnd"], r["ReportDueDate"], r["DonorName"],
             r["DonationAction"]) for r in rows] == [
        ("Weekly pre-poll report, week 1", "2024-05-30", "2024-06-05", "2024-06-12", "Donor A", "Accepted"),
        ("Weekly pre-poll report, week 2", "2024-06-06", "2024-06-12", "2024-06-19", "Donor C",
         "Received, not yet accepted")]
    assert report.totals["weeks"] == 2
