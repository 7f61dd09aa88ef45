"""The next result as a distribution: a projected centre, a national error and a seat error estimated from history.

Model (after Gelman, Silver and Edlin 2012: a national error shared by every seat plus a seat-level error). For
candidacy c of carrier p in seat i, the share of valid votes next time is

    share_c = centre_c + national_p + seat_c,        votes_c = max(share_c, 0) × valid_i

* **centre**: the last result moved by the chosen projection (`swing.py`: none, uniform or proportional), by
  party carrier. Under uniform swing a carrier with a target share also gets a candidacy, from a share of zero,
  in seats of a nation where it stood somewhere but not in that seat (a party standing everywhere, like Reform UK
  in 2024, must not be missing where it stood down last time).
* **national_p** ~ Normal(0, `national_sd`): one draw per simulation, shared by every seat (the poll's error).
  An assumption, stated with every output; zero in backtests, which use the actual result as a perfect poll.
* **seat_c** ~ Normal(0, sd_c), independent across candidacies and seats, with
  sd_c = intercept + slope × |change of p's national share|. Both numbers are **estimated from the imported
  history** (`seat_error_estimate`): for each pair of consecutive elections on the same boundaries, each seat's
  change in a carrier's share minus the carrier's national change; the root mean square of those residuals per
  carrier and pair, regressed (weighted by seats) on the size of the national change. A larger national change
  brings a larger scatter about it, which is why 2024 needs wider intervals than 2019. The two leading parties'
  seat errors are negatively correlated (votes move from one to the other), which widens the margin between
  them; independent errors would miss that, so every sd is multiplied by √(1 − ρ) (ρ ≤ 0, the correlation of
  the leading pair's residuals in the same history): the margin's spread is then the one history shows.
* heavier tails (`tails="student-t"`): every seat error of one simulation is scaled by √w, w ~ ν/χ²_ν (ν = 4),
  one w per simulation: some elections are more volatile than others; each seat's error is then Student-t.

The majority interval and P(win) come from plain sampling of every modelled candidacy (`forecast_sample`), a few
thousand draws; P(pivotal) integrates the seat error exactly instead (`simulate.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np

from swingfund import caching
from swingfund.targeting.selectors import SeatArrays, elections_with_results, seat_arrays
from swingfund.targeting.swing import UNIFORM, national_shares, project, top_two

NATIONAL_SD = 0.02
"""Standard deviation of the national error of each carrier's share (2 points): roughly the final polls' error
on a main party's GB share at recent general elections (British Polling Council inquiry 2016; 2017–2024 final
polls). An assumption, shown with every forecast; set it to 0 to treat the shares as known."""
T_DEGREES = 4
TAILS = ("normal", "student-t")
MIN_NATIONAL_SHARE = 0.02  # carriers below 2 % nationally in both elections are left out of the estimate
MIN_INTERCEPT = 0.005
QUANTILES = (0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975)
SAMPLE_DRAWS = 4_000
SAMPLE_CANDIDATES = 5  # the leading candidacies by centre per seat that are sampled
NO_HISTORY = ("No pair of consecutive elections on the same boundaries{before} is imported, so the seat error "
              "cannot be estimated. Import at least two elections (e.g. the 2017 and 2019 results).")
BAD_TAILS = "Tails must be one of: normal, student-t (got {tails!r})."


@dataclass(frozen=True)
class PairChange:
    """One carrier in one pair of elections: its national change and the scatter of seats about it."""

    baseline: str
    target: str
    carrier: str
    national_change: float
    rms: float
    seats: int


@dataclass(frozen=True)
class SeatError:
    """sd of a candidacy's seat error = intercept + slope × |national change of its carrier| (shares, 0–1)."""

    intercept: float
    slope: float
    pooled: float
    rows: list[PairChange] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    user_set: bool = False
    margin_factor: float = 1.0  # √(1 − ρ): ρ the correlation of the two leading parties' seat errors in history

    def sd(self, change: np.ndarray | float) -> np.ndarray:
        return (self.intercept + self.slope * np.abs(np.asarray(change, dtype=np.float64))) * self.margin_factor

    @property
    def source(self) -> str:
        if self.user_set:
            return "set by the user"
        if not self.rows:
            return ("no two elections on the same boundaries are imported: swingfund's built-in estimate from the "
                    "2017 and 2019 House of Commons Library results")
        pairs = ", ".join(f"{a} → {b}" for a, b in self.pairs)
        return (f"estimated by swingfund from {sum(r.seats for r in self.rows):,} seat changes of "
                f"{len(self.rows)} party–pair rows in the imported results ({pairs}): each seat's change in a "
                "party's share minus its national (GB) change")

    def as_dict(self) -> dict[str, object]:
        return {
            "intercept": round(self.intercept, 5), "slope": round(self.slope, 5), "pooled_sd": round(self.pooled, 5),
            "margin_factor": round(self.margin_factor, 4),
            "formula": "sd = (intercept + slope × |national change of the party's share|) × margin_factor",
            "pairs": [f"{a}→{b}" for a, b in self.pairs], "source": self.source,
            "rows": [{"baseline": r.baseline, "target": r.target, "party": r.carrier,
                      "national_change": round(r.national_change, 4), "rms": round(r.rms, 4), "seats": r.seats}
                     for r in self.rows],
        }


