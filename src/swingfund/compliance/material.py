"""Classify material before it goes out, and check its cost before anything is sent.

Pure functions over plain records and the table of legal figures the caller passes in (no database here: the
spending record, `swingfund.reports.services`, reads the rows and calls these; outreach calls that before it queues
a single delivery).

The rules, as in LAW.md ("In use: what a group's actions are in law, and when"):
- material (a WhatsApp or email message, a leaflet, a share kit, an advert) that names, backs or opposes a
  particular candidate is local campaigning about that candidate, whatever the channel: its cost in each seat is
  spending about each candidacy it names there (Representation of the People Act 1983, s.75);
- without the election agent's written authority, spending about one candidacy may not pass the permitted sum
  (s.75(1ZZB)); with it, up to what the agent authorised, and the cost is then the candidate's election expense,
  reported to the agent;
- material that promotes no particular candidate is general-campaign spending (PPERA 2000 Part VI,
  `general.check_item`), checked before sending too;
- spending outside any regulated period is recorded as such: it is not regulated spending for any election;
- a charity may neither spend to promote or oppose a candidate nor a party (Charity Commission, CC9).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from swingfund.compliance.errors import ComplianceRefusal, LimitExceeded
from swingfund.compliance.general import split_pence
from swingfund.compliance.limits import VERIFY_FLAG, FigureTable
from swingfund.compliance.models import MaterialRegime as Regime  # noqa: F401 (read from here by callers)
from swingfund.display import money

CANDIDATE_PLACEHOLDER = "{candidate}"  # outreach's placeholder for the candidate the committee backs in the seat
PERMITTED_SUM_KEY = "local_permitted_sum"
REPORT_DAYS_KEY = "local_authorised_return_days"


def authorised_return_due(*, figures: FigureTable, poll_date: date) -> date:
    """The last day for the group's return of spending an election agent authorised (RPA 1983 s.75(2)): "within 21
    days after the day on which the result of the election is declared". The result is declared on polling night or
    the next morning, so the return is counted from polling day, the earlier of the two: a group keeping to this day
    is never late. The one computation of it (the agent's notice, the return's CSV, the compliance page)."""
    return poll_date + timedelta(days=figures.get(REPORT_DAYS_KEY, on=poll_date).value)

REFUSE_PERMITTED_SUM = (
    "Refused before sending: this material names, backs or opposes {candidate}, so its cost is spending about that "
    "candidate (Representation of the People Act 1983, s.75). It would take that spending to {total}, over the "
    "permitted sum of {limit} per candidate without the election agent's written authority (source: {citation}, "
    "{source_url}{verify}). Record the agent's written authority, with a copy, or send to fewer people."
)
REFUSE_PERMITTED_SUM_SPENDING = (
    "Refused: this is spending about {candidate} (Representation of the People Act 1983, s.75). It would take the "
    "group's spending about that candidate, messages and other material included, to {total}, over the permitted "
    "sum of {limit} per candidate without the election agent's written authority (source: {citation}, "
    "{source_url}{verify}). Record the agent's written authority, with a copy (swingfund compliance authority), "
    "or spend less."
)
REFUSE_AUTHORITY_SPENDING = (
    "Refused: this is spending about {candidate}; it would take the group's spending about that candidate, messages "
    "and other material included, to {total}, over the {limit} their election agent {agent} authorised in writing "
    "on {on} (source: {citation}, {source_url}{verify})."
)
REFUSE_AUTHORITY = (
    "Refused before sending: this material names, backs or opposes {candidate}; it would take spending about that "
    "candidate to {total}, over the {limit} their election agent {agent} authorised in writing on {on} "
    "(source: {citation}, {source_url}{verify})."
)
CHARITY_CITATION = ("Charity Commission, CC9 'Speaking out: guidance on campaigning and political activity by "
                    "charities', https://www.gov.uk/government/publications/speaking-out-guidance-on-campaigning-"
                    "and-political-activity-by-charities-cc9")
REFUSE_CHARITY = (
    "Refused: {organisation} is recorded as a charity (no. {number}), and a charity may not {doing} "
    "(source: {citation}). Change the group's legal status only if it is wrong."
)
CHARITY_CANDIDATE = "spend to promote or oppose a candidate"
CHARITY_PARTY = "spend for or against a political party or its candidates"
NEGATIVE_COST = "A cost must not be negative (got {value} pence for {what})."


@dataclass(frozen=True)
class Candidate:
    """One candidacy standing in a seat the material reaches."""

    candidacy_id: int
    seat_id: int
    name: str


@dataclass(frozen=True)
class Authority:
    """An election agent's written authority to spend about their candidate, up to `limit_pence` in all."""

    limit_pence: int
    agent_name: str
    authorised_on: date


