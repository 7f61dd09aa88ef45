"""The Electoral Commission return shapes on a small hand-worked set of gifts and spending (no funding app)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from swingfund.reports.returns import (
    DONATION_COLUMNS,
    SECTION_GRANT,
    SECTION_IMPERMISSIBLE,
    SECTION_ITEMISED,
    SECTION_SPEND,
    SPENDING_COLUMNS,
    GiftRecord,
    SpendRecord,
    donation_rows,
    spending_rows,
)

POLL = date(2024, 7, 4)
pytestmark = pytest.mark.usefixtures("figures")


def gift(key: str, pence: int, day: int, status: str = "accepted") -> GiftRecord:
    return GiftRecord(donor_key=key, donor_name=f"Donor {key}", donor_status="Individual", address=f"{key} Street",
                      postcode="N1 1AA", company_number="", amount_pence=pence, received_on=date(2024, 5, day),
                      accepted_on=date(2024, 5, day) if status == "accepted" else None, status=status)


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
    assert [(r["DonorName"], r["DonationAction"]) for r in impermissible] == [
        ("Donor E", "Returned to the donor"), ("Donor F", "Held: permissibility not yet established"),
    ]
    assert impermissible[1]["ReturnDueDate"] == "2024-06-06"  # 30 days beginning with 8 May
    summary = {r["ReportSection"]: r["Value"] for r in rows if not r["DonorName"]}
    assert summary["Total of other accepted donations over £500 and up to £7,500"] == "1000.00"
    assert summary["Total of gifts of £500 or less (not donations in law)"] == "800.00"
    assert summary["Total of gifts held awaiting a permissibility check"] == "600.00"
    assert summary["Total received in the regulated period"] == "19300.00"
    sources = [r["Reference"] for r in rows if r["ReportSection"].startswith("Figure applied: ")]
    assert len(sources) == 2 and "PPERA 2000, Schedule 11" in sources[0]
    t = report.totals
    assert t["itemised"] + t["impermissible"] + t["other"] + t["small"] + t["held"] == t["received"] == 1_930_000


def test_spending_report_allocates_to_nations_totals_seats_and_flags_invoices():
    def spend(pence: int, nation: str, code: str, section: str = SECTION_SPEND) -> SpendRecord:
        return SpendRecord(section=section, category="Advertising", description="Ads", amount_pence=pence,
                           incurred_on=date(2024, 6, 1), paid_on=date(2024, 6, 2), supplier_name="Printer Ltd",
                           supplier_address="1 Print St", invoice_reference="INV-1", nation=nation,
                           constituency_code=code, constituency_name=f"Seat {code}", candidate_name="A Candidate",
                           agent_authorised=False)

    items = [spend(15_000, "E", "E14000001"), spend(1_450_000, "E", "E14000001"), spend(30_000, "S", "S14000002"),
             spend(100_000, "W", "W07000003", section=SECTION_GRANT)]
    rows = parse(spending_rows(items=items, poll_date=POLL).csv_text())
    assert list(rows[0].keys()) == SPENDING_COLUMNS
    items_out = [r for r in rows if r["ReportSection"] in {SECTION_SPEND, SECTION_GRANT}]
    assert [r["InvoiceRequired"] for r in items_out] == ["False", "True", "True", "True"]  # over £200
    assert items_out[2]["AmountInScotland"] == "300.00" and items_out[2]["AmountInEngland"] == ""
    seats = {r["ConstituencyCode"]: r for r in rows if r["ReportSection"] == "Constituency total"}
    assert seats["E14000001"]["TotalExpenditure"] == "14650.00"
    assert seats["E14000001"]["Description"] == "Over the itemisation threshold"  # over £14,042
    assert seats["S14000002"]["Description"] == ""
    assert "W07000003" not in seats  # a grant is not the group's campaign spending
    total = next(r for r in rows if r["ReportSection"] == "Total spending about named candidates")
    assert (total["TotalExpenditure"], total["AmountInEngland"], total["AmountInScotland"]) == (
        "14950.00", "14650.00", "300.00")
    assert next(r for r in rows if r["ReportSection"] == "Total grants")["TotalExpenditure"] == "1000.00"
