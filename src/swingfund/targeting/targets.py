"""One targeting analysis: an election, a bloc and assumptions in; a table of every seat out.

This is the entry point the CLI (`swingfund targets`), the `/targets/` page and later apps call. It reads the
arrays once (`selectors.py`), optionally projects the result by national swing (`swing.py`), and computes
leverage (`leverage.py`), the forecast of the next result (`forecast.py`) and P(pivotal) over it (`simulate.py`,
`allocation.py`) for all seats at once. Every table carries the
assumptions it used and the data sources behind its numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from swingfund.elections.models import DataSource
from swingfund.targeting import leverage as lev
from swingfund.targeting.adults import bloc_adult_ratio, older_census_notes
from swingfund.targeting.allocation import allocation_parse
from swingfund.targeting.allocation import describe as allocation_describe
from swingfund.targeting.bloc import Assumption, Assumptions, Bloc, bloc_validate
from swingfund.targeting.display import LEVERAGE_NOTE
from swingfund.targeting.forecast import (
    DEFAULT_METHOD,
    DEFAULT_TAILS,
    NATIONAL_SD,
    Forecast,
    SeatError,
    forecast_build,
    forecast_sample,
    forecast_subset,
    seat_error_or_default,
)
from swingfund.targeting.polls import NO_GB_POLL, NO_RESULT_NO_POLLS, NOT_POLLED, PollAverage, poll_average
from swingfund.targeting.selectors import (
    SeatArrays,
    TargetingError,
    bloc_categories,
    bloc_population,
    boundary_check,
    election_get,
    forward_election,
    poll_points,
    seat_arrays,
    sources_get,
)
from swingfund.targeting.simulate import DEFAULT_DRAWS, DEFAULT_SEED, p_pivotal
from swingfund.targeting.swing import SwingError
from swingfund.targeting.value import MoneyValue, money_value
from swingfund.targeting.value import describe as value_describe

SHARES_BAD_FORMAT = "National shares must look like Lab=0.34,Con=0.24 (got {text!r})."
SHARES_UNKNOWN_PARTY = "No party {party!r} stood in {election}. Parties: {parties}."
ALLOCATION_NEEDS_SOURCE = ("Allocation shares by party need their source (e.g. --allocation-source 'a published "
                           "survey of the bloc, 2024'): a probability shown to a group must say where it comes from.")
SHARE_BASES = ("gb", "uk")
SHARE_BASIS_BAD = "Share basis must be gb or uk (got {basis!r})."
SORT_UNKNOWN = "Unknown sort {sort!r}. Choose one of: {choices}."
KIND_CENSUS, KIND_NONE, KIND_SUPPORTERS = "census", "none", "supporters"
"""What a table counts per seat: a census bloc, nobody (marginality only), or the group's own supporters."""
INCUMBENT_DRAWS = 40_000
"""Draws for P(the incumbent own candidate holds): standard error at most 0.5 ÷ √40,000 = 0.0025."""
NO_BLOC = Bloc(terms=())
"""The bloc of a table that counts no census categories (kind none or supporters)."""
SUPPORTER_MULTIPLIER = 1.0
"""Supporters are counted as they are: each consenting supporter in a seat is taken as one vote that follows the
group (adult, registered, turning out and cohesive), an assumption printed with every table that uses it."""
SORT_KEYS = {
    "leverage": "Leverage (bloc voters ÷ majority), highest first",
    "cohesive_leverage": "Cohesive leverage (cohesive bloc vote ÷ majority), highest first",
    "own_leverage": "Own-candidate leverage, highest first",
    "p_swing": "P(pivotal), swing lens, highest first",
    "p_own": "P(pivotal), own-candidate lens, highest first",
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
    p_swing_se: float = float("nan")
    p_own_se: float = float("nan")
    majority_interval: tuple[float, float] = (float("nan"), float("nan"))
    p_win: float = float("nan")
    criteria: dict[str, bool | None] | None = None
    cohesive_leverage: float = float("nan")
    adult_share: float = float("nan")
    value_per_1000: float = float("nan")
    value_interval: tuple[float, float] = (float("nan"), float("nan"))
    pounds_per_hundredth_seat: float = float("nan")

    @property
    def has_data(self) -> bool:
        return not math.isnan(self.population)

    def as_dict(self) -> dict[str, object]:
        def clean(v: object) -> object:
            if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
                return None if math.isnan(v) else "inf"
            return v

        out = {k: clean(v) for k, v in self.__dict__.items()}
        out["majority_interval"] = {"p10": clean(self.majority_interval[0]), "p90": clean(self.majority_interval[1])}
        out["value_interval"] = {"low": clean(self.value_interval[0]), "high": clean(self.value_interval[1])}
        out["p_decisive"] = out["p_swing"]  # the v1 name, kept for readers of the old field
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
    p_swing_se: np.ndarray | None = None
    p_own_se: np.ndarray | None = None
    majority_p10: np.ndarray | None = None
    majority_p90: np.ndarray | None = None
    p_win: np.ndarray | None = None
    criteria: dict[str, np.ndarray] | None = None
    cohesive_leverage: np.ndarray | None = None
    adult_share: np.ndarray | None = None
    seat_error: SeatError | None = None
    national_sd: float = 0.0
    tails: str = "normal"
    allocation_text: str = ""
    adult_notes: tuple[str, ...] = ()
    kind: str = KIND_CENSUS
    p_change: np.ndarray | None = None
    forecast: Forecast | None = None
    poll_average: PollAverage | None = None
    baseline: str | None = None  # a forward election's baseline result (its id)
    no_polls_note: str = ""  # a forward election without polls: its centre is the baseline unchanged, and says so
    national_from_polls: bool = False
    own_evidence: dict[str, object] | None = None

    def national_text(self) -> str:
        fc = self.forecast
        if self.national_from_polls:
            return ("national error per party from the poll average's uncertainty (the polls' spread plus the final "
                    "polls' historical error, swingfund.targeting.polling_error), correlated between parties")
        if fc is not None and fc.national_cov is not None:
            return ("national error per party from the given covariance (e.g. the final polls' historical error, "
                    "swingfund.targeting.polling_error), correlated between parties")
        return f"national error sd {self.national_sd:.3f} per party (assumption), independent"

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
            p_own=float(self.p_own[i]), **self._v2(i),
        )

    @cached_property
    def money_value(self) -> MoneyValue | None:
        """The value of money per seat (`value.py`) for the challenger — the forecast's runner-up, behind by the
        projected majority — with the lead's sd from the 10–90 % majority interval; None without an interval."""
        if self.majority_p10 is None or self.majority_p90 is None:
            return None
        return money_value(margin=-self.majority, sigma=value_sigma(self.majority_p10, self.majority_p90),
                           headroom=self.bloc_voters * (1 - self.assumptions.cohesion.central)
                           if self.kind == KIND_CENSUS else None)

    def _value(self, i: int) -> dict[str, object]:
        v = self.money_value
        if v is None:
            return {}
        return {"value_per_1000": float(v.per_1000[i]),
                "value_interval": (float(v.per_1000_low[i]), float(v.per_1000_high[i])),
                "pounds_per_hundredth_seat": float(v.pounds_per_hundredth_seat[i])}

    def _v2(self, i: int) -> dict[str, object]:
        if self.p_swing_se is None:
            return {}
        crit = {k: (None if np.isnan(v[i]) else bool(v[i])) for k, v in (self.criteria or {}).items()}
        return {**self._value(i), "p_swing_se": float(self.p_swing_se[i]), "p_own_se": float(self.p_own_se[i]),
                "majority_interval": (float(self.majority_p10[i]), float(self.majority_p90[i])),
                "p_win": float(self.p_win[i]), "criteria": crit,
                "cohesive_leverage": float(self.cohesive_leverage[i]), "adult_share": float(self.adult_share[i])}

    def criteria_counts(self) -> dict[str, int]:
        return {k: int(np.nansum(v)) for k, v in (self.criteria or {}).items()}

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
        if self.kind != KIND_CENSUS:
            return self._marginality_notes()
        lines = [f"Election {self.seats.election_id} ({self.seats.election_name}), {self.seats.boundary_set} "
                 f"boundaries; bloc {self.bloc} from {', '.join(self.censuses) or 'no census'}."]
        if self.projection:
            lines.append(f"Majorities projected by {self.projection}.")
        lines += self._poll_notes()
        lines.append(LEVERAGE_NOTE)
        lines.append("Seed criteria: population, bloc voters, cohesive bloc vote each > majority "
                     f"({', '.join(f'{k} {v}' for k, v in self.criteria_counts().items())} seats).")
        if self.seat_error is not None:
            se = self.seat_error
            lines.append(f"Forecast: centre {self.projection or 'the last result'}; {self.national_text()}; "
                         f"seat error sd = ({se.intercept:.4f} + {se.slope:.3f} × |national change|) × "
                         f"{se.margin_factor:.3f} ({self.tails} tails), {se.region_share:.0%} of its variance shared "
                         f"by the seats of a region{se.type_text()}, {se.source}.")
            lines.append(f"P(pivotal): mean over {self.draws:,} simulations (seed {self.seed}) of the chance, "
                         "given each simulation's national error and assumption draws, that the bloc's cohesive "
                         "move decides the seat (swing lens) or elects its own candidate (own lens); the seat "
                         "error is integrated exactly. Largest Monte Carlo standard error: "
                         f"{_largest(self.p_swing_se)} (swing), "
                         f"{_largest(self.p_own_se)} (own). Allocation: {self.allocation_text}.")
            lines.append("Majority interval: 10–90 % of the projected winner's lead over its strongest rival, "
                         "sampled from the forecast.")
            lines.append(value_describe() + " Here the backed candidate is the challenger (the forecast's "
                         "runner-up, behind by the majority).")
            if self.own_evidence:
                lines.append("Own lens: " + str(self.own_evidence["note"]) + "; where such a candidate won, P(own) "
                             "is the chance the incumbent holds the seat (swingfund.targeting.owncandidates).")
            if self.forecast is not None and self.forecast.bloc_note:
                lines.append("The bloc's own move: each party's share moves with the bloc's population share of the "
                             "seat by a slope shared by every seat, its mean and spread " + self.forecast.bloc_note
                             + " (swingfund.targeting.blocterm).")
        lines += list(self.adult_notes)
        lines += [f"Assumption — {line}" for line in self.assumptions.describe()]
        if self.no_data_count:
            lines.append(f"{self.no_data_count} seats have no census figures for this bloc: shown as 'no data'.")
        lines += [f"Source: {s.title} — {s.publisher} ({s.file_name})" for s in self.sources]
        return lines

    def _marginality_notes(self) -> list[str]:
        """The notes of a table without a census bloc: marginality, and the group's supporters if it counts them."""
        lines = [f"Election {self.seats.election_id} ({self.seats.election_name}), {self.seats.boundary_set} "
                 "boundaries; no census categories."]
        if self.projection:
            lines.append(f"Majorities projected by {self.projection}.")
        lines += self._poll_notes()
        if self.kind == KIND_SUPPORTERS:
            lines.append("Our supporters: consenting supporters counted per seat (aggregate counts only), each taken "
                         "as one vote that follows us. Leverage = supporters ÷ majority; P(pivotal) = the chance, "
                         f"over {self.draws:,} simulations of the forecast (seed {self.seed}), that their vote "
                         "decides the seat.")
        else:
            lines.append("Seats ranked by marginality: P(pivotal) here is the chance that the seat changes hands "
                         "(the projected winner loses) under the forecast, then the smallest majority.")
        if self.seat_error is not None:
            se = self.seat_error
            lines.append(f"Forecast: centre {self.projection or 'the last result'}; {self.national_text()}; "
                         f"seat error sd = ({se.intercept:.4f} + {se.slope:.3f} × |national change|) × "
                         f"{se.margin_factor:.3f} ({self.tails} tails), {se.region_share:.0%} of its variance shared "
                         f"by the seats of a region{se.type_text()}, {se.source}.")
            lines.append(value_describe() + " Here the backed candidate is the challenger (the forecast's "
                         "runner-up, behind by the majority).")
        lines += [f"Source: {s.title} — {s.publisher} ({s.file_name})" for s in self.sources]
        return lines

    def _poll_notes(self) -> list[str]:
        """A forward election's baseline and poll average, one line each (none for an election with a result)."""
        if self.baseline is None:
            return []
        lines = [f"{self.seats.election_id} has no result yet: it is forecast from the {self.baseline} result, the "
                 "last on these boundaries."]
        if self.no_polls_note:
            lines.append(self.no_polls_note)
        avg = self.poll_average
        if avg is not None:
            for code, area in avg.areas.items():
                shares = ", ".join(f"{p} {a.share:.1%} ± {a.sd:.1%}" for p, a in area.parties.items())
                invented = ", illustrative: invented polls" if any(p.illustrative for p, _ in area.polls) else ""
                lines.append(f"Poll average, {code} ({len(area.polls)} polls to {avg.as_of}{invented}): {shares}.")
            lines.append(f"Poll average rule: {avg.rule()}.")
        return lines

    def as_dict(self, rows: list[TargetRow]) -> dict[str, object]:
        return {
            "election": self.seats.election_id, "boundary_set": self.seats.boundary_set, "bloc": str(self.bloc),
            "baseline": self.baseline,
            "poll_average": None if self.poll_average is None else self.poll_average.as_dict(),
            "kind": self.kind,
            "censuses": self.censuses, "draws": self.draws, "seed": self.seed, "projection": self.projection,
            "assumptions": self.assumptions.as_dict(),
            "seat_error": None if self.seat_error is None else self.seat_error.as_dict(),
            "national_sd": self.national_sd, "tails": self.tails, "allocation": self.allocation_text,
            "criteria_counts": self.criteria_counts(), "notes": self.notes(),
            "shares": self.shares_dict(), "own_evidence": self.own_evidence,
            "bloc_term": None if self.forecast is None or self.forecast.bloc_note == "" else self.bloc_term_dict(),
            "sources": [{"title": s.title, "publisher": s.publisher, "file": s.file_name, "url": s.url,
                         "sha256": s.sha256} for s in self.sources],
            "seats": [r.as_dict() for r in rows],
        }


    def bloc_term_dict(self) -> dict[str, object]:
        fc = self.forecast
        return {"note": fc.bloc_note, "sd": {c: round(float(v), 4) for c, v in zip(
            fc.carrier_names, fc.bloc_sd.tolist() if fc.bloc_sd is not None else [], strict=False) if v > 0}}

    def shares_dict(self) -> dict[str, object] | None:
        """Asked and achieved national shares by area, and every seat's projected votes by party (None: no
        projection), so that anyone can recompute the achieved shares from the votes."""
        fc = self.forecast
        if fc is None or fc.projection is None:
            return None
        p = fc.projection
        votes: dict[str, dict[str, float]] = {}
        for seat, carrier, v in zip(p.seat.tolist(), p.carrier.tolist(), p.votes.tolist(), strict=True):
            # by the party's abbreviation, as the shares asked name it (two carriers may share one: the Greens)
            abbreviations = self.seats.carrier_abbreviations
            name = ("(no party)" if carrier < 0 else abbreviations[carrier] if carrier < len(abbreviations)
                    else p.carrier_names[carrier])
            per = votes.setdefault(self.seats.codes[seat], {})
            per[name] = round(per.get(name, 0.0) + v, 3)
        nations = dict(zip(self.seats.codes, self.seats.nations, strict=True))
        return {**p.as_dict(), "nation_of_seat": nations, "speaker_seats": [
            c for c, f in zip(self.seats.codes, self.seats.speaker_seat.tolist(), strict=True) if f],
            "projected_votes": votes}


