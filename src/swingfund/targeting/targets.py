"""One targeting analysis: an election, a bloc and assumptions in; a table of every seat out.

This is the entry point the CLI (`swingfund targets`), the `/targets/` page and later apps call. It reads the
arrays once (`selectors.py`), optionally projects the result by national swing (`swing.py`), and computes
leverage (`leverage.py`) and P(decisive) (`simulate.py`) for all seats at once. Every table carries the
assumptions it used and the data sources behind its numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from swingfund.elections.models import DataSource
from swingfund.targeting import leverage as lev
from swingfund.targeting.bloc import Assumptions, Bloc, bloc_validate
from swingfund.targeting.selectors import (
    SeatArrays,
    bloc_categories,
    bloc_population,
    boundary_check,
    seat_arrays,
    sources_get,
)
from swingfund.targeting.simulate import DEFAULT_DRAWS, DEFAULT_SEED, p_decisive
from swingfund.targeting.swing import SwingError, project

SHARES_BAD_FORMAT = "National shares must look like Lab=0.34,Con=0.24 (got {text!r})."
SHARES_UNKNOWN_PARTY = "No party {party!r} stood in {election}. Parties: {parties}."
SORT_UNKNOWN = "Unknown sort {sort!r}. Choose one of: {choices}."
SORT_KEYS = {
    "leverage": "Swing-lens leverage, highest first",
    "own_leverage": "Own-candidate leverage, highest first",
    "p_swing": "P(decisive), swing lens, highest first",
    "p_own": "P(decisive), own-candidate lens, highest first",
    "majority": "Majority, smallest first",
    "bloc_voters": "Bloc voters, most first",
}


@dataclass(frozen=True)
class TargetRow:
    code: str
    name: str
    region: str
    nation: str
    mp: str
    party: str
    majority: float
    population: float
    bloc_voters: float
    bloc_vote: float
    leverage: float
    own_leverage: float
    seed_flag: bool | None
    p_swing: float
    p_own: float

    @property
    def has_data(self) -> bool:
        return not math.isnan(self.population)

    def as_dict(self) -> dict[str, object]:
        def clean(v: object) -> object:
            if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
                return None if math.isnan(v) else "inf"
            return v

        out = {k: clean(v) for k, v in self.__dict__.items()}
        out["has_data"] = self.has_data
        return out


@dataclass(frozen=True)
class TargetTable:
    seats: SeatArrays
    bloc: Bloc
    assumptions: Assumptions
    draws: int
    seed: int
    projection: str | None
    population: np.ndarray
    adult_share_from_census: np.ndarray
    bloc_voters: np.ndarray
    bloc_vote: np.ndarray
    majority: np.ndarray
    winner_votes: np.ndarray
    leverage: np.ndarray
    own_leverage: np.ndarray
    seed_flag: np.ndarray
    p_swing: np.ndarray
    p_own: np.ndarray
    mp: list[str]
    party: list[str]
    censuses: list[str]
    sources: list[DataSource]

    @property
    def no_data_count(self) -> int:
        return int(np.isnan(self.population).sum())

    def regions(self) -> list[str]:
        return sorted({r for r in self.seats.regions if r})

    def row(self, i: int) -> TargetRow:
        s = self.seats
        flag = self.seed_flag[i]
        return TargetRow(
            code=s.codes[i], name=s.names[i], region=s.regions[i], nation=s.nations[i], mp=self.mp[i],
            party=self.party[i], majority=float(self.majority[i]), population=float(self.population[i]),
            bloc_voters=float(self.bloc_voters[i]), bloc_vote=float(self.bloc_vote[i]),
            leverage=float(self.leverage[i]), own_leverage=float(self.own_leverage[i]),
            seed_flag=None if np.isnan(flag) else bool(flag), p_swing=float(self.p_swing[i]),
            p_own=float(self.p_own[i]),
        )

    def rows(self, *, sort: str = "leverage", region: str | None = None, top: int | None = None,
             include_no_data: bool = True) -> list[TargetRow]:
        """Seats ordered by `sort` (seats with no data last), optionally one region, optionally the first `top`."""
        if sort not in SORT_KEYS:
            raise ValueError(SORT_UNKNOWN.format(sort=sort, choices=", ".join(SORT_KEYS)))
        values = getattr(self, sort)
        key = np.where(np.isnan(values), np.inf, values if sort == "majority" else -values)
        order = np.lexsort((np.array(self.seats.codes), key))
        if region:
            order = [i for i in order if self.seats.regions[i] == region]
        if not include_no_data:
            order = [i for i in order if not np.isnan(self.population[i])]
        if top:
            order = order[:top]
        return [self.row(int(i)) for i in order]

    def notes(self) -> list[str]:
        """Where the numbers come from and what they assume, one line each."""
        lines = [f"Election {self.seats.election_id} ({self.seats.election_name}), {self.seats.boundary_set} "
                 f"boundaries; bloc {self.bloc} from {', '.join(self.censuses) or 'no census'}."]
        if self.projection:
            lines.append(f"Majorities projected by {self.projection}.")
        twice = " × 2" if self.assumptions.count_twice else ""
        lines.append(f"Leverage = bloc voters × cohesion{twice} ÷ majority (swing lens) or ÷ (winner's votes − other "
                     "support) (own-candidate lens); above 1, the bloc's cohesive vote is the larger.")
        lines.append(f"P(decisive): share of {self.draws:,} Monte Carlo draws per seat (seed {self.seed}), each "
                     "assumption drawn uniformly from its range, in which the bloc's cohesive vote is the larger.")
        lines += [f"Assumption — {line}" for line in self.assumptions.describe()]
        if self.no_data_count:
            lines.append(f"{self.no_data_count} seats have no census figures for this bloc: shown as 'no data'.")
        lines += [f"Source: {s.title} — {s.publisher} ({s.file_name})" for s in self.sources]
        return lines

    def as_dict(self, rows: list[TargetRow]) -> dict[str, object]:
        return {
            "election": self.seats.election_id, "boundary_set": self.seats.boundary_set, "bloc": str(self.bloc),
            "censuses": self.censuses, "draws": self.draws, "seed": self.seed, "projection": self.projection,
            "assumptions": self.assumptions.as_dict(),
            "sources": [{"title": s.title, "publisher": s.publisher, "file": s.file_name, "url": s.url,
                         "sha256": s.sha256} for s in self.sources],
            "seats": [r.as_dict() for r in rows],
        }


def shares_parse(*, text: str, seats: SeatArrays) -> dict[int, float]:
    """`Lab=0.34,Con=0.24` → {party column: share}; parties matched by abbreviation or name, any case."""
    lookup: dict[str, int] = {}
    for i, (name, abbr) in enumerate(zip(seats.carrier_names, seats.carrier_abbreviations, strict=True)):
        lookup.setdefault(abbr.lower(), i)
        lookup.setdefault(name.lower(), i)
    out: dict[int, float] = {}
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        if "=" not in part:
            raise SwingError(SHARES_BAD_FORMAT.format(text=text))
        label, _, value = part.partition("=")
        try:
            share = float(value)
        except ValueError:
            raise SwingError(SHARES_BAD_FORMAT.format(text=text)) from None
        if label.strip().lower() not in lookup:
            parties = ", ".join(sorted(set(seats.carrier_abbreviations)))
            raise SwingError(SHARES_UNKNOWN_PARTY.format(party=label.strip(), election=seats.election_id,
                                                         parties=parties))
        out[lookup[label.strip().lower()]] = share
    if not out:
        raise SwingError(SHARES_BAD_FORMAT.format(text=text))
    return out


def targets_compute(
    *, election_id: str, bloc: Bloc, assumptions: Assumptions | None = None, draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED, swing: str | None = None, shares: str | None = None,
    progress: Callable[[int, int], None] | None = None, share_basis: str = "gb",
) -> TargetTable:
    """Run one analysis over every seat of the election (see the module docstring)."""
    assumptions = assumptions or Assumptions()
    seats = seat_arrays(election_id=election_id)
    boundary_check(seats=seats, census=bloc.census)
    bloc_validate(bloc=bloc, available=bloc_categories(boundary_set=seats.boundary_set, census=bloc.census),
                  boundary_set=seats.boundary_set)
    pop = bloc_population(seats=seats, bloc=bloc, default_adult_share=assumptions.seat_adult_share_default)

    majority, winner_votes, valid = seats.majority, seats.winner_votes, seats.valid_votes
    mp, party, projection = seats.winner_name, seats.winner_party, None
    if swing or shares:
        proj = project(seat=seats.cand_seat, party=seats.cand_carrier, votes=seats.cand_votes, n_seats=len(seats),
                       n_parties=len(seats.carrier_names), targets=shares_parse(text=shares or "", seats=seats),
                       method=swing or "uniform", party_names=seats.carrier_abbreviations,
                       basis=seats.in_gb if share_basis == "gb" else None, frozen=seats.speaker_seat)
        majority, winner_votes, valid = proj.majority, proj.winner_votes, proj.valid_votes
        mp = [f"projected: {seats.cand_name[w]}" if w >= 0 and seats.cand_name[w] else "projected" for w in proj.winner]
        party = [seats.party_abbreviations[seats.cand_party[w]] if w >= 0 and seats.cand_party[w] >= 0 else ""
                 for w in proj.winner]
        projection = f"{swing or 'uniform'} national swing to {shares} ({share_basis.upper()} shares, by party carrier)"

    a = assumptions
    base = lev.bloc_base(population=pop.population, seat_adult_share=pop.adult_share, turnout=seats.turnout)
    voters = lev.bloc_voters(base=base, adult_ratio=a.adult_ratio.central, registration=a.registration.central,
                             turnout_ratio=a.turnout_ratio.central)
    bloc_vote = voters * a.cohesion.central
    swing_lev = lev.swing_leverage(bloc_vote=bloc_vote, majority=majority, count_twice=a.count_twice)
    own_lev = lev.own_candidate_leverage(bloc_vote=bloc_vote, winner_votes=winner_votes, valid_votes=valid,
                                         other_support=a.other_support.central, count_twice=a.count_twice)
    decisive = p_decisive(base=base, majority=majority, winner_votes=winner_votes, valid_votes=valid,
                          assumptions=a, draws=draws, seed=seed, progress=progress)
    return TargetTable(
        seats=seats, bloc=bloc, assumptions=a, draws=draws, seed=seed, projection=projection,
        population=pop.population, adult_share_from_census=pop.adult_share_from_census, bloc_voters=voters,
        bloc_vote=bloc_vote, majority=np.asarray(majority, dtype=np.float64), winner_votes=winner_votes,
        leverage=swing_lev, own_leverage=own_lev, seed_flag=lev.seed_flag(swing_lev), p_swing=decisive.swing,
        p_own=decisive.own, mp=mp, party=party, censuses=pop.censuses,
        sources=sources_get(ids=seats.source_ids | pop.source_ids),
    )
