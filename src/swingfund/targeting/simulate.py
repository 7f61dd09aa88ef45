"""P(pivotal) over the forecast of the next result (`p_pivotal`, targeting v2, used by `targets.py`), and the
v1 P(decisive) with the result held fixed (`p_decisive`, kept for comparison and the v1 benchmark).

v1 — P(decisive) by Monte Carlo over the assumption ranges, for both lenses, vectorised over seats × draws.

For every seat and every draw, each assumption is drawn uniformly from its range (independently per seat and
draw), and the draw is *decisive* when the bloc's effect (see `leverage.py`) exceeds what it must overcome:

    swing:          k × base × M                   > majority
    own candidate:  k × base × M + O × valid votes > winner's votes
    with M = adult_ratio × registration × turnout_ratio × cohesion,  O = other_support.

P(decisive) is the share of decisive draws. A seat with no data stays NaN; a seat where the bloc vote is
zero is never decisive. With every range of zero width each draw is the point estimate, so P(decisive) is
exactly 0 or 1 and equals the seed flag (leverage > 1).

Speed (see `benchmarks/targeting.py`): the work is arranged so each seat-draw costs little more than its
random numbers, and those are made cheap. Only assumptions with a non-zero range are drawn; fixed ones fold
into a per-seat constant. Each draw of an assumption is a 16-bit integer k (the midpoint of one of 65,536
equal slices of its range), so one 64-bit output of the generator serves four draws, and no float conversion
or scaling pass is needed: `low + width × (k + ½)/65,536` is written `(width/65,536) × (k + offset)`, every
constant moves into the per-seat threshold, and each random factor costs one add (which also converts k to
float32) and one multiply, on blocks small enough to stay in the CPU cache. The generator is
`numpy.random.default_rng(seed)` (PCG64, raw 64-bit outputs read as four little-endian 16-bit integers) and
the blocks are visited in a fixed order, so the same seed gives the same numbers. Seats whose answer no draw
could change (the bloc is decisive even at the bottom of every range, or not even at the top) are settled
exactly, without drawing; usually only one seat in ten needs its draws.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from swingfund.targeting.bloc import Assumptions
from swingfund.targeting.leverage import vote_weight

SEAT_BLOCK = 16
"""Seats per block. SEAT_BLOCK × DRAW_BLOCK float32 values (256 KB) keeps a block's buffers in L2 cache."""
DRAW_BLOCK = 4096
DEFAULT_DRAWS = 100_000
DEFAULT_SEED = 2024
DRAWS_OUT_OF_RANGE = "Draws must be between 1 and {max} (got {draws})."
MAX_DRAWS = 10_000_000
LEVELS = 65_536
"""Each assumption is drawn as a 16-bit integer k, i.e. at the midpoint (k + ½)/65,536 of one of 65,536 equal slices
of its range: four draws per 64-bit output of the generator. The discretisation (1/65,536 of a range) is far
below the Monte Carlo error of any feasible number of draws."""
OFFSET_FORM_MAX = 16.0
"""Up to low/width = 16 a factor is kept as (k + offset), whose values stay below 2^21: four such factors
multiply to less than 2^84, well inside float32's range, at float32's 24-bit precision."""


@dataclass(frozen=True)
class Decisiveness:
    """P(decisive) per seat for both lenses, with the Monte Carlo standard error and how it was made."""

    swing: np.ndarray
    own: np.ndarray
    draws: int
    seed: int
    simulated: int = 0  # seats whose draws were actually made (the others were settled exactly)

    def standard_error(self, p: np.ndarray) -> np.ndarray:
        return np.sqrt(p * (1 - p) / self.draws)