@dataclass(frozen=True)
class Centre:
    """What an analysis projects from and to: the seats' last result and the shares asked (if any)."""

    seats: SeatArrays
    shares_by_nation: Mapping[str, Mapping[str, float]] | None
    national_cov: tuple[list[str], np.ndarray] | None
    poll_average: PollAverage | None = None
    baseline: str | None = None
    cov_from_polls: bool = False
    no_polls_note: str = ""


def carrier_aliases(seats: SeatArrays) -> dict[str, str]:
    """Casefolded carrier name or abbreviation → the carrier's abbreviation (how polls name parties)."""
    out: dict[str, str] = {}
    for name, abbr in zip(seats.carrier_names, seats.carrier_abbreviations, strict=True):
        out.setdefault(abbr.casefold(), abbr)
        out.setdefault(name.casefold(), abbr)
    return out


def nation_only_parties(*, seats: SeatArrays, polled: set[str]) -> list[str]:
    """Carriers (abbreviations) that stood last time only in nations with their own poll average (SNP in Scotland,
    Plaid Cymru in Wales): their target comes from that nation's average, not from the GB polls' rounded figure."""
    nations = np.array(seats.nations)[seats.cand_seat]
    stood: dict[str, set[str]] = {}  # by abbreviation: two carriers may share one (the Green parties)
    for i, abbr in enumerate(seats.carrier_abbreviations):
        stood.setdefault(abbr, set()).update(nations[seats.cand_carrier == i].tolist())
    return [abbr for abbr, where in stood.items() if where and where <= polled]