@dataclass(frozen=True)
class CandidateCharge:
    """The cost of the material charged to one candidacy, after the check: what was spent before, the limit that
    applies (the permitted sum, or the agent's authority) and what is left under it afterwards."""

    candidacy_id: int
    name: str
    pence: int
    spent_before_pence: int
    limit_pence: int
    authorised: bool

    @property
    def left_pence(self) -> int:
        return self.limit_pence - self.spent_before_pence - self.pence


def _name_pattern(name: str) -> re.Pattern[str] | None:
    words = name.split()
    if len(words) < 2:  # a single word (a first name alone) is not taken as naming a candidate
        return None
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)", re.IGNORECASE)


def candidates_named(*, texts: Sequence[str], candidates: Sequence[Candidate],
                     backed: Mapping[int, int]) -> dict[int, tuple[int, ...]]:
    """Seat id → the candidacies the material names, backs or opposes in that seat.

    `texts` are the material's words as written (every translation, subject and body, with outreach's
    placeholders); `backed` maps a seat to the candidacy the group backs there (what `{candidate}` becomes). A
    candidacy is named in a seat when the text uses `{candidate}` and the group backs that candidacy there, or when
    the candidate's full name appears in the text. Seats with no candidate named are not in the answer."""
    joined = "\n".join(texts)
    named: dict[int, set[int]] = defaultdict(set)
    if CANDIDATE_PLACEHOLDER in joined:
        for seat_id, candidacy_id in backed.items():
            named[seat_id].add(candidacy_id)
    for c in candidates:
        pattern = _name_pattern(c.name)
        if pattern is not None and pattern.search(joined):
            named[c.seat_id].add(c.candidacy_id)
    return {seat: tuple(sorted(ids)) for seat, ids in named.items()}


def split_costs(*, seat_costs: Mapping[int, int],
                named: Mapping[int, Sequence[int]]) -> tuple[dict[int, int], dict[int, int]]:
    """(pence per candidacy, pence per seat of material naming no candidate there).

    The cost in a seat goes to the candidacies named there, split equally in whole pence when more than one is
    (largest remainder); a seat where none is named keeps its cost as general material."""
    per_candidacy: dict[int, int] = defaultdict(int)
    general: dict[int, int] = {}
    for seat_id, pence in seat_costs.items():
        if pence < 0:
            raise ValueError(NEGATIVE_COST.format(value=pence, what=f"seat #{seat_id}"))
        ids = list(named.get(seat_id, ()))
        if not pence:
            continue
        if not ids:
            general[seat_id] = pence
            continue
        for cid, share in split_pence(pence, {str(i): 1 for i in ids}).items():
            per_candidacy[int(cid)] += share
    return dict(per_candidacy), general


def _verify(fig) -> str:
    return "" if fig.verified else f" {VERIFY_FLAG}"


