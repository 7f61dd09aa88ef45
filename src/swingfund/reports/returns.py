"""Electoral Commission returns, as CSV: the non-party campaigner's donations report and PPERA spending return,
the weekly pre-poll donation reports, the return of spending about named candidates (RPA 1983 s.75), the grants
return for candidates' agents, and an unincorporated association's Schedule 19A gift report.

Column names follow the Commission's own published registers (search.electoralcommission.org.uk CSV exports:
`DonorName`, `DonorStatus`, `CompanyRegistrationNumber`, `Postcode`, `DonationType`, `Value`, `ReceivedDate`,
`AcceptedDate`, `IsAggregation`, `DonationAction`; spending: `ExpenseCategoryName`, `SupplierName`,
`TotalExpenditure`, `AmountInEngland` … `AmountInNorthernIreland`, `DateIncurred`, `DatePaid`), extended with every
field the non-party spending return and donations report ask for (`DONATION_FIELDS`, `SPENDING_FIELDS` name the
source of each: date of claim, notional spending, unpaid or disputed claims, joint campaigning, the nature of a
non-money gift, the manner in which an unidentifiable gift was made and the manner of its return).

Donations (PPERA Sch 11; the Commission's "Donations" reporting page): every impermissible or unidentifiable gift
over the permissibility threshold is itemised with what was done with it; a held gift (its check under way) has
its own section; accepted donations over the permissibility threshold whose donor's total passes the
individual-report threshold are itemised (flagged `IsAggregation` when no single one passes it); the rest are
reported as one total. Gifts at or under the permissibility threshold are not donations in law: only their total is
given, for reconciliation. Spending about named candidates and grants are not PPERA spending: the spending return
refuses them, and each has its own return.

The pure part (`donation_rows`, `spending_rows`, `candidate_spending_rows`, `grant_rows`, `pre_poll_rows`,
`ua_gift_rows`) works on plain records and is tested by hand-worked cases; `returns_data.py` reads them from the
funding and reports apps. Money in the CSV is pounds with two decimals.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from swingfund import csvsafe
from swingfund.compliance.checks import return_due_date
from swingfund.compliance.limits import Figure
from swingfund.compliance.material import authorised_return_due
from swingfund.compliance.selectors import figure, figure_table
from swingfund.display import money

# The Commission's non-party campaigner donations report and spending return (UK Parliamentary general elections),
# field by field. Each column names what the Commission's guidance asks the return to give; the source is the page
# (and the statute it cites) in `DONATION_FIELDS` and `SPENDING_FIELDS`.
EC_NP = "https://www.electoralcommission.org.uk/non-party-campaigners-uk-parliamentary-general-elections"
DONATIONS_PAGE = f"{EC_NP}/after-election/reporting-requirements-after-election/donations"
SPENDING_PAGE = f"{EC_NP}/after-election/reporting-requirements-after-election/spending"
RETURN_PAGE = ("https://www.electoralcommission.org.uk/political-party-donations-and-loans-great-britain/"
               "what-do-you-do-if-you-receive-a-donation-impermissible-or-unidentifiable-source")
SCH11 = "PPERA 2000 Sch 11 para 10"
DONATION_FIELDS: dict[str, str] = {
    "ReportSection": "which part of the report the row belongs to (itemised, impermissible, totals)",
    "Organisation": "the campaigner the return is for (one return per registered non-party campaigner)",
    "DonorName": f"the required details for the type of donor: name ({SCH11}; {DONATIONS_PAGE})",
    "DonorStatus": f"the required details for the type of donor: its permissible category ({SCH11})",
    "CompanyRegistrationNumber": f"the required details for a company donor: its registered number ({SCH11})",
    "DonorAddress": f"the required details for the type of donor: address ({SCH11})",
    "Postcode": f"the required details for the type of donor: address ({SCH11})",
    "DonationType": f"whether the donation is monetary or non-monetary ({SCH11}; {DONATIONS_PAGE})",
    "NatureOfDonation": f"the nature of the donation if non-monetary ({SCH11}; {DONATIONS_PAGE})",
    "Value": f"the amount of the donation, or its value if non-monetary ({SCH11}; {DONATIONS_PAGE})",
    "ReceivedDate": f"the date you received the donation ({SCH11}; {DONATIONS_PAGE})",
    "AcceptedDate": f"the date you accepted the donation ({SCH11}; {DONATIONS_PAGE})",
    "IsAggregation": f"accepted donations from the same donor that add up to more than £7,500 ({DONATIONS_PAGE})",
    "MannerOfDonation": f"for an unidentifiable donor: the manner in which the donation was made ({SCH11}; "
                        f"{DONATIONS_PAGE})",
    "DonationAction": f"accepted, or what was done with an impermissible or unidentifiable donation ({SCH11})",
    "ReturnDueDate": "the last day to return it: 30 days beginning with receipt (PPERA 2000 Sch 11 para 7)",
    "ReturnedDate": f"the date the donation was returned ({RETURN_PAGE})",
    "MannerOfReturn": f"the action taken to return it: to the donor, the payer, the institution or the Commission "
                      f"({RETURN_PAGE})",
    "Reference": "the group's own reference (bank reference, cheque number): for the treasurer, not the form",
    "LedgerTransaction": "the ledger transaction that recorded it: for audit, not the form",
}
SPENDING_FIELDS: dict[str, str] = {
    "ReportSection": "which part of the return the row belongs to (items, constituencies, totals)",
    "Organisation": "the campaigner the return is for (one return per registered non-party campaigner)",
    "ExpenseCategoryName": f"what the spending was for, for example leaflets or advertising ({SPENDING_PAGE}; "
                           "PPERA 2000 Sch 8A)",
    "Description": f"what the spending was for ({SPENDING_PAGE})",
    "SupplierName": f"the name and address of the supplier ({SPENDING_PAGE})",
    "SupplierAddress": f"the name and address of the supplier ({SPENDING_PAGE})",
    "TotalExpenditure": f"the amount or value of spending incurred ({SPENDING_PAGE})",
    "DateIncurred": f"the date that you spent the money ({SPENDING_PAGE})",
    "DateOfClaim": f"the date the claim for payment was made, if applicable ({SPENDING_PAGE})",
    "DatePaid": f"the date the payment was made, if applicable ({SPENDING_PAGE})",
    "Notional": f"details of any notional spending, no invoice needed ({SPENDING_PAGE})",
    "UnpaidOrDisputed": f"details of any unpaid or disputed claims ({SPENDING_PAGE}; PPERA 2000 s.96)",
    "JointCampaigners": "joint campaigning: the other campaigners an item was spent with (PPERA 2000 s.94(6); "
                        "LAW.md, Returns)",
    "InvoiceReference": f"invoices or receipts for any payment over £200 accompany the return ({SPENDING_PAGE})",
    "InvoiceRequired": f"whether the payment is over £200, so its invoice must accompany the return ({SPENDING_PAGE})",
    "AmountInEngland": "the spending in each part of the UK, against that part's limit (PPERA 2000 Sch 10 para 3)",
    "AmountInScotland": "the spending in each part of the UK, against that part's limit (PPERA 2000 Sch 10 para 3)",
    "AmountInWales": "the spending in each part of the UK, against that part's limit (PPERA 2000 Sch 10 para 3)",
    "AmountInNorthernIreland": "the spending in each part of the UK, against that part's limit (PPERA 2000 Sch 10 "
                               "para 3)",
    "ConstituencyCode": f"a list of all constituencies where you spent more than £14,042, with their items "
                        f"({SPENDING_PAGE})",
    "ConstituencyName": f"a list of all constituencies where you spent more than £14,042 ({SPENDING_PAGE})",
    "LedgerTransaction": "the ledger transaction that recorded it: for audit, not the form",
}
DONATION_COLUMNS = list(DONATION_FIELDS)
SPENDING_COLUMNS = list(SPENDING_FIELDS)
# Spending about a named candidate (RPA 1983 s.75) and grants to candidates are not the group's PPERA spending: each
# has its own return, kept for the candidate's election agent.
CANDIDATE_SPEND_COLUMNS = [
    "ReportSection", "Organisation", "CandidateName", "ConstituencyCode", "ConstituencyName", "ExpenseCategoryName",
    "Description", "SupplierName", "SupplierAddress", "TotalExpenditure", "DateIncurred", "DatePaid",
    "AgentAuthorised", "AgentName", "AuthorisedOn", "AuthorisationDocument", "ReturnDueDate", "LedgerTransaction",
]
GRANT_COLUMNS = [
    "ReportSection", "Organisation", "CandidateName", "ConstituencyCode", "ConstituencyName", "AgentName",
    "AgentContact", "Value", "DateOffered", "AgentResponse", "ResponseDate", "DatePaid", "BankReference",
    "TrueSources", "LedgerTransaction", "ReversalTransaction",
]
SECTION_ITEMISED = "Accepted donation over the reporting threshold"
SECTION_IMPERMISSIBLE = "Impermissible or unidentifiable donation"
SECTION_HELD = "Held: permissibility check under way (neither accepted nor found impermissible yet)"
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
SECTION_GRANT_BACK_TOTAL = "Total grants declined or returned (back in the fund)"
NOT_PPERA = ("'{section}' is not PPERA regulated campaign spending: spending about a named candidate and grants to "
             "candidates have their own returns (RPA 1983 s.75; Sch 2A).")
SECTION_GENERAL = "Regulated campaign spending (PPERA 2000 Part VI)"
SECTION_GENERAL_SEAT = "Regulated campaign spending attributed to a named constituency"
SECTION_GENERAL_TOTAL = "Total regulated campaign spending"
SECTION_AUDITOR = "Auditor's report required (spending over {limit}): {needed}"
SECTION_NOTIONAL_TOTAL = "Total notional spending"
SECTION_UNPAID_TOTAL = "Total unpaid or disputed claims"
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
    organisation: str = ""
    nature: str = ""  # a non-money gift: what was given
    manner_made: str = ""  # how it was given (card, bank transfer, cheque, cash)
    manner_of_return: str = ""


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
    claimed_on: date | None = None
    notional: bool = False
    claim_status: str = ""  # "", "unpaid" or "disputed"
    joint_campaigners: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class CandidateSpendRecord:
    """One item of spending about a named candidate (RPA 1983 s.75), for that candidate's agent."""

    organisation: str
    candidate_name: str
    constituency_code: str
    constituency_name: str
    category: str
    description: str
    amount_pence: int
    incurred_on: date
    paid_on: date | None
    supplier_name: str
    supplier_address: str
    agent_authorised: bool
    agent_name: str = ""
    authorised_on: date | None = None
    authorisation_document: str = ""
    ledger_transaction: str = ""


