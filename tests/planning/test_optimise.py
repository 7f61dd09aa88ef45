"""The pure optimiser against brute force, its caps, and the two baselines (no database)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from swingfund.planning.effect import EffectCurve, EffectError, effect_parse
from swingfund.planning.optimise import Problem, SharedLimit, expected_interval, fill_in_order, solve


def phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def random_problem(rng: np.random.Generator, *, n: int, budget: int, step: int, grant_only: bool = False,
                   limits: bool = False) -> Problem:
    caps = rng.choice([70_000, 150_000, 300_000, 1_000_000], size=n)
    shared = ()
    if limits:
        shared = (SharedLimit(name="targeted", seats=np.arange(0, n, 2), limit_pence=int(step * 2)),)
    return Problem(margin=rng.uniform(-300, 100, size=n), sigma=rng.uniform(50, 400, size=n),
                   headroom=rng.uniform(20, 500, size=n), cap_pence=caps, budget_pence=budget, step_pence=step,
                   grant_only=grant_only, limits=shared, fixed_pence=np.where(rng.random(n) < 0.3, 50_000, 0))


def brute_force(problem: Problem) -> float:
    best = -1.0
    for combo in itertools.product(*(problem.levels(s) for s in range(problem.n))):
        amounts = np.array(combo)
        if problem.feasible(amounts):
            best = max(best, problem.expected(amounts))
    return best


@pytest.mark.parametrize("case", range(12))
def test_solution_equals_brute_force_on_small_instances(case):
    rng = np.random.default_rng(case)
    problem = random_problem(rng, n=4, budget=int(rng.choice([100_000, 250_000, 400_000])), step=100_000,
                             grant_only=case % 3 == 0, limits=case % 2 == 1)
    solution = solve(problem)
    assert problem.feasible(solution.amounts_pence)
    assert solution.expected == pytest.approx(brute_force(problem), abs=1e-9)


def test_every_cap_budget_and_shared_limit_is_respected():
    rng = np.random.default_rng(7)
    problem = random_problem(rng, n=60, budget=2_000_000, step=50_000, limits=True)
    amounts = solve(problem).amounts_pence
    assert np.all(amounts <= problem.cap_pence)
    assert amounts.sum() <= 2_000_000
    assert amounts[np.arange(0, 60, 2)].sum() <= 100_000


def test_no_worse_than_either_baseline_and_strictly_better_somewhere():
    rng = np.random.default_rng(11)
    problem = random_problem(rng, n=40, budget=1_000_000, step=100_000)
    best = solve(problem).expected
    seed_rule = fill_in_order(problem, order=range(40), grant_pence=100_000)
    leverage = problem.headroom / np.abs(problem.margin)
    top_n = fill_in_order(problem, order=np.argsort(-leverage)[:10], grant_pence=100_000)
    for baseline in (seed_rule, top_n):
        assert problem.feasible(baseline)
        assert best >= problem.expected(baseline) - 1e-12
    assert best > max(problem.expected(seed_rule), problem.expected(top_n)) + 0.01


def test_a_hand_worked_seat():
    # Behind by 100 votes, sd 100 votes. £2,000 at £40 a vote buys 50 votes: P = Φ(-0.5); nothing: Φ(-1).
    problem = Problem(margin=np.array([-100.0]), sigma=np.array([100.0]), headroom=np.array([1_000.0]),
                      cap_pence=np.array([200_000]), budget_pence=200_000, step_pence=200_000,
                      effect=EffectCurve(cost_per_vote=40.0, cost_low=20.0, cost_high=80.0))
    solution = solve(problem)
    assert solution.amounts_pence.tolist() == [200_000]
    assert solution.expected == pytest.approx(phi(-0.5), abs=1e-12)
    assert problem.expected(np.array([0])) == pytest.approx(phi(-1.0), abs=1e-12)


def test_money_beyond_the_headroom_buys_nothing_so_the_optimiser_leaves_it():
    # Two identical seats, but the first has only 10 unmobilised bloc voters: £1,000 does more in the second.
    problem = Problem(margin=np.array([-50.0, -50.0]), sigma=np.array([100.0, 100.0]),
                      headroom=np.array([10.0, 1_000.0]), cap_pence=np.array([500_000, 500_000]),
                      budget_pence=100_000, step_pence=100_000)
    assert solve(problem).amounts_pence.tolist() == [0, 100_000]


def test_effect_curve_is_concave_and_matches_the_stated_segments():
    curve = EffectCurve()
    # £2,000 at £26.25/vote (£15 an hour × 14 contacts per vote ÷ 8 an hour) = 76.19 votes; next £3,000 at
    # £52.50/vote = 57.14; next £5,000 at £105/vote (≈ 177 letters × 59p) = 47.62; beyond, still £105 a vote.
    assert curve.votes(200_000) == pytest.approx(2_000 / 26.25)
    assert curve.votes(500_000) == pytest.approx(2_000 / 26.25 + 3_000 / 52.5)
    assert curve.votes(1_000_000) == pytest.approx(2_000 / 26.25 + 3_000 / 52.5 + 5_000 / 105)
    assert curve.votes(1_500_000) - curve.votes(1_000_000) == pytest.approx(5_000 / 105)
    slopes = np.diff(curve.votes(np.arange(0, 2_000_000, 10_000)))
    assert np.all(np.diff(slopes) <= 1e-12)


def test_bad_effect_assumption_is_refused_with_its_reason():
    with pytest.raises(EffectError, match="low <= central <= high"):
        effect_parse(text="40:60:80")
    with pytest.raises(EffectError, match="pounds per vote"):
        effect_parse(text="cheap")


def test_interval_contains_the_expectation_and_has_width():
    rng = np.random.default_rng(3)
    problem = random_problem(rng, n=50, budget=1_000_000, step=100_000)
    solution = solve(problem)
    low, high = expected_interval(problem, solution.amounts_pence)
    assert low <= solution.expected <= high
    assert high - low >= 2


def test_forecast_sd_comes_from_targetings_10_to_90_interval():
    """A normal lead with sd 1,000 has its 10th and 90th percentiles 1,281.55 either side of the centre."""
    from types import SimpleNamespace

    from swingfund.planning.sources import _sigma

    table = SimpleNamespace(majority_p10=np.array([500 - 1281.55, float("nan")]),
                            majority_p90=np.array([500 + 1281.55, float("nan")]))
    assert abs(_sigma(table, 0, 40_000) - 1000.0) < 0.1
    assert _sigma(table, 1, 40_000) == 0.08 * 40_000  # no interval for the seat: the stated share, as printed
