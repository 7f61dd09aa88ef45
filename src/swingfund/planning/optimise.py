"""The budget optimiser: arrays and caps in, an allocation out. Pure (numpy and scipy, no Django).

The model, per seat s where the group backs a candidate:

    P(backed candidate wins | x pounds more) = Φ((margin_s + min(votes(fixed_s + x), headroom_s)) / sigma_s)

`margin_s` is the backed candidate's expected lead over the strongest other candidate in votes (negative when
behind), `sigma_s` the forecast's uncertainty about that lead, `votes(·)` the effect-of-money curve
(`effect.py`: concave, piecewise linear) and `headroom_s` the bloc voters not yet voting with the group.
The expected number of aligned candidates elected is the sum of these probabilities over the backed seats.

Each seat gets one amount from a finite set of *levels* (multiples of `step` up to its cap, or — with
`grant_only` — nothing or one grant), so the problem is a multiple-choice knapsack with extra linear limits
(a budget, and shared limits such as the targeted-spending limit over the seats of one party in one nation).
P(win) is an S-curve in money (convex while the candidate is behind, concave once ahead), so no greedy rule is
optimal in general; `solve` answers it exactly as a 0/1 integer programme with HiGHS (`scipy.optimize.milp`):

    maximise   Σ_s Σ_k gain[s,k] · z[s,k]
    subject to Σ_k z[s,k] ≤ 1                  (one level per seat; none = nothing new)
               Σ_s Σ_k amount[s,k] · z[s,k] ≤ budget
               Σ_{s∈G} Σ_k amount[s,k] · z[s,k] ≤ limit_G   for every shared limit G
               z binary.

Levels that buy no more than a cheaper level of the same seat are dropped before solving (every limit is an
upper bound on money, so a dearer level that gains no more can never be needed): the answer is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import LinearConstraint, milp
from scipy.special import ndtr

from swingfund.planning.effect import EffectCurve

SOLVER_GAP = 1e-9
"""Relative optimality gap asked of HiGHS: the answer is optimal to well below one in a billion."""
SOLVER_TIME_LIMIT = 120.0
MIN_GAIN = 1e-9
"""A level must raise P(win) by more than this over every cheaper level: money that moves a seat by less than one in
a billion (a seat already certain, or out of reach) is left unspent rather than given for nothing."""
INTERVAL = (0.05, 0.95)
DEFAULT_DRAWS = 4_000
DEFAULT_SEED = 2024
NATIONAL_SHARE = 0.3
"""Share of each seat's forecast variance that is common to every seat (a national error; Gelman, Silver and
Edlin 2012): the seats' outcomes move together, which widens the interval of their sum."""

PROBLEM_SHAPES = "Every per-seat array must have the same length ({n}); {name} has {got}."
PROBLEM_NEGATIVE = "{name} must not be negative."
PROBLEM_STEP = "The step must be a positive number of pence (got {step})."
SOLVER_FAILED = "The optimiser found no solution ({message})."


@dataclass(frozen=True)
class SharedLimit:
    """A limit on new money over several seats: `seats` are indices, `limit_pence` what may still be spent."""

    name: str
    seats: np.ndarray
    limit_pence: int


@dataclass(frozen=True)
class Problem:
    margin: np.ndarray
    sigma: np.ndarray
    headroom: np.ndarray
    cap_pence: np.ndarray
    budget_pence: int
    step_pence: int
    effect: EffectCurve = field(default_factory=EffectCurve)
    fixed_pence: np.ndarray | None = None
    movable: np.ndarray | None = None
    grant_only: bool = False
    limits: Sequence[SharedLimit] = ()

    def __post_init__(self) -> None:
        n = len(self.margin)
        for name in ("sigma", "headroom", "cap_pence", "fixed_pence", "movable"):
            value = getattr(self, name)
            if value is not None and len(value) != n:
                raise ValueError(PROBLEM_SHAPES.format(n=n, name=name, got=len(value)))
        if self.step_pence <= 0:
            raise ValueError(PROBLEM_STEP.format(step=self.step_pence))
        if self.budget_pence < 0 or np.any(np.asarray(self.cap_pence) < 0):
            raise ValueError(PROBLEM_NEGATIVE.format(name="budget and caps"))

    @property
    def n(self) -> int:
        return len(self.margin)

    @property
    def fixed(self) -> np.ndarray:
        return np.zeros(self.n, dtype=np.int64) if self.fixed_pence is None else np.asarray(self.fixed_pence)

    @property
    def can_move(self) -> np.ndarray:
        return np.ones(self.n, dtype=bool) if self.movable is None else np.asarray(self.movable, dtype=bool)

    def levels(self, s: int) -> np.ndarray:
        """The amounts of new money seat s may get, ascending, starting at 0."""
        top = int(min(self.cap_pence[s], self.budget_pence)) if self.can_move[s] else 0
        if top <= 0:
            return np.zeros(1, dtype=np.int64)
        if self.grant_only:
            return np.array([0, min(self.step_pence, top)], dtype=np.int64)
        out = np.arange(0, top + 1, self.step_pence, dtype=np.int64)
        return out if out[-1] == top else np.append(out, top)

    def win_probability(self, amounts_pence: np.ndarray, *, cost_per_vote: float | None = None) -> np.ndarray:
        """P(backed candidate wins) per seat with `amounts_pence` of new money on top of the fixed amounts."""
        extra = np.minimum(self.effect.votes(self.fixed + np.asarray(amounts_pence), cost_per_vote=cost_per_vote),
                           self.headroom)
        return ndtr((self.margin + extra) / self.sigma)

    def expected(self, amounts_pence: np.ndarray) -> float:
        return float(self.win_probability(amounts_pence).sum())

    def feasible(self, amounts_pence: np.ndarray) -> bool:
        """Does the allocation respect every cap, the budget and every shared limit?"""
        a = np.asarray(amounts_pence)
        if np.any(a < 0) or np.any(a > np.where(self.can_move, self.cap_pence, 0)) or a.sum() > self.budget_pence:
            return False
        return all(a[lim.seats].sum() <= lim.limit_pence for lim in self.limits)