def carrier_shares(seats: SeatArrays) -> tuple[dict[str, int], np.ndarray, np.ndarray, np.ndarray]:
    """(carrier → column, seat × carrier share matrix (NaN: did not stand), GB national shares, stood mask)."""
    n, k = len(seats), len(seats.carrier_names)
    valid = np.bincount(seats.cand_seat, weights=seats.cand_votes, minlength=n)
    has = seats.cand_carrier >= 0
    rows, cols = seats.cand_seat[has], seats.cand_carrier[has]
    summed = np.zeros((n, k))
    np.add.at(summed, (rows, cols), seats.cand_votes[has])
    stood = np.zeros((n, k), dtype=bool)
    stood[rows, cols] = True
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(stood, summed / valid[:, None], np.nan)
    national = national_shares(party=seats.cand_carrier, votes=seats.cand_votes, n_parties=k,
                               counted=seats.in_gb[seats.cand_seat])
    return {name: i for i, name in enumerate(seats.carrier_names)}, share, national, stood


def pair_changes(*, baseline: SeatArrays, target: SeatArrays) -> list[PairChange]:
    """Per carrier standing in both (≥ 2 % nationally in one of them): the RMS of seat change − national change."""
    col_b, share_b, nat_b, _ = carrier_shares(baseline)
    col_t, share_t, nat_t, _ = carrier_shares(target)
    index_t = {code: i for i, code in enumerate(target.codes)}
    pairs = [(i, index_t[c]) for i, c in enumerate(baseline.codes)
             if c in index_t and baseline.in_gb[i] and not baseline.speaker_seat[i]
             and not target.speaker_seat[index_t[c]]]
    rb = np.array([p[0] for p in pairs], dtype=np.int64)
    rt = np.array([p[1] for p in pairs], dtype=np.int64)
    out = []
    for carrier in sorted(set(col_b) & set(col_t)):
        b, t = col_b[carrier], col_t[carrier]
        if max(nat_b[b], nat_t[t]) < MIN_NATIONAL_SHARE:
            continue
        change = nat_t[t] - nat_b[b]
        resid = (share_t[rt, t] - share_b[rb, b]) - change
        resid = resid[~np.isnan(resid)]
        if resid.size >= 10:
            out.append(PairChange(baseline.election_id, target.election_id, carrier, float(change),
                                  float(np.sqrt(np.mean(resid ** 2))), int(resid.size)))
    return out


def leading_pair_residuals(*, baseline: SeatArrays, target: SeatArrays) -> np.ndarray:
    """Per GB seat: the residuals (seat change − national change) of the baseline's two leading carriers."""
    col_b, share_b, nat_b, _ = carrier_shares(baseline)
    col_t, share_t, nat_t, _ = carrier_shares(target)
    index_t = {code: i for i, code in enumerate(target.codes)}
    out = []
    for i, code in enumerate(baseline.codes):
        j = index_t.get(code)
        if j is None or not baseline.in_gb[i] or baseline.speaker_seat[i]:
            continue
        row = np.nan_to_num(share_b[i], nan=-1.0)
        first, second = np.argsort(-row)[:2]
        pair = []
        for b in (first, second):
            name = baseline.carrier_names[b]
            t = col_t.get(name)
            if t is None or np.isnan(share_t[j, t]) or row[b] < 0:
                break
            pair.append((share_t[j, t] - share_b[i, b]) - (nat_t[t] - nat_b[b]))
        if len(pair) == 2:
            out.append(pair)
    return np.array(out).reshape(-1, 2)