@dataclass(frozen=True)
class GrantRecord:
    """One grant to a candidate's campaign: a donation to the candidate (RPA 1983 Sch 2A), reported to their agent."""

    organisation: str
    candidate_name: str
    constituency_code: str
    constituency_name: str
    agent_name: str
    agent_contact: str
    amount_pence: int
    offered_on: date | None
    response: str
    responded_on: date | None
    paid_on: date | None
    bank_reference: str
    true_sources: str
    ledger_transaction: str
    reversal_transaction: str = ""


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
            rows.append(_gift_row(gift, SECTION_HELD, action="Held: permissibility not yet established"))
            continue
        if gift.status in {"returned", "impermissible"}:
            totals["impermissible"] += gift.amount_pence
            action = (gift.manner_of_return or "Returned") if gift.status == "returned" else "To be returned"
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
    unidentified = not gift.donor_name
    return {
        "ReportSection": section, "Organisation": gift.organisation,
        "DonorName": gift.donor_name or "Unidentified", "DonorStatus": gift.donor_status,
        "CompanyRegistrationNumber": gift.company_number, "DonorAddress": gift.address, "Postcode": gift.postcode,
        "DonationType": "Non Cash" if gift.nature else "Cash", "NatureOfDonation": gift.nature,
        "Value": pounds(gift.amount_pence),
        "ReceivedDate": _iso(gift.received_on), "AcceptedDate": _iso(gift.accepted_on),
        "IsAggregation": "True" if aggregation else "False",
        "MannerOfDonation": gift.manner_made if unidentified else "", "DonationAction": action,
        "ReturnDueDate": _iso(return_due_date(figures=figure_table(), received_on=gift.received_on))
        if held_or_due else "",
        "ReturnedDate": _iso(gift.returned_on), "MannerOfReturn": gift.manner_of_return,
        "Reference": gift.reference, "LedgerTransaction": gift.ledger_transaction,
    }


