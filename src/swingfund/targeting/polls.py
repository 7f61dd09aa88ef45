"""The poll average: the national shares a forward forecast starts from, by nation, with their uncertainty.

Each area polled (Great Britain, Scotland, Wales) is averaged on its own polls. The rule, for one area:

* **Weight of a poll**: w = ½^(age ÷ `HALF_LIFE_DAYS`) × √(min(n, `SAMPLE_CAP`) ÷ `SAMPLE_REFERENCE`), where age is
  the days from the middle of its fieldwork to the end of the newest poll's fieldwork (in any area) and n its
  sample. A poll two weeks older counts half as much; a sample four times larger counts twice as much, up to
  `SAMPLE_CAP` (beyond that a bigger sample no longer makes a poll more right: its pollster's method does).
* **Share of a party**: x̄ = Σ wᵢ xᵢ ÷ Σ wᵢ over the polls that report the party (a blank cell is not a zero).
* **Uncertainty of that share**, two parts added in quadrature, sd = √(se² + h²):
  - **the polls' spread**: se = √(Σ wᵢ² vᵢ) ÷ Σ wᵢ with vᵢ = (xᵢ − x̄)² + x̄ (1 − x̄) ÷ nᵢ: the standard error of
    a weighted mean, each poll's error taken as its distance from the average plus its own sampling error (so
    one poll alone still carries its sampling error);
  - **the historical error of final polls**: h = the root mean square of the final polls' miss of the party at the
    2015–2024 general elections, from `polling_error.py` (the one place for those figures, each with its source:
    the British Polling Council's reviews and Sturgis et al. 2016); parties those reviews do not report get its
    `MINOR_PARTY_SD`. Pollsters have erred together, in the same direction, so this part does not shrink with more
    polls.
  Not included: how far opinion may move between the newest poll and polling day.

For the forecast (`forecast.forecast_build(national_cov=...)`) the average gives a covariance of the parties'
national errors (`PollAverage.national_cov`): the historical part as `polling_error.national_error_covariance`
builds it (the Conservative and Labour misses strongly negatively correlated), plus each party's se² on the
diagonal (the polls' spread, independent between parties).

`poll_average` is pure (polls in, average out); `forward_inputs` reads the polls of a future election from the
database: fieldwork ending before its polling day and starting after its baseline election (the last result on
the same boundaries).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from swingfund.targeting.polling_error import (
    FINAL_POLL_ERRORS,
    FINAL_POLL_SOURCES,
    MINOR_PARTY_SD,
    main_party_correlation,
    national_error_covariance,
    party_error_sd,
)

HALF_LIFE_DAYS = 14.0
"""A poll's weight halves for every 14 days its fieldwork is older than the newest poll's."""
SAMPLE_REFERENCE = 1_000
"""A poll of 1,000 respondents has sample weight 1."""
SAMPLE_CAP = 5_000
"""Samples above 5,000 weigh as 5,000 (√5 ≈ 2.24): a very large panel poll does not outweigh several others."""
AREA_NAMES = {"GB": "Great Britain", "S": "Scotland", "W": "Wales"}

NO_RESULT_NO_POLLS = (
    "Election {election} has no result yet and no polls to forecast it from: its centre is the {baseline_id} "
    "result unchanged, as if nothing had moved since. Import polls with `swingfund polls import FILE` (one row per "
    "poll; fieldwork after {baseline} and before {date}), or give the national shares by hand with --shares."
)
NO_GB_POLL = (
    "Election {election} has no result yet and no Great Britain poll (only {areas}): the projection needs GB "
    "shares. Import a GB poll with `swingfund polls import FILE`, or give the shares by hand with --shares."
)
NOT_POLLED = (
    "Election {election} has no result yet and is in Northern Ireland, which the polls swingfund reads do not cover "
    "(Great Britain, Scotland, Wales): give the shares by hand with --shares."
)
NO_BASELINE = (
    "Election {election} has no result yet, and no earlier election on its boundaries ({boundary_set}) has one to "
    "forecast it from: import the last general election's results first (`swingfund data import PATH`)."
)


@dataclass(frozen=True)
class PollPoint:
    """One poll as the average sees it: shares keyed by party (0–1)."""

    pollster: str
    start: dt.date
    end: dt.date
    sample_size: int
    area: str
    shares: dict[str, float]
    illustrative: bool = False
    where: str = ""  # FILE:LINE it was imported from

    @property
    def middle(self) -> float:
        """The middle of the fieldwork, as a day number (proleptic ordinal, may end in .5)."""
        return (self.start.toordinal() + self.end.toordinal()) / 2


def poll_weight(*, poll: PollPoint, as_of: dt.date, half_life_days: float = HALF_LIFE_DAYS) -> float:
    """½^(age ÷ half-life) × √(min(n, cap) ÷ reference) (see the module docstring)."""
    age = max(as_of.toordinal() - poll.middle, 0.0)
    return 0.5 ** (age / half_life_days) * math.sqrt(min(poll.sample_size, SAMPLE_CAP) / SAMPLE_REFERENCE)


@dataclass(frozen=True)
class PartyAverage:
    party: str
    share: float           # x̄ (0–1)
    spread_se: float       # the polls' spread part
    historical_sd: float   # the final polls' historical error part
    polls: int             # polls that reported the party

    @property
    def sd(self) -> float:
        return math.sqrt(self.spread_se ** 2 + self.historical_sd ** 2)

    def as_dict(self) -> dict[str, object]:
        return {"share": round(self.share, 5), "sd": round(self.sd, 5), "spread_se": round(self.spread_se, 5),
                "historical_sd": round(self.historical_sd, 5), "polls": self.polls}


@dataclass(frozen=True)
class AreaAverage:
    area: str
    polls: list[tuple[PollPoint, float]]  # each poll with its weight
    parties: dict[str, PartyAverage]      # largest share first

    def shares(self) -> dict[str, float]:
        return {p: a.share for p, a in self.parties.items()}


@dataclass(frozen=True)
class PollAverage:
    """The average of every area polled, as of the end of the newest poll's fieldwork."""

    as_of: dt.date
    areas: dict[str, AreaAverage]
    half_life_days: float = HALF_LIFE_DAYS
    sources: list[str] = field(default_factory=list)

    @property
    def illustrative(self) -> bool:
        return any(p.illustrative for a in self.areas.values() for p, _ in a.polls)

    def national_sd(self, area: str = "GB", parties: Iterable[str] | None = None) -> float:
        """One figure for a forecast that takes a single national error: the share-weighted root mean square of
        the parties' sd, √(Σ x̄ₚ sdₚ² ÷ Σ x̄ₚ), over `parties` (default: every party of the area)."""
        chosen = [a for p, a in self.areas[area].parties.items() if parties is None or p in set(parties)]
        total = sum(a.share for a in chosen)
        return math.sqrt(sum(a.share * a.sd ** 2 for a in chosen) / total) if total > 0 else 0.0

    def national_cov(self, area: str = "GB", parties: Iterable[str] | None = None) -> tuple[list[str], np.ndarray]:
        """(parties, covariance in shares²) of the parties' national errors, for `forecast_build(national_cov=…)`:
        `polling_error.national_error_covariance` (the historical part) plus diag(se²) (the polls' spread)."""
        chosen = [p for p in self.areas[area].parties if parties is None or p in set(parties)]
        cov = national_error_covariance(chosen)
        cov += np.diag([self.areas[area].parties[p].spread_se ** 2 for p in chosen])
        return chosen, cov

    def rule(self) -> str:
        return (f"weight = ½^(days since the middle of fieldwork ÷ {self.half_life_days:g}) × √(min(sample, "
                f"{SAMPLE_CAP:,}) ÷ {SAMPLE_REFERENCE:,}); share = weighted mean of the polls reporting the party; "
                "sd = √(se² + h²), se = √(Σ w² ((x − mean)² + mean (1 − mean) ÷ n)) ÷ Σ w (the polls' spread), "
                "h = the root mean square of the final polls' miss of the party at the "
                f"{len(FINAL_POLL_ERRORS)} general elections 2015–2024 (swingfund.targeting.polling_error; "
                f"{MINOR_PARTY_SD * 100:g} points for a party the reviews do not report)")

    def as_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(), "rule": self.rule(), "half_life_days": self.half_life_days,
            "sample_reference": SAMPLE_REFERENCE, "sample_cap": SAMPLE_CAP,
            "illustrative": self.illustrative, "historical_error_sources": self.sources,
            "nations": {
                code: {"name": AREA_NAMES.get(code, code),
                       "shares": {p: round(a.share, 5) for p, a in area.parties.items()},
                       "parties": {p: a.as_dict() for p, a in area.parties.items()},
                       "polls": [{"pollster": p.pollster, "fieldwork": f"{p.start}/{p.end}", "sample": p.sample_size,
                                  "weight": round(w, 5), "illustrative": p.illustrative, "from": p.where}
                                 for p, w in area.polls]}
                for code, area in self.areas.items()
            },
        }