def polled_shares(*, seats: SeatArrays, average: PollAverage, election_id: str) -> dict[str, dict[str, float]]:
    """The shares to project each area of `seats` to, from the poll average: Scotland's and Wales's own averages for
    their seats, where polled; the GB average for the rest of Great Britain (England, and a nation without its own
    average); only areas with seats (a by-election has one). Northern Ireland is not polled: it keeps its last
    result. Labels for the rest of the field (`Other`) are not projected; a party that stood only in nations with
    their own average (`nation_only_parties`) takes its target from there, not from the GB polls' rounded figure."""
    from swingfund.elections.importers.polls import OTHER_LABELS

    present = set(seats.nations) & {"E", "W", "S"}
    if not present:
        raise TargetingError(NOT_POLLED.format(election=election_id))
    nations = sorted(a for a in average.areas if a in present)
    rest = present - set(nations)
    if rest and "GB" not in average.areas:
        raise TargetingError(NO_GB_POLL.format(election=election_id, areas=", ".join(sorted(average.areas))))

    def shares(area: str) -> dict[str, float]:
        return {p: a.share for p, a in average.areas[area].parties.items() if p.casefold() not in OTHER_LABELS}

    asked = {}
    if rest:
        asked["GB"] = shares("GB")
        for party in nation_only_parties(seats=seats, polled=set(nations)):
            asked["GB"].pop(party, None)
    return asked | {area: shares(area) for area in nations}