def spending_rows(*, items: list[SpendRecord], poll_date: date,
                  general_seats: list[tuple[str, str, str, int]] = ()) -> Report:
    """The PPERA spending return: every item of regulated campaign spending, by date, with the amount in each part
    of the UK, its dates (incurred, claimed, paid), notional spending, unpaid or disputed claims and joint
    campaigning; then the spending attributed to each named constituency (`general_seats`: code, name, nation,
    pence), flagged over the itemisation threshold; then totals, and whether an auditor's report is needed.
    Spending about named candidates and grants are not PPERA spending: they have their own returns
    (`candidate_spending_rows`, `grant_rows`), and an item of either kind here is refused."""
    invoice = figure("invoice_keep_threshold", on=poll_date)
    itemise = figure("non_party_constituency_itemise_threshold", on=poll_date)
    auditor = figure("non_party_auditor_threshold", on=poll_date)
    rows: list[dict[str, str]] = []
    totals: dict[str, int] = defaultdict(int)
    for item in sorted(items, key=lambda i: (i.incurred_on, i.constituency_code, i.description)):
        if item.section != SECTION_GENERAL:
            raise ValueError(NOT_PPERA.format(section=item.section))
        row = dict.fromkeys(SPENDING_COLUMNS, "")
        row.update({
            "ReportSection": item.section, "Organisation": item.organisation, "DateIncurred": _iso(item.incurred_on),
            "DateOfClaim": _iso(item.claimed_on), "DatePaid": _iso(item.paid_on),
            "ExpenseCategoryName": item.category, "Description": item.description, "SupplierName": item.supplier_name,
            "SupplierAddress": item.supplier_address, "InvoiceReference": item.invoice_reference,
            "InvoiceRequired": "True" if item.amount_pence > invoice.value and not item.notional else "False",
            "TotalExpenditure": pounds(item.amount_pence), "Notional": "True" if item.notional else "False",
            "UnpaidOrDisputed": item.claim_status.capitalize(), "JointCampaigners": item.joint_campaigners,
            "ConstituencyCode": item.constituency_code, "ConstituencyName": item.constituency_name,
            "LedgerTransaction": item.ledger_transaction,
        })
        for nation, pence in item.nation_amounts:
            row[NATION_COLUMNS[nation]] = pounds(pence)
            totals[f"general_{nation}"] += pence
        rows.append(row)
        totals["general"] += item.amount_pence
        totals["notional"] += item.amount_pence if item.notional else 0
        totals["unpaid"] += item.amount_pence if item.claim_status else 0
    for code, name, nation, pence in general_seats:
        row = _summary(SPENDING_COLUMNS, SECTION_GENERAL_SEAT, pence, "TotalExpenditure")
        row.update({"ConstituencyCode": code, "ConstituencyName": name, NATION_COLUMNS[nation]: pounds(pence),
                    "Description": "Over the itemisation threshold" if pence > itemise.value else ""})
        rows.append(row)
    general_total = _summary(SPENDING_COLUMNS, SECTION_GENERAL_TOTAL, totals["general"], "TotalExpenditure")
    for nation, column in NATION_COLUMNS.items():
        general_total[column] = pounds(totals[f"general_{nation}"])
    rows.append(general_total)
    rows.append(_summary(SPENDING_COLUMNS, SECTION_NOTIONAL_TOTAL, totals["notional"], "TotalExpenditure"))
    rows.append(_summary(SPENDING_COLUMNS, SECTION_UNPAID_TOTAL, totals["unpaid"], "TotalExpenditure"))
    needed = totals["general"] > auditor.value
    totals["auditor_report_needed"] = int(needed)
    rows.append(_summary(SPENDING_COLUMNS, SECTION_AUDITOR.format(limit=auditor.display, needed="yes" if needed
                                                                  else "no"), totals["general"], "TotalExpenditure"))
    rows += _figure_rows(SPENDING_COLUMNS, [invoice, itemise, auditor], source_column="Description")
    return Report(columns=SPENDING_COLUMNS, rows=rows, figures=[invoice, itemise, auditor], totals=dict(totals))


