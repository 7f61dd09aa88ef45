"""A bloc (one or more census categories of a seat's population) and the assumptions that turn it into votes.

A bloc is named by census categories, `topic:category` (`ethnicity:mixed`), several joined with `+`
(`ethnicity:black+ethnicity:mixed`), whose counts are summed. Census figures count *usual residents of
all ages*, so the number of people in the bloc is turned into a number of votes by four assumptions:

    bloc voters = bloc population × seat adult share × adult_ratio × registration × seat turnout × turnout_ratio
    bloc vote   = bloc voters × cohesion            (the voters who move together on the group's issue)

Each assumption is a central value and a range (low ≤ central ≤ high). The central values give the point
estimate (leverage and the seed flag); the Monte Carlo in `simulate.py` draws each assumption uniformly
from its range, independently for every seat and draw: we know a plausible range, not the shape of the
uncertainty. A zero-width range (`0.5`, or `0.5:0.5:0.5`) fixes the assumption.

The defaults below are deliberately neutral (the same for every bloc) and *assumptions, not measurements*:
a group that knows its community better (canvassing, polling) should set its own values. Every output
carries the assumptions it used (`Assumptions.as_dict`).

The seat adult share (share of all usual residents aged 18+) is data, not an assumption, where the census
gives it: the BES 2011 file (`census2011`, topic `age`, category `adult_share`, percent) does; for the 2021
and 2022 censuses the national figure `SEAT_ADULT_SHARE_DEFAULT` is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

# --- Error messages (tests import these) -------------------------------------------------------------
BLOC_EMPTY = "A bloc needs at least one census category, written topic:category (e.g. ethnicity:mixed)."
BLOC_BAD_TERM = "Bloc term {term!r} is not of the form topic:category (e.g. ethnicity:mixed)."
BLOC_DUPLICATE = "Bloc term {term!r} is given twice."
BLOC_UNKNOWN_CATEGORY = "Unknown census category {term!r} for {boundary_set} seats. Available: {available}."
ASSUMPTION_BAD_FORMAT = (
    "Assumption {name}: {text!r} is not a number or central:low:high (e.g. 0.5 or 0.5:0.3:0.7)."
)
ASSUMPTION_BAD_ORDER = "Assumption {name}: need low <= central <= high, got {low} <= {central} <= {high}."
ASSUMPTION_OUT_OF_BOUNDS = "Assumption {name}: values must lie between {lo} and {hi}, got {value}."
ASSUMPTION_UNKNOWN = "Unknown assumption {name!r}. Known: {known}."

TERM_RE = re.compile(r"^([a-z0-9_]+):([a-z0-9_]+)$")

# --- The seat's adult share where the census gives none ----------------------------------------------
SEAT_ADULT_SHARE_DEFAULT = 0.79
"""Share of usual residents aged 18 or over, used where the census file gives no age split per seat.

About 79% in England and Wales (Census 2021: 18.6% of usual residents were under 16 and about 2.3% were
16 or 17; ONS, "Age and sex, England and Wales: Census 2021") and about 81% in Scotland (Scotland's
Census 2022). Applied to every seat of the 2024 boundary set; the 2011 census file gives each seat's own.
"""

# --- The assumptions: name -> (central, low, high, hard lower bound, hard upper bound) -----------------
ADULT_RATIO = (0.9, 0.8, 1.0)
"""The bloc's adult share relative to the seat's (1.0 = the bloc is as adult as the seat).

Census counts include children, and many religious and ethnic groups are younger than the population as a
whole (ONS, Census 2021: median age of Muslims 27 against 40 overall; of people of Mixed ethnicity 19).
A bloc-neutral default of 0.9 (0.8–1.0) leans slightly young; set it from the census age tables for your bloc.
"""

REGISTRATION = (0.85, 0.75, 0.95)
"""Share of the bloc's adults on the parliamentary register (eligibility included).

The Electoral Commission found Great Britain's parliamentary registers about 86% complete in December 2022
("Electoral registers in Great Britain: accuracy and completeness", 2023), lower among young people,
recent movers, private renters and some ethnic minority groups. Adults who are neither British, Irish nor
qualifying Commonwealth citizens cannot vote in a general election at all; lower this for such a bloc.
"""

TURNOUT_RATIO = (0.95, 0.8, 1.1)
"""Turnout of the bloc's registered voters relative to the seat's turnout (valid votes ÷ electorate).