def centre_resolve(*, election_id: str, shares: str | None,
                   shares_by_nation: Mapping[str, Mapping[str, float]] | None,
                   national_cov: tuple[list[str], np.ndarray] | None, national_sd: float | None) -> Centre:
    """The seats and shares of an analysis.

    * An election with a result: its own result, projected to the shares given (if any).
    * An election without one (a future election): its baseline's result (`selectors.forward_election`, the last
      result on the same boundaries), projected to the shares given; when none are given, to the poll average
      (`polls.py`) of the polls since the baseline, by nation (GB, Scotland, Wales: every area polled), with the
      average's national error covariance unless a national error is given (`national_cov` or `national_sd`).
      A column for the rest of the field (`Other`) is averaged and shown but not projected as a party; a party that
      stood only in a nation with its own average (`nation_only_parties`) is projected by that average alone.
    """
    forward = forward_election(election_id=election_id)
    if forward is None:
        return Centre(seats=seat_arrays(election_id=election_id), shares_by_nation=shares_by_nation,
                      national_cov=national_cov)
    try:  # where seat_arrays reads a future election from its baseline itself (a by-election: its one seat)
        seats = seat_arrays(election_id=election_id)
    except TargetingError:
        base = seat_arrays(election_id=forward.baseline.id)
        seats = replace(base, election_id=forward.election.id, election_name=forward.election.name)
    if shares or shares_by_nation:
        return Centre(seats=seats, shares_by_nation=shares_by_nation, national_cov=national_cov,
                      baseline=forward.baseline.id)
    points = poll_points(forward=forward, aliases=carrier_aliases(seats))
    if not points:
        return Centre(seats=seats, shares_by_nation=None, national_cov=national_cov, baseline=forward.baseline.id,
                      no_polls_note=NO_RESULT_NO_POLLS.format(
                          election=forward.election.id, baseline_id=forward.baseline.id,
                          baseline=forward.baseline.poll_date, date=forward.election.poll_date))
    average = poll_average(polls=points)
    asked = polled_shares(seats=seats, average=average, election_id=forward.election.id)
    from_polls = national_cov is None and national_sd is None
    if from_polls:
        first = next(iter(asked))
        national_cov = average.national_cov(first, asked[first])
    return Centre(seats=seats, shares_by_nation=asked, national_cov=national_cov, poll_average=average,
                  baseline=forward.baseline.id, cov_from_polls=from_polls)