def candidate_spending_rows(*, items: list[CandidateSpendRecord], poll_date: date) -> Report:
    """The return of spending about named candidates (RPA 1983 s.75): per candidate, every item with whether the
    agent authorised it in writing, and when the group's return of authorised expenses is due; then each
    candidate's total against the permitted sum. Not part of the PPERA spending return."""
    permitted = figure("local_permitted_sum", on=poll_date)
    days = figure("local_authorised_return_days", on=poll_date)
    due = authorised_return_due(figures=figure_table(), poll_date=poll_date)
    rows: list[dict[str, str]] = []
    per_candidate: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for item in sorted(items, key=lambda i: (i.constituency_code, i.candidate_name, i.incurred_on)):
        rows.append({
            "ReportSection": SECTION_SPEND, "Organisation": item.organisation, "CandidateName": item.candidate_name,
            "ConstituencyCode": item.constituency_code, "ConstituencyName": item.constituency_name,
            "ExpenseCategoryName": item.category, "Description": item.description,
            "SupplierName": item.supplier_name, "SupplierAddress": item.supplier_address,
            "TotalExpenditure": pounds(item.amount_pence), "DateIncurred": _iso(item.incurred_on),
            "DatePaid": _iso(item.paid_on), "AgentAuthorised": "True" if item.agent_authorised else "False",
            "AgentName": item.agent_name, "AuthorisedOn": _iso(item.authorised_on),
            "AuthorisationDocument": item.authorisation_document,
            "ReturnDueDate": _iso(due) if item.agent_authorised else "", "LedgerTransaction": item.ledger_transaction,
        })
        per_candidate[(item.organisation, item.constituency_code, item.constituency_name, item.candidate_name)] += \
            item.amount_pence
    totals = {"spending": sum(per_candidate.values())}
    for (org, code, name, candidate), pence in sorted(per_candidate.items()):
        row = _summary(CANDIDATE_SPEND_COLUMNS, SECTION_SEAT_TOTAL, pence, "TotalExpenditure")
        row.update({"Organisation": org, "ConstituencyCode": code, "ConstituencyName": name, "CandidateName": candidate,
                    "Description": "Over the permitted sum: needs the agent's written authority"
                    if pence > permitted.value else ""})
        rows.append(row)
    rows.append(_summary(CANDIDATE_SPEND_COLUMNS, SECTION_SPEND_TOTAL, totals["spending"], "TotalExpenditure"))
    rows += _figure_rows(CANDIDATE_SPEND_COLUMNS, [permitted, days], source_column="Description")
    return Report(columns=CANDIDATE_SPEND_COLUMNS, rows=rows, figures=[permitted, days], totals=totals)