@dataclass(frozen=True)
class Solution:
    amounts_pence: np.ndarray
    expected: float
    status: str
    variables: int


def _value_table(problem: Problem) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per seat: the useful levels above 0 and their gain in P(win) over spending nothing new."""
    levels, gains = [], []
    base = problem.win_probability(np.zeros(problem.n, dtype=np.int64))
    for s in range(problem.n):
        lv = problem.levels(s)[1:]
        if lv.size == 0:
            levels.append(lv)
            gains.append(np.zeros(0))
            continue
        p = _seat_probability(problem, s, lv)
        gain = p - base[s]
        best = np.maximum.accumulate(np.concatenate([[0.0], gain]))[:-1]
        keep = gain > best + MIN_GAIN  # strictly better than every cheaper level (and than nothing)
        levels.append(lv[keep])
        gains.append(gain[keep])
    return levels, gains


def _seat_probability(problem: Problem, s: int, amounts: np.ndarray) -> np.ndarray:
    extra = np.minimum(problem.effect.votes(problem.fixed[s] + amounts), problem.headroom[s])
    return ndtr((problem.margin[s] + extra) / problem.sigma[s])


def solve(problem: Problem) -> Solution:
    """The allocation of new money that maximises the expected number of aligned candidates elected (exact)."""
    levels, gains = _value_table(problem)
    seat_of = np.concatenate([np.full(lv.size, s, dtype=np.int64) for s, lv in enumerate(levels)] or [[]])
    amount = np.concatenate(levels or [np.zeros(0)]).astype(np.float64)
    gain = np.concatenate(gains or [np.zeros(0)])
    m = amount.size
    zero = np.zeros(problem.n, dtype=np.int64)
    if m == 0:
        return Solution(amounts_pence=zero, expected=problem.expected(zero), status="nothing to allocate",
                        variables=0)
    cols = np.arange(m)
    rows = [sparse.csr_matrix((np.ones(m), (seat_of, cols)), shape=(problem.n, m))]
    upper = [np.ones(problem.n)]
    rows.append(sparse.csr_matrix(amount[None, :]))
    upper.append(np.array([problem.budget_pence], dtype=np.float64))
    for lim in problem.limits:
        inside = np.isin(seat_of, lim.seats)
        rows.append(sparse.csr_matrix(np.where(inside, amount, 0.0)[None, :]))
        upper.append(np.array([lim.limit_pence], dtype=np.float64))
    a = sparse.vstack(rows, format="csr")
    ub = np.concatenate(upper)
    result = milp(c=-gain, integrality=np.ones(m), bounds=(0, 1),
                  constraints=LinearConstraint(a, -np.inf, ub),
                  options={"mip_rel_gap": SOLVER_GAP, "time_limit": SOLVER_TIME_LIMIT})
    if result.x is None:
        raise RuntimeError(SOLVER_FAILED.format(message=result.message))
    chosen = result.x > 0.5
    amounts = zero.copy()
    amounts[seat_of[chosen]] = amount[chosen].astype(np.int64)
    return Solution(amounts_pence=amounts, expected=problem.expected(amounts), status=str(result.message),
                    variables=m)


def with_budget(problem: Problem, budget_pence: int) -> Problem:
    return Problem(margin=problem.margin, sigma=problem.sigma, headroom=problem.headroom, cap_pence=problem.cap_pence,
                   budget_pence=budget_pence, step_pence=problem.step_pence, effect=problem.effect,
                   fixed_pence=problem.fixed_pence, movable=problem.movable, grant_only=problem.grant_only,
                   limits=problem.limits)


def fill_in_order(problem: Problem, *, order: Sequence[int], grant_pence: int) -> np.ndarray:
    """A baseline: `grant_pence` (or the largest level below it that a cap allows) to each seat in `order`, while
    the budget and every shared limit allow. Feasible by construction, so comparable with `solve`."""
    amounts = np.zeros(problem.n, dtype=np.int64)
    left = problem.budget_pence
    room = {i: lim.limit_pence for i, lim in enumerate(problem.limits)}
    member = [{i for i, lim in enumerate(problem.limits) if s in set(lim.seats.tolist())} for s in range(problem.n)]
    for s in order:
        levels = problem.levels(int(s))
        ceiling = min([grant_pence, left, *(room[i] for i in member[s])])
        allowed = levels[levels <= ceiling]
        give = int(allowed[-1]) if allowed.size else 0
        if give <= 0:
            continue
        amounts[s] = give
        left -= give
        for i in member[s]:
            room[i] -= give
    return amounts


def expected_interval(problem: Problem, amounts_pence: np.ndarray, *, draws: int = DEFAULT_DRAWS,
                      seed: int = DEFAULT_SEED, national_share: float = NATIONAL_SHARE,
                      interval: tuple[float, float] = INTERVAL) -> tuple[float, float]:
    """The 5–95 % range of the number of aligned candidates elected, by simulation: each draw takes one cost per
    vote uniformly from the effect assumption's range, one national error shared by every seat and one error per
    seat (variances adding up to sigma²), and counts the backed candidates whose lead stays above zero."""
    rng = np.random.default_rng(seed)
    eff = problem.effect
    costs = rng.uniform(eff.cost_low, eff.cost_high, size=draws)
    unit = eff.votes(problem.fixed + np.asarray(amounts_pence), cost_per_vote=1.0)  # votes scale with 1 ÷ cost
    counts = np.empty(draws)
    national = rng.standard_normal(draws)
    for start in range(0, draws, 256):
        block = slice(start, min(start + 256, draws))
        extra = np.minimum(unit / costs[block, None], problem.headroom)
        local = rng.standard_normal(extra.shape)
        error = problem.sigma * (np.sqrt(national_share) * national[block, None]
                                 + np.sqrt(1 - national_share) * local)
        counts[block] = ((problem.margin + extra + error) > 0).sum(axis=1)
    low, high = np.quantile(counts, interval)
    return float(low), float(high)


@dataclass(frozen=True)
class Gain:
    """How many more aligned candidates one allocation is expected to elect than another: `expected` exactly (the
    difference of the two sums of P(win)), and the `interval` of that difference across the model's shared
    uncertainties, by paired simulation (`gain_interval`)."""

    expected: float
    low: float
    high: float


def gain_interval(problem: Problem, amounts_pence: np.ndarray, baseline_pence: np.ndarray, *,
                  draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED, national_share: float = NATIONAL_SHARE,
                  interval: tuple[float, float] = INTERVAL) -> Gain:
    """The gain of `amounts_pence` over `baseline_pence`, with its 5–95 % interval by paired simulation: each draw
    takes one cost per vote uniformly from the effect assumption's range and one national error shared by every
    seat (`national_share` of each seat's variance), the same draw for both allocations; given them, each seat's
    P(win) integrates its own error exactly, Φ((lead + votes + sigma·√share·z) ÷ (sigma·√(1 − share))), and the
    draw's gain is the difference of the two sums. The interval is that of the expected gain, not of a seat count.
    Votes are linear in 1 ÷ cost per vote (every segment's slope scales with it), so one curve serves every draw."""
    rng = np.random.default_rng(seed)
    eff = problem.effect
    costs = rng.uniform(eff.cost_low, eff.cost_high, size=draws)
    national = rng.standard_normal(draws)
    unit = [eff.votes(problem.fixed + np.asarray(a), cost_per_vote=1.0) for a in (amounts_pence, baseline_pence)]
    local_sd = problem.sigma * np.sqrt(1 - national_share)
    gains = np.empty(draws)
    for start in range(0, draws, 512):
        block = slice(start, min(start + 512, draws))
        shift = problem.sigma * np.sqrt(national_share) * national[block, None]
        totals = [ndtr((problem.margin + np.minimum(u / costs[block, None], problem.headroom) + shift) / local_sd)
                  .sum(axis=1) for u in unit]
        gains[block] = totals[0] - totals[1]
    low, high = np.quantile(gains, interval)
    exact = problem.expected(amounts_pence) - problem.expected(baseline_pence)
    return Gain(expected=float(exact), low=float(low), high=float(high))
