"""P(decisive) by Monte Carlo over the assumption ranges, for both lenses, vectorised over seats × draws.

For every seat and every draw, each assumption is drawn uniformly from its range (independently per seat and
draw), and the draw is *decisive* when the bloc's effect (see `leverage.py`) exceeds what it must overcome:

    swing:          k × base × M                   > majority
    own candidate:  k × base × M + O × valid votes > winner's votes
    with M = adult_ratio × registration × turnout_ratio × cohesion,  O = other_support.

P(decisive) is the share of decisive draws. A seat with no data stays NaN; a seat where the bloc vote is
zero is never decisive. With every range of zero width each draw is the point estimate, so P(decisive) is
exactly 0 or 1 and equals the seed flag (leverage > 1).

Speed (see `benchmarks/targeting.py`): the work is arranged so each seat-draw costs little more than its
random numbers. Only assumptions with a non-zero range are drawn; fixed ones fold into a per-seat constant.
A factor `low + width × u` is written `width × (low/width + u)`, and every constant is moved into the
per-seat threshold, so each random factor costs one add and one multiply, in float32, on blocks small enough
to stay in the CPU cache. The generator is `numpy.random.default_rng(seed)` (PCG64) and the blocks are
visited in a fixed order, so the same seed gives the same numbers.
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
DEFAULT_DRAWS = 20_000
DEFAULT_SEED = 2024
DRAWS_OUT_OF_RANGE = "Draws must be between 1 and {max} (got {draws})."
MAX_DRAWS = 10_000_000


@dataclass(frozen=True)
class Decisiveness:
    """P(decisive) per seat for both lenses, with the Monte Carlo standard error and how it was made."""

    swing: np.ndarray
    own: np.ndarray
    draws: int
    seed: int

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
) -> Decisiveness:
    """Monte Carlo P(decisive), swing and own-candidate lenses, for every seat (NaN where `base` is NaN).

    `progress`, if given, is called with (seats finished, seats to simulate) after each block of seats.
    """
    if not 1 <= draws <= MAX_DRAWS:
        raise ValueError(DRAWS_OUT_OF_RANGE.format(max=MAX_DRAWS, draws=draws))
    base = np.asarray(base, dtype=np.float64)
    random_factors = [a for a in assumptions.multipliers() if a.width > 0]
    fixed = 1.0
    for a in assumptions.multipliers():
        fixed *= a.central if a.width == 0 else a.width
    offsets = np.array([a.low / a.width for a in random_factors], dtype=np.float32)
    scale = vote_weight(count_twice=assumptions.count_twice) * base * fixed  # effect = scale × Π(offset + u)

    other = assumptions.other_support
    valid = np.asarray(valid_votes, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_swing = np.asarray(majority, dtype=np.float64) / scale
        t_own = (np.asarray(winner_votes, dtype=np.float64) - other.low * valid) / scale
        gain = other.width * valid / scale
    live = np.flatnonzero(~np.isnan(base) & (scale > 0))

    p_swing = np.where(np.isnan(base), np.nan, 0.0)
    p_own = p_swing.copy()
    rng = np.random.default_rng(seed)
    buffers: dict[tuple[str, tuple[int, ...]], np.ndarray] = {}

    def buffer(name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A reused float32 work array, so the loop allocates nothing after its first block."""
        if (name, shape) not in buffers:
            buffers[(name, shape)] = np.empty(shape, dtype=np.float32)
        return buffers[(name, shape)]

    for start in range(0, live.size, SEAT_BLOCK):
        rows = live[start:start + SEAT_BLOCK]
        ts = t_swing[rows].astype(np.float32)[:, None]
        to = t_own[rows].astype(np.float32)[:, None]
        g = gain[rows].astype(np.float32)[:, None]
        hits_swing = np.zeros(rows.size, dtype=np.int64)
        hits_own = np.zeros(rows.size, dtype=np.int64)
        for d0 in range(0, draws, DRAW_BLOCK):
            d = min(DRAW_BLOCK, draws - d0)
            product = _draw_product(rng, offsets, buffer, rows.size, d)
            hits_swing += np.count_nonzero(product > ts, axis=1)
            if other.width > 0:
                extra = buffer("extra", (rows.size, d))
                rng.random(out=extra, dtype=np.float32)
                extra *= g
                extra += product
                hits_own += np.count_nonzero(extra > to, axis=1)
            else:
                hits_own += np.count_nonzero(product > to, axis=1)
        p_swing[rows] = hits_swing / draws
        p_own[rows] = hits_own / draws
        if progress is not None:
            progress(min(start + SEAT_BLOCK, live.size), live.size)
    return Decisiveness(swing=p_swing, own=p_own, draws=draws, seed=seed)


def _draw_product(
    rng: np.random.Generator, offsets: np.ndarray, buffer: Callable[[str, tuple[int, ...]], np.ndarray],
    seats: int, draws: int,
) -> np.ndarray:
    """Π_i (offset_i + u_i) over the random factors, shape (seats, draws), float32; ones if none is random."""
    if offsets.size == 0:
        product = buffer("ones", (seats, draws))
        product.fill(1.0)
        return product
    uniforms = buffer("uniforms", (offsets.size, seats, draws))
    rng.random(out=uniforms, dtype=np.float32)
    product = uniforms[0]
    product += offsets[0]
    for i in range(1, offsets.size):
        factor = uniforms[i]
        factor += offsets[i]
        product *= factor
    return product
