"""The next result as a distribution: a projected centre, and national, regional, bloc-linked and seat errors.

Model (after Gelman, Silver and Edlin 2012: errors shared by every seat plus a seat-level error; The Economist's
model: correlated errors, every setting backtested). For candidacy c of carrier p in seat i of region r,

    share_c = centre_c + national_p + √w (regional_rp + type_tp + seat_c) + β_p × (x_i − x̄),
    votes_c = max(share_c, 0) × valid_i

* **centre**: the last result projected by nation to the shares asked (`projection.projection_by_nation`; method
  `DEFAULT_METHOD` unless given; they land exactly; a party new to a seat enters by the stated rule), or the
  last result itself when no shares are given.
* **national_p**: one draw per simulation, shared by every seat: correlated between parties by `national_cov`
  (the final polls' historical error, `polling_error.national_error_covariance`), else Normal(0, `national_sd`)
  independently. Zero in backtests, which use the actual result as a perfect poll.
* **seat error**, sd_c = (intercept + slope × |change of p's national share|) × margin_factor, **estimated from
  the imported history** (`seat_error_estimate`): for each pair of consecutive elections on the same boundaries,
  the later one is projected from the earlier with its own actual shares by nation, and each seat's miss (actual
  share − projected share) is measured; the root mean square per carrier and pair is regressed (weighted by seats)
  on the size of the national change. The two leading parties' misses are negatively correlated, which widens
  the margin between them: every sd is multiplied by √(1 − ρ) (ρ ≤ 0, their correlation in the same history).
* **regional_rp**: a part `region_share` of that variance (one-way analysis of variance of the misses by region,
  in the same history) is drawn once per region, party and simulation and shared by the region's seats.
* **type_tp**: a part `type_share` (the same analysis of what the region leaves, by the seat's type t at the last
  result: its winning and second parties, `seat_types`) is drawn once per type, party and simulation and shared by
  every seat of that type, whatever its region: tactical voting and squeezes move a type's seats together. From
  every imported pair the type takes 23 % of the variance and the region 14 %; from the pairs before 2024, 17 %
  each. Whether to draw it at all is a setting chosen on earlier pairs (`DEFAULT_SHARED`).
  The seat's own part, seat_c ~ Normal(0, sd_c × √(1 − region_share − type_share)), is independent.
* **β_p × (x_i − x̄)**: the bloc's own move (`blocterm.py`), only with a census bloc: x the bloc's population
  share of the seat; β_p drawn once per party and simulation, from the slopes fitted on the earlier pairs.
* heavier tails (`tails="student-t"`): the regional, type and seat errors of one simulation are all scaled by √w,
  w ~ ν/χ²_ν (ν = 4), one w per simulation: some elections scatter seats about the national result more than
  others, in every part of that scatter at once, so these errors are jointly Student-t (w = 1 with normal tails).
  The national error (the polls' record) and the bloc-linked slope are not scaled.

The majority interval, P(win) and the number of seats won come from plain sampling of every modelled candidacy
(`forecast_sample`, a few thousand draws, every shared error shared); P(pivotal) integrates the seat error exactly
instead (`simulate.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np

from swingfund import caching
from swingfund.targeting.projection import (
    GB,
    GB_NATIONS,
    PROPORTIONAL_LOSSES,
    UK,
    ProjectionByNation,
    projection_by_nation,
)
from swingfund.targeting.selectors import SeatArrays, elections_with_results, seat_arrays
from swingfund.targeting.swing import national_shares, top_two

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
DEFAULT_METHOD = PROPORTIONAL_LOSSES
"""The projection of a forward forecast: what `backtest.settings_choose` picks over every imported pair (2015→2017,
2017→2019 and 2019 notional→2024: proportional losses with Student-t tails, lowest mean Brier score; the
backtest of each target chooses again from the pairs before it). A test checks the two agree (see
`DEFAULT_SHARED`)."""
DEFAULT_TAILS = "student-t"
"""Tails of a forward forecast, chosen the same way as `DEFAULT_METHOD`."""
REGION = "region"
REGION_AND_TYPE = "region+type"
SHARED = (REGION, REGION_AND_TYPE)
SHARED_WORDS = {REGION: "region", REGION_AND_TYPE: "region and seat type"}
DEFAULT_SHARED = REGION_AND_TYPE
"""The errors that seats share in a forward forecast (besides the national one): by region, or by region and by
seat type (`seat_types`). What `backtest.settings_choose` picks over every imported pair by the score of the
region–party seat counts (each pair forecast with the other pairs' seat error; mean CRPS 1.772 seats with the type
part against 1.785 without: the 2019 notional→2024 pair wants it, 3.23 against 3.36, the two earlier pairs do not);
the backtest of each target chooses again from the pairs before it (2024 and 2019: by region only).
`tests/targeting/test_backtest_v3.py` checks that the three defaults are what the choice over every pair gives."""
SHARED_BAD = "Shared errors must be one of: region, region+type (got {shared!r})."
NATIONAL_COV_BAD = "National error covariance must be a symmetric positive semi-definite {n}×{n} matrix."


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
    region_share: float = 0.0   # the share of the seat error's variance that a region's seats share (history)
    type_share: float = 0.0     # the share that seats of the same type (last result's leader and runner-up) share
    method: str = DEFAULT_METHOD  # the projection whose misses were measured

    def sd(self, change: np.ndarray | float) -> np.ndarray:
        return (self.intercept + self.slope * np.abs(np.asarray(change, dtype=np.float64))) * self.margin_factor

    @property
    def shared(self) -> str:
        """Which errors seats share besides the national one (`SHARED`): by region, or by region and seat type."""
        return REGION_AND_TYPE if self.type_share > 0 else REGION

    @property
    def shared_words(self) -> str:
        return SHARED_WORDS[self.shared]

    def type_text(self) -> str:
        """", and 17 % by the seats of a type (…)" when seats of one type share a part, else nothing."""
        if self.type_share <= 0:
            return ""
        return f" and {self.type_share:.0%} by the seats of a type (the last result's first and second parties)"

    @property
    def source(self) -> str:
        if self.user_set:
            return "set by the user"
        if not self.rows:
            return ("no two elections on the same boundaries are imported: swingfund's built-in estimate from the "
                    "2017 and 2019 House of Commons Library results")
        pairs = ", ".join(f"{a} → {b}" for a, b in self.pairs)
        return (f"estimated by swingfund from {sum(r.seats for r in self.rows):,} seat results of "
                f"{len(self.rows)} party–pair rows in the imported results ({pairs}): each seat's actual share "
                f"minus its {self.method} projection given the actual shares by nation")

    def as_dict(self) -> dict[str, object]:
        return {
            "intercept": round(self.intercept, 5), "slope": round(self.slope, 5), "pooled_sd": round(self.pooled, 5),
            "margin_factor": round(self.margin_factor, 4), "region_share": round(self.region_share, 4),
            "type_share": round(self.type_share, 4), "projection": self.method,
            "formula": ("sd = (intercept + slope × |national change of the party's share|) × margin_factor; a share "
                        "region_share of its variance is shared by every seat of the region, and a share type_share "
                        "by every seat of the same type (the last result's winning and second parties)"),
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


def actual_shares_by_nation(target: SeatArrays, *,
                            min_share: float = MIN_NATIONAL_SHARE) -> dict[str, dict[str, float]]:
    """The target's actual shares in each GB nation (E, W, S), for every carrier with at least `min_share` there:
    the perfect poll of a backtest, in the form `projection.projection_by_nation` takes."""
    nations = np.array(target.nations)
    valid = np.bincount(target.cand_seat, weights=target.cand_votes, minlength=len(target))
    out: dict[str, dict[str, float]] = {}
    for nation in GB_NATIONS:
        seats_in = (nations == nation) & ~target.speaker_seat
        if not seats_in.any():
            continue
        rows = seats_in[target.cand_seat] & (target.cand_carrier >= 0)
        totals = np.bincount(target.cand_carrier[rows], weights=target.cand_votes[rows],
                             minlength=len(target.carrier_names)) / valid[seats_in].sum()
        out[nation] = {target.carrier_names[c]: float(totals[c]) for c in np.flatnonzero(totals >= min_share)}
    return out


@dataclass(frozen=True)
class PairResiduals:
    """One pair of elections projected with a perfect poll: per carrier, each GB seat's actual share minus its
    projected share, the seats' regions, and the carrier's GB change."""

    baseline: str
    target: str
    residuals: dict[str, tuple[float, np.ndarray, np.ndarray]]   # carrier → (GB change, residuals, region labels)
    leading: np.ndarray    # seats × 2: residuals of each seat's two projected leaders
    seats: dict[str, np.ndarray] = field(default_factory=dict)   # carrier → baseline seat index of each residual


def pair_residuals(*, baseline: SeatArrays, target: SeatArrays, method: str = DEFAULT_METHOD) -> PairResiduals:
    """Project `target` from `baseline` with the target's own shares by nation (`method`), and measure the misses."""
    proj = projection_by_nation(seats=baseline, shares_by_nation=actual_shares_by_nation(target), method=method)
    n = len(baseline)
    kp = len(proj.carrier_names)
    projected = np.full((n, kp), np.nan)
    has = proj.carrier >= 0
    projected[proj.seat[has], proj.carrier[has]] = 0.0
    np.add.at(projected, (proj.seat[has], proj.carrier[has]), proj.votes[has] / proj.valid[proj.seat[has]])
    col_t, share_t, nat_t, _ = carrier_shares(target)
    _, _, nat_b, _ = carrier_shares(baseline)
    col_b = {name: i for i, name in enumerate(baseline.carrier_names)}
    index_t = {code: i for i, code in enumerate(target.codes)}
    pairs = [(i, index_t[c]) for i, c in enumerate(baseline.codes)
             if c in index_t and baseline.in_gb[i] and not baseline.speaker_seat[i]
             and not target.speaker_seat[index_t[c]]]
    rb = np.array([p[0] for p in pairs], dtype=np.int64)
    rt = np.array([p[1] for p in pairs], dtype=np.int64)
    regions = np.array(baseline.regions, dtype=object)
    out: dict[str, tuple[float, np.ndarray, np.ndarray]] = {}
    where: dict[str, np.ndarray] = {}
    resid_matrix = np.full((rb.size, kp), np.nan)
    for pc, name in enumerate(proj.carrier_names):
        t = col_t.get(name)
        if t is None:
            continue
        b = col_b.get(name)
        last = nat_b[b] if b is not None else 0.0
        if max(last, nat_t[t]) < MIN_NATIONAL_SHARE:
            continue
        resid = share_t[rt, t] - projected[rb, pc]
        resid_matrix[:, pc] = resid
        ok = ~np.isnan(resid)
        if ok.sum() >= 10:
            out[name] = (float(nat_t[t] - last), resid[ok], regions[rb[ok]])
            where[name] = rb[ok]
    lead = []
    for row_i, i in enumerate(rb):
        order = np.argsort(-np.nan_to_num(projected[i], nan=-1.0))[:2]
        r = resid_matrix[row_i, order]
        if not np.isnan(r).any():
            lead.append(r)
    return PairResiduals(baseline.election_id, target.election_id, out, np.array(lead).reshape(-1, 2), where)


