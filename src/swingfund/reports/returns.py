"""Electoral Commission returns for a general non-party campaign: a donations report and a spending report for
the regulated period, as CSV.

Column names follow the Commission's own published registers (search.electoralcommission.org.uk CSV exports:
`DonorName`, `DonorStatus`, `CompanyRegistrationNumber`, `Postcode`, `DonationType`, `Value`, `ReceivedDate`,
`AcceptedDate`, `IsAggregation`, `DonationAction`; spending: `ExpenseCategoryName`, `SupplierName`,
`TotalExpenditure`, `AmountInEngland` … `AmountInNorthernIreland`, `DateIncurred`, `DatePaid`), extended with
what the non-party spending and donations return asks for and the register omits (donor and supplier address,
return dates, invoice references, the constituency for the constituency itemisation).

Donations (PPERA Sch 11; the Commission's "Donations" reporting page): every impermissible or unidentifiable gift
over the permissibility threshold is itemised with what was done with it; accepted donations over the
permissibility threshold whose donor's total passes the individual-report threshold are itemised (flagged
`IsAggregation` when no single one passes it); the rest are reported as one total. Gifts at or under the
permissibility threshold are not donations in law: only their total is given, for reconciliation.

The pure part (`donation_rows`, `spending_rows`) works on plain records and is tested by hand-worked cases;
`returns_data.py` reads them from the funding app. Money in the CSV is pounds with two decimals.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from swingfund import csvsafe
from swingfund.compliance.checks import return_due_date
from swingfund.compliance.limits import Figure
from swingfund.compliance.selectors import figure, figure_table
from swingfund.display import money

DONATION_COLUMNS = [
    "ReportSection", "DonorName", "DonorStatus", "CompanyRegistrationNumber", "DonorAddress", "Postcode",
    "DonationType", "NatureOfDonation", "Value", "ReceivedDate", "AcceptedDate", "IsAggregation", "DonationAction",
    "ReturnDueDate", "ReturnedDate", "Reference", "LedgerTransaction",
]
SPENDING_COLUMNS = [
    "ReportSection", "DateIncurred", "DatePaid", "ExpenseCategoryName", "Description", "SupplierName",
    "SupplierAddress", "InvoiceReference", "InvoiceRequired", "TotalExpenditure", "AmountInEngland",
    "AmountInScotland", "AmountInWales", "AmountInNorthernIreland", "ConstituencyCode", "ConstituencyName",
    "CandidateName", "AgentAuthorised", "LedgerTransaction",
]
SECTION_ITEMISED = "Accepted donation over the reporting threshold"
SECTION_IMPERMISSIBLE = "Impermissible or unidentifiable donation"
SECTION_OTHER_TOTAL = "Total of other accepted donations over {low} and up to {high}"
SECTION_SMALL_TOTAL = "Total of gifts of {low} or less (not donations in law)"
SECTION_HELD_TOTAL = "Total of gifts held awaiting a permissibility check"
SECTION_RECEIVED_TOTAL = "Total received in the regulated period"
SECTION_SPEND = "Spending about a named candidate"
SECTION_GRANT = "Grant to a candidate's campaign (a donation to the candidate, not campaign spending)"
SECTION_SEAT_TOTAL = "Constituency total"
SECTION_SPEND_TOTAL = "Total spending about named candidates"
SECTION_FIGURE = "Figure applied: {label} = {value}"
SECTION_GRANT_TOTAL = "Total grants"
SECTION_GENERAL = "Regulated campaign spending (PPERA 2000 Part VI)"
SECTION_GENERAL_SEAT = "Regulated campaign spending attributed to a named constituency"
SECTION_GENERAL_TOTAL = "Total regulated campaign spending"
NATION_COLUMNS = {"E": "AmountInEngland", "S": "AmountInScotland", "W": "AmountInWales", "N": "AmountInNorthernIreland"}


@dataclass(frozen=True)
class GiftRecord:
    """One gift as the donations report needs it. `status`: accepted / held / returned / impermissible."""

    donor_key: str
    donor_name: str
    donor_status: str
    address: str
    postcode: str
    company_number: str
    amount_pence: int
    received_on: date
    accepted_on: date | None
    status: str
    returned_on: date | None = None
    reference: str = ""
    ledger_transaction: str = ""


@dataclass(frozen=True)
class SpendRecord:
    """One item of spending or one grant. `section` is SECTION_SPEND or SECTION_GRANT."""

    section: str
    category: str
    description: str
    amount_pence: int
    incurred_on: date
    paid_on: date | None
    supplier_name: str
    supplier_address: str
    invoice_reference: str
    nation: str
    constituency_code: str
    constituency_name: str
    candidate_name: str
    agent_authorised: bool
    ledger_transaction: str = ""
    nation_amounts: tuple[tuple[str, int], ...] = ()  # general campaign: the item's pence in each part of the UK


@dataclass(frozen=True)
class Report:
    columns: list[str]
    rows: list[dict[str, str]]
    figures: list[Figure]
    totals: dict[str, int]

    def csv_text(self) -> str:
        out = io.StringIO()
        writer = csvsafe.dict_writer(out, fieldnames=self.columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        return out.getvalue()


def pounds(pence: int) -> str:
    """The returns' number form: "1234.56", no "£", no commas, ASCII minus (`display.money`)."""
    return money(pence, symbol=False, grouping=False)


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _summary(columns: list[str], section: str, pence: int, value_column: str) -> dict[str, str]:
    row = dict.fromkeys(columns, "")
    row.update({"ReportSection": section, value_column: pounds(pence)})
    return row