def history_pairs(*, before: date | None = None) -> list[tuple[str, str]]:
    """Consecutive elections with results on the same boundary set, the later one polled before `before`."""
    by_set: dict[str, list] = {}
    for e in sorted(elections_with_results(), key=lambda e: (e.poll_date, e.id)):
        by_set.setdefault(e.boundary_set, []).append(e)
    out = []
    for elections in by_set.values():
        for a, b in zip(elections, elections[1:], strict=False):
            if b.poll_date > a.poll_date and (before is None or b.poll_date < before):
                out.append((a.id, b.id))
    return sorted(out)


def seat_error_fit(rows: list[PairChange]) -> SeatError:
    """Weighted least squares of rms on |national change| (weights: seats); slope ≥ 0, intercept ≥ 0.5 point."""
    w = np.array([r.seats for r in rows], dtype=np.float64)
    x = np.abs(np.array([r.national_change for r in rows]))
    y = np.array([r.rms for r in rows])
    pooled = float(np.sqrt(np.sum(w * y ** 2) / np.sum(w)))
    intercept, slope = float(np.average(y, weights=w)), 0.0
    if np.unique(np.round(x, 6)).size >= 2:
        xm, ym = np.average(x, weights=w), np.average(y, weights=w)
        slope = float(np.sum(w * (x - xm) * (y - ym)) / np.sum(w * (x - xm) ** 2))
        slope = max(slope, 0.0)
        intercept = ym - slope * xm
    if intercept < MIN_INTERCEPT:
        intercept = MIN_INTERCEPT
    pairs = sorted({(r.baseline, r.target) for r in rows})
    return SeatError(intercept=float(intercept), slope=slope, pooled=pooled, rows=rows, pairs=pairs)


def seat_error_estimate(*, before: date | None = None) -> SeatError:
    """Estimate the seat error from every imported pair of consecutive elections (polled before `before`)."""
    rows: list[PairChange] = []
    leading = []
    for a, b in history_pairs(before=before):
        base, target = seat_arrays(election_id=a), seat_arrays(election_id=b)
        rows += pair_changes(baseline=base, target=target)
        leading.append(leading_pair_residuals(baseline=base, target=target))
    if not rows:
        raise ValueError(NO_HISTORY.format(before=f" before {before}" if before else ""))
    fit = seat_error_fit(rows)
    pairs = np.concatenate(leading)
    rho = float(np.mean(pairs[:, 0] * pairs[:, 1]) / np.sqrt(np.mean(pairs[:, 0] ** 2) * np.mean(pairs[:, 1] ** 2)))
    return replace(fit, margin_factor=float(np.sqrt(max(1.0 - min(rho, 0.0), 1.0))))


DEFAULT_SEAT_ERROR = SeatError(intercept=0.036, slope=0.10, pooled=0.042)
"""Used only when fewer than two elections on the same boundaries are imported: the estimate from the 2017 and
2019 House of Commons Library results (intercept 3.6 points, slope 0.10), as measured by `seat_error_estimate`."""


SEAT_ERROR_BAD = "Seat error must be INTERCEPT or INTERCEPT:SLOPE, non-negative shares (e.g. 0.04:0.1), got {text!r}."


def seat_error_parse(text: str | None) -> SeatError | None:
    """`0.04` or `0.04:0.1` → a user-set SeatError (None: estimate from history)."""
    if text is None or not text.strip():
        return None
    try:
        values = [float(v) for v in text.split(":")]
    except ValueError:
        raise ValueError(SEAT_ERROR_BAD.format(text=text)) from None
    if len(values) not in (1, 2) or any(v < 0 for v in values):
        raise ValueError(SEAT_ERROR_BAD.format(text=text))
    intercept, slope = values[0], (values[1] if len(values) == 2 else 0.0)
    return SeatError(intercept=intercept, slope=slope, pooled=intercept, user_set=True)


