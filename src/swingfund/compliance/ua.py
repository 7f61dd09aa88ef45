"""Unincorporated associations (PPERA 2000 Schedule 19A): the registration counter and the gift reports.

Pure: plain values and the table of legal figures in, answers out (no database). The rules, from the Electoral
Commission's guidance for unincorporated associations (LAW.md):
- **Political contributions** are donations (or loans) to a registered party, a registered non-party campaigner, a
  registered referendum or recall-petition campaigner, or a regulated donee (a holder of elective office, a party
  member, a members association). A grant to a *candidate* (RPA 1983 Sch 2A) and spending about a candidate (s.75)
  are not among them. Only a contribution **over £500** counts towards the threshold.
- An association whose counted contributions in a calendar year pass **£37,270** must notify the Commission within
  **30 days beginning with** the date of the contribution that took it over.
- A registered association reports each **gift** it received from one source in a calendar year over **£11,180**
  (alone, or with the source's other gifts that year, counting only gifts over £500); once a source is reported, its
  **further** gifts that year are reported when they pass **£2,230**.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from swingfund.compliance.limits import Figure, FigureTable

# The recipients a political contribution goes to (Sch 19A para 1; the Commission's list).
POLITICAL_CONTRIBUTION_KINDS = {
    "registered_party": "A registered political party",
    "non_party_campaigner": "A registered non-party campaigner",
    "referendum_campaigner": "A registered referendum campaigner",
    "recall_campaigner": "A registered recall petition campaigner",
    "elective_office_holder": "A holder of elective office (regulated donee)",
    "party_member": "A member of a registered party (regulated donee)",
    "members_association": "A members association (regulated donee)",
}
# What a group may give that is *not* a political contribution (kept so the counter can say why it left it out).
NOT_POLITICAL = {
    "candidate": "A candidate's campaign (RPA 1983 Sch 2A: a donation to a candidate)",
    "other": "Anything else",
}
UNKNOWN_KIND = "Unknown recipient kind {kind!r}: use one of {known}."


@dataclass(frozen=True)
class Contribution:
    kind: str
    amount_pence: int
    made_on: date


@dataclass(frozen=True)
class Registration:
    """The calendar year's counter: what counts, the threshold, and — once passed — the crossing and notice dates."""

    counted_pence: int
    threshold: Figure
    floor: Figure
    crossed_on: date | None
    notify_by: date | None
    notify_days: Figure | None


def counts_as_political(*, figures: FigureTable, contribution: Contribution) -> bool:
    """A political contribution over the counting floor (£500)."""
    if contribution.kind not in POLITICAL_CONTRIBUTION_KINDS and contribution.kind not in NOT_POLITICAL:
        raise ValueError(UNKNOWN_KIND.format(kind=contribution.kind,
                                             known=", ".join([*POLITICAL_CONTRIBUTION_KINDS, *NOT_POLITICAL])))
    floor = figures.get("ua_contribution_count_threshold", on=contribution.made_on)
    return contribution.kind in POLITICAL_CONTRIBUTION_KINDS and contribution.amount_pence > floor.value


def registration(*, figures: FigureTable, contributions: list[Contribution], year: int) -> Registration:
    """The registration counter for `year`: counted political contributions in date order, the day the total first
    went over the threshold, and the last day to notify (30 days beginning with that day: day + 29)."""
    on = date(year, 12, 31)
    threshold = figures.get("ua_registration_threshold", on=on)
    floor = figures.get("ua_contribution_count_threshold", on=on)
    total, crossed = 0, None
    for item in sorted(contributions, key=lambda c: c.made_on):
        if item.made_on.year != year or not counts_as_political(figures=figures, contribution=item):
            continue
        total += item.amount_pence
        if crossed is None and total > threshold.value:
            crossed = item.made_on
    days = figures.get("ua_notify_days", on=crossed) if crossed else None
    return Registration(counted_pence=total, threshold=threshold, floor=floor, crossed_on=crossed,
                        notify_by=crossed + timedelta(days=days.value - 1) if crossed and days else None,
                        notify_days=days)


@dataclass(frozen=True)
class Gift:
    source: str
    amount_pence: int
    received_on: date
    reference: str = ""


@dataclass
class GiftReport:
    """One reportable gift (or run of gifts from one source that together passed the threshold)."""

    source: str
    gifts: list[Gift] = field(default_factory=list)
    further: bool = False  # a further gift from a source already reported this year

    @property
    def total_pence(self) -> int:
        return sum(g.amount_pence for g in self.gifts)

    @property
    def reportable_on(self) -> date:
        return self.gifts[-1].received_on


def gift_reports(*, figures: FigureTable, gifts: list[Gift], year: int) -> list[GiftReport]:
    """The reportable gifts of `year`, source by source, in date order: the first report when the source's gifts
    over £500 pass £11,180; then each further report when its gifts since the last report pass £2,230."""
    on = date(year, 12, 31)
    first = figures.get("ua_gift_reporting_threshold", on=on)
    further = figures.get("ua_further_gift_threshold", on=on)
    floor = figures.get("ua_contribution_count_threshold", on=on)
    by_source: dict[str, list[Gift]] = defaultdict(list)
    for gift in sorted(gifts, key=lambda g: (g.received_on, g.reference)):
        if gift.received_on.year == year and gift.amount_pence > floor.value:
            by_source[gift.source].append(gift)
    reports: list[GiftReport] = []
    for source, items in by_source.items():
        pending, reported = GiftReport(source=source), False
        for gift in items:
            pending.gifts.append(gift)
            if pending.total_pence > (further if reported else first).value:
                pending.further = reported
                reports.append(pending)
                pending, reported = GiftReport(source=source), True
    return sorted(reports, key=lambda r: (r.reportable_on, r.source))
