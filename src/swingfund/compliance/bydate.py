"""The law by date: what may be given or spent for an election, and when.

Pure functions over dates and the table of legal figures the caller passes in (`figures`): nothing here reads the
database or the clock. `on` is always passed in. The facts about an election and a candidacy come as small value
objects (`ElectionFacts`, `CandidacyFacts`) that `compliance.selectors_bydate` builds from the elections tables.

The rules (LAW.md, "In use"):
- **A grant is a donation to a candidate** (RPA 1983 Sch 2A) only while the person is one: from the day they
  become a candidate (declared or nominated, s.118A) to polling day, plus the period in which the campaign's bills
  may still be paid (s.78: paid within 28 days after the result). Anything else is refused with its citation.
- **Outside a candidacy**, money to a sitting MP is a donation to a regulated donee (PPERA 2000 Schedule 7): the
  MP checks permissibility and reports it to the Electoral Commission. It is not an election agent's matter, so it
  is refused here and never given an agent's notice.
- **Spending to promote a named candidate** (s.75 RPA 1983) is counted for a candidacy from the day the person
  becomes a candidate to polling day; before or after, it is refused for that candidacy.
- **A provisional polling date**: the regulated period of a UK general election is the 365 days ending with polling
  day (PPERA 2000 Sch 10 para 3), applied retrospectively once the date is known. While the date is only expected,
  an earlier poll would bring the period forward, so spending from the day after the previous general election is
  counted as if inside it, and the range assumed is shown.
- **Candidate spending limits**: a parliament that runs its course has a long campaign, from the day after 55 months
  from its first meeting (s.76ZA), then the short campaign from the day the person becomes a candidate (s.76).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from swingfund.compliance.errors import ComplianceRefusal
from swingfund.compliance.limits import Figure, FigureTable
from swingfund.compliance.timetables import regulated_period

CITE_SCH_2A = "Representation of the People Act 1983, Schedule 2A (donations to candidates)"
CITE_S118A = "Representation of the People Act 1983, s.118A (when a person becomes a candidate)"
CITE_S75 = "Representation of the People Act 1983, s.75 (expenses incurred to promote a candidate's election)"
CITE_SCH7 = ("Political Parties, Elections and Referendums Act 2000, Schedule 7 (donations to regulated donees: "
             "members of Parliament)")
CITE_REGULATED = "PPERA 2000, Schedule 10 para 3 (the regulated period: 365 days ending with the date of the poll)"

GRANT_ELECTION_PASSED = (
    "Refused: {candidacy} stood at {election}, whose polling day was {poll}; the period in which that campaign's "
    "bills may be paid ended on {paid_by} ({payment}). A grant is a donation to a candidate for an election that has "
    "not passed ({sch2a}), so none can be made to this candidacy on {on}."
)
GRANT_NOT_YET_CANDIDATE = (
    "Refused: {candidacy} is not a candidate at {election} on {on}: {since}. A grant is a donation to a candidate "
    "({sch2a}), which may be made from the day the person becomes a candidate by declaring themselves or being "
    "nominated ({s118a}). Record the date they declared, then make the grant."
)
SINCE_UNKNOWN = "no date on which they declared themselves or were nominated is recorded"
SINCE_LATER = "they became a candidate on {start}"
SITTING_MP = (
    "Refused: on {on} {person} is a sitting MP and not a candidate at any election open to a grant ({why}). Money "
    "given to them now is not a donation to a candidate: it is a donation to a regulated donee ({sch7}). The MP, "
    "not an election agent, must check that the donor is permissible and report the donation to the Electoral "
    "Commission, so swingfund makes no grant and writes no agent's notice for it."
)
SPEND_NOT_CANDIDATE = (
    "Refused: spending to promote {candidacy} on {on} is outside their candidacy at {election} ({why}). Spending "
    "about a named candidate is counted for their candidacy from the day they become a candidate to polling day "
    "({s75}; {s118a}); spending that promotes no particular candidate is recorded as general campaign spending."
)
WHY_BEFORE = "they became a candidate on {start}"
WHY_UNKNOWN = "no date on which they declared themselves or were nominated is recorded"
WHY_AFTER = "polling day was {poll}"
PROVISIONAL_NOTE = (
    "The polling date {poll} is provisional ({assumption}). If it holds, the regulated period is {start} – {poll} "
    "({cite}). An earlier poll would bring it forward, and the period applies retrospectively once the date is set, "
    "so spending now may fall inside it: swingfund counts spending from {counted} as if it does (range assumed: "
    "{counted} – {poll})."
)
NO_ASSUMPTION = "no assumption stated"


@dataclass(frozen=True)
class ElectionFacts:
    """What the law by date needs to know about one election (from its `Election` row)."""

    election_id: str
    poll_date: date
    provisional: bool = False
    by_election: bool = False
    notional: bool = False
    date_assumption: str = ""
    parliament_first_met: date | None = None
    previous_general_poll: date | None = None


@dataclass(frozen=True)
class CandidacyFacts:
    """One candidacy as the law sees it on a date: whose it is, when they became a candidate, and whether the
    person holds a seat in the Commons on that date (`sitting_mp`)."""

    label: str
    person: str
    election: ElectionFacts
    became_candidate_on: date | None
    sitting_mp: bool = False


class OutOfTime(ComplianceRefusal, ValueError):
    """The action falls outside the dates the law allows (or outside a candidacy altogether). A ValueError, so the
    CLI and forms report it as one clear line; `citation` names the law."""

    def __init__(self, message: str, *, code: str, citation: str, figure: Figure | None = None) -> None:
        super().__init__(message, code=code, figure=figure)  # type: ignore[arg-type]
        self.citation = citation


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer days): 9 July 2024 + 55 → 9 Feb 2029."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def bills_paid_by(*, figures: FigureTable, election: ElectionFacts) -> tuple[date, Figure]:
    """The last day a candidate's election expenses may be paid: polling day plus the payment period (counted from
    polling day, the earliest day a result can be declared, so never later than the law's own last day)."""
    days = figures.get("candidate_expenses_payment_days", on=election.poll_date)
    return election.poll_date + timedelta(days=days.value), days