_CACHE: dict[tuple, SeatError] = {}


def seat_error_or_default(*, before: date | None = None) -> SeatError:
    """The estimate from imported history, or `DEFAULT_SEAT_ERROR` (its source says so) if there is none.

    Cached per process while the imported files are unchanged (the key is every data source's checksum and
    import time), so a page or a planner asking again does not re-read five elections."""
    from swingfund.elections.models import DataSource

    key = (before, tuple(DataSource.objects.order_by("id").values_list("id", "sha256", "imported_at")))
    if key not in _CACHE:
        try:
            _CACHE[key] = seat_error_estimate(before=before)
        except ValueError:
            _CACHE[key] = DEFAULT_SEAT_ERROR
    return _CACHE[key]


@dataclass(frozen=True)
class Forecast:
    """Centre and spread per candidacy (rows may include added zero-vote candidacies), results per seat."""

    seat: np.ndarray          # per row: seat index
    carrier: np.ndarray       # per row: carrier column (−1: none)
    centre: np.ndarray        # per row: share of valid votes (0–1)
    sd: np.ndarray            # per row: seat error sd (share)
    valid: np.ndarray         # per seat: valid votes (held from last time)
    winner: np.ndarray        # per seat: row of the projected winner
    runner_up: np.ndarray     # per seat: row of the projected runner-up (−1 if none)
    majority: np.ndarray      # per seat: projected winner − runner-up, votes
    change: np.ndarray        # per carrier: national change of the projection
    national_sd: float
    tails: str
    seat_error: SeatError
    frozen: np.ndarray        # per seat: kept out of swing (the Speaker's)
    names: list[str]          # per row: candidate name ('' for added rows)

    @property
    def n_seats(self) -> int:
        return self.valid.size


def forecast_build(
    *, seats: SeatArrays, targets: dict[int, float] | None, method: str | None, seat_error: SeatError,
    national_sd: float = NATIONAL_SD, tails: str = "normal", basis_gb: bool = True,
) -> Forecast:
    """The forecast distribution for every seat of `seats` (see the module docstring)."""
    if tails not in TAILS:
        raise ValueError(BAD_TAILS.format(tails=tails))
    n, k = len(seats), len(seats.carrier_names)
    seat, carrier, votes = seats.cand_seat, seats.cand_carrier, seats.cand_votes
    names = list(seats.cand_name)
    targets = targets or {}
    if targets and (method or UNIFORM) == UNIFORM:  # add candidacies for carriers standing afresh in a seat
        _, _, _, stood = carrier_shares(seats)
        nations = np.array(seats.nations)
        extra_seat, extra_carrier = [], []
        for p in targets:
            nation_stood = set(nations[stood[:, p]].tolist())
            missing = np.flatnonzero(~stood[:, p] & np.isin(nations, list(nation_stood)) & ~seats.speaker_seat)
            extra_seat += missing.tolist()
            extra_carrier += [p] * missing.size
        seat = np.concatenate([seat, np.array(extra_seat, dtype=np.int64)])
        carrier = np.concatenate([carrier, np.array(extra_carrier, dtype=np.int64)])
        votes = np.concatenate([votes, np.zeros(len(extra_seat))])
        names += [""] * len(extra_seat)
    last = national_shares(party=carrier, votes=votes, n_parties=k, counted=seats.in_gb[seat])
    valid = np.bincount(seat, weights=votes, minlength=n)
    if targets:
        proj = project(seat=seat, party=carrier, votes=votes, n_seats=n, n_parties=k, targets=targets,
                       method=method or UNIFORM, party_names=seats.carrier_abbreviations,
                       basis=seats.in_gb if basis_gb else None, frozen=seats.speaker_seat)
        new_votes = proj.votes
    else:
        new_votes = votes
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = np.where(valid[seat] > 0, new_votes / valid[seat], 0.0)
    change = np.zeros(k)
    for p, share in targets.items():
        change[p] = share - last[p]
    row_change = np.append(change, 0.0)[np.where(carrier >= 0, carrier, k)]  # no carrier (or none at all): 0
    sd = seat_error.sd(row_change)
    sd = np.where(seats.speaker_seat[seat], 0.0, sd)
    winner, runner_up = top_two(seat=seat, votes=new_votes, n_seats=n)
    wv = np.where(winner >= 0, new_votes[np.maximum(winner, 0)], 0.0)
    rv = np.where(runner_up >= 0, new_votes[np.maximum(runner_up, 0)], 0.0)
    return Forecast(seat=seat, carrier=carrier, centre=centre, sd=sd, valid=valid, winner=winner,
                    runner_up=runner_up, majority=wv - rv, change=change, national_sd=float(national_sd),
                    tails=tails, seat_error=seat_error, frozen=seats.speaker_seat.copy(), names=names)