Studies of ethnic minority turnout (the BES Ethnic Minority British Election Study 2010; Electoral
Commission turnout research) find registered minority voters turn out at similar or slightly lower rates
than the population. 0.95 (0.8–1.1) allows for both a disengaged and a mobilised bloc.
"""

COHESION = (0.5, 0.3, 0.7)
"""Share of the bloc's voters who move together on the group's issue (vote as the group recommends).

No blocs vote as one. 0.5 (0.3–0.7) is a neutral midpoint; the 2024 general election, where several
community-backed independents won, showed cohesion well above that is possible, but only when a
campaign is organised. Set it from your own canvassing or polling.
"""

OTHER_SUPPORT = (0.05, 0.0, 0.1)
"""Own-candidate lens only: the candidate's support from outside the bloc, as a share of valid votes.

Not the runner-up's share: that would credit a new candidate with an existing party's vote and make the
lens a copy of the swing lens. Independents without a bloc behind them rarely pass a few percent
(House of Commons Library, general election results 2017–2024), so 5% (0–10%) is used.
"""

ASSUMPTION_DEFAULTS: dict[str, tuple[float, float, float]] = {
    "adult_ratio": ADULT_RATIO,
    "registration": REGISTRATION,
    "turnout_ratio": TURNOUT_RATIO,
    "cohesion": COHESION,
    "other_support": OTHER_SUPPORT,
}
ASSUMPTION_BOUNDS: dict[str, tuple[float, float]] = {
    "adult_ratio": (0.0, 2.0),
    "registration": (0.0, 1.0),
    "turnout_ratio": (0.0, 3.0),
    "cohesion": (0.0, 1.0),
    "other_support": (0.0, 1.0),
}
ASSUMPTION_LABELS: dict[str, str] = {
    "adult_ratio": "adult share of the bloc relative to the seat",
    "registration": "registration rate",
    "turnout_ratio": "turnout relative to the seat",
    "cohesion": "cohesion",
    "other_support": "own candidate's other support (share of valid votes)",
}
# The four assumptions whose product turns the bloc's adults-in-waiting into a cohesive bloc vote.
MULTIPLIERS = ("adult_ratio", "registration", "turnout_ratio", "cohesion")


class BlocError(ValueError):
    """A bloc or assumption the user wrote cannot be used; the message says why."""


@dataclass(frozen=True)
class Assumption:
    """A central value and a range. `low == high` fixes it."""

    name: str
    central: float
    low: float
    high: float

    def __post_init__(self) -> None:
        lo, hi = ASSUMPTION_BOUNDS.get(self.name, (float("-inf"), float("inf")))
        for value in (self.central, self.low, self.high):
            if not lo <= value <= hi:
                raise BlocError(ASSUMPTION_OUT_OF_BOUNDS.format(name=self.name, lo=lo, hi=hi, value=value))
        if not self.low <= self.central <= self.high:
            raise BlocError(
                ASSUMPTION_BAD_ORDER.format(name=self.name, low=self.low, central=self.central, high=self.high)
            )

    @property
    def width(self) -> float:
        return self.high - self.low

    def __str__(self) -> str:
        if self.width == 0:
            return f"{self.central:g}"
        return f"{self.central:g} ({self.low:g}–{self.high:g})"


def _default(name: str) -> Assumption:
    return Assumption(name, *ASSUMPTION_DEFAULTS[name])


@dataclass(frozen=True)
class Assumptions:
    """Every assumption of an analysis, with `count_twice` (see `leverage.py`)."""

    adult_ratio: Assumption = field(default_factory=lambda: _default("adult_ratio"))
    registration: Assumption = field(default_factory=lambda: _default("registration"))
    turnout_ratio: Assumption = field(default_factory=lambda: _default("turnout_ratio"))
    cohesion: Assumption = field(default_factory=lambda: _default("cohesion"))
    other_support: Assumption = field(default_factory=lambda: _default("other_support"))
    seat_adult_share_default: float = SEAT_ADULT_SHARE_DEFAULT
    count_twice: bool = False

    def multipliers(self) -> list[Assumption]:
        return [getattr(self, name) for name in MULTIPLIERS]

    def central_multiplier(self) -> float:
        """Product of the central values of the four multipliers (bloc vote ÷ base)."""
        product = 1.0
        for a in self.multipliers():
            product *= a.central
        return product

    def fixed(self) -> Assumptions:
        """The same assumptions with every range shrunk to its central value."""
        values = {n: Assumption(n, a.central, a.central, a.central) for n, a in self._items()}
        return replace(self, **values)

    def _items(self) -> list[tuple[str, Assumption]]:
        return [(name, getattr(self, name)) for name in ASSUMPTION_DEFAULTS]

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            n: {"central": a.central, "low": a.low, "high": a.high, "label": ASSUMPTION_LABELS[n]}
            for n, a in self._items()
        }
        out["seat_adult_share_default"] = self.seat_adult_share_default
        out["count_twice"] = self.count_twice
        return out

    def describe(self) -> list[str]:
        """One line per assumption, for the notes under a table."""
        lines = [f"{ASSUMPTION_LABELS[n]}: {a}" for n, a in self._items()]
        lines.append(
            f"seat adult share where the census gives none: {self.seat_adult_share_default:g}; "
            + ("a bloc vote counts twice (switching from the winner)" if self.count_twice
               else "a bloc vote counts once (turning out, or staying at home)")
        )
        return lines


def assumption_parse(*, name: str, text: str) -> Assumption:
    """`0.5` (fixed) or `0.5:0.3:0.7` (central:low:high) → Assumption, with a clear error otherwise."""
    if name not in ASSUMPTION_DEFAULTS:
        raise BlocError(ASSUMPTION_UNKNOWN.format(name=name, known=", ".join(ASSUMPTION_DEFAULTS)))
    parts = text.strip().split(":")
    if len(parts) not in (1, 3):
        raise BlocError(ASSUMPTION_BAD_FORMAT.format(name=name, text=text))
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise BlocError(ASSUMPTION_BAD_FORMAT.format(name=name, text=text)) from None
    if len(values) == 1:
        values = values * 3
    return Assumption(name, *values)


ADULT_SHARE_OUT_OF_RANGE = "The seat adult share must be between 0 and 1 (got {value})."


def assumptions_build(
    *, overrides: dict[str, str] | None = None, count_twice: bool = False,
    seat_adult_share_default: float = SEAT_ADULT_SHARE_DEFAULT,
) -> Assumptions:
    """Defaults, with any of them replaced by `name -> "central:low:high"` text."""
    if not 0 < seat_adult_share_default <= 1:
        raise BlocError(ADULT_SHARE_OUT_OF_RANGE.format(value=seat_adult_share_default))
    parsed = {name: assumption_parse(name=name, text=text) for name, text in (overrides or {}).items()}
    return Assumptions(count_twice=count_twice, seat_adult_share_default=seat_adult_share_default, **parsed)


@dataclass(frozen=True)
class Bloc:
    """One or more census categories, summed. `census` pins a census; None picks the boundary set's own."""

    terms: tuple[tuple[str, str], ...]
    census: str | None = None

    @property
    def label(self) -> str:
        return "+".join(f"{t}:{c}" for t, c in self.terms)

    def __str__(self) -> str:
        return self.label if self.census is None else f"{self.census}/{self.label}"