def _figure_rows(columns: list[str], figures: list[Figure], *, source_column: str) -> list[dict[str, str]]:
    """One closing row per legal figure the report applied, with its citation, so the file shows its sources."""
    rows = []
    for fig in figures:
        row = dict.fromkeys(columns, "")
        row["ReportSection"] = SECTION_FIGURE.format(label=fig.label, value=fig.display)
        row[source_column] = fig.source
        rows.append(row)
    return rows


def donation_rows(*, gifts: list[GiftRecord], poll_date: date) -> Report:
    """The donations report for gifts received in the regulated period, classified by the figures in force on
    polling day. Totals: itemised, impermissible, other (aggregate only), small, held, received."""
    low = figure("non_party_permissibility_threshold", on=poll_date)
    high = figure("non_party_donation_report_threshold", on=poll_date)
    accepted_donations = [g for g in gifts if g.status == "accepted" and g.amount_pence > low.value]
    per_donor: dict[str, int] = defaultdict(int)
    for gift in accepted_donations:
        per_donor[gift.donor_key] += gift.amount_pence
    rows: list[dict[str, str]] = []
    totals = dict.fromkeys(["itemised", "impermissible", "other", "small", "held", "received"], 0)
    for gift in sorted(gifts, key=lambda g: (g.received_on, g.donor_name)):
        totals["received"] += gift.amount_pence
        if gift.amount_pence <= low.value:
            totals["small"] += gift.amount_pence
            continue
        if gift.status == "held":
            totals["held"] += gift.amount_pence
            rows.append(_gift_row(gift, SECTION_IMPERMISSIBLE, action="Held: permissibility not yet established"))
            continue
        if gift.status in {"returned", "impermissible"}:
            totals["impermissible"] += gift.amount_pence
            action = "Returned to the donor" if gift.status == "returned" else "To be returned"
            rows.append(_gift_row(gift, SECTION_IMPERMISSIBLE, action=action))
            continue
        if per_donor[gift.donor_key] > high.value:
            totals["itemised"] += gift.amount_pence
            aggregation = gift.amount_pence <= high.value
            rows.append(_gift_row(gift, SECTION_ITEMISED, action="Accepted", aggregation=aggregation))
        else:
            totals["other"] += gift.amount_pence
    rows.append(_summary(DONATION_COLUMNS, SECTION_OTHER_TOTAL.format(low=low.display, high=high.display),
                         totals["other"], "Value"))
    rows.append(_summary(DONATION_COLUMNS, SECTION_SMALL_TOTAL.format(low=low.display), totals["small"], "Value"))
    rows.append(_summary(DONATION_COLUMNS, SECTION_HELD_TOTAL, totals["held"], "Value"))
    rows.append(_summary(DONATION_COLUMNS, SECTION_RECEIVED_TOTAL, totals["received"], "Value"))
    rows += _figure_rows(DONATION_COLUMNS, [low, high], source_column="Reference")
    return Report(columns=DONATION_COLUMNS, rows=rows, figures=[low, high], totals=totals)


def _gift_row(gift: GiftRecord, section: str, *, action: str, aggregation: bool = False) -> dict[str, str]:
    held_or_due = gift.status in {"held", "impermissible"}
    return {
        "ReportSection": section, "DonorName": gift.donor_name or "Unidentified", "DonorStatus": gift.donor_status,
        "CompanyRegistrationNumber": gift.company_number, "DonorAddress": gift.address, "Postcode": gift.postcode,
        "DonationType": "Cash", "NatureOfDonation": "", "Value": pounds(gift.amount_pence),
        "ReceivedDate": _iso(gift.received_on), "AcceptedDate": _iso(gift.accepted_on),
        "IsAggregation": "True" if aggregation else "False", "DonationAction": action,
        "ReturnDueDate": _iso(return_due_date(figures=figure_table(), received_on=gift.received_on))
        if held_or_due else "",
        "ReturnedDate": _iso(gift.returned_on), "Reference": gift.reference,
        "LedgerTransaction": gift.ledger_transaction,
    }


