"""Writes of the spending record: one item of general-campaign spending, checked against the law's limits
(`swingfund.compliance.general`) and posted to the ledger in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from swingfund.compliance import general, material
from swingfund.compliance.checks import ComplianceWarning
from swingfund.compliance.selectors import agent_authorities, authority_terms, figure_table, legal_status_for
from swingfund.compliance.selectors_general import limits_status, regulated_period_for, seats_per_nation
from swingfund.compliance.timetables import parse_election_id
from swingfund.display import money
from swingfund.funding import ledger
from swingfund.funding.ledger import Line
from swingfund.funding.selectors import candidate_spent_pence
from swingfund.reports.models import CampaignSpend, ClaimStatus, SpendArea, SpendCategory
from swingfund.reports.selectors import as_item, campaign_spends

UNKNOWN_CATEGORY = "Unknown spending category {value!r}: use one of {known} (PPERA 2000 Schedule 8A)."
UNKNOWN_NATION = "Unknown part of the UK {value!r}: use E, S, W or N."
AREA_BOTH = "Give either a part of the UK or named constituencies, not both."
ELECTION_REQUIRED = (
    "Name the election this spending is for: a Democracy Club id such as parl.YYYY-MM-DD (spending tied to no "
    "election is first assigned to the one whose regulated period it falls in, or recorded as outside any period)."
)
ELECTION_NOT_IMPORTED = "Election '{election_id}' is not imported: import the official files for it first."
UNKNOWN_SEAT = "Constituency '{code}' is not in boundary set {boundary_set} used by {election_id}."
UNKNOWN_PARTY = "Unknown party {value!r}: use the party's name as imported."
BAD_AMOUNT = "Amount must be a positive whole number of pence (got {value!r})."
BAD_DATE = "{name} must be a date (got {value!r})."
BAD_CLAIM_STATUS = "Claim status must be blank, 'unpaid' or 'disputed' (got {value!r})."
CLAIM_PAID_ALREADY = ("A claim marked {status} has not been paid: leave the date paid empty, or record the item as "
                      "paid (no claim status).")
NOT_AN_OPEN_CLAIM = "General-campaign item #{pk} is not an unpaid or disputed claim: there is nothing to pay."
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
    if election is None or election == "":
        raise ValueError(ELECTION_REQUIRED)
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
    if prepared.party is not None:  # a charity may not spend for or against a party, authorised or not
        status = legal_status_for(organisation)
        material.check_charity(legal_form=status.legal_form if status else None,
                               charity_number=status.charity_number if status else "",
                               organisation=str(organisation), doing=material.CHARITY_PARTY)
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
    if claim_status and paid is not None:
        raise ValueError(CLAIM_PAID_ALREADY.format(status=claim_status))
    prepared = _prepare(election=election, incurred_on=incurred, paid_on=paid, amount_pence=amount_pence,
                        category=category, constituencies=constituencies, nation=nation,
                        targets_party=targets_party, supplier=supplier, description=description)
    with transaction.atomic():
        ledger.chain_lock()  # one writer at a time: the totals checked are the totals written against
        _check(organisation=organisation, prepared=prepared, incurred_on=incurred, amount_pence=amount_pence,
               party_authorised=party_authorised)
        day = paid or incurred
        # notional spending uses a non-money gift's value, and an unpaid or disputed claim is owed, not paid: in
        # neither case does money leave the bank (a claim paid later: `campaign_claim_pay`)
        credit = "non_money_used" if notional else "claims_payable" if claim_status else "bank"
        posted = ledger.transaction_post(
            kind="campaign_spend", description=f"General campaign: {supplier}: {description}"[:300],
            lines=[Line(ledger.account_shared("campaign_spend"), amount_pence, f"{prepared.election_id}"[:200]),
                   Line(ledger.account_shared(credit), -amount_pence, (invoice_reference or supplier)[:200])],
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


def campaign_claim_pay(*, spend: CampaignSpend, paid_on) -> CampaignSpend:
    """Pay an unpaid or disputed claim recorded earlier: the money leaves the bank on `paid_on` (Dr suppliers'
    claims / Cr bank) and the item is no longer a claim the return lists apart. The spending itself was counted
    when incurred, so no limit changes. Raises ValueError naming the problem, and then writes nothing."""
    paid = _as_date("Date paid", paid_on)
    with transaction.atomic():
        ledger.chain_lock()
        spend = CampaignSpend.objects.select_for_update().get(pk=spend.pk)
        if not spend.claim_status or spend.paid_on is not None or spend.notional:
            raise ValueError(NOT_AN_OPEN_CLAIM.format(pk=spend.pk))
        if paid is None or paid < spend.incurred_on:
            raise ValueError(PAID_BEFORE_INCURRED.format(paid=paid, incurred=spend.incurred_on))
        ledger.transaction_post(
            kind="claim_paid", description=f"Claim paid: {spend.supplier}: general-campaign item #{spend.pk}"[:300],
            lines=[Line(ledger.account_shared("claims_payable"), spend.amount_pence, f"item #{spend.pk}"),
                   Line(ledger.account_shared("bank"), -spend.amount_pence,
                        (spend.invoice_reference or spend.supplier)[:200])],
            posted_at=dt.datetime(paid.year, paid.month, paid.day, 12, 0, tzinfo=dt.UTC))
        spend.paid_on, spend.claim_status = paid, ""
        spend.save(update_fields=["paid_on", "claim_status"])
    return spend


# --- Material before it goes out: classified, checked and recorded in one transaction ------------------------

AGENT_NOTICE = (
    "To {agent}, election agent for {candidate}, {address}: under your written authority of {authorised_on} "
    "(total authorised {limit}), {organisation} incurred {amount} on {incurred_on} for {description} (supplier: "
    "{supplier}), promoting or opposing your candidate. This is an election expense of the candidate (Representation "
    "of the People Act 1983, s.75(1)); spending about the candidate under your authority is now {total} of {limit}. "
    "Our return of it to the Returning Officer is due by {due} ({days}, {citation})."
)


@dataclass(frozen=True)
class MaterialCharge:
    """How one piece of material's cost was classified and checked: the election (blank: outside any regulated
    period), the charge to each candidacy it names (s.75), the general-campaign part and its seats (PPERA), the
    part outside any period, and the general limits' warnings."""

    election_id: str
    candidates: tuple[material.CandidateCharge, ...]
    general_pence: int
    general_seats: tuple
    outside_pence: int
    warnings: tuple[ComplianceWarning, ...] = ()

    @property
    def regimes(self) -> list[str]:
        return [r for r, on in ((material.Regime.CANDIDATE, self.candidates), (material.Regime.GENERAL,
                                self.general_pence), (material.Regime.OUTSIDE, self.outside_pence)) if on]