def pair_changes(*, baseline: SeatArrays, target: SeatArrays, method: str = DEFAULT_METHOD) -> list[PairChange]:
    """Per carrier of one pair: its GB change and the RMS of its seats' misses under the `method` projection."""
    res = pair_residuals(baseline=baseline, target=target, method=method)
    return [PairChange(baseline.election_id, target.election_id, carrier, change,
                       float(np.sqrt(np.mean(resid ** 2))), int(resid.size))
            for carrier, (change, resid, _) in sorted(res.residuals.items())]


def region_variance_share(resid: np.ndarray, regions: np.ndarray) -> tuple[float, float]:
    """(between-region variance component, within-region variance) of one carrier's residuals: one-way ANOVA
    (method of moments), so the noise of each region's mean is not mistaken for a regional effect."""
    labels, inv = np.unique(regions.astype(str), return_inverse=True)
    r, big_n = labels.size, resid.size
    if r < 2 or big_n <= r:
        return 0.0, float(np.var(resid))
    counts = np.bincount(inv)
    means = np.bincount(inv, weights=resid) / counts
    grand = resid.mean()
    msb = float(np.sum(counts * (means - grand) ** 2) / (r - 1))
    msw = float(np.sum((resid - means[inv]) ** 2) / (big_n - r))
    n0 = (big_n - np.sum(counts ** 2) / big_n) / (r - 1)
    return max((msb - msw) / n0, 0.0), msw


