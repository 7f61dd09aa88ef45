"""A general non-party campaign (PPERA 2000 Part VI): how spending is attributed, and the limits it must keep.

Pure computation over plain records and the table of legal figures the caller passes in: no database here (the
spending record, `swingfund.reports`, reads the rows and calls these).

Attribution (PPERA 2000 Sch 10 para 2; the Commission's "Examples of attributing spending"):
- spending with effect across the whole UK is attributed to England, Scotland, Wales and Northern Ireland in
  proportion to their constituencies, and equally to every constituency;
- spending with effect in one part of the UK is attributed to that part, and equally to its constituencies;
- spending with effect in named constituencies is attributed equally to each, and so to their parts of the UK.
Money split between parts is whole pence (largest remainder, so the parts add up to the item); a constituency's
share is kept exact (a fraction of a penny) and only rounded when shown.

Limits, by the group's registration status on the day the spending is incurred:
- not eligible to notify the Commission (not UK-based, or status not recorded): everything together up to the
  unregistrable limit (£700);
- eligible but not registered: everything together up to the notification threshold (£10,000);
- registered: each part of the UK up to its own limit;
and, whatever the status, each constituency up to the constituency limit and spending for or against one party
(not authorised by it) up to the targeted limit of each part of the UK.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from swingfund.compliance.checks import WARN_AT_PERCENT, ComplianceWarning
from swingfund.compliance.errors import LimitExceeded
from swingfund.compliance.limits import VERIFY_FLAG, Figure, FigureTable
from swingfund.display import money

NATIONS = ("E", "S", "W", "N")
NATION_NAMES = {"E": "England", "S": "Scotland", "W": "Wales", "N": "Northern Ireland"}

REFUSE = ("Refused: this would take {subject} to {total}, over the {limit_name} of {limit} "
          "(source: {citation}, {source_url}{verify}).{hint}")
WARN = "{subject}: {total}, {percent}% of the {limit_name} of {limit} (source: {citation}{verify})."
HINT_UNRECORDED = " The group's legal status is not recorded, so only the amount anyone may spend applies: record it."
HINT_NOTIFY = " Notify the Electoral Commission (register as a non-party campaigner) before spending more."
NOT_POSITIVE = "A spending item must be a positive number of pence (got {value})."
NO_SEATS = "No constituencies of boundary set '{boundary_set}' are imported: import the official files first."


@dataclass(frozen=True)
class Item:
    """One spending item as the limits see it. `seats` are (constituency id, nation) for named constituencies."""

    amount_pence: int
    incurred_on: date
    area: str
    nation: str = ""
    seats: tuple[tuple[int, str], ...] = ()
    party_id: int | None = None
    party_authorised: bool = False


@dataclass(frozen=True)
class Status:
    """The group's registration status for the limits. `eligible`: may notify (UK-based, form recorded)."""

    recorded: bool
    eligible: bool
    registered_on: date | None

    def registered(self, on: date) -> bool:
        return self.registered_on is not None and self.registered_on <= on


@dataclass
class Totals:
    """Everything attributed so far: per part of the UK, per constituency (exact), per party and part."""

    seats_per_nation: dict[str, int]
    total: int = 0
    by_nation: dict[str, int] = field(default_factory=lambda: dict.fromkeys(NATIONS, 0))
    uk_share: Fraction = Fraction(0)
    nation_share: dict[str, Fraction] = field(default_factory=lambda: dict.fromkeys(NATIONS, Fraction(0)))
    named: dict[int, Fraction] = field(default_factory=lambda: defaultdict(Fraction))
    seat_nation: dict[int, str] = field(default_factory=dict)
    targeted: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))

    def seat_total(self, seat_id: int, nation: str) -> Fraction:
        return self.uk_share + self.nation_share[nation] + self.named.get(seat_id, Fraction(0))

    def busiest_seats(self, nations: tuple[str, ...] = NATIONS) -> list[tuple[int | None, str, Fraction]]:
        """(seat id or None for 'any seat with no named spending', nation, total), largest first, per nation."""
        rows: list[tuple[int | None, str, Fraction]] = []
        for nation in nations:
            if not self.seats_per_nation.get(nation):
                continue
            named = [(sid, self.seat_total(sid, nation)) for sid, n in self.seat_nation.items() if n == nation]
            rows += [(sid, nation, total) for sid, total in named]
            if len(named) < self.seats_per_nation[nation]:
                rows.append((None, nation, self.seat_total(-1, nation)))
        return sorted(rows, key=lambda r: (-r[2], r[1], r[0] or 0))


