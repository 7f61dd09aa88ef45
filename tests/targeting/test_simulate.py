"""Monte Carlo P(decisive): exact at zero width, reproducible by seed, right against closed forms, error ~ 1/√n."""

import math

import numpy as np
import pytest

from swingfund.targeting import leverage as lev
from swingfund.targeting.bloc import Assumption, Assumptions, assumptions_build
from swingfund.targeting.simulate import DRAW_BLOCK, SEAT_BLOCK, p_decisive

RNG = np.random.default_rng(7)
N = 3 * SEAT_BLOCK + 5  # several seat blocks and a ragged last one
BASE = RNG.uniform(0, 30_000, N)
MAJORITY = RNG.integers(1, 20_000, N).astype(float)
WINNER = MAJORITY + RNG.integers(5_000, 20_000, N)
VALID = WINNER * 2.1


def run(assumptions, draws=2_000, seed=1, base=BASE, prune=True):
    return p_decisive(base=base, majority=MAJORITY, winner_votes=WINNER, valid_votes=VALID,
                      assumptions=assumptions, draws=draws, seed=seed, prune=prune)


def point_estimates(a: Assumptions):
    bloc_vote = lev.bloc_voters(base=BASE, adult_ratio=a.adult_ratio.central, registration=a.registration.central,
                                turnout_ratio=a.turnout_ratio.central) * a.cohesion.central
    swing = lev.swing_leverage(bloc_vote=bloc_vote, majority=MAJORITY, count_twice=a.count_twice)
    own = lev.own_candidate_leverage(bloc_vote=bloc_vote, winner_votes=WINNER, valid_votes=VALID,
                                     other_support=a.other_support.central, count_twice=a.count_twice)
    return swing, own


@pytest.mark.parametrize("prune", [False, True])
@pytest.mark.parametrize("count_twice", [False, True])
def test_zero_width_is_exactly_the_seed_flag(count_twice, prune):
    a = Assumptions(count_twice=count_twice).fixed()
    result = run(a, draws=DRAW_BLOCK + 17, prune=prune)
    assert result.simulated == (0 if prune else N)  # fixed assumptions settle every seat without drawing
    swing, own = point_estimates(a)
    assert set(np.unique(result.swing)) <= {0.0, 1.0} and set(np.unique(result.own)) <= {0.0, 1.0}
    assert np.array_equal(result.swing, lev.seed_flag(swing))
    assert np.array_equal(result.own, lev.seed_flag(own))
    assert 0 < result.swing.sum() < N  # the fixture has both kinds of seat, so the check can fail


def test_pruning_settles_certain_seats_exactly_and_agrees_with_full_simulation():
    a = Assumptions()
    pruned, full = run(a, draws=20_000), run(a, draws=20_000, prune=False)
    assert 0 < pruned.simulated < full.simulated == N
    for lens in ("swing", "own"):
        p, f = getattr(pruned, lens), getattr(full, lens)
        certain = (f == 0) | (f == 1)
        # (a seat could go either way yet show 0 in 20,000 draws, so "almost all", not "all")
        assert certain.sum() > N // 3 and (p[certain] == f[certain]).mean() > 0.9
        assert np.max(np.abs(p - f)) < 5 * np.sqrt(0.25 * 2 / 20_000)


def test_same_seed_same_numbers_other_seed_other_numbers():
    a = Assumptions()
    first, again, other = run(a, seed=11), run(a, seed=11), run(a, seed=12)
    assert np.array_equal(first.swing, again.swing) and np.array_equal(first.own, again.own)
    assert not np.array_equal(first.swing, other.swing)


def test_one_random_assumption_matches_its_closed_form():
    # Only cohesion varies, uniformly on 0.3–0.7: P(base·c > majority) = (0.7 − majority/base) / 0.4, clipped.
    a = assumptions_build(overrides={"adult_ratio": "1", "registration": "1", "turnout_ratio": "1",
                                     "cohesion": "0.5:0.3:0.7", "other_support": "0"})
    draws = 20_000
    result = run(a, draws=draws)
    exact = np.clip((0.7 - MAJORITY / BASE) / 0.4, 0, 1)
    se = np.sqrt(exact * (1 - exact) / draws) + 1e-9
    assert np.all(np.abs(result.swing - exact) <= 5 * se + 1e-4)
    assert ((exact > 0.05) & (exact < 0.95)).sum() >= 3  # some seats are genuinely uncertain


def test_own_lens_other_support_closed_form():
    # Multipliers fixed at 1 and cohesion 0.5: effect = base/2. Other support O ~ U(0, 0.2):
    # P(base/2 + O·valid > winner) = P(O > (winner − base/2)/valid) = 1 − x/0.2, clipped.
    a = assumptions_build(overrides={"adult_ratio": "1", "registration": "1", "turnout_ratio": "1",
                                     "cohesion": "0.5", "other_support": "0.1:0:0.2"})
    result = run(a, draws=20_000)
    exact = np.clip(1 - ((WINNER - BASE / 2) / VALID) / 0.2, 0, 1)
    assert np.max(np.abs(result.own - exact)) < 0.02


def test_monte_carlo_error_shrinks_like_one_over_root_n():
    # One seat whose P(decisive) is near one half, estimated with 25 seeds at n and at 16n draws:
    # the spread across seeds should shrink by about √16 = 4.
    base, majority, winner, valid = np.array([20_000.0]), np.array([7_200.0]), np.array([20_000.0]), np.array([4e4])
    a = Assumptions()

    def estimates(draws):
        return np.array([p_decisive(base=base, majority=majority, winner_votes=winner, valid_votes=valid,
                                    assumptions=a, draws=draws, seed=s).swing[0] for s in range(25)])

    small, large = estimates(400), estimates(6_400)
    assert 0.2 < large.mean() < 0.8
    ratio = small.std() / large.std()
    assert 2.5 < ratio < 6.5, ratio
    assert abs(small.std() - math.sqrt(large.mean() * (1 - large.mean()) / 400)) < 0.5 * small.std()


def test_no_data_stays_nan_and_an_empty_bloc_is_never_decisive():
    base = BASE.copy()
    base[0], base[1] = np.nan, 0.0
    result = run(Assumptions(), base=base)
    assert math.isnan(result.swing[0]) and math.isnan(result.own[0])
    assert result.swing[1] == 0.0 and result.own[1] == 0.0


def test_draws_must_be_positive():
    with pytest.raises(ValueError, match="Draws must be between"):
        run(Assumptions(), draws=0)


def test_fixed_assumption_with_zero_central_is_allowed():
    a = Assumptions(cohesion=Assumption("cohesion", 0.0, 0.0, 0.0))
    assert np.all(run(a).swing == 0.0)