def _forecast(*, seats: SeatArrays, swing: str | None, shares: str | None,
              shares_by_nation: Mapping[str, Mapping[str, float]] | None, share_basis: str, national_sd: float,
              national_cov, seat_error: SeatError | None, tails: str,
              bloc: Bloc | None = None) -> tuple[Forecast, SeatError, str | None]:
    """The forecast of a table: (forecast, its seat error, a description of the projection or None)."""
    if swing and not (shares or shares_by_nation):
        raise SwingError(SHARES_BAD_FORMAT.format(text=""))
    method = swing or DEFAULT_METHOD
    if seat_error is None:
        seat_error = seat_error_or_default(method=method)
    targets = shares_parse(text=shares, seats=seats) if shares else None
    share = term = None
    if bloc is not None and bloc.terms and not seat_error.user_set:  # a user's seat error replaces all of history's
        from swingfund.targeting.blocterm import bloc_share, bloc_term_cached

        share = bloc_share(seats=seats, bloc=bloc)
        term = bloc_term_cached(bloc=bloc, last_poll=election_get(election_id=seats.election_id).poll_date,
                                method=method)
    fc = forecast_build(seats=seats, targets=targets, method=method, seat_error=seat_error, national_sd=national_sd,
                        tails=tails, basis_gb=share_basis == "gb",
                        shares_by_nation={k: dict(v) for k, v in shares_by_nation.items()} if shares_by_nation
                        else None, national_cov=national_cov, bloc_share=share, bloc_term=term)
    projection = None
    if fc.projection is not None:
        asked = "; ".join(f"{area}: " + ",".join(f"{p}={v:g}" for p, v in parties.items())
                          for area, parties in fc.projection.asked.items())
        projection = f"{method} projection by nation to {asked} (shares land exactly; by party carrier)"
    return fc, seat_error, projection


VALUE_Z80 = 1.2815515655446004
"""The 10–90 % interval spans ±1.2816 sd of a normal distribution."""
VALUE_MIN_SIGMA = 50.0