def grant_window(*, figures: FigureTable, candidacy: CandidacyFacts) -> tuple[date | None, date]:
    """First and last day a grant may be made to this candidacy (first is None while no start is recorded)."""
    return candidacy.became_candidate_on, bills_paid_by(figures=figures, election=candidacy.election)[0]


def check_grant_date(*, figures: FigureTable, candidacy: CandidacyFacts, on: date) -> None:
    """Refuse a grant made on `on` outside the candidacy (see the module docstring); return None when allowed.

    Raises `OutOfTime` whose message gives the reason, the dates and the citation: `grant_election_passed`,
    `grant_not_yet_candidate` or, where the person sits in the Commons on that day, `grant_sitting_mp` (PPERA
    Schedule 7).
    """
    election = candidacy.election
    if election.notional:
        return
    paid_by, payment = bills_paid_by(figures=figures, election=election)
    start = candidacy.became_candidate_on
    if on > paid_by:
        why = f"{election.election_id} polled on {election.poll_date.isoformat()}"
        code, reason = "grant_election_passed", GRANT_ELECTION_PASSED.format(
            candidacy=candidacy.label, election=election.election_id, poll=election.poll_date.isoformat(),
            paid_by=paid_by.isoformat(), payment=payment.citation, sch2a=CITE_SCH_2A, on=on.isoformat())
    elif start is None or on < start:
        since = SINCE_UNKNOWN if start is None else SINCE_LATER.format(start=start.isoformat())
        why = f"they are not yet a candidate at {election.election_id}: {since}"
        code, reason = "grant_not_yet_candidate", GRANT_NOT_YET_CANDIDATE.format(
            candidacy=candidacy.label, election=election.election_id, on=on.isoformat(), since=since,
            sch2a=CITE_SCH_2A, s118a=CITE_S118A)
    else:
        return
    if candidacy.sitting_mp:
        message = SITTING_MP.format(on=on.isoformat(), person=candidacy.person, why=why, sch7=CITE_SCH7)
        raise OutOfTime(message, code="grant_sitting_mp", citation=CITE_SCH7)
    raise OutOfTime(reason, code=code, citation=CITE_SCH_2A, figure=payment)