def leading_rows(forecast: Forecast, count: int) -> np.ndarray:
    """Per seat, the rows of the `count` leading candidacies by centre share (−1 where fewer stood)."""
    n = forecast.n_seats
    order = np.lexsort((-forecast.centre, forecast.seat))
    sorted_seat = forecast.seat[order]
    first = np.searchsorted(sorted_seat, np.arange(n), side="left")
    end = np.searchsorted(sorted_seat, np.arange(n), side="right")
    out = np.full((n, count), -1, dtype=np.int64)
    for j in range(count):
        ok = first + j < end
        out[ok, j] = order[first[ok] + j]
    return out


@dataclass(frozen=True)
class Sample:
    """Brute-force draws of the leading candidacies: the lead of the projected winner and who wins."""

    rows: np.ndarray         # seats × SAMPLE_CANDIDATES rows (−1: none)
    lead_quantiles: dict[float, np.ndarray]   # quantile → per seat: projected winner − best other, votes
    p_win: np.ndarray        # seats × SAMPLE_CANDIDATES: share of draws each row wins
    draws: int


def _draw_scale(rng: np.random.Generator, tails: str, draws: int) -> np.ndarray:
    if tails == "student-t":
        return np.sqrt(T_DEGREES / rng.chisquare(T_DEGREES, size=draws))
    return np.ones(draws)


@caching.pure("forecast_sample")
def forecast_sample(forecast: Forecast, *, draws: int = SAMPLE_DRAWS, seed: int = 2024) -> Sample:
    """Sample every seat's leading candidacies (seat and national errors drawn) for intervals and P(win).

    One candidacy column at a time (seats × draws, float32), keeping only the running maxima, so memory stays at a
    few arrays of seats × draws whatever the number of candidacies sampled."""
    rng = np.random.default_rng(seed)
    rows = leading_rows(forecast, SAMPLE_CANDIDATES)
    k = forecast.change.size
    national = np.zeros((k + 1, draws), dtype=np.float32)
    national[:k] = rng.standard_normal(size=(k, draws), dtype=np.float32) * np.float32(forecast.national_sd)
    scale = _draw_scale(rng, forecast.tails, draws).astype(np.float32)[None, :]
    valid = forecast.valid.astype(np.float32)[:, None]
    n, columns = rows.shape
    lead = best_other = best = None
    best_col = np.zeros((n, draws), dtype=np.int8)
    for j in range(columns):
        present = rows[:, j] >= 0
        safe = np.maximum(rows[:, j], 0)
        carrier = np.where(present, forecast.carrier[safe], k)
        carrier = np.where(carrier < 0, k, carrier)
        votes = rng.standard_normal(size=(n, draws), dtype=np.float32)
        votes *= forecast.sd[safe].astype(np.float32)[:, None]
        votes *= scale
        votes += forecast.centre[safe].astype(np.float32)[:, None]
        votes += national[carrier]
        np.maximum(votes, 0, out=votes)
        votes *= valid
        votes[~present] = -1.0
        if j == 0:
            lead, best = votes, votes.copy()
            continue
        best_other = votes.copy() if best_other is None else np.maximum(best_other, votes, out=best_other)
        ahead = votes > best
        best_col[ahead] = j
        np.maximum(best, votes, out=best)
    lead = lead - best_other if best_other is not None else lead
    p_win = np.stack([(best_col == j).mean(axis=1) for j in range(columns)], axis=1)
    q = np.quantile(lead, QUANTILES, axis=1)
    return Sample(rows=rows, lead_quantiles={p: q[i].astype(np.float64) for i, p in enumerate(QUANTILES)},
                  p_win=p_win, draws=draws)