def seat_types(seats: SeatArrays) -> np.ndarray:
    """Per seat, its type at the last result: the winning and the second carriers ("Labour > Conservative"; a
    candidacy of no carrier counts as "other"). Seats of one type share part of the seat error (`SeatError.type_share`):
    tactical voting and squeezes move a type's seats together (a Conservative–Labour marginal, a Liberal Democrat
    seat with the Conservatives second). A type of a few seats is kept as it is: the analysis of variance that
    measures the types' share allows for the noise of small types' means, and pooling unlike seats would claim
    that they move together."""
    n = len(seats)
    order = np.lexsort((-seats.cand_votes, seats.cand_seat))
    first = np.searchsorted(seats.cand_seat[order], np.arange(n), side="left")
    end = np.searchsorted(seats.cand_seat[order], np.arange(n), side="right")
    names = list(seats.carrier_names)

    def name(row: int) -> str:
        c = int(seats.cand_carrier[row])
        return names[c] if c >= 0 else "other"

    out = [" > ".join(name(int(order[j])) for j in range(first[i], min(first[i] + 2, end[i]))) for i in range(n)]
    return np.array(out, dtype=object)


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


def seat_error_estimate(*, before: date | None = None, method: str = DEFAULT_METHOD,
                        exclude: tuple[tuple[str, str], ...] = (), shared: str = DEFAULT_SHARED) -> SeatError:
    """Estimate the seat error from every imported pair of consecutive elections (the later one polled before
    `before`; pairs in `exclude` left out): the misses of the `method` projection given each pair's actual shares.
    `shared` (`SHARED`): whether seats of one type share a part (`type_share`), or only seats of one region."""
    if shared not in SHARED:
        raise ValueError(SHARED_BAD.format(shared=shared))
    rows: list[PairChange] = []
    leading, between, between_type, total = [], 0.0, 0.0, 0.0
    for a, b in history_pairs(before=before):
        if (a, b) in exclude:
            continue
        baseline = seat_arrays(election_id=a)
        res = pair_residuals(baseline=baseline, target=seat_arrays(election_id=b), method=method)
        types = seat_types(baseline)
        for carrier, (change, resid, regions) in sorted(res.residuals.items()):
            rows.append(PairChange(a, b, carrier, change, float(np.sqrt(np.mean(resid ** 2))), int(resid.size)))
            sb, sw = region_variance_share(resid, regions)
            between += sb * resid.size
            total += (sb + sw) * resid.size
            if shared == REGION_AND_TYPE:
                # the type's part, of what the region leaves: each seat's miss less its region's mean
                _, inv = np.unique(regions.astype(str), return_inverse=True)
                within = resid - (np.bincount(inv, weights=resid) / np.bincount(inv))[inv]
                st, _ = region_variance_share(within, types[res.seats[carrier]])
                between_type += st * resid.size
        leading.append(res.leading)
    if not rows:
        raise ValueError(NO_HISTORY.format(before=f" before {before}" if before else ""))
    fit = seat_error_fit(rows)
    pairs = np.concatenate(leading)
    rho = float(np.mean(pairs[:, 0] * pairs[:, 1]) / np.sqrt(np.mean(pairs[:, 0] ** 2) * np.mean(pairs[:, 1] ** 2)))
    region_share = float(between / total) if total > 0 else 0.0
    type_share = min(float(between_type / total), 1.0 - region_share) if total > 0 else 0.0
    return replace(fit, margin_factor=float(np.sqrt(max(1.0 - min(rho, 0.0), 1.0))),
                   region_share=region_share, type_share=type_share, method=method)


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


