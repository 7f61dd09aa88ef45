"""Writes of the spending record: one item of general-campaign spending, checked against the law's limits
(`swingfund.compliance.general`) and posted to the ledger in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from swingfund.compliance import general
from swingfund.compliance.checks import ComplianceWarning
from swingfund.compliance.selectors import figure_table
from swingfund.compliance.selectors_general import limits_status, regulated_period_for, seats_per_nation
from swingfund.compliance.timetables import parse_election_id
from swingfund.funding import ledger
from swingfund.funding.ledger import Line
from swingfund.reports.models import CampaignSpend, ClaimStatus, SpendArea, SpendCategory
from swingfund.reports.selectors import as_item, campaign_spends

UNKNOWN_CATEGORY = "Unknown spending category {value!r}: use one of {known} (PPERA 2000 Schedule 8A)."
UNKNOWN_NATION = "Unknown part of the UK {value!r}: use E, S, W or N."
AREA_BOTH = "Give either a part of the UK or named constituencies, not both."
ELECTION_NOT_IMPORTED = "Election '{election_id}' is not imported: import the official files for it first."
UNKNOWN_SEAT = "Constituency '{code}' is not in boundary set {boundary_set} used by {election_id}."
UNKNOWN_PARTY = "Unknown party {value!r}: use the party's name as imported."
BAD_AMOUNT = "Amount must be a positive whole number of pence (got {value!r})."
BAD_DATE = "{name} must be a date (got {value!r})."
BAD_CLAIM_STATUS = "Claim status must be blank, 'unpaid' or 'disputed' (got {value!r})."
PAID_BEFORE_INCURRED = "Paid on {paid} is before the spending was incurred on {incurred}."
OUTSIDE_PERIOD = (
    "Spending incurred on {on} is outside the regulated period for {election_id} ({start} to {end}, PPERA 2000 "
    "Sch 10 para 3): it is not regulated spending for that election. If material bought earlier is used in the "
    "period, record it with the date it is used."
)
SUPPLIER_REQUIRED = "Name the supplier."
DESCRIPTION_REQUIRED = "Describe what the spending was for."


@dataclass(frozen=True)
class _Prepared:
    election_id: str
    poll: dt.date
    start: dt.date
    area: str
    nation: str
    seats: list
    party: object
    seats_per_nation: dict[str, int]


def _as_date(name: str, value) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).date()
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(BAD_DATE.format(name=name, value=value)) from None


def _prepare(*, election, incurred_on: dt.date, paid_on: dt.date | None, amount_pence: int, category: str,
             constituencies: Iterable, nation: str | None, targets_party, supplier: str,
             description: str) -> _Prepared:
    from swingfund.elections.models import Constituency, Election, Party

    if not isinstance(amount_pence, int) or isinstance(amount_pence, bool) or amount_pence <= 0:
        raise ValueError(BAD_AMOUNT.format(value=amount_pence))
    if category not in SpendCategory.values:
        raise ValueError(UNKNOWN_CATEGORY.format(value=category, known=", ".join(SpendCategory.values)))
    if not (supplier or "").strip():
        raise ValueError(SUPPLIER_REQUIRED)
    if not (description or "").strip():
        raise ValueError(DESCRIPTION_REQUIRED)
    if paid_on is not None and paid_on < incurred_on:
        raise ValueError(PAID_BEFORE_INCURRED.format(paid=paid_on, incurred=incurred_on))
    election_id = election if isinstance(election, str) else election.pk
    parse_election_id(election_id)
    row = Election.objects.filter(pk=election_id).first()
    if row is None:
        raise ValueError(ELECTION_NOT_IMPORTED.format(election_id=election_id))
    start, poll = regulated_period_for(election_id=election_id)
    if not start <= incurred_on <= poll:
        raise ValueError(OUTSIDE_PERIOD.format(on=incurred_on, election_id=election_id, start=start, end=poll))
    nation = (nation or "").strip().upper()
    if nation and nation not in general.NATIONS:
        raise ValueError(UNKNOWN_NATION.format(value=nation))
    seats = []
    for seat in constituencies or ():
        if isinstance(seat, Constituency):
            if seat.boundary_set != row.boundary_set:
                raise ValueError(UNKNOWN_SEAT.format(code=seat.gss_code, boundary_set=row.boundary_set,
                                                     election_id=election_id))
            seats.append(seat)
            continue
        found = Constituency.objects.filter(gss_code=str(seat).strip(), boundary_set=row.boundary_set).first()
        if found is None:
            raise ValueError(UNKNOWN_SEAT.format(code=seat, boundary_set=row.boundary_set, election_id=election_id))
        seats.append(found)
    if nation and seats:
        raise ValueError(AREA_BOTH)
    party = targets_party
    if isinstance(targets_party, str):
        party = Party.objects.filter(name=targets_party.strip()).first()
        if party is None:
            raise ValueError(UNKNOWN_PARTY.format(value=targets_party))
    area = SpendArea.CONSTITUENCIES if seats else SpendArea.NATION if nation else SpendArea.UK
    return _Prepared(election_id=election_id, poll=poll, start=start, area=area, nation=nation,
                     seats=list({s.pk: s for s in seats}.values()), party=party,
                     seats_per_nation=seats_per_nation(boundary_set=row.boundary_set))


def _check(*, organisation, prepared: _Prepared, incurred_on: dt.date, amount_pence: int,
           party_authorised: bool) -> list[ComplianceWarning]:
    item = general.Item(amount_pence=amount_pence, incurred_on=incurred_on, area=prepared.area,
                        nation=prepared.nation, seats=tuple((s.pk, s.nation) for s in prepared.seats),
                        party_id=prepared.party.pk if prepared.party else None, party_authorised=party_authorised)
    earlier_rows = list(campaign_spends(organisation=organisation, election_id=prepared.election_id,
                                        start=prepared.start, end=prepared.poll))
    seat_names = {s.pk: f"{s.name} ({s.gss_code})" for s in prepared.seats}
    for row in earlier_rows:
        seat_names.update({c.pk: f"{c.name} ({c.gss_code})" for c in row.constituencies.all()})
    party_names = {prepared.party.pk: prepared.party.name} if prepared.party else {}
    return general.check_item(figures=figure_table(), item=item, earlier=[as_item(r) for r in earlier_rows],
                              status=limits_status(organisation), seats_per_nation=prepared.seats_per_nation,
                              on=prepared.poll, seat_names=seat_names, party_names=party_names)


def campaign_spending_check(*, organisation, election, incurred_on, amount_pence: int, category: str,
                            constituencies: Iterable = (), nation: str | None = None, targets_party=None,
                            party_authorised: bool = False, supplier: str = "-", description: str = "-",
                            paid_on=None) -> list[ComplianceWarning]:
    """What `campaign_spending_record` would decide, writing nothing: raises `LimitExceeded` or returns the
    warnings (the admin form runs this to show a refusal as a form error)."""
    incurred, paid = _as_date("Date incurred", incurred_on), _as_date("Date paid", paid_on)
    prepared = _prepare(election=election, incurred_on=incurred, paid_on=paid, amount_pence=amount_pence,
                        category=category, constituencies=constituencies, nation=nation,
                        targets_party=targets_party, supplier=supplier, description=description)
    return _check(organisation=organisation, prepared=prepared, incurred_on=incurred, amount_pence=amount_pence,
                  party_authorised=party_authorised)


def campaign_spending_record(*, organisation, election, incurred_on, paid_on=None, supplier: str,
                             amount_pence: int, category: str, constituencies: Iterable = (),
                             nation: str | None = None, targets_party=None, description: str, source_ref: str = "",
                             supplier_address: str = "", invoice_reference: str = "", party_authorised: bool = False,
                             recorded_by: str = "", claimed_on=None, notional: bool = False, claim_status: str = "",
                             joint_campaigners: str = "") -> CampaignSpend:
    """Record one item of general-campaign spending after checking every limit (see `general.py`); raises
    `swingfund.compliance.errors.LimitExceeded` naming the figure and its citation, and then writes nothing.

    `election` is a Democracy Club id or an `Election`; `constituencies` are `Constituency` rows or GSS codes of
    the election's boundary set; `nation` (E/S/W/N) for spending with effect in one part of the UK; neither for
    the whole UK. `targets_party` (a `Party` or its name) when the item promotes or criticises one party or its
    candidates. `source_ref` links the outreach message or material that caused it. The payment posts to the
    ledger: Dr general campaign spending / Cr bank, dated when paid (or incurred)."""
    incurred, paid = _as_date("Date incurred", incurred_on), _as_date("Date paid", paid_on)
    claimed = _as_date("Date of claim", claimed_on)
    if claim_status not in ("", *ClaimStatus.values):
        raise ValueError(BAD_CLAIM_STATUS.format(value=claim_status))
    prepared = _prepare(election=election, incurred_on=incurred, paid_on=paid, amount_pence=amount_pence,
                        category=category, constituencies=constituencies, nation=nation,
                        targets_party=targets_party, supplier=supplier, description=description)
    with transaction.atomic():
        ledger.chain_lock()  # one writer at a time: the totals checked are the totals written against
        _check(organisation=organisation, prepared=prepared, incurred_on=incurred, amount_pence=amount_pence,
               party_authorised=party_authorised)
        day = paid or incurred
        posted = ledger.transaction_post(
            kind="campaign_spend", description=f"General campaign: {supplier}: {description}"[:300],
            lines=[Line(ledger.account_shared("campaign_spend"), amount_pence, f"{prepared.election_id}"[:200]),
                   # notional spending uses a non-money gift's value: no money leaves the bank
                   Line(ledger.account_shared("non_money_used" if notional else "bank"), -amount_pence,
                        (invoice_reference or supplier)[:200])],
            posted_at=dt.datetime(day.year, day.month, day.day, 12, 0, tzinfo=dt.UTC))
        spend = CampaignSpend.objects.create(
            organisation=organisation, election_id=prepared.election_id, incurred_on=incurred, paid_on=paid,
            supplier=supplier.strip(), supplier_address=supplier_address, amount_pence=amount_pence,
            category=category, area=prepared.area, nation=prepared.nation, targets_party=prepared.party,
            party_authorised=party_authorised, description=description.strip()[:300],
            invoice_reference=invoice_reference.strip(), source_ref=source_ref[:300], recorded_by=recorded_by,
            transaction=posted, claimed_on=claimed, notional=bool(notional), claim_status=claim_status,
            joint_campaigners=joint_campaigners.strip()[:300])
        if prepared.seats:
            spend.constituencies.set(prepared.seats)
    return spend