def p_decisive(
    *,
    base: np.ndarray,
    majority: np.ndarray,
    winner_votes: np.ndarray,
    valid_votes: np.ndarray,
    assumptions: Assumptions,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    progress: Callable[[int, int], None] | None = None,
    prune: bool = True,
) -> Decisiveness:
    """Monte Carlo P(decisive), swing and own-candidate lenses, for every seat (NaN where `base` is NaN).

    With `prune` (the default), a seat is simulated only if some draw could go either way: where even the
    smallest possible draw is decisive (or even the largest is not) for both lenses, P is 1 (or 0) exactly,
    which is what every draw would give, and no random numbers are spent on it. `prune=False` simulates every
    seat (the benchmark measures both). `progress`, if given, is called with (seats finished, seats to
    simulate) after each block of seats.
    """
    if not 1 <= draws <= MAX_DRAWS:
        raise ValueError(DRAWS_OUT_OF_RANGE.format(max=MAX_DRAWS, draws=draws))
    base = np.asarray(base, dtype=np.float64)
    fixed = 1.0  # every constant factor of the effect, so that effect = k × base × fixed × Π(factor_i)
    factors: list[tuple[bool, float, float]] = []  # (offset form?, offset or step, constant) per random factor
    for a in assumptions.multipliers():
        if a.width == 0:
            fixed *= a.central
        elif a.low / a.width <= OFFSET_FORM_MAX:
            # low + width × (k + ½)/L  =  (width/L) × (k + ½ + L × low/width): one add per draw.
            fixed *= a.width / LEVELS
            factors.append((True, 0.5 + LEVELS * a.low / a.width, 0.0))
        else:  # a narrow range far from zero: keep the factor near 1 so float32 keeps its precision
            factors.append((False, a.width / LEVELS, a.low + 0.5 * a.width / LEVELS))
    scale = vote_weight(count_twice=assumptions.count_twice) * base * fixed

    other = assumptions.other_support
    valid = np.asarray(valid_votes, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_swing = np.asarray(majority, dtype=np.float64) / scale
        # effect + (low + width (k + ½)/L) × valid > winner  ⇔  Π + g × k > t_own − g/2, g = width × valid / (L × scale)
        gain = other.width * valid / (LEVELS * scale)
        t_own = (np.asarray(winner_votes, dtype=np.float64) - other.low * valid) / scale - 0.5 * gain
    has_bloc = ~np.isnan(base) & (scale > 0)

    # The range every draw of Π(factor) lies in (all factors are positive), and what it settles for certain.
    lowest = highest = 1.0
    for offset_form, a, b in factors:
        lowest *= a if offset_form else b
        highest *= (a + LEVELS - 1) if offset_form else (a * (LEVELS - 1) + b)
    top_own = highest + (gain * (LEVELS - 1) if other.width > 0 else 0.0)
    with np.errstate(invalid="ignore"):
        swing_yes, swing_no = lowest > t_swing, highest <= t_swing
        own_yes, own_no = lowest > t_own, top_own <= t_own
    settled = (swing_yes | swing_no) & (own_yes | own_no)
    live = np.flatnonzero(has_bloc & ~settled) if prune else np.flatnonzero(has_bloc)

    p_swing = np.where(np.isnan(base), np.nan, 0.0)
    p_swing[has_bloc & swing_yes] = 1.0
    p_own = np.where(np.isnan(base), np.nan, 0.0)
    p_own[has_bloc & own_yes] = 1.0
    bits = np.random.default_rng(seed).bit_generator
    n_random = len(factors) + (other.width > 0)
    work = _Buffers()

    for start in range(0, live.size, SEAT_BLOCK):
        rows = live[start:start + SEAT_BLOCK]
        full: dict[int, tuple[np.ndarray, ...]] = {}  # per-seat constants spread over a block's draws
        hits_swing = np.zeros(rows.size, dtype=np.int64)
        hits_own = np.zeros(rows.size, dtype=np.int64)
        for d0 in range(0, draws, DRAW_BLOCK):
            d = min(DRAW_BLOCK, draws - d0)
            shape = (rows.size, d)
            if d not in full:  # contiguous arrays: comparing with a broadcast column is 3× slower
                full[d] = tuple(np.ascontiguousarray(np.broadcast_to(v[rows].astype(np.float32)[:, None], shape))
                                for v in (t_swing, t_own, gain))
            ts, to, g = full[d]
            count = n_random * rows.size * d
            k = bits.random_raw(-(-count // 4)).view(np.uint16)[:count].reshape(n_random, *shape)
            u = work.get("draws", (n_random, *shape))
            np.copyto(u, k)  # uint16 → float32 in one pass (exact: k < 2^24)
            product = work.get("product", shape)
            if not factors:
                product.fill(1.0)
            for i, (offset_form, a, b) in enumerate(factors):
                target = product if i == 0 else u[i]
                if offset_form:
                    np.add(u[i], np.float32(a), out=target)
                else:
                    np.multiply(u[i], np.float32(a), out=target)
                    target += np.float32(b)
                if i:
                    product *= target
            mask = work.mask(shape)
            _count_above(product, ts, hits_swing, mask)
            if other.width > 0:
                extra = u[-1]
                extra *= g
                extra += product
                _count_above(extra, to, hits_own, mask)
            else:
                _count_above(product, to, hits_own, mask)
        if prune:  # a seat simulated for one lens may be settled for the other: keep that exact answer
            p_swing[rows] = np.where(swing_yes[rows], 1.0, np.where(swing_no[rows], 0.0, hits_swing / draws))
            p_own[rows] = np.where(own_yes[rows], 1.0, np.where(own_no[rows], 0.0, hits_own / draws))
        else:
            p_swing[rows], p_own[rows] = hits_swing / draws, hits_own / draws
        if progress is not None:
            progress(min(start + SEAT_BLOCK, live.size), live.size)
    return Decisiveness(swing=p_swing, own=p_own, draws=draws, seed=seed, simulated=int(live.size))


def _count_above(values: np.ndarray, threshold: np.ndarray, hits: np.ndarray, mask: np.ndarray) -> None:
    """hits[r] += number of values[r] above threshold[r] (same shape). Row by row, because `count_nonzero` over
    a flat row is a fast popcount while its `axis=` form sums through an integer array (six times slower)."""
    np.greater(values, threshold, out=mask)
    for r in range(mask.shape[0]):
        hits[r] += np.count_nonzero(mask[r])


class _Buffers:
    """Reused float32 work arrays, so the loop allocates (almost) nothing after its first block."""

    def __init__(self) -> None:
        self._arrays: dict[tuple[str, tuple[int, ...]], np.ndarray] = {}

    def get(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        if (name, shape) not in self._arrays:
            self._arrays[(name, shape)] = np.empty(shape, dtype=np.float32)
        return self._arrays[(name, shape)]

    def mask(self, shape: tuple[int, ...]) -> np.ndarray:
        if ("mask", shape) not in self._arrays:
            self._arrays[("mask", shape)] = np.empty(shape, dtype=bool)
        return self._arrays[("mask", shape)]


# --- P(pivotal) over the forecast distribution (targeting v2; `p_decisive` above holds the result fixed) -------
PHI_LEVELS = 8_192
"""Φ table entries: 32 KB of float32, small enough to stay in the L1 cache during the gathers."""
PHI_RANGE = 8.0
OWN_COMPETITORS = 3  # the own candidate must beat the seat's three leading candidacies (by centre)
PIVOTAL_SEAT_BLOCK = 16


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


def p_pivotal(
    *, base: np.ndarray, forecast, assumptions: Assumptions, allocation: str | dict[int, float] = "seat",
    draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED, progress: Callable[[int, int], None] | None = None,
) -> Pivotal:
    """P(pivotal), swing and own lenses, for every seat of `forecast` (a `forecast.Forecast`); NaN without data.

    Per simulation d: one draw of each assumption (uniform on its range) and of each party's national error, and
    (heavy tails) one volatility factor w, all shared by every seat; the bloc's cohesive vote in seat i is
    B = base_i × Π assumptions. Given those, the seat errors are normal, so the chance that the bloc decides the
    seat is computed exactly rather than sampled:

    * swing: the leader W's margin over the challenger R is Normal(μ, σ²) with μ = (s_W − s_R + national_W −
      national_R) × valid and σ = √(sd_W² + sd_R²) × valid × √w; the bloc's move to the trailing one decides
      the seat when −B·k_R < margin < B·k_W (`allocation.gap_weights`): P = Φ((B k_W − μ)/σ) − Φ((−B k_R − μ)/σ).
    * own: the own candidate has T = B + other_support × valid; every one of the three leading candidacies c
      keeps (s_c + national_c + seat_c) × valid − B × a_c; independent seat errors make P = Π_c Φ((T − mean_c)/σ_c).

    P is the mean over simulations; its standard error is the standard deviation over simulations ÷ √draws.
    With zero-width ranges, no national error and no seat error, P is exactly 0 or 1: the deterministic test.
    """
    from swingfund.targeting.allocation import bloc_shares, gap_weights
    from swingfund.targeting.forecast import leading_rows

    if not 1 <= draws <= MAX_DRAWS:
        raise ValueError(DRAWS_OUT_OF_RANGE.format(max=MAX_DRAWS, draws=draws))
    rng = np.random.default_rng(seed)
    mult = np.ones(draws)
    for a in assumptions.multipliers():
        mult *= a.central if a.width == 0 else rng.uniform(a.low, a.high, size=draws)
    o = assumptions.other_support
    other = np.full(draws, o.central) if o.width == 0 else rng.uniform(o.low, o.high, size=draws)
    k = forecast.change.size
    rows = leading_rows(forecast, OWN_COMPETITORS)
    national = np.zeros((k + 1, draws), dtype=np.float32)
    if forecast.national_sd > 0:  # only the parties among some seat's leading candidacies, in carrier order
        used = np.unique(forecast.carrier[rows[rows >= 0]])
        used = used[used >= 0]
        national[used] = rng.standard_normal(size=(used.size, draws)) * forecast.national_sd
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
    car = np.where(rows >= 0, forecast.carrier[safe], k)
    car = np.where(car < 0, k, car)
    kernel = _PivotalKernel(
        national=national, mult=mult.astype(np.float32), other=other.astype(np.float32), inv_scale=inv_scale,
        heavy=heavy, has_national=forecast.national_sd > 0)
    v = forecast.valid
    s, sd, aa = forecast.centre[safe], forecast.sd[safe], a[safe]
    k_w, k_r = gap_weights(a_leader=aa[:, 0], a_challenger=aa[:, 1])
    for start in range(0, live.size, PIVOTAL_SEAT_BLOCK):
        idx = live[start:start + PIVOTAL_SEAT_BLOCK]
        sums = kernel.run(idx=idx, base=base, valid=v, s=s, sd=sd, a=aa, k_w=k_w, k_r=k_r, car=car,
                          present=rows >= 0)
        for name, (total, squares) in sums.items():
            mean = total / draws
            out[name][idx] = mean
            out[f"{name}_se"][idx] = np.sqrt(np.maximum(squares / draws - mean ** 2, 0.0) / draws)
        if progress is not None:
            progress(min(start + PIVOTAL_SEAT_BLOCK, live.size), live.size)
    return Pivotal(swing=out["swing"], own=out["own"], swing_se=out["swing_se"], own_se=out["own_se"],
                   draws=draws, seed=seed)


class _PivotalKernel:
    """The inner loop of `p_pivotal`: a block of seats × a chunk of draws at a time, small enough for the CPU cache,
    in float32 with reused buffers; returns per seat the sum and sum of squares of each lens's conditional P."""

    DRAW_CHUNK = 8192

    def __init__(self, *, national, mult, other, inv_scale, heavy: bool, has_national: bool) -> None:
        self.national, self.mult, self.other, self.inv_scale = national, mult, other, inv_scale
        self.heavy, self.has_national = heavy, has_national
        self.draws = mult.size
        self._buffers: dict[tuple[str, tuple[int, int]], np.ndarray] = {}

    def buf(self, name: str, shape: tuple[int, int], dtype=np.float32) -> np.ndarray:
        key = (name, shape)
        if key not in self._buffers:
            self._buffers[key] = np.empty(shape, dtype=dtype)
        return self._buffers[key]

    def phi_into(self, z: np.ndarray, out: np.ndarray) -> np.ndarray:
        """out = Φ(z) where z is already in table units (z × scale + offset); z is overwritten."""
        np.clip(z, 0, PHI_LEVELS - 1, out=z)
        index = self.buf("index", z.shape, np.int32)
        np.copyto(index, z, casting="unsafe")
        return np.take(_PHI[0], index, out=out)

    def run(self, *, idx, base, valid, s, sd, a, k_w, k_r, car, present) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        f32 = np.float32
        _, scale, offset = _PHI
        n = idx.size
        col = (slice(None), None)
        v = valid[idx]
        base_c = base[idx].astype(f32)[col]
        sums = {"swing": [np.zeros(n), np.zeros(n)], "own": [np.zeros(n), np.zeros(n)]}
        # per-seat constants, in Φ-table units: z_units = (x / σ) × scale + offset
        sigma = np.sqrt(sd[idx, 0] ** 2 + sd[idx, 1] ** 2) * v
        inv = (scale / np.maximum(sigma, 1e-30))
        mu0 = (s[idx, 0] - s[idx, 1]) * v
        swing_up = (k_w[idx] * inv).astype(f32)[col]     # × bloc
        swing_down = (-k_r[idx] * inv).astype(f32)[col]  # × bloc
        swing_mu = (mu0 * inv).astype(f32)[col]
        swing_nat = (v * inv).astype(f32)[col]
        comps = []
        for j in range(OWN_COMPETITORS):
            inv_c = scale / np.maximum(sd[idx, j] * v, 1e-30)
            # z = (bloc (1 + a_c) + other × v − s_c v − national_c v) / σ_c
            comps.append((present[idx, j],
                          ((1 + a[idx, j]) * inv_c).astype(f32)[col], (v * inv_c).astype(f32)[col],
                          (s[idx, j] * v * inv_c).astype(f32)[col], car[idx, j]))
        for d0 in range(0, self.draws, self.DRAW_CHUNK):
            d1 = min(self.draws, d0 + self.DRAW_CHUNK)
            shape = (n, d1 - d0)
            bloc = self.buf("bloc", shape)
            np.multiply(base_c, self.mult[None, d0:d1], out=bloc)
            nat_w = self.national[car[idx, 0], d0:d1] if self.has_national else None
            # swing: centre of the margin in table units, shared by both ends
            centre = self.buf("centre", shape)
            if self.has_national:
                np.subtract(nat_w, self.national[car[idx, 1], d0:d1], out=centre)
                centre *= swing_nat
                centre += swing_mu
            else:
                centre[:] = swing_mu
            z = self.buf("z", shape)
            up = self.buf("up", shape)
            down = self.buf("down", shape)
            np.multiply(bloc, swing_up, out=z)
            z -= centre
            if self.heavy:
                z *= self.inv_scale[None, d0:d1]
            z += f32(offset)
            self.phi_into(z, up)
            np.multiply(bloc, swing_down, out=z)
            z -= centre
            if self.heavy:
                z *= self.inv_scale[None, d0:d1]
            z += f32(offset)
            self.phi_into(z, down)
            up -= down
            _accumulate(sums["swing"], up)
            # own
            p_own = self.buf("own", shape)
            p_own.fill(1.0)
            term = self.buf("term", shape)
            other = self.other[None, d0:d1]
            for present_c, bloc_k, v_k, s_k, car_c in comps:
                np.multiply(bloc, bloc_k, out=z)
                z += other * v_k
                z -= s_k
                if self.has_national:
                    z -= self.national[car_c, d0:d1] * v_k
                if self.heavy:
                    z *= self.inv_scale[None, d0:d1]
                z += f32(offset)
                self.phi_into(z, term)
                term[~present_c] = 1.0
                p_own *= term
            _accumulate(sums["own"], p_own)
        return {name: (t, q) for name, (t, q) in sums.items()}


def _accumulate(sums: list[np.ndarray], p: np.ndarray) -> None:
    sums[0] += p.sum(axis=1)  # float32 pairwise sums within a chunk, float64 across chunks
    sums[1] += np.einsum("ij,ij->i", p, p)


def assumptions_t_scale(rng: np.random.Generator, draws: int) -> np.ndarray:
    """Per simulation, the variance factor w ~ ν/χ²_ν of the heavy-tailed seat error (ν = 4)."""
    from swingfund.targeting.forecast import T_DEGREES

    return T_DEGREES / rng.chisquare(T_DEGREES, size=draws)