def grant_rows(*, grants: list[GrantRecord], poll_date: date) -> Report:
    """The grants return: each grant to a candidate's campaign (a donation to the candidate, reported by their
    agent), with the agent it was offered to, their answer and its date, payment, the true sources named, and the
    ledger transactions (a declined or returned grant's reversal). Totals count only grants that stayed given."""
    threshold = figure("candidate_donation_threshold", on=poll_date)
    rows: list[dict[str, str]] = []
    totals = {"grants": 0, "came_back": 0}
    for grant in sorted(grants, key=lambda g: (g.constituency_code, g.offered_on or poll_date)):
        came_back = grant.response in {"declined", "returned"}
        totals["came_back" if came_back else "grants"] += grant.amount_pence
        rows.append({
            "ReportSection": SECTION_GRANT, "Organisation": grant.organisation, "CandidateName": grant.candidate_name,
            "ConstituencyCode": grant.constituency_code, "ConstituencyName": grant.constituency_name,
            "AgentName": grant.agent_name, "AgentContact": grant.agent_contact, "Value": pounds(grant.amount_pence),
            "DateOffered": _iso(grant.offered_on), "AgentResponse": grant.response,
            "ResponseDate": _iso(grant.responded_on), "DatePaid": _iso(grant.paid_on),
            "BankReference": grant.bank_reference, "TrueSources": grant.true_sources,
            "LedgerTransaction": grant.ledger_transaction, "ReversalTransaction": grant.reversal_transaction,
        })
    rows.append(_summary(GRANT_COLUMNS, SECTION_GRANT_TOTAL, totals["grants"], "Value"))
    rows.append(_summary(GRANT_COLUMNS, SECTION_GRANT_BACK_TOTAL, totals["came_back"], "Value"))
    rows += _figure_rows(GRANT_COLUMNS, [threshold], source_column="TrueSources")
    return Report(columns=GRANT_COLUMNS, rows=rows, figures=[threshold], totals=totals)


PRE_POLL_COLUMNS = [
    "ReportSection", "Organisation", "PeriodStart", "PeriodEnd", "ReportDueDate", "DonorName", "DonorStatus",
    "CompanyRegistrationNumber", "DonorAddress", "Postcode", "DonationType", "NatureOfDonation", "Value",
    "ReceivedDate", "AcceptedDate", "DonationAction", "Reference", "LedgerTransaction",
]
SECTION_WEEK = "Weekly pre-poll report, week {n}"
SECTION_NONE_DUE = "No weekly report due: no donation over {high} received from dissolution ({start}) to polling day"