def split_pence(amount_pence: int, weights: dict[str, int]) -> dict[str, int]:
    """`amount_pence` split in proportion to `weights`, in whole pence adding up to the amount (largest remainder,
    ties to the earlier key)."""
    total = sum(weights.values())
    if total <= 0:
        raise ValueError("Cannot split spending across parts of the UK with no constituencies.")
    exact = {k: Fraction(amount_pence * w, total) for k, w in weights.items()}
    parts = {k: int(v) for k, v in exact.items()}
    left = amount_pence - sum(parts.values())
    for key in sorted(weights, key=lambda k: (-(exact[k] - parts[k]), list(weights).index(k)))[:left]:
        parts[key] += 1
    return {k: v for k, v in parts.items() if v}


def nation_split(item: Item, seats_per_nation: dict[str, int]) -> dict[str, int]:
    """The item's pence in each part of the UK."""
    if item.area == "uk":
        return split_pence(item.amount_pence, {n: seats_per_nation.get(n, 0) for n in NATIONS})
    if item.area == "nation":
        return {item.nation: item.amount_pence}
    counts: dict[str, int] = defaultdict(int)
    for _, nation in item.seats:
        counts[nation] += 1
    return split_pence(item.amount_pence, {n: counts[n] for n in NATIONS if counts[n]})


def attribute(items: list[Item], *, seats_per_nation: dict[str, int]) -> Totals:
    """Add up `items` per part of the UK, per constituency and per targeted party."""
    if not any(seats_per_nation.values()):
        raise ValueError(NO_SEATS.format(boundary_set="?"))
    totals = Totals(seats_per_nation=dict(seats_per_nation))
    for item in items:
        add(totals, item)
    return totals


def add(totals: Totals, item: Item) -> None:
    split = nation_split(item, totals.seats_per_nation)
    totals.total += item.amount_pence
    for nation, pence in split.items():
        totals.by_nation[nation] += pence
        if item.party_id is not None and not item.party_authorised:
            totals.targeted[(item.party_id, nation)] += pence
    if item.area == "uk":
        totals.uk_share += Fraction(item.amount_pence, sum(totals.seats_per_nation.values()))
    elif item.area == "nation":
        totals.nation_share[item.nation] += Fraction(item.amount_pence, totals.seats_per_nation[item.nation])
    else:
        share = Fraction(item.amount_pence, len(item.seats))
        for seat_id, nation in item.seats:
            totals.named[seat_id] += share
            totals.seat_nation[seat_id] = nation


def _parts(fig: Figure, limit_name: str, limit: int) -> dict[str, str]:
    return {"limit_name": limit_name, "limit": money(limit, short=True), "citation": fig.citation,
            "source_url": fig.source_url, "verify": "" if fig.verified else f" {VERIFY_FLAG}"}