def check_candidate_spend_date(*, candidacy: CandidacyFacts, on: date) -> None:
    """Refuse spending to promote a named candidate outside their candidacy: before the day they became a candidate
    (or while no such day is recorded) and after polling day (`OutOfTime`, code `spend_outside_candidacy`)."""
    election = candidacy.election
    start = candidacy.became_candidate_on
    if start is None:
        why = WHY_UNKNOWN
    elif on < start:
        why = WHY_BEFORE.format(start=start.isoformat())
    elif on > election.poll_date:
        why = WHY_AFTER.format(poll=election.poll_date.isoformat())
    else:
        return
    message = SPEND_NOT_CANDIDATE.format(candidacy=candidacy.label, on=on.isoformat(), election=election.election_id,
                                         why=why, s75=CITE_S75, s118a=CITE_S118A)
    raise OutOfTime(message, code="spend_outside_candidacy", citation=CITE_S75)


@dataclass(frozen=True)
class CountedPeriod:
    """The regulated period a general election's spending is counted in: the statutory period if the date holds
    (`start`–`end`), and, while the date is provisional, the wider range assumed (`counted_start`–`end`)."""

    start: date
    end: date
    counted_start: date
    provisional: bool
    note: str
    citation: str = CITE_REGULATED


def counted_period(*, figures: FigureTable, election: ElectionFacts) -> CountedPeriod:
    """The regulated period of a UK general election as spending is counted against it (see module docstring):
    with an announced date, the statutory period; with a provisional one, from the day after the previous general
    election's poll (or the statutory start, when none is known) to the expected polling day."""
    start, end = regulated_period(figures=figures, election_id=election.election_id, polling=election.poll_date,
                                  previous_poll=election.previous_general_poll)
    if not election.provisional:
        return CountedPeriod(start=start, end=end, counted_start=start, provisional=False, note="")
    previous = election.previous_general_poll
    counted = min(start, previous + timedelta(days=1)) if previous is not None else start
    note = PROVISIONAL_NOTE.format(poll=end.isoformat(), assumption=election.date_assumption or NO_ASSUMPTION,
                                   start=start.isoformat(), cite=CITE_REGULATED, counted=counted.isoformat())
    return CountedPeriod(start=start, end=end, counted_start=counted, provisional=True, note=note)


@dataclass(frozen=True)
class CampaignLimit:
    """One candidate spending limit in force for an election: its period, its amount for the seat, and the law."""

    name: str
    starts: str
    ends: str
    limit_pence: int
    base: Figure
    per_elector: Figure

    @property
    def citation(self) -> str:
        return self.base.source


def _limit(*, figures: FigureTable, base_key: str, prefix: str, on: date, electorate: int,
           constituency_type: str) -> tuple[int, Figure, Figure]:
    seat_type = (constituency_type or "").strip().lower()
    if seat_type not in {"borough", "burgh", "county"}:
        raise ValueError(f"Unknown constituency type '{constituency_type}': expected Borough, Burgh or County.")
    rate = "county" if seat_type == "county" else "borough"
    base = figures.get(base_key, on=on)
    per = figures.get(f"{prefix}_per_elector_{rate}", on=on)
    return base.value + per.value * electorate, base, per