def value_sigma(p10: np.ndarray, p90: np.ndarray) -> np.ndarray:
    """The forecast's sd of the lead from its 10–90 % interval (NaN where there is none), at least 50 votes."""
    width = np.asarray(p90, dtype=np.float64) - np.asarray(p10, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(width) & (width > 0), np.maximum(width / (2 * VALUE_Z80), VALUE_MIN_SIGMA),
                        np.nan)


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
    *, election_id: str, bloc: Bloc | None, supporters: Mapping[int, int] | None = None,
    assumptions: Assumptions | None = None, draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED, swing: str | None = None, shares: str | None = None,
    progress: Callable[[int, int], None] | None = None, share_basis: str = "gb", national_sd: float | None = None,
    seat_error: SeatError | None = None, tails: str = DEFAULT_TAILS, allocation: str | None = None,
    allocation_source: str = "", shares_by_nation: Mapping[str, Mapping[str, float]] | None = None,
    national_cov=None,
) -> TargetTable:
    """Run one analysis over every seat of the election (see the module docstring).

    The next result is a distribution (`forecast.py`): the last result moved by the projection by nation (if
    `shares`, GB or UK shares as text, or `shares_by_nation`, `projection.projection_by_nation`'s argument, are
    given; method `swing`, default `forecast.DEFAULT_METHOD`), a national error (`national_cov`, `(parties,
    covariance)` as `polling_error.national_error_covariance` gives, else `national_sd` per party, independent), a
    regional error and a seat error estimated from the imported history (or `seat_error`).
    P(pivotal) per lens comes from `simulate.p_pivotal`, the majority interval from `forecast.forecast_sample`.

    Without a census bloc (`bloc` None) the table counts no census categories: with `supporters` (consenting
    supporters per constituency id, aggregate counts given by the caller) their count is the bloc vote of each seat
    (`SUPPORTER_MULTIPLIER`); without them, P(pivotal) is the chance the seat changes hands under the forecast
    (`marginality_compute`).
    """
    if share_basis not in SHARE_BASES:
        raise SwingError(SHARE_BASIS_BAD.format(basis=share_basis))
    if bloc is None:
        return marginality_compute(
            election_id=election_id, supporters=supporters, draws=draws, seed=seed, swing=swing, shares=shares,
            progress=progress, share_basis=share_basis, national_sd=national_sd, seat_error=seat_error, tails=tails,
            shares_by_nation=shares_by_nation, national_cov=national_cov)
    assumptions = assumptions or Assumptions()
    centre = centre_resolve(election_id=election_id, shares=shares, shares_by_nation=shares_by_nation,
                            national_cov=national_cov, national_sd=national_sd)
    seats, shares_by_nation, national_cov = centre.seats, centre.shares_by_nation, centre.national_cov
    from_polls = centre.cov_from_polls
    national_sd = NATIONAL_SD if national_sd is None else national_sd
    boundary_check(seats=seats, census=bloc.census)
    bloc_validate(bloc=bloc, available=bloc_categories(boundary_set=seats.boundary_set, census=bloc.census),
                  boundary_set=seats.boundary_set)
    assumptions, adult_notes = bloc_adult_ratio(bloc=bloc, assumptions=assumptions)
    pop = bloc_population(seats=seats, bloc=bloc, default_adult_share=assumptions.seat_adult_share_default)
    adult_notes += older_census_notes(censuses=pop.censuses, election_id=seats.election_id)
    fc, seat_error, projection = _forecast(
        seats=seats, swing=swing, shares=shares, shares_by_nation=shares_by_nation, share_basis=share_basis,
        national_sd=national_sd, national_cov=national_cov, seat_error=seat_error, tails=tails, bloc=bloc)
    alloc = allocation_parse(allocation, carriers=seats.carrier_names, abbreviations=seats.carrier_abbreviations)
    if isinstance(alloc, dict) and not allocation_source.strip():
        raise SwingError(ALLOCATION_NEEDS_SOURCE)

    majority = fc.majority
    winner_votes = np.where(fc.winner >= 0, fc.centre[np.maximum(fc.winner, 0)] * fc.valid, np.nan)
    valid = fc.valid
    mp, party = seats.winner_name, seats.winner_party
    if projection:
        mp = [f"projected: {fc.names[w]}" if w >= 0 and fc.names[w] else "projected" for w in fc.winner]
        party = [_abbreviation(seats, fc, fc.carrier[w]) if w >= 0 else "" for w in fc.winner]

    a = assumptions
    base = lev.bloc_base(population=pop.population, seat_adult_share=pop.adult_share, turnout=seats.turnout)
    voters = lev.bloc_voters(base=base, adult_ratio=a.adult_ratio.central, registration=a.registration.central,
                             turnout_ratio=a.turnout_ratio.central)
    bloc_vote = voters * a.cohesion.central
    swing_lev = lev.swing_leverage(bloc_vote=voters, majority=majority, count_twice=False)  # the foundation's ratio
    own_lev = lev.own_candidate_leverage(bloc_vote=bloc_vote, winner_votes=winner_votes, valid_votes=valid,
                                         other_support=a.other_support.central, count_twice=a.count_twice)
    from swingfund.targeting.blocterm import bloc_share
    from swingfund.targeting.owncandidates import own_evidence

    evidence = own_evidence(seats=seats, bloc_share=bloc_share(seats=seats, bloc=bloc), bloc_voters=voters)
    defaults = Assumptions()
    if (a.cohesion, a.other_support) != (defaults.cohesion, defaults.other_support):  # the user's own values win
        evidence = replace(evidence, ratios=np.zeros(0), incumbent_rows={},
                           note="cohesion or outside support set by the user: the last election's own candidates "
                                "are not used")
    pivotal = p_pivotal(base=base, forecast=fc, assumptions=a, allocation=alloc, draws=draws, seed=seed,
                        progress=progress, own_ratios=evidence.ratios if evidence.ratios.size else None)
    sample = forecast_sample(fc, seed=seed)
    p_own, p_own_se = pivotal.own.copy(), pivotal.own_se.copy()
    if evidence.incumbent_rows:  # the bloc's own candidate is the incumbent: will they hold? (many draws, few seats)
        seat_list = np.array(sorted(evidence.incumbent_rows))
        sub, kept = forecast_subset(fc, seat_list)
        held = forecast_sample(sub, draws=INCUMBENT_DRAWS, seed=seed)
        for j, i in enumerate(seat_list.tolist()):
            cols = np.flatnonzero(kept[np.maximum(held.rows[j], 0)] == evidence.incumbent_rows[i])
            cols = cols[held.rows[j, cols] >= 0]
            if cols.size:
                p = float(held.p_win[j, cols[0]])
                p_own[i], p_own_se[i] = p, float(np.sqrt(p * (1 - p) / held.draws))
    criteria = {
        "population_over_majority": _over(pop.population, majority),
        "voters_over_majority": _over(voters, majority),
        "cohesive_over_majority": _over(bloc_vote, majority),
    }
    return TargetTable(
        seats=seats, bloc=bloc, assumptions=a, draws=draws, seed=seed, projection=projection,
        population=pop.population, adult_share_from_census=pop.adult_share_from_census, bloc_voters=voters,
        bloc_vote=bloc_vote, majority=np.asarray(majority, dtype=np.float64), winner_votes=winner_votes,
        leverage=swing_lev, own_leverage=own_lev, seed_flag=lev.seed_flag(swing_lev), p_swing=pivotal.swing,
        p_own=p_own, mp=mp, party=party, censuses=pop.censuses,
        sources=sources_get(ids=seats.source_ids | pop.source_ids),
        p_swing_se=pivotal.swing_se, p_own_se=p_own_se, majority_p10=sample.lead_quantiles[0.1],
        majority_p90=sample.lead_quantiles[0.9], p_win=sample.p_win[:, 0], criteria=criteria,
        cohesive_leverage=lev.swing_leverage(bloc_vote=bloc_vote, majority=majority, count_twice=a.count_twice),
        adult_share=pop.adult_share, seat_error=seat_error, national_sd=national_sd, tails=tails,
        allocation_text=allocation_describe(alloc, abbreviations=seats.carrier_abbreviations)
        + (f" (source: {allocation_source.strip()})" if allocation_source.strip() else ""),
        adult_notes=tuple(adult_notes), forecast=fc, own_evidence=evidence.as_dict(),
        poll_average=centre.poll_average, baseline=centre.baseline,
        no_polls_note=centre.no_polls_note, national_from_polls=from_polls,
    )