def material_election(*, on: dt.date, preferred: str | None = None) -> str | None:
    """The imported election whose regulated period contains `on` (`material.assign_election`), or None. The
    `preferred` election (the one the material is tied to) wins when `on` is inside its period; material it is tied
    to but sent outside that period is not regulated spending for it, and is assigned like untied material."""
    from swingfund.compliance.limits import FigureNotInForce
    from swingfund.elections.models import Election

    periods = {}
    elections = Election.objects.filter(notional=False)
    if preferred:
        elections = elections.filter(pk=preferred)
        try:
            start, poll = regulated_period_for(election_id=preferred)
        except (ValueError, FigureNotInForce):
            start = poll = None
        if start is not None and start <= on <= poll and elections.exists():
            return preferred
        elections = Election.objects.filter(notional=False)
    for election_id in elections.values_list("pk", flat=True):
        try:
            periods[election_id] = regulated_period_for(election_id=election_id)
        except (ValueError, FigureNotInForce):  # a by-election or a local election: no PPERA regulated period
            continue
    return material.assign_election(on=on, periods=periods)


def _candidate_name(candidacy) -> str:
    person = candidacy.person.name if candidacy.person_id else ""
    return f"{candidacy.person_name or person} ({candidacy.constituency.name})"


def _material_plan(*, organisation, election_id: str, seat_costs: dict, texts: Iterable[str],
                   backed: dict[int, int]):
    from swingfund.elections.models import Candidacy, Election

    election = Election.objects.filter(pk=election_id).first()
    if election is None:
        raise ValueError(ELECTION_NOT_IMPORTED.format(election_id=election_id))
    seats = {seat.pk: seat for seat in seat_costs}
    rows = {c.pk: c for c in Candidacy.objects.filter(election_id=election_id, constituency_id__in=list(seats))
            .select_related("person", "constituency")}
    candidates = [material.Candidate(candidacy_id=c.pk, seat_id=c.constituency_id,
                                     name=c.person_name or (c.person.name if c.person_id else ""))
                  for c in rows.values()]
    named = material.candidates_named(texts=list(texts), candidates=candidates,
                                      backed={s: c for s, c in backed.items() if c in rows})
    per_candidacy, general_seats = material.split_costs(seat_costs={s.pk: p for s, p in seat_costs.items()},
                                                        named=named)
    return election, rows, per_candidacy, {seats[s]: p for s, p in general_seats.items()}