def pre_poll_rows(*, gifts: list[GiftRecord], dissolution: date, poll_date: date) -> Report:
    """The weekly pre-poll donation reports a registered non-party campaigner files between dissolution and polling
    day (the Commission's "weekly pre-poll reports"): for each week from dissolution, every single gift over the
    individual-report threshold received that week, accepted or not yet (aggregated gifts are not included). A week
    with no such gift needs no report, so has no row."""
    high = figure("non_party_donation_report_threshold", on=poll_date)
    deliver = figure("pre_poll_report_days", on=poll_date)
    rows: list[dict[str, str]] = []
    week, start = 1, dissolution
    while start <= poll_date:
        end = min(start + timedelta(days=6), poll_date)
        for gift in sorted(gifts, key=lambda g: (g.received_on, g.donor_name)):
            if start <= gift.received_on <= end and gift.amount_pence > high.value:
                row = _gift_row(gift, SECTION_WEEK.format(n=week), action={
                    "accepted": "Accepted", "held": "Received, not yet accepted", "returned": "Returned",
                    "impermissible": "To be returned"}[gift.status])
                rows.append({column: row.get(column, "") for column in PRE_POLL_COLUMNS}
                            | {"PeriodStart": _iso(start), "PeriodEnd": _iso(end),
                               "ReportDueDate": _iso(end + timedelta(days=deliver.value))})
        week, start = week + 1, end + timedelta(days=1)
    if not rows:
        rows.append(dict.fromkeys(PRE_POLL_COLUMNS, "") | {"ReportSection": SECTION_NONE_DUE.format(
            high=high.display, start=_iso(dissolution))})
    rows += _figure_rows(PRE_POLL_COLUMNS, [high, deliver], source_column="Reference")
    return Report(columns=PRE_POLL_COLUMNS, rows=rows, figures=[high, deliver],
                  totals={"weeks": len({r["PeriodStart"] for r in rows if r["PeriodStart"]})})


UA_GIFT_COLUMNS = [
    "ReportSection", "Organisation", "DonorName", "DonorStatus", "DonorAddress", "Postcode", "DonationType",
    "NatureOfDonation", "Value", "ReceivedDate", "ReportTotal", "ReportableOn", "Reference",
]
SECTION_UA_FIRST = "Reportable gift (Schedule 19A): over {threshold} from one source in {year}"
SECTION_UA_FURTHER = "Further reportable gift (Schedule 19A): over {threshold} more from a source already reported"
SECTION_UA_NONE = "No reportable gift in {year}"


def ua_gift_rows(*, gifts: list[tuple[GiftRecord, str]], year: int) -> Report:
    """An unincorporated association's reportable gifts for `year` (`compliance.ua.gift_reports`): one row per gift
    in each report, with the report's total and the day it became reportable. `gifts` pairs each record with the
    source key that groups one source's gifts."""
    from swingfund.compliance import ua

    table = figure_table()
    on = date(year, 12, 31)
    first, further = table.get("ua_gift_reporting_threshold", on=on), table.get("ua_further_gift_threshold", on=on)
    by_ref = {}
    law_gifts = []
    for record, source in gifts:
        key = f"{source}:{record.ledger_transaction or record.reference}"
        by_ref[key] = record
        law_gifts.append(ua.Gift(source=source, amount_pence=record.amount_pence, received_on=record.received_on,
                                 reference=key))
    rows: list[dict[str, str]] = []
    reports = ua.gift_reports(figures=table, gifts=law_gifts, year=year)
    for report in reports:
        section = (SECTION_UA_FURTHER.format(threshold=further.display) if report.further
                   else SECTION_UA_FIRST.format(threshold=first.display, year=year))
        for item in report.gifts:
            record = by_ref[item.reference]
            rows.append({
                "ReportSection": section, "Organisation": record.organisation,
                "DonorName": record.donor_name or "Unidentified", "DonorStatus": record.donor_status,
                "DonorAddress": record.address, "Postcode": record.postcode,
                "DonationType": "Non Cash" if record.nature else "Cash", "NatureOfDonation": record.nature,
                "Value": pounds(record.amount_pence), "ReceivedDate": _iso(record.received_on),
                "ReportTotal": pounds(report.total_pence), "ReportableOn": _iso(report.reportable_on),
                "Reference": record.reference,
            })
    if not rows:
        rows.append(dict.fromkeys(UA_GIFT_COLUMNS, "") | {"ReportSection": SECTION_UA_NONE.format(year=year)})
    rows += _figure_rows(UA_GIFT_COLUMNS, [first, further], source_column="Reference")
    return Report(columns=UA_GIFT_COLUMNS, rows=rows, figures=[first, further],
                  totals={"reports": len(reports), "further": sum(r.further for r in reports)})