def spending_rows(*, items: list[SpendRecord], poll_date: date,
                  general_seats: list[tuple[str, str, str, int]] = ()) -> Report:
    """The spending report: every item, by date, with the amount in each part of the UK; then the general
    campaign's spending attributed to each named constituency (`general_seats`: code, name, nation, pence) and its
    total by part of the UK; then the total per constituency of spending about named candidates (the return lists
    constituencies over the itemisation threshold) and section totals. Grants are listed apart: a grant is a
    donation to the candidate, not the group's spending."""
    invoice = figure("invoice_keep_threshold", on=poll_date)
    itemise = figure("non_party_constituency_itemise_threshold", on=poll_date)
    rows: list[dict[str, str]] = []
    totals: dict[str, int] = defaultdict(int)
    per_seat: dict[tuple[str, str, str], int] = defaultdict(int)
    for item in sorted(items, key=lambda i: (i.incurred_on, i.constituency_code, i.description)):
        row = dict.fromkeys(SPENDING_COLUMNS, "")
        row.update({
            "ReportSection": item.section, "DateIncurred": _iso(item.incurred_on), "DatePaid": _iso(item.paid_on),
            "ExpenseCategoryName": item.category, "Description": item.description, "SupplierName": item.supplier_name,
            "SupplierAddress": item.supplier_address, "InvoiceReference": item.invoice_reference,
            "InvoiceRequired": "True" if item.amount_pence > invoice.value else "False",
            "TotalExpenditure": pounds(item.amount_pence), "ConstituencyCode": item.constituency_code,
            "ConstituencyName": item.constituency_name, "CandidateName": item.candidate_name,
            "AgentAuthorised": "True" if item.agent_authorised else "False",
            "LedgerTransaction": item.ledger_transaction,
        })
        if item.section == SECTION_GENERAL:
            for nation, pence in item.nation_amounts:
                row[NATION_COLUMNS[nation]] = pounds(pence)
                totals[f"general_{nation}"] += pence
            rows.append(row)
            totals["general"] += item.amount_pence
            continue
        if item.nation in NATION_COLUMNS:
            row[NATION_COLUMNS[item.nation]] = pounds(item.amount_pence)
        rows.append(row)
        key = "grants" if item.section == SECTION_GRANT else "spending"
        totals[key] += item.amount_pence
        if key == "spending":
            totals[f"spending_{item.nation}"] += item.amount_pence
            per_seat[(item.constituency_code, item.constituency_name, item.nation)] += item.amount_pence
    for (code, name, nation), pence in sorted(per_seat.items()):
        row = _summary(SPENDING_COLUMNS, SECTION_SEAT_TOTAL, pence, "TotalExpenditure")
        row.update({"ConstituencyCode": code, "ConstituencyName": name,
                    "Description": "Over the itemisation threshold" if pence > itemise.value else ""})
        if nation in NATION_COLUMNS:
            row[NATION_COLUMNS[nation]] = pounds(pence)
        rows.append(row)
    for code, name, nation, pence in general_seats:
        row = _summary(SPENDING_COLUMNS, SECTION_GENERAL_SEAT, pence, "TotalExpenditure")
        row.update({"ConstituencyCode": code, "ConstituencyName": name, NATION_COLUMNS[nation]: pounds(pence),
                    "Description": "Over the itemisation threshold" if pence > itemise.value else ""})
        rows.append(row)
    general_total = _summary(SPENDING_COLUMNS, SECTION_GENERAL_TOTAL, totals["general"], "TotalExpenditure")
    for nation, column in NATION_COLUMNS.items():
        general_total[column] = pounds(totals[f"general_{nation}"])
    rows.append(general_total)
    spend_total = _summary(SPENDING_COLUMNS, SECTION_SPEND_TOTAL, totals["spending"], "TotalExpenditure")
    for nation, column in NATION_COLUMNS.items():
        spend_total[column] = pounds(totals[f"spending_{nation}"])
    rows.append(spend_total)
    rows.append(_summary(SPENDING_COLUMNS, SECTION_GRANT_TOTAL, totals["grants"], "TotalExpenditure"))
    rows += _figure_rows(SPENDING_COLUMNS, [invoice, itemise], source_column="Description")
    return Report(columns=SPENDING_COLUMNS, rows=rows, figures=[invoice, itemise], totals=dict(totals))