def marginality_compute(
    *, election_id: str, supporters: Mapping[int, int] | None = None, draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED, swing: str | None = None, shares: str | None = None,
    progress: Callable[[int, int], None] | None = None, share_basis: str = "gb", national_sd: float | None = None,
    seat_error: SeatError | None = None, tails: str = DEFAULT_TAILS,
    shares_by_nation: Mapping[str, Mapping[str, float]] | None = None, national_cov=None,
) -> TargetTable:
    """Every seat of the election without a census bloc: its majority, its forecast and P(change of hands).

    * kind none (`supporters` None): P(pivotal) of both lenses = P(the seat changes hands) = 1 − P(the projected
      winner wins) over the forecast sample; leverage and bloc voters are NaN (nothing is counted).
    * kind supporters: bloc voters = bloc vote = the consenting supporters counted in each seat (0 where none);
      leverage = supporters ÷ majority; P(pivotal) from `simulate.p_pivotal` with the supporters as the base and
      every multiplier fixed at `SUPPORTER_MULTIPLIER`. `p_change` is kept for both kinds.
    """
    if share_basis not in SHARE_BASES:
        raise SwingError(SHARE_BASIS_BAD.format(basis=share_basis))
    centre = centre_resolve(election_id=election_id, shares=shares, shares_by_nation=shares_by_nation,
                            national_cov=national_cov, national_sd=national_sd)
    seats, shares_by_nation, national_cov = centre.seats, centre.shares_by_nation, centre.national_cov
    from_polls = centre.cov_from_polls
    national_sd = NATIONAL_SD if national_sd is None else national_sd
    fc, seat_error, projection = _forecast(
        seats=seats, swing=swing, shares=shares, shares_by_nation=shares_by_nation, share_basis=share_basis,
        national_sd=national_sd, national_cov=national_cov, seat_error=seat_error, tails=tails)
    majority = np.asarray(fc.majority, dtype=np.float64)
    winner_votes = np.where(fc.winner >= 0, fc.centre[np.maximum(fc.winner, 0)] * fc.valid, np.nan)
    mp, party = seats.winner_name, seats.winner_party
    if projection:
        mp = [f"projected: {fc.names[w]}" if w >= 0 and fc.names[w] else "projected" for w in fc.winner]
        party = [_abbreviation(seats, fc, fc.carrier[w]) if w >= 0 else "" for w in fc.winner]
    sample = forecast_sample(fc, seed=seed)
    p_change = np.where(np.isnan(majority), np.nan, 1.0 - sample.p_win[:, 0])
    n = len(seats)
    nan = np.full(n, np.nan)
    fixed = Assumption("supporters", SUPPORTER_MULTIPLIER, SUPPORTER_MULTIPLIER, SUPPORTER_MULTIPLIER)
    a = replace(Assumptions(), adult_ratio=replace(fixed, name="adult_ratio"),
                registration=replace(fixed, name="registration"), turnout_ratio=replace(fixed, name="turnout_ratio"),
                cohesion=replace(fixed, name="cohesion"))
    if supporters is not None:
        kind = KIND_SUPPORTERS
        counts = np.array([float(supporters.get(int(c), 0)) for c in seats.constituency_ids], dtype=np.float64)
        pivotal = p_pivotal(base=counts, forecast=fc, assumptions=a, draws=draws, seed=seed, progress=progress)
        population, voters = counts, counts
        swing_lev = lev.swing_leverage(bloc_vote=counts, majority=majority, count_twice=False)
        own_lev = lev.own_candidate_leverage(bloc_vote=counts, winner_votes=winner_votes, valid_votes=fc.valid,
                                             other_support=a.other_support.central, count_twice=False)
        p_swing, p_own, swing_se, own_se = pivotal.swing, pivotal.own, pivotal.swing_se, pivotal.own_se
    else:
        kind = KIND_NONE
        population, voters, swing_lev, own_lev = nan, nan, nan, nan
        p_swing, p_own, swing_se, own_se = p_change, p_change, np.zeros(n), np.zeros(n)
    return TargetTable(
        seats=seats, bloc=NO_BLOC, assumptions=a, draws=draws, seed=seed, projection=projection,
        population=population, adult_share_from_census=nan, bloc_voters=voters, bloc_vote=voters, majority=majority,
        winner_votes=winner_votes, leverage=swing_lev, own_leverage=own_lev, seed_flag=lev.seed_flag(swing_lev),
        p_swing=p_swing, p_own=p_own, mp=mp, party=party, censuses=[], sources=sources_get(ids=seats.source_ids),
        p_swing_se=swing_se, p_own_se=own_se, majority_p10=sample.lead_quantiles[0.1],
        majority_p90=sample.lead_quantiles[0.9], p_win=sample.p_win[:, 0], criteria={}, cohesive_leverage=swing_lev,
        adult_share=nan, seat_error=seat_error, national_sd=national_sd, tails=tails,
        allocation_text="supporters' votes go to the trailing candidate" if supporters is not None else "",
        kind=kind, p_change=p_change, forecast=fc, poll_average=centre.poll_average, baseline=centre.baseline,
        no_polls_note=centre.no_polls_note,
        national_from_polls=from_polls,
    )


def _abbreviation(seats: SeatArrays, fc: Forecast, carrier: int) -> str:
    if carrier < 0:
        return ""
    if carrier < len(seats.carrier_abbreviations):
        return seats.carrier_abbreviations[carrier]
    return fc.carrier_names[carrier]


def _over(value: np.ndarray, majority: np.ndarray) -> np.ndarray:
    """1.0 where value > majority, 0.0 where not, NaN where no data."""
    value = np.asarray(value, dtype=np.float64)
    return np.where(np.isnan(value), np.nan, (value > majority).astype(np.float64))


def _largest(values: np.ndarray) -> str:
    """The largest figure of `values` ignoring NaN, to four places; "—" when every seat lacks data (no warning)."""
    finite = values[~np.isnan(values)]
    return f"{finite.max():.4f}" if finite.size else "—"
