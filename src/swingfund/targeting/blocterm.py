"""The bloc's own move in the forecast: a seat-level term in the bloc's share of the population.

When a bloc moves as a bloc (2024: Labour's seat residual fell 0.87 points per point of Muslim population share),
uniform or proportional projections miss it in exactly the seats a group cares about. This module estimates,
from the pairs of elections before the forecast (never the one forecast), how each party's projection miss
depends on the bloc's population share x of a seat:

    miss_c = b_p × (x_i − x̄) + …     (ordinary least squares per party and pair; x̄ the vote-weighted mean)

and gives the forecast a term shared by every seat: β_p × (x_i − x̄), with β_p ~ Normal(0, sd_p), sd_p the root mean
square of the pairs' b_p (so a bloc that has moved in one pair widens every later forecast in its seats; a single
pair's slope is its own spread). One β_p per party per simulation, shared by every seat: the seats of a bloc move
together. The centre is not moved by the mean slope: the slope has changed sign between pairs (Labour on the
Muslim share: +0.23 in 2015→2017, +0.25 in 2017→2019, −0.64 in 2019→2024), so its direction next time is not
known, only that it can be large; `BlocTerm.mean` is reported for reading, not used.

With no earlier pair on boundaries where the bloc's census
figures exist, there is no term, and the forecast says so (`BlocTerm.note`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from swingfund.targeting.bloc import Bloc

NO_PAIRS = ("no pair of elections before {before} has census figures for {bloc} on its boundaries, so the "
            "forecast has no bloc-linked term")
MIN_SEATS = 50


@dataclass(frozen=True)
class BlocTerm:
    """Per carrier name: the mean slope and its sd (share of votes per unit of population share)."""

    bloc: str
    mean: dict[str, float] = field(default_factory=dict)
    sd: dict[str, float] = field(default_factory=dict)
    slopes: list[dict[str, object]] = field(default_factory=list)   # per pair and party: the fitted slope
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"bloc": self.bloc, "mean": {k: round(v, 4) for k, v in self.mean.items()},
                "sd": {k: round(v, 4) for k, v in self.sd.items()}, "slopes": self.slopes, "note": self.note}


def bloc_share(*, seats, bloc: Bloc) -> np.ndarray:
    """Per seat of `seats`: the bloc's share of the whole population (NaN without census figures)."""
    from swingfund.targeting.selectors import bloc_population

    pop = bloc_population(seats=seats, bloc=bloc, default_adult_share=1.0).population
    everyone = bloc_population(seats=seats, bloc=Bloc(terms=(("population", "all"),)),
                               default_adult_share=1.0).population
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(everyone > 0, pop / everyone, np.nan)


def slope(miss: np.ndarray, x: np.ndarray, weight: np.ndarray) -> float:
    """Weighted least-squares slope of `miss` on `x`."""
    xm = np.average(x, weights=weight)
    ym = np.average(miss, weights=weight)
    return float(np.sum(weight * (x - xm) * (miss - ym)) / np.sum(weight * (x - xm) ** 2))


def bloc_term_estimate(*, bloc: Bloc, before: date | None, method: str) -> BlocTerm:
    """Fit the bloc-linked term on every imported pair of elections polled before `before` (see module doc)."""
    from swingfund.targeting.forecast import history_pairs, pair_residuals
    from swingfund.targeting.selectors import seat_arrays

    rows: list[dict[str, object]] = []
    by_party: dict[str, list[float]] = {}
    for a, b in history_pairs(before=before):
        base = seat_arrays(election_id=a)
        x = bloc_share(seats=base, bloc=bloc)
        if np.isfinite(x).sum() < MIN_SEATS:
            continue
        res = pair_residuals(baseline=base, target=seat_arrays(election_id=b), method=method)
        for party, (_, miss, _) in sorted(res.residuals.items()):
            idx = res.seats[party]
            ok = np.isfinite(x[idx])
            if ok.sum() < MIN_SEATS:
                continue
            b_p = slope(miss[ok], x[idx][ok], base.valid_votes[idx][ok])
            rows.append({"pair": f"{a}→{b}", "party": party, "slope": round(b_p, 4), "seats": int(ok.sum())})
            by_party.setdefault(party, []).append(b_p)
    if not rows:
        return BlocTerm(bloc=str(bloc), note=NO_PAIRS.format(before=before or "today", bloc=bloc))
    mean = {p: float(np.mean(v)) for p, v in by_party.items()}
    sd = {p: float(np.sqrt(np.mean(np.square(v)))) for p, v in by_party.items()}
    pairs = sorted({str(r["pair"]) for r in rows})
    return BlocTerm(bloc=str(bloc), mean=mean, sd=sd, slopes=rows,
                    note=f"estimated from {len(pairs)} earlier pair(s): {', '.join(pairs)}")


_CACHE: dict[tuple, BlocTerm] = {}


def bloc_term_cached(*, bloc: Bloc, last_poll: date, method: str) -> BlocTerm:
    """`bloc_term_estimate` for a forecast made after the election polled on `last_poll` (every pair whose later
    election is no later than it), cached per process while the imported files are unchanged."""
    from datetime import timedelta

    from swingfund.elections.models import DataSource

    key = (str(bloc), last_poll, method,
           tuple(DataSource.objects.order_by("id").values_list("id", "sha256", "imported_at")))
    if key not in _CACHE:
        _CACHE[key] = bloc_term_estimate(bloc=bloc, before=last_poll + timedelta(days=1), method=method)
    return _CACHE[key]