def poll_average(*, polls: list[PollPoint], as_of: dt.date | None = None,
                 half_life_days: float = HALF_LIFE_DAYS) -> PollAverage:
    """Average each area's polls by the rule of the module docstring. `as_of` defaults to the newest poll's end."""
    if not polls:
        raise ValueError("no polls to average")
    as_of = as_of or max(p.end for p in polls)
    areas: dict[str, AreaAverage] = {}
    for area in sorted({p.area for p in polls}, key=lambda a: (a != "GB", a)):
        weighted = [(p, poll_weight(poll=p, as_of=as_of, half_life_days=half_life_days))
                    for p in sorted(polls, key=lambda p: (p.end, p.pollster), reverse=True) if p.area == area]
        parties: dict[str, PartyAverage] = {}
        for party in {name for p, _ in weighted for name in p.shares}:
            rows = [(p.shares[party], w, p.sample_size) for p, w in weighted if party in p.shares]
            total = sum(w for _, w, _ in rows)
            mean = sum(x * w for x, w, _ in rows) / total
            var = sum(w * w * ((x - mean) ** 2 + mean * (1 - mean) / n) for x, w, n in rows)
            parties[party] = PartyAverage(party=party, share=mean, spread_se=math.sqrt(var) / total,
                                          historical_sd=party_error_sd(party), polls=len(rows))
        ordered = dict(sorted(parties.items(), key=lambda item: (-item[1].share, item[0])))
        areas[area] = AreaAverage(area=area, polls=weighted, parties=ordered)
    return PollAverage(as_of=as_of, areas=areas, half_life_days=half_life_days,
                       sources=list(FINAL_POLL_SOURCES.values()))


def method_context() -> dict[str, object]:
    """The figures `/targets/method/` states about the poll average (its rule, its historical error, sources)."""
    named = sorted({p for errors in FINAL_POLL_ERRORS.values() for p in errors})
    return {
        "half_life_days": f"{HALF_LIFE_DAYS:g}", "sample_reference": f"{SAMPLE_REFERENCE:,}",
        "sample_cap": f"{SAMPLE_CAP:,}", "cap_weight": f"{math.sqrt(SAMPLE_CAP / SAMPLE_REFERENCE):.2f}",
        "historical": [{"party": p, "sd": f"{party_error_sd(p) * 100:.1f}"} for p in named
                       if party_error_sd(p) != MINOR_PARTY_SD],
        "minor_sd": f"{MINOR_PARTY_SD * 100:g}", "correlation": f"{main_party_correlation():.2f}",
        "misses": [{"election": e, "party": p, "error": f"{v:+.1f}"}
                   for e, errors in FINAL_POLL_ERRORS.items() for p, v in errors.items()],
        "sources": list(FINAL_POLL_SOURCES.values()),
    }