def seat_error_or_default(*, before: date | None = None, method: str = DEFAULT_METHOD) -> SeatError:
    """The estimate from imported history, or `DEFAULT_SEAT_ERROR` (its source says so) if there is none.

    Cached per process while the imported files are unchanged (the key is every data source's checksum and
    import time), so a page or a planner asking again does not re-read five elections."""
    from swingfund.elections.models import DataSource

    key = (before, method, tuple(DataSource.objects.order_by("id").values_list("id", "sha256", "imported_at")))
    if key not in _CACHE:
        try:
            _CACHE[key] = seat_error_estimate(before=before, method=method)
        except ValueError:
            _CACHE[key] = DEFAULT_SEAT_ERROR
    return _CACHE[key]


@dataclass(frozen=True)
class Forecast:
    """Centre and spread per candidacy (rows may include added candidacies), results per seat."""

    seat: np.ndarray          # per row: seat index
    carrier: np.ndarray       # per row: carrier column (−1: none)
    centre: np.ndarray        # per row: share of valid votes (0–1)
    sd: np.ndarray            # per row: the seat's own error sd (share), after the regional part is taken out
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
    region: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))   # per seat: region index
    region_sd: np.ndarray = field(default_factory=lambda: np.zeros(0))   # per carrier: sd of the regional error
    seat_type: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))   # per seat: type index
    type_sd: np.ndarray = field(default_factory=lambda: np.zeros(0))     # per carrier: sd of the seat type's error
    national_cov: np.ndarray | None = None   # carriers × carriers, or None: independent, `national_sd` each
    projection: ProjectionByNation | None = None
    carrier_names: list[str] = field(default_factory=list)
    bloc_x: np.ndarray | None = None    # per seat: bloc population share minus its vote-weighted mean (0: no data)
    bloc_sd: np.ndarray | None = None   # per carrier: sd of the shared bloc-linked slope β_p (`blocterm.py`)
    bloc_note: str = ""

    @property
    def n_seats(self) -> int:
        return self.valid.size