def _test(*, code: str, subject: str, total: Fraction | int, fig: Figure, limit_name: str, hint: str = "",
          warnings: list[ComplianceWarning]) -> None:
    """Refuse over the figure; warn at WARN_AT_PERCENT of it."""
    shown = round(total) if isinstance(total, Fraction) else total
    if total > fig.value:
        raise LimitExceeded(REFUSE.format(subject=subject, total=money(shown, short=True), hint=hint,
                                          **_parts(fig, limit_name, fig.value)),
                            code=code, figure=fig, total_pence=shown)
    if fig.value and total * 100 >= fig.value * WARN_AT_PERCENT:
        percent = int(total * 100 // fig.value)
        warnings.append(ComplianceWarning(
            code=code, message=WARN.format(subject=subject, total=money(shown, short=True), percent=percent,
                                           **_parts(fig, limit_name, fig.value)),
            figure=fig, amount_pence=shown, threshold_pence=fig.value))


def check_item(*, figures: FigureTable, item: Item, earlier: list[Item], status: Status,
               seats_per_nation: dict[str, int], on: date, seat_names: dict[int, str] | None = None,
               party_names: dict[int, str] | None = None) -> list[ComplianceWarning]:
    """Refuse `item` (raising `LimitExceeded`, naming the figure and its citation) if, added to the `earlier`
    items of the same regulated period, it would pass any limit; return the warnings at 80 % it raises.
    `on` is the polling day (the figures in force for the election)."""
    if item.amount_pence <= 0:
        raise ValueError(NOT_POSITIVE.format(value=item.amount_pence))
    seat_names = seat_names or {}
    party_names = party_names or {}
    warnings: list[ComplianceWarning] = []
    after = attribute([*earlier, item], seats_per_nation=seats_per_nation)
    if not status.registered(item.incurred_on):
        key = "non_party_notification_threshold" if status.eligible else "non_party_unregistrable_limit"
        fig = figures.get(key, on=on)
        # Everything incurred while not registered counts together, whatever order it is recorded in.
        upto = sum(i.amount_pence for i in (*earlier, item) if not status.registered(i.incurred_on))
        if status.eligible:
            hint, name = HINT_NOTIFY, "limit for a campaigner not registered with the Commission"
        else:
            hint = "" if status.recorded else HINT_UNRECORDED
            name = "limit for anyone not eligible to register (not UK-based)" if status.recorded else \
                "limit for anyone who is not a registered campaigner"
        _test(code=key, subject="regulated spending across the UK", total=upto, fig=fig, limit_name=name,
              hint=hint, warnings=warnings)
    else:
        for nation, pence in nation_split(item, seats_per_nation).items():
            if pence:
                _test(code="non_party_limit", subject=f"regulated spending in {NATION_NAMES[nation]}",
                      total=after.by_nation[nation], fig=figures.get("non_party_limit", on=on, nation=nation),
                      limit_name=f"registered campaigner's limit for {NATION_NAMES[nation]}", warnings=warnings)
    affected = (NATIONS if item.area == "uk" else (item.nation,) if item.area == "nation"
                else tuple(sorted({n for _, n in item.seats})))
    touched = {sid for sid, _ in item.seats}
    for seat_id, nation, total in after.busiest_seats(affected):
        if item.area == "constituencies" and seat_id not in touched:
            continue
        name = (f"each constituency in {NATION_NAMES[nation]} with no named spending" if seat_id is None
                else seat_names.get(seat_id, f"constituency #{seat_id}"))
        _test(code="non_party_constituency_limit", subject=f"spending attributed to {name}", total=total,
              fig=figures.get("non_party_constituency_limit", on=on, nation=nation),
              limit_name="constituency limit", warnings=warnings)
        break  # the busiest affected seat decides; others are lower
    if item.party_id is not None and not item.party_authorised:
        for nation, pence in nation_split(item, seats_per_nation).items():
            if pence:
                party = party_names.get(item.party_id, f"party #{item.party_id}")
                _test(code="targeted_spending_limit",
                      subject=f"spending for or against {party} in {NATION_NAMES[nation]} not authorised by it",
                      total=after.targeted[(item.party_id, nation)],
                      fig=figures.get("targeted_spending_limit", on=on, nation=nation),
                      limit_name=f"targeted spending limit for {NATION_NAMES[nation]}", warnings=warnings)
    return warnings
