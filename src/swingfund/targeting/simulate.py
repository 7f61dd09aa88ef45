"""P(pivotal) over the forecast of the next result (`p_pivotal`, used by `targets.py`).

The bloc decides a seat in one simulation when its cohesive move changes the winner (swing lens) or elects its own
candidate (own lens); P(pivotal) is the share of simulations in which it does, with the seat error integrated
exactly given each simulation's shared draws (see `p_pivotal`). Benchmarked by `benchmarks/targeting.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from swingfund import caching
from swingfund.targeting.bloc import Assumptions

DEFAULT_DRAWS = 100_000
DEFAULT_SEED = 2024
DRAWS_OUT_OF_RANGE = "Draws must be between 1 and {max} (got {draws})."
MAX_DRAWS = 10_000_000


PHI_LEVELS = 8_192
"""Φ table entries: 32 KB of float32, small enough to stay in the L1 cache during the gathers."""
PHI_RANGE = 8.0
OWN_COMPETITORS = 3  # the own candidate must beat the seat's three leading candidacies (by centre)
PIVOTAL_SEAT_BLOCK = 8


def _phi_table() -> tuple[np.ndarray, float, float]:
    """Φ at the midpoints of 8,190 equal bins of [−8, 8], with exact 0 and 1 beyond (a lookup, as float32).

    One lookup is within φ(0) × half a bin (4e-4) of Φ; the error is odd about each bin's midpoint, so over many
    draws of a smoothly spread z it cancels (the mean's bias is of the order of the bin width squared, ~1e-7)."""
    from scipy.special import ndtr

    step = 2 * PHI_RANGE / (PHI_LEVELS - 2)
    centres = -PHI_RANGE + (np.arange(PHI_LEVELS - 2) + 0.5) * step
    table = np.concatenate([[0.0], ndtr(centres), [1.0]]).astype(np.float32)
    return table, 1.0 / step, PHI_RANGE / step + 1.0


_PHI = _phi_table()


def phi(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Standard normal CDF by table lookup (absolute error < 4e-4; exactly 0 below −8 and 1 at or above 8)."""
    table, scale, offset = _PHI
    t = np.multiply(z, np.float32(scale), dtype=np.float32)
    t += np.float32(offset)
    np.clip(t, 0, PHI_LEVELS - 1, out=t)
    return np.take(table, t.astype(np.int32), out=out)


@dataclass(frozen=True)
class Pivotal:
    """P(pivotal) per seat for both lenses, the Monte Carlo standard error of each, and how it was made."""

    swing: np.ndarray
    own: np.ndarray
    swing_se: np.ndarray
    own_se: np.ndarray
    draws: int
    seed: int
    method: str = ("seat error integrated exactly (normal CDF, conditional on each simulation's national error, "
                   "volatility and assumption draws); assumptions and national error drawn once per simulation")


@caching.pure("p_pivotal")
def p_pivotal(
    *, base: np.ndarray, forecast, assumptions: Assumptions, allocation: str | dict[int, float] = "seat",
    draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED, progress: Callable[[int, int], None] | None = None,
    own_ratios: np.ndarray | None = None,
) -> Pivotal:
    """P(pivotal), swing and own lenses, for every seat of `forecast` (a `forecast.Forecast`); NaN without data.

    Per simulation d: one draw of each assumption (uniform on its range) and of each party's national error, and
    (heavy tails) one volatility factor w, all shared by every seat; the bloc's cohesive vote in seat i is
    B = base_i × Π assumptions. Given those, each candidacy's seat, regional and seat-type errors are one normal
    error of sd_c (`_marginal_sd`; the regional and type parts are shared between seats, which a count of seats
    needs, `forecast.forecast_sample`, and one seat's chance does not), so the chance that the bloc decides the
    seat is computed exactly rather than sampled:

    * swing: the leader W's margin over the challenger R is Normal(μ, σ²) with μ = (s_W − s_R + national_W −
      national_R) × valid and σ = √(sd_W² + sd_R²) × valid × √w; the bloc's move to the trailing one decides
      the seat when −B·k_R < margin < B·k_W (`allocation.gap_weights`): P = Φ((B k_W − μ)/σ) − Φ((−B k_R − μ)/σ).
    * own: the own candidate has T = B + other_support × valid; every one of the three leading candidacies c
      keeps (s_c + national_c + error_c) × valid − B × a_c; independent errors make P = Π_c Φ((T − mean_c)/σ_c).

    With `own_ratios` (`owncandidates.OwnEvidence.ratios`: the last election's own candidates' votes ÷ bloc voters)
    the own lens gives its candidate r × the bloc's voters (r drawn from the ratios, each equally likely; the
    assumptions' adult ratio, registration and turnout drawn as usual, cohesion and outside support not used).

    P is the mean over simulations; its standard error is the standard deviation over simulations ÷ √draws.
    With zero-width ranges, no national error and no seat error, P is exactly 0 or 1: the deterministic test.
    """
    from swingfund.targeting.allocation import bloc_shares, gap_weights
    from swingfund.targeting.forecast import bloc_draws, leading_rows, shared_offsets

    if not 1 <= draws <= MAX_DRAWS:
        raise ValueError(DRAWS_OUT_OF_RANGE.format(max=MAX_DRAWS, draws=draws))
    rng = np.random.default_rng(seed)
    mult = np.ones(draws)
    for a in assumptions.multipliers():
        mult *= a.central if a.width == 0 else rng.uniform(a.low, a.high, size=draws)
    o = assumptions.other_support
    other = np.full(draws, o.central) if o.width == 0 else rng.uniform(o.low, o.high, size=draws)
    rows = leading_rows(forecast, OWN_COMPETITORS)
    # The national error, one draw per party shared by every seat; the regional and seat-type errors join each
    # candidacy's own (`_marginal_sd`): a seat's P depends on its own parties' errors only.
    national_only = replace(forecast, region=np.zeros(0, dtype=np.int64), region_sd=np.zeros(0),
                            seat_type=np.zeros(0, dtype=np.int64), type_sd=np.zeros(0))
    national, car = shared_offsets(national_only, rng, draws, rows)
    beta = bloc_draws(forecast, rng, draws)  # the bloc-linked slope per party, shared by seats (None: no term)
    has_shared = bool(forecast.national_sd > 0 or forecast.national_cov is not None)
    own_mult = None
    if own_ratios is not None and np.size(own_ratios):
        own_mult = np.ones(draws)
        for x in assumptions.multipliers():
            if x.name != "cohesion":
                own_mult *= x.central if x.width == 0 else rng.uniform(x.low, x.high, size=draws)
        own_mult *= rng.choice(np.asarray(own_ratios, dtype=np.float64), size=draws)
        own_mult = own_mult.astype(np.float32)
    heavy = forecast.tails != "normal"
    inv_scale = (1.0 / np.sqrt(assumptions_t_scale(rng, draws)) if heavy else np.ones(draws)).astype(np.float32)

    leader = np.zeros(forecast.centre.size, dtype=bool)
    leader[rows[:, 0][rows[:, 0] >= 0]] = True
    a = leader.astype(np.float64) if assumptions.count_twice else bloc_shares(
        allocation, centre=forecast.centre, carrier=forecast.carrier, leader=leader)
    base = np.asarray(base, dtype=np.float64)
    out = {name: np.where(np.isnan(base), np.nan, 0.0) for name in ("swing", "own", "swing_se", "own_se")}
    live = np.flatnonzero(~np.isnan(base) & (rows[:, 1] >= 0))
    safe = np.maximum(rows, 0)
    kk = forecast.bloc_sd.size if forecast.bloc_sd is not None else 0
    bcar = np.where(rows >= 0, forecast.carrier[safe], -1)
    bcar = np.where(bcar >= 0, bcar, kk)
    kernel = _PivotalKernel(
        national=national if has_shared else None, key=car, beta=beta, bcar=bcar, mult=mult, other=other,
        own_mult=own_mult, inv_scale=inv_scale if heavy else None)
    v = forecast.valid
    s, sd, aa = forecast.centre[safe], _marginal_sd(forecast)[safe], a[safe]
    bx = forecast.bloc_x if forecast.bloc_x is not None else np.zeros(forecast.n_seats)
    k_w, k_r = gap_weights(a_leader=aa[:, 0], a_challenger=aa[:, 1])
    for start in range(0, live.size, PIVOTAL_SEAT_BLOCK):
        idx = live[start:start + PIVOTAL_SEAT_BLOCK]
        sums = kernel.run(idx=idx, base=base, valid=v, s=s, sd=sd, a=aa, k_w=k_w, k_r=k_r, present=rows >= 0,
                          bx=bx)
        for name, (total, squares) in sums.items():
            mean = total / draws
            out[name][idx] = mean
            out[f"{name}_se"][idx] = np.sqrt(np.maximum(squares / draws - mean ** 2, 0.0) / draws)
        if progress is not None:
            progress(min(start + PIVOTAL_SEAT_BLOCK, live.size), live.size)
    return Pivotal(swing=out["swing"], own=out["own"], swing_se=out["swing_se"], own_se=out["own_se"],
                   draws=draws, seed=seed)


def _marginal_sd(forecast) -> np.ndarray:
    """Per row: the sd of the candidacy's seat, regional and seat-type errors together. All three are normal, scaled
    by the same √w and independent between parties, so for one seat's chances their sum is one normal error:
    sd² = seat sd² + regional sd² + type sd² of its party (shared between seats, which counts of seats need and a
    seat's own P does not)."""
    sd2 = forecast.sd.astype(np.float64) ** 2
    has = forecast.carrier >= 0
    car = np.maximum(forecast.carrier, 0)
    for shared in (forecast.region_sd, forecast.type_sd):
        if shared.size:
            sd2 = sd2 + np.where(has, shared[car] ** 2, 0.0)
    return np.sqrt(sd2)


ABSENT = 1e12
"""A competitor that did not stand: its z is set this far above zero, so its factor Φ(z) of the own lens is 1."""
SIGMA_FLOOR = 1e-3
"""The smallest seat-error sd, in votes, that z is divided by: with no seat error at all (the deterministic test)
z is still ±(votes ÷ a thousandth of a vote), far beyond the table; and every |z| stays below 1e13, so it fits
the integer index of the Φ lookup."""


class _PivotalKernel:
    """The inner loop of `p_pivotal`: a block of seats × a chunk of draws at a time, small enough for the CPU cache,
    in float32 with reused buffers (no array is allocated inside the loop); returns per seat the sum and sum of
    squares of each lens's conditional P.

    Everything shared by the seats is prepared once, in low dimension (a few dozen rows × draws), before the loop:
    with heavy tails every per-draw quantity is multiplied by the draw's 1/√w there, so that z needs no per-element
    rescaling; the outside support of the own lens is folded into the rows of shared offsets (it enters every
    competitor's z as v × (other − offset), and cancels in the swing lens's difference of two offsets). Per seat
    and draw, in Φ-table units (`_PHI`: z × scale + offset), with Q_j = (offset_j + x β_j − other) / √w (the
    offset: the party's national error):

    * swing: z = k B/σ × scale − (μ/σ × scale)/√w − (v/σ × scale) (Q_W − Q_R) + table offset, for both ends;
    * own, competitor j: z = (1 + a_j) B/σ_j × scale − (s_j v/σ_j × scale)/√w − (v/σ_j × scale) Q_j + table
      offset, B/√w the scaled bloc of the draw.

    Every term but the region's offset is a per-seat coefficient times a per-draw row (B/√w, the own lens's
    B/√w, 1/√w, 1, and each party's β/√w), so all five z of a block of seats are one small matrix product
    (coefficients × those rows, BLAS) to which the seat's own offset row is added: about two passes over the
    block per z instead of six."""

    DRAW_CHUNK = 8_192
    BASIS = 4  # rows of every basis: B/√w, own lens B/√w, 1/√w, 1 (then the parties' β/√w)

    def __init__(self, *, national, key, beta, bcar, mult, other, own_mult, inv_scale) -> None:
        f32 = np.float32
        draws = mult.size
        inv = np.ones(draws, dtype=f32) if inv_scale is None else inv_scale.astype(f32)
        own_other = None if own_mult is not None else (other * inv).astype(f32)
        if national is None:
            shared = np.zeros((1, draws), dtype=f32)
        else:  # scaled in place: the caller's offsets are not used again
            shared = national if national.dtype == f32 else national.astype(f32)
            shared *= inv[None, :]
        if own_other is not None:
            shared -= own_other[None, :]
        self.shared = shared          # rows × draws: Q without the bloc-linked part
        self.key = key if national is not None else np.zeros_like(key)
        self.bcar = bcar
        n_beta = 0
        if beta is not None:  # only the parties that the seats' leading candidacies stand for
            used, inverse = np.unique(bcar, return_inverse=True)
            self.bcar = inverse.reshape(bcar.shape)
            n_beta = used.size
        basis = np.empty((self.BASIS + n_beta, draws), dtype=f32)
        np.multiply(mult, inv, out=basis[0], casting="unsafe")
        if own_mult is None:
            basis[1] = basis[0]
        else:
            np.multiply(own_mult, inv, out=basis[1], casting="unsafe")
        basis[2] = inv
        basis[3] = 1.0
        if n_beta:
            np.multiply(beta[used], inv[None, :], out=basis[self.BASIS:], casting="unsafe")
        self.basis = basis
        self.has_beta = n_beta > 0
        self.draws = draws
        self._buffers: dict[tuple[str, tuple[int, ...]], np.ndarray] = {}

    def buf(self, name: str, shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
        key = (name, shape)
        if key not in self._buffers:
            self._buffers[key] = np.empty(shape, dtype=dtype)
        return self._buffers[key]

    def phi_into(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        """out = Φ(z) where z is already in table units (z × scale + offset); z is overwritten. z is clipped to the
        table first (below 0: Φ = 0, beyond the table: 1), as floats: clipping the integer index inside `np.take`
        instead is three times slower when many z fall outside the table (branch mispredictions)."""
        np.clip(z, 0, PHI_LEVELS - 1, out=z)
        index = self.buf("index", z.shape, np.intp)
        np.copyto(index, z, casting="unsafe")
        return np.take(_PHI[0], index, out=out, mode="clip")

    def run(self, *, idx, base, valid, s, sd, a, k_w, k_r, present, bx) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        f32 = np.float32
        _, scale, offset = _PHI
        n = idx.size
        v = valid[idx]
        b = base[idx]
        sums = {"swing": [np.zeros(n), np.zeros(n)], "own": [np.zeros(n), np.zeros(n)]}
        # per-seat coefficients, in Φ-table units: z_units = (x / σ) × scale + offset
        sigma = np.sqrt(sd[idx, 0] ** 2 + sd[idx, 1] ** 2) * v
        inv = scale / np.maximum(sigma, SIGMA_FLOOR)
        swing_q = -v * inv                                    # × (Q_W − Q_R)
        x = bx[idx] if self.has_beta else np.zeros(n)
        cars = self.bcar[idx] if self.has_beta else np.zeros((n, OWN_COMPETITORS), dtype=np.int64)
        beta_cols = np.unique(cars[:, :OWN_COMPETITORS]) if self.has_beta and np.any(x != 0) else np.zeros(0, int)
        col_of = {int(c): self.BASIS + i for i, c in enumerate(beta_cols.tolist())}
        # the five coefficient blocks: swing up, swing down, own j = 0, 1, 2 (rows: seats; columns: basis rows)
        coef = np.zeros((2 + OWN_COMPETITORS, n, self.BASIS + beta_cols.size))
        coef[0, :, 0] = k_w[idx] * b * inv                   # × B/√w
        coef[1, :, 0] = -k_r[idx] * b * inv
        coef[:2, :, 2] = -(s[idx, 0] - s[idx, 1]) * v * inv  # × 1/√w
        coef[:2, :, 3] = offset
        q_own = np.zeros((OWN_COMPETITORS, n))
        for j in range(OWN_COMPETITORS):
            here = present[idx, j]
            inv_c = scale / np.maximum(sd[idx, j] * v, SIGMA_FLOOR)
            coef[2 + j, :, 1] = np.where(here, (1 + a[idx, j]) * b * inv_c, 0.0)   # × own B/√w
            coef[2 + j, :, 2] = np.where(here, -s[idx, j] * v * inv_c, ABSENT)     # × 1/√w
            coef[2 + j, :, 3] = offset
            q_own[j] = np.where(here, -v * inv_c, 0.0)                              # × Q_j
        rows_i = np.arange(n)
        for j in range(OWN_COMPETITORS if beta_cols.size else 0):  # the bloc-linked part of Q_j: x β_j
            cols = np.array([col_of[int(c)] for c in cars[:, j]])
            coef[2 + j, rows_i, cols] += q_own[j] * x
            if j < 2:
                np.add.at(coef[0], (rows_i, cols), swing_q * x * (1 if j == 0 else -1))
        if beta_cols.size:
            coef[1, :, self.BASIS:] = coef[0, :, self.BASIS:]
        coef = coef.reshape((2 + OWN_COMPETITORS) * n, -1).astype(f32)
        rows = np.concatenate([np.arange(self.BASIS), self.BASIS + beta_cols])
        swing_q32 = swing_q.astype(f32)[:, None]
        q_own32 = [q.astype(f32).tolist() for q in q_own]
        keys = [self.key[idx, j].tolist() for j in range(OWN_COMPETITORS)]
        for d0 in range(0, self.draws, self.DRAW_CHUNK):
            d1 = min(self.draws, d0 + self.DRAW_CHUNK)
            shape = (n, d1 - d0)
            basis = self.basis[rows, d0:d1]
            shared = self.shared[:, d0:d1]
            z_all = self.buf("z_all", (2 + OWN_COMPETITORS, *shape))
            np.matmul(coef, basis, out=z_all.reshape((2 + OWN_COMPETITORS) * n, -1))
            # swing: both ends share the regions' offsets, −(v/σ) (Q_W − Q_R)
            centre = self.buf("centre", shape)
            for i, (k0, k1) in enumerate(zip(keys[0], keys[1], strict=True)):
                np.subtract(shared[k0], shared[k1], out=centre[i])
            centre *= swing_q32
            up, down = z_all[0], z_all[1]
            up += centre
            down += centre
            p_up = self.buf("p_up", shape)
            p_down = self.buf("p_down", shape)
            self.phi_into(up, p_up)
            self.phi_into(down, p_down)
            p_up -= p_down
            _accumulate(sums["swing"], p_up)
            # own: the product over the three leading candidacies of Φ(z_j)
            p_own = self.buf("own", shape)
            for j in range(OWN_COMPETITORS):
                z = z_all[2 + j]
                for i, (k, q) in enumerate(zip(keys[j], q_own32[j], strict=True)):
                    np.multiply(shared[k], q, out=centre[i])
                z += centre
                if j == 0:
                    self.phi_into(z, p_own)
                else:
                    self.phi_into(z, p_down)
                    p_own *= p_down
            _accumulate(sums["own"], p_own)
        return {name: (t, q2) for name, (t, q2) in sums.items()}


def _accumulate(sums: list[np.ndarray], p: np.ndarray) -> None:
    """Add each row's sum and sum of squares (BLAS: float32 within a chunk, float64 across chunks)."""
    sums[0] += p @ _ones(p.shape[1])
    sums[1] += np.matmul(p[:, None, :], p[:, :, None]).ravel()


_ONES: dict[int, np.ndarray] = {}


def _ones(n: int) -> np.ndarray:
    if n not in _ONES:
        _ONES[n] = np.ones(n, dtype=np.float32)
    return _ONES[n]


def assumptions_t_scale(rng: np.random.Generator, draws: int) -> np.ndarray:
    """Per simulation, the variance factor w ~ ν/χ²_ν of the heavy-tailed seat error (ν = 4)."""
    from swingfund.targeting.forecast import T_DEGREES

    return T_DEGREES / rng.chisquare(T_DEGREES, size=draws)


@dataclass(frozen=True)
class SeatsWon:
    """How many of a group's backed seats its candidates win, over the forecast's simulations."""

    pmf: np.ndarray            # P(exactly k), k = 0 … number of backed seats
    at_least: np.ndarray       # P(at least k), k = 0 … number of backed seats
    mean: float
    interval_80: tuple[int, int]
    not_sampled: list[int]     # backed seats whose candidacy is not among the sampled leaders (counted as lost)

    def as_dict(self) -> dict[str, object]:
        return {"mean": round(self.mean, 3), "interval_80": list(self.interval_80),
                "p_exactly": [round(float(p), 4) for p in self.pmf],
                "p_at_least": [round(float(p), 4) for p in self.at_least], "not_sampled": self.not_sampled}


def seats_won(*, sample, backed: dict[int, int]) -> SeatsWon:
    """The distribution of the number of backed seats won: `backed` maps a seat index to the forecast row of the
    backed candidacy there; `sample` is `forecast.forecast_sample`'s (its draws share national and regional
    errors, so the count is as correlated as the seats are)."""
    wins = np.zeros(sample.draws, dtype=np.int64)
    missing = []
    for seat, row in backed.items():
        cols = np.flatnonzero(sample.rows[seat] == row)
        if cols.size == 0:
            missing.append(int(seat))
            continue
        wins += sample.best_col[seat] == cols[0]
    n = len(backed)
    pmf = np.bincount(wins, minlength=n + 1)[: n + 1] / sample.draws
    at_least = np.cumsum(pmf[::-1])[::-1]
    lo, hi = np.quantile(wins, [0.1, 0.9])
    return SeatsWon(pmf=pmf, at_least=at_least, mean=float(wins.mean()), interval_80=(int(lo), int(hi)),
                    not_sampled=missing)