def check_candidate_material(*, figures: FigureTable, costs: Mapping[int, int], earlier: Mapping[int, int],
                             authorities: Mapping[int, Authority | None], names: Mapping[int, str],
                             on: date, spending: bool = False) -> list[CandidateCharge]:
    """Check the cost charged to each candidacy before sending: refuse (`LimitExceeded`, naming the candidate, the
    figure and its citation) if, with what was spent about that candidacy before (`earlier`), it would pass the
    permitted sum where the agent has given no written authority, or the authority's limit where they have.
    `on` is the polling day (the figures in force for the election). Returns one charge per candidacy.

    The one rule of s.75 for the group: material before it goes out, and (`spending`, worded for it) spending
    recorded about a candidate (`funding.services.candidate_spend_record`)."""
    refuse_sum, refuse_authority = ((REFUSE_PERMITTED_SUM_SPENDING, REFUSE_AUTHORITY_SPENDING) if spending
                                    else (REFUSE_PERMITTED_SUM, REFUSE_AUTHORITY))
    fig = figures.get(PERMITTED_SUM_KEY, on=on)
    charges = []
    for cid in sorted(costs):
        pence, before = costs[cid], earlier.get(cid, 0)
        if pence < 0 or before < 0:
            raise ValueError(NEGATIVE_COST.format(value=min(pence, before), what=names.get(cid, f"#{cid}")))
        authority = authorities.get(cid)
        total, name = before + pence, names.get(cid, f"candidacy #{cid}")
        if authority is None:
            if total > fig.value:
                raise LimitExceeded(refuse_sum.format(
                    candidate=name, total=money(total, short=True), limit=fig.display, citation=fig.citation,
                    source_url=fig.source_url, verify=_verify(fig)), code="local_permitted_sum", figure=fig,
                    total_pence=total)
            charges.append(CandidateCharge(candidacy_id=cid, name=name, pence=pence, spent_before_pence=before,
                                           limit_pence=fig.value, authorised=False))
            continue
        if total > authority.limit_pence:
            raise LimitExceeded(refuse_authority.format(
                candidate=name, total=money(total, short=True), limit=money(authority.limit_pence, short=True),
                agent=authority.agent_name, on=authority.authorised_on.isoformat(), citation=fig.citation,
                source_url=fig.source_url, verify=_verify(fig)), code="agent_authority", figure=fig,
                total_pence=total)
        charges.append(CandidateCharge(candidacy_id=cid, name=name, pence=pence, spent_before_pence=before,
                                       limit_pence=authority.limit_pence, authorised=True))
    return charges


def permitted_sum_left(*, figures: FigureTable, spent_pence: int, authority: Authority | None, on: date) -> int:
    """What is left to spend about one candidacy: under the agent's authority where there is one, else under the
    permitted sum (never below zero)."""
    limit = authority.limit_pence if authority else figures.get(PERMITTED_SUM_KEY, on=on).value
    return max(limit - spent_pence, 0)


def check_charity(*, legal_form: str | None, charity_number: str, organisation: str, doing: str) -> None:
    """Refuse a charity spending for or against a candidate or a party (Charity Commission CC9)."""
    if legal_form == "charity":
        raise CharityRefused(REFUSE_CHARITY.format(organisation=organisation, number=charity_number, doing=doing,
                                                   citation=CHARITY_CITATION))


def assign_election(*, on: date, periods: Mapping[str, tuple[date, date]]) -> str | None:
    """The election whose regulated period (first day, polling day) contains `on`; of several, the one polled
    first; None when `on` is in none (the cost is then recorded as outside any regulated period)."""
    inside = sorted((poll, eid) for eid, (start, poll) in periods.items() if start <= on <= poll)
    return inside[0][1] if inside else None


class CharityRefused(ComplianceRefusal, ValueError):
    """A charity may not do this. A ValueError, like `LimitExceeded`, so forms and the CLI show it as one line."""

    def __init__(self, message: str) -> None:
        Exception.__init__(self, message)
        self.message, self.code, self.figure, self.total_pence = message, "charity", None, None