def candidate_limits(*, figures: FigureTable, election: ElectionFacts, electorate: int,
                     constituency_type: str) -> list[CampaignLimit]:
    """The candidate spending limits for one seat at `election`, with the figures in force on its polling day.

    A general election whose outgoing parliament's first meeting is known and whose polling day falls after the
    long campaign would start has a long campaign (s.76ZA: from the day after `long_campaign_start_months` from
    that meeting, to the day before the person becomes a candidate); every election has the short campaign (s.76:
    from the day the person becomes a candidate to polling day)."""
    if electorate <= 0:
        raise ValueError(f"Electorate must be a positive number of electors (got {electorate}).")
    on = election.poll_date
    out: list[CampaignLimit] = []
    if not election.by_election and election.parliament_first_met is not None:
        months = figures.get("long_campaign_start_months", on=on)
        long_start = add_months(election.parliament_first_met, months.value) + timedelta(days=1)
        if long_start < on:
            amount, base, per = _limit(figures=figures, base_key="candidate_long_limit_base",
                                       prefix="candidate_long", on=on, electorate=electorate,
                                       constituency_type=constituency_type)
            out.append(CampaignLimit(name="long campaign", starts=long_start.isoformat(),
                                     ends="the day before the person becomes a candidate", limit_pence=amount,
                                     base=base, per_elector=per))
    amount, base, per = _limit(figures=figures, base_key="candidate_spending_limit_base",
                               prefix="candidate_spending", on=on, electorate=electorate,
                               constituency_type=constituency_type)
    out.append(CampaignLimit(name="short campaign", starts="the day the person becomes a candidate",
                             ends=on.isoformat(), limit_pence=amount, base=base, per_elector=per))
    return out


def _rate(figures: FigureTable, base_key: str, prefix: str, on: date) -> str:
    base = figures.get(base_key, on=on)
    borough = figures.get(f"{prefix}_per_elector_borough", on=on)
    county = figures.get(f"{prefix}_per_elector_county", on=on)
    return (f"{base.display} + {borough.display} (borough/burgh) or {county.display} (county) "
            f"(source: {base.source})")


def date_derived(*, figures: FigureTable, election: ElectionFacts) -> list[tuple[str, str]]:
    """Every figure that follows from an election's polling day, as (label, value) lines in a fixed order: what
    `swingfund election add|date` prints, and compares before and after a date moves. The statutory timetable
    comes from `uk-election-timetables` (England's bank holidays)."""
    from uk_election_timetables.calendars import Country
    from uk_election_timetables.election_ids import from_election_id

    poll = election.poll_date
    status = (f"provisional ({election.date_assumption or NO_ASSUMPTION})" if election.provisional
              else "announced")
    lines = [("Polling day", f"{poll.isoformat()}, {status}")]
    if not election.by_election:
        period = counted_period(figures=figures, election=election)
        lines.append(("Regulated period (PPERA 2000 Sch 10)", f"{period.start.isoformat()} – {period.end.isoformat()}"))
        counted = (f"{period.counted_start.isoformat()} – {period.end.isoformat()} (assumed while the date is "
                   "provisional)" if period.provisional else "the regulated period")
        lines.append(("Spending counted in", counted))
    timetable = from_election_id(f"parl.{poll.isoformat()}", country=Country.ENGLAND)
    lines += [(row["label"], row["date"].isoformat()) for row in timetable.timetable]
    paid_by, payment = bills_paid_by(figures=figures, election=election)
    lines.append(("Last day to make or pay a grant (bills paid)", f"{paid_by.isoformat()} ({payment.citation})"))
    if election.by_election:
        lines.append(("Long campaign", "none: a by-election has only the short campaign"))
    elif election.parliament_first_met is None:
        lines.append(("Long campaign", "not computed: the day the outgoing parliament first met is not recorded"))
    else:
        months = figures.get("long_campaign_start_months", on=poll)
        start = add_months(election.parliament_first_met, months.value) + timedelta(days=1)
        if start < poll:
            lines.append(("Long campaign", f"from {start.isoformat()} to the day before the person becomes a "
                                           f"candidate ({months.citation})"))
            lines.append(("Long campaign limit", _rate(figures, "candidate_long_limit_base", "candidate_long", poll)))
        else:
            lines.append(("Long campaign", f"none: polling day is before {start.isoformat()}, when it would start "
                                           f"({months.citation})"))
    lines.append(("Short campaign limit", _rate(figures, "candidate_spending_limit_base", "candidate_spending", poll)))
    return lines


def what_changed(before: list[tuple[str, str]], after: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(label, before, after) for every date-derived line whose value differs (a line only on one side shows
    "—" on the other)."""
    old, new = dict(before), dict(after)
    labels = list(dict.fromkeys([label for label, _ in before] + [label for label, _ in after]))
    return [(label, old.get(label, "—"), new.get(label, "—")) for label in labels if old.get(label) != new.get(label)]