def bloc_parse(*, text: str, census: str | None = None) -> Bloc:
    """`ethnicity:mixed` or `ethnicity:black+ethnicity:mixed` → Bloc (syntax only; see `bloc_validate`)."""
    raw = [t.strip().lower() for t in re.split(r"[+,]", text or "") if t.strip()]
    if not raw:
        raise BlocError(BLOC_EMPTY)
    terms: list[tuple[str, str]] = []
    for term in raw:
        match = TERM_RE.match(term)
        if not match:
            raise BlocError(BLOC_BAD_TERM.format(term=term))
        pair = (match.group(1), match.group(2))
        if pair in terms:
            raise BlocError(BLOC_DUPLICATE.format(term=term))
        terms.append(pair)
    return Bloc(terms=tuple(terms), census=census)


def bloc_validate(*, bloc: Bloc, available: set[tuple[str, str]], boundary_set: str) -> None:
    """Every term must be a census category present for the boundary set; the error lists what is."""
    for topic, category in bloc.terms:
        if (topic, category) not in available:
            listing = ", ".join(f"{t}:{c}" for t, c in sorted(available)) or "none (import the census files)"
            raise BlocError(
                BLOC_UNKNOWN_CATEGORY.format(term=f"{topic}:{category}", boundary_set=boundary_set, available=listing)
            )