def material_cost_check(*, organisation, election, incurred_on, seat_costs: dict, texts: Iterable[str] = (),
                        backed: dict[int, int] | None = None) -> MaterialCharge:
    """What `material_cost_record` would decide, writing nothing (the message page shows it)."""
    with transaction.atomic():
        charge = material_cost_record(organisation=organisation, election=election, incurred_on=incurred_on,
                                      seat_costs=seat_costs, texts=texts, backed=backed, supplier="-",
                                      description="check", source_ref="check")
        transaction.set_rollback(True)
    return charge


def material_cost_record(*, organisation, election, incurred_on, seat_costs: dict, texts: Iterable[str] = (),
                         backed: dict[int, int] | None = None, supplier: str, description: str,
                         source_ref: str, recorded_by: str = "") -> MaterialCharge:
    """Classify, check and record the cost of one piece of material BEFORE it goes out; raises (a ValueError:
    `LimitExceeded`, `CharityRefused` or bad input) and writes nothing when the law refuses it.

    `seat_costs` maps each `Constituency` the material reaches to its cost there in pence; `texts` are its words
    as written (with outreach's placeholders); `backed` maps a seat id to the candidacy the group backs there (what
    `{candidate}` becomes). `election` None: the election whose regulated period `incurred_on` falls in, else the
    cost is recorded as outside any period. The cost in a seat where the material names a candidacy is spending
    about that candidacy (s.75: the permitted sum, or the agent's written authority, when it is reported to the
    agent); elsewhere it is general-campaign spending (`campaign_spending_record`, every PPERA limit)."""
    from swingfund.compliance.models import MaterialCost

    incurred = _as_date("Date incurred", incurred_on)
    if incurred is None:
        raise ValueError(BAD_DATE.format(name="Date incurred", value=incurred_on))
    if not (supplier or "").strip():
        raise ValueError(SUPPLIER_REQUIRED)
    if not (description or "").strip():
        raise ValueError(DESCRIPTION_REQUIRED)
    for seat, pence in seat_costs.items():
        if not isinstance(pence, int) or isinstance(pence, bool) or pence < 0:
            raise ValueError(BAD_AMOUNT.format(value=f"{pence} in {seat}"))
    total = sum(seat_costs.values())
    election_id = election.pk if election is not None and not isinstance(election, str) else (election or "")
    if not election_id:
        election_id = material_election(on=incurred) or ""
    if total == 0:
        return MaterialCharge(election_id=election_id, candidates=(), general_pence=0, general_seats=(),
                              outside_pence=0)
    if not election_id:
        with transaction.atomic():
            MaterialCost.objects.create(organisation=organisation, regime=material.Regime.OUTSIDE, election_id="",
                                        amount_pence=total, incurred_on=incurred, supplier=supplier.strip(),
                                        description=description.strip()[:300], source_ref=source_ref[:300])
        return MaterialCharge(election_id="", candidates=(), general_pence=0, general_seats=(), outside_pence=total)
    election_row, rows, per_candidacy, general_seats = _material_plan(
        organisation=organisation, election_id=election_id, seat_costs=seat_costs, texts=texts, backed=backed or {})
    status = legal_status_for(organisation)
    if per_candidacy:
        material.check_charity(legal_form=status.legal_form if status else None,
                               charity_number=status.charity_number if status else "",
                               organisation=str(organisation), doing=material.CHARITY_CANDIDATE)
    figures = figure_table()
    warnings: list[ComplianceWarning] = []
    with transaction.atomic():
        ledger.chain_lock()  # one writer at a time: the totals checked are the totals written against
        authorities = agent_authorities(organisation=organisation, candidacy_ids=per_candidacy, on=incurred)
        charges = material.check_candidate_material(
            figures=figures, costs=per_candidacy,
            earlier=candidate_spent_pence(organisation=organisation, candidacy_ids=per_candidacy),
            authorities={c: authority_terms(authorities.get(c)) for c in per_candidacy},
            names={c: _candidate_name(rows[c]) for c in per_candidacy}, on=election_row.poll_date)
        general_pence = sum(general_seats.values())
        if general_pence:
            seats = sorted(general_seats, key=lambda s: s.gss_code)
            warnings = _check(organisation=organisation, prepared=_prepare(
                election=election_id, incurred_on=incurred, paid_on=None, amount_pence=general_pence,
                category=SpendCategory.MATERIAL, constituencies=seats, nation=None, targets_party=None,
                supplier=supplier, description=description), incurred_on=incurred, amount_pence=general_pence,
                party_authorised=False)
            campaign_spending_record(organisation=organisation, election=election_id, incurred_on=incurred,
                                     supplier=supplier, amount_pence=general_pence, category=SpendCategory.MATERIAL,
                                     constituencies=seats, description=description, source_ref=source_ref,
                                     recorded_by=recorded_by)
            MaterialCost.objects.create(organisation=organisation, regime=material.Regime.GENERAL,
                                        election_id=election_id, amount_pence=general_pence, incurred_on=incurred,
                                        supplier=supplier.strip(), description=description.strip()[:300],
                                        source_ref=source_ref[:300])
        days = figures.get(material.REPORT_DAYS_KEY, on=election_row.poll_date)
        for charge in charges:
            candidacy, authority = rows[charge.candidacy_id], authorities.get(charge.candidacy_id)
            posted = ledger.transaction_post(
                kind="candidate_spend", description=f"Material about {candidacy}: {description}"[:300],
                lines=[Line(ledger.account_shared("candidate_spend"), charge.pence, f"candidacy #{candidacy.pk}"),
                       Line(ledger.account_shared("bank"), -charge.pence, supplier[:200])],
                posted_at=dt.datetime(incurred.year, incurred.month, incurred.day, 12, 0, tzinfo=dt.UTC))
            notice, due = "", None
            if authority is not None:
                due = material.authorised_return_due(figures=figures, poll_date=election_row.poll_date)
                notice = AGENT_NOTICE.format(
                    agent=authority.agent_name, candidate=charge.name, address=authority.agent_address.replace(
                        "\n", ", "), authorised_on=authority.authorised_on.isoformat(),
                    limit=money(authority.limit_pence), organisation=organisation,
                    amount=money(charge.pence), incurred_on=incurred.isoformat(), description=description.strip(),
                    supplier=supplier.strip(), total=money(charge.spent_before_pence + charge.pence),
                    due=due.isoformat(), citation=days.citation,
                    days=f"{days.value} days after the result is declared, counted here from polling day")
            MaterialCost.objects.create(organisation=organisation, regime=material.Regime.CANDIDATE,
                                        election_id=election_id, candidacy=candidacy, authority=authority,
                                        amount_pence=charge.pence, incurred_on=incurred, supplier=supplier.strip(),
                                        description=description.strip()[:300], source_ref=source_ref[:300],
                                        transaction=posted, agent_notice=notice, agent_notice_due_on=due)
    return MaterialCharge(election_id=election_id, candidates=tuple(charges), general_pence=general_pence,
                          general_seats=tuple(sorted(general_seats, key=lambda s: s.gss_code)), outside_pence=0,
                          warnings=tuple(warnings))