def _cov_for(carriers: list[str], abbreviations: list[str], national_cov, national_sd: float) -> np.ndarray | None:
    """The carriers × carriers national covariance from `(parties, matrix)`: parties named in it take its rows;
    the others are independent with `national_sd`."""
    if national_cov is None:
        return None
    parties, matrix = national_cov
    matrix = np.asarray(matrix, dtype=np.float64)
    m = len(parties)
    if matrix.shape != (m, m) or not np.allclose(matrix, matrix.T) or np.linalg.eigvalsh(matrix).min() < -1e-12:
        raise ValueError(NATIONAL_COV_BAD.format(n=m))
    k = len(carriers)
    cov = np.eye(k) * national_sd ** 2
    where = {}
    for i, (name, abbr) in enumerate(zip(carriers, abbreviations, strict=True)):
        for j, p in enumerate(parties):
            if p.lower() in (name.lower(), abbr.lower()):
                where[i] = j
    for i, j in where.items():
        for i2, j2 in where.items():
            cov[i, i2] = matrix[j, j2]
    return cov


def forecast_build(
    *, seats: SeatArrays, targets: dict[int, float] | None = None, method: str | None = None,
    seat_error: SeatError, national_sd: float = NATIONAL_SD, tails: str = "normal", basis_gb: bool = True,
    shares_by_nation: dict[str, dict[str, float]] | None = None,
    national_cov: tuple[list[str], np.ndarray] | None = None, bloc_share: np.ndarray | None = None,
    bloc_term=None,
) -> Forecast:
    """The forecast distribution for every seat of `seats` (see the module docstring).

    The centre: `shares_by_nation` (`projection.projection_by_nation`'s argument), or `targets` (carrier column →
    share over GB, or the UK when `basis_gb` is False), projected by `method` (default `DEFAULT_METHOD`); neither:
    the last result. `national_cov`: `(parties, covariance)` of the parties' national errors (shares²), e.g.
    `polling_error.national_error_covariance(parties)`; parties not named in it get `national_sd`, independent.
    `bloc_share` (per seat, the bloc's population share) with `bloc_term` (`blocterm.BlocTerm`) adds the bloc's own
    move: a slope β_p ~ Normal(0, sd_p), one per party per simulation, adds β_p × (x_i − x̄) to every seat of the
    party (x̄ the vote-weighted mean of x). The centre is not moved (see `blocterm`)."""
    if tails not in TAILS:
        raise ValueError(BAD_TAILS.format(tails=tails))
    n = len(seats)
    if targets and not shares_by_nation:
        shares_by_nation = {GB if basis_gb else UK: {seats.carrier_names[p]: v for p, v in targets.items()}}
    projection = None
    if shares_by_nation:
        projection = projection_by_nation(seats=seats, shares_by_nation=shares_by_nation,
                                          method=method or DEFAULT_METHOD)
        seat, carrier, new_votes, names = projection.seat, projection.carrier, projection.votes, projection.names
        carrier_names = projection.carrier_names
    else:
        seat, carrier, new_votes = seats.cand_seat, seats.cand_carrier, seats.cand_votes
        names, carrier_names = list(seats.cand_name), list(seats.carrier_names)
    k = len(carrier_names)
    abbreviations = list(seats.carrier_abbreviations) + carrier_names[len(seats.carrier_names):]
    valid = np.bincount(seats.cand_seat, weights=seats.cand_votes, minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = np.where(valid[seat] > 0, new_votes / valid[seat], 0.0)
    # each carrier's change: its projected minus its last share over the seats that moved (GB, or the UK)
    basis = seats.in_gb if basis_gb else np.ones(n, dtype=bool)
    last = national_shares(party=seats.cand_carrier, votes=seats.cand_votes, n_parties=len(seats.carrier_names),
                           counted=basis[seats.cand_seat])
    now = national_shares(party=carrier, votes=new_votes, n_parties=k, counted=basis[seat])
    change = now - np.concatenate([last, np.zeros(k - last.size)])
    row_change = np.append(change, 0.0)[np.where(carrier >= 0, carrier, k)]  # no carrier: 0
    total_sd = seat_error.sd(row_change)
    total_sd = np.where(seats.speaker_seat[seat], 0.0, total_sd)
    lam = min(max(seat_error.region_share, 0.0), 1.0)
    tau = min(max(seat_error.type_share, 0.0), 1.0 - lam)
    sd = total_sd * np.sqrt(1.0 - lam - tau)
    region_sd = seat_error.sd(change) * np.sqrt(lam)
    type_sd = seat_error.sd(change) * np.sqrt(tau)
    region_names = sorted(set(seats.regions))
    region = np.array([region_names.index(r) for r in seats.regions], dtype=np.int64)
    type_names, seat_type = np.unique(seat_types(seats).astype(str), return_inverse=True)
    bloc_x = bloc_sd = None
    bloc_note = ""
    if bloc_share is not None and bloc_term is not None:
        x = np.asarray(bloc_share, dtype=np.float64)
        ok = np.isfinite(x) & ~seats.speaker_seat
        x_bar = np.average(x[ok], weights=valid[ok]) if ok.any() else 0.0
        bloc_x = np.where(ok, x - x_bar, 0.0)
        bloc_sd = np.array([bloc_term.sd.get(c, 0.0) for c in carrier_names])
        bloc_note = bloc_term.note
    winner, runner_up = top_two(seat=seat, votes=new_votes, n_seats=n)
    wv = np.where(winner >= 0, new_votes[np.maximum(winner, 0)], 0.0)
    rv = np.where(runner_up >= 0, new_votes[np.maximum(runner_up, 0)], 0.0)
    return Forecast(seat=seat, carrier=carrier, centre=centre, sd=sd, valid=valid, winner=winner,
                    runner_up=runner_up, majority=wv - rv, change=change, national_sd=float(national_sd),
                    tails=tails, seat_error=seat_error, frozen=seats.speaker_seat.copy(), names=names,
                    region=region, region_sd=region_sd, seat_type=seat_type.astype(np.int64), type_sd=type_sd,
                    national_cov=_cov_for(carrier_names, abbreviations, national_cov, national_sd),
                    projection=projection, carrier_names=carrier_names, bloc_x=bloc_x, bloc_sd=bloc_sd,
                    bloc_note=bloc_note)


def forecast_subset(forecast: Forecast, seats: np.ndarray) -> tuple[Forecast, np.ndarray]:
    """The forecast of some seats only (their order as given), and per kept row its row in `forecast`: for
    sampling a few seats with many draws. Marginal probabilities are those of the full forecast."""
    seats = np.asarray(seats, dtype=np.int64)
    new_index = np.full(forecast.n_seats, -1, dtype=np.int64)
    new_index[seats] = np.arange(seats.size)
    keep = np.flatnonzero(new_index[forecast.seat] >= 0)
    seat = new_index[forecast.seat[keep]]
    votes = forecast.centre[keep] * forecast.valid[seats][seat]
    winner, runner_up = top_two(seat=seat, votes=votes, n_seats=seats.size)
    return replace(
        forecast, seat=seat, carrier=forecast.carrier[keep], centre=forecast.centre[keep], sd=forecast.sd[keep],
        valid=forecast.valid[seats], winner=winner, runner_up=runner_up, majority=forecast.majority[seats],
        frozen=forecast.frozen[seats], names=[forecast.names[r] for r in keep],
        region=forecast.region[seats] if forecast.region.size else forecast.region,
        seat_type=forecast.seat_type[seats] if forecast.seat_type.size else forecast.seat_type,
        bloc_x=None if forecast.bloc_x is None else forecast.bloc_x[seats]), keep


def bloc_draws(forecast: Forecast, rng: np.random.Generator, draws: int) -> np.ndarray | None:
    """(carriers + 1) × draws float32: each party's bloc-linked slope β_p per simulation (last row zero, for rows
    of no party); None without a bloc term."""
    if forecast.bloc_sd is None or not np.any(forecast.bloc_sd > 0):
        return None
    k = forecast.bloc_sd.size
    beta = np.zeros((k + 1, draws), dtype=np.float32)
    used = np.flatnonzero(forecast.bloc_sd > 0)
    beta[used] = rng.standard_normal(size=(used.size, draws), dtype=np.float32)
    beta[used] *= forecast.bloc_sd[used].astype(np.float32)[:, None]
    return beta


def shared_offsets(forecast: Forecast, rng: np.random.Generator, draws: int, rows: np.ndarray,
                   scale: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The errors that seats share, per simulation: (offsets (G + 1) × draws float32, per entry of `rows` the offset
    row it takes; the last offset row is zero, for rows of no party or no candidacy).

    Offset of (region r, seat type t, carrier p) = national_p + √w (region_sd_p × z_rp + type_sd_p × z_tp): one
    national draw per carrier (correlated by `national_cov`, else independent with `national_sd`), one regional
    draw per region and carrier, one draw per seat type and carrier; √w is `scale` (per draw; None: 1)."""
    k = max(forecast.change.size, 1)
    safe = np.maximum(rows, 0)
    car = np.where(rows >= 0, forecast.carrier[safe], -1)
    live = car >= 0
    reg = forecast.region[forecast.seat[safe]] if forecast.region.size else np.zeros(rows.shape, dtype=np.int64)
    with_type = bool(forecast.seat_type.size and forecast.type_sd.size and np.any(forecast.type_sd > 0))
    typ = forecast.seat_type[forecast.seat[safe]] if with_type else np.zeros(rows.shape, dtype=np.int64)
    n_types = int(typ.max()) + 1 if typ.size else 1
    code = np.where(live, (reg * n_types + typ) * k + np.maximum(car, 0), -1)
    uniq, inv = np.unique(code[live], return_inverse=True)
    offsets = np.zeros((uniq.size + 1, draws), dtype=np.float32)
    u_car = uniq % k
    u_reg, u_typ = (uniq // k) // n_types, (uniq // k) % n_types
    used = np.unique(u_car)
    if forecast.national_cov is not None:
        cov = forecast.national_cov[np.ix_(used, used)]
        vals, vecs = np.linalg.eigh(cov)
        root = vecs * np.sqrt(np.clip(vals, 0, None))
        nat = (root @ rng.standard_normal(size=(used.size, draws))).astype(np.float32)
    elif forecast.national_sd > 0:
        nat = rng.standard_normal(size=(used.size, draws), dtype=np.float32) * np.float32(forecast.national_sd)
    else:
        nat = np.zeros((used.size, draws), dtype=np.float32)
    rsd = forecast.region_sd[u_car] if forecast.region_sd.size else np.zeros(u_car.size)
    if np.any(rsd > 0):
        _shared_into(offsets, rng, u_reg * k + u_car, rsd, draws)
    if with_type:
        _shared_into(offsets, rng, u_typ * k + u_car, forecast.type_sd[u_car], draws)
    if scale is not None:
        offsets *= np.asarray(scale, dtype=np.float32).reshape(1, -1)
    for row, n_row in enumerate(np.searchsorted(used, u_car).tolist()):
        offsets[row] += nat[n_row]
    key = np.full(rows.shape, uniq.size, dtype=np.int64)
    key[live] = inv
    return offsets, key


def _shared_into(offsets: np.ndarray, rng: np.random.Generator, group: np.ndarray, sd: np.ndarray,
                 draws: int) -> None:
    """Add to each offset row sd × z, one standard normal z per distinct `group` value (rows of one group share it);
    a few dozen rows at a time, so no temporary is as large as the offsets."""
    groups, which = np.unique(group, return_inverse=True)
    z = rng.standard_normal(size=(groups.size, draws), dtype=np.float32)
    sd32 = sd.astype(np.float32)[:, None]
    step = 32
    buffer = np.empty((min(step, which.size), draws), dtype=np.float32)
    for start in range(0, which.size, step):
        part = buffer[: min(step, which.size - start)]
        np.take(z, which[start:start + step], axis=0, out=part)
        part *= sd32[start:start + step]
        offsets[start:start + part.shape[0]] += part


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
    best_col: np.ndarray | None = None   # seats × draws: the column of `rows` that wins each draw (int8)
    votes: np.ndarray | None = None      # SAMPLE_CANDIDATES × seats × draws float32 votes (`keep_votes`; −1: none)

    def winner_carrier(self, forecast: Forecast) -> np.ndarray:
        """seats × draws: the carrier column of each draw's winner (−1: no party)."""
        car = np.where(self.rows >= 0, forecast.carrier[np.maximum(self.rows, 0)], -1)
        return np.take_along_axis(car, self.best_col.astype(np.int64), axis=1)

    def margin_draws(self, column: int) -> np.ndarray:
        """seats × draws: votes of the candidacy in `rows[:, column]` minus the best of the others (`keep_votes`).

        This is what the planner needs: P(that candidacy wins with x more votes) = mean(margin + x > 0)."""
        others = np.delete(self.votes, column, axis=0).max(axis=0)
        return self.votes[column] - others


def _draw_scale(rng: np.random.Generator, tails: str, draws: int) -> np.ndarray:
    if tails == "student-t":
        return np.sqrt(T_DEGREES / rng.chisquare(T_DEGREES, size=draws))
    return np.ones(draws)


@caching.pure("forecast_sample", skip_if=("keep_votes",))
def forecast_sample(forecast: Forecast, *, draws: int = SAMPLE_DRAWS, seed: int = 2024,
                    keep_votes: bool = False) -> Sample:
    """Sample every seat's leading candidacies (every error drawn) for intervals and P(win).

    Every seat of one draw shares that draw's national, regional and seat-type errors and its volatility, so counts
    of seats across a region or a group's backed seats (`Sample.best_col`, `Sample.winner_carrier`) carry the
    correlation. With `keep_votes` the
    per-candidacy votes of every draw are kept (`Sample.votes`, `Sample.margin_draws`): the planner's input.

    One candidacy column at a time (seats × draws, float32), keeping only the running maxima, so memory stays at a
    few arrays of seats × draws whatever the number of candidacies sampled."""
    rng = np.random.default_rng(seed)
    rows = leading_rows(forecast, SAMPLE_CANDIDATES)
    scale = _draw_scale(rng, forecast.tails, draws).astype(np.float32)[None, :]
    offsets, key = shared_offsets(forecast, rng, draws, rows, scale=scale)
    beta = bloc_draws(forecast, rng, draws)
    valid = forecast.valid.astype(np.float32)[:, None]
    n, columns = rows.shape
    lead = best_other = best = None
    best_col = np.zeros((n, draws), dtype=np.int8)
    kept = np.empty((columns, n, draws), dtype=np.float32) if keep_votes else None
    for j in range(columns):
        present = rows[:, j] >= 0
        safe = np.maximum(rows[:, j], 0)
        votes = rng.standard_normal(size=(n, draws), dtype=np.float32)
        votes *= forecast.sd[safe].astype(np.float32)[:, None]
        votes *= scale
        votes += forecast.centre[safe].astype(np.float32)[:, None]
        votes += offsets[key[:, j]]
        if beta is not None:
            car = np.where(present, forecast.carrier[safe], -1)
            votes += beta[np.where(car >= 0, car, beta.shape[0] - 1)] * forecast.bloc_x.astype(np.float32)[:, None]
        np.maximum(votes, 0, out=votes)
        votes *= valid
        votes[~present] = -1.0
        if kept is not None:
            kept[j] = votes
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
                  p_win=p_win, draws=draws, best_col=best_col, votes=kept)
