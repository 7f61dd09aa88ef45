"""National swing projections on hand-worked seats."""

import numpy as np
import pytest

from swingfund.targeting.swing import (
    SWING_NO_BASELINE,
    SWING_SHARES_OVER_ONE,
    SwingError,
    national_shares,
    project,
    top_two,
)

# Two seats, parties A (0), B (1), C (2); one candidate with no party (-1) in seat 1.
#   seat 0: A 5,000  B 4,000  C 1,000            (valid 10,000)
#   seat 1: A 2,000  B 6,000  C 1,000  ind 1,000 (valid 10,000)
SEAT = np.array([0, 0, 0, 1, 1, 1, 1])
PARTY = np.array([0, 1, 2, 0, 1, 2, -1])
VOTES = np.array([5_000, 4_000, 1_000, 2_000, 6_000, 1_000, 1_000], dtype=float)


def run(targets, method):
    return project(seat=SEAT, party=PARTY, votes=VOTES, n_seats=2, n_parties=3, targets=targets, method=method)


def test_national_shares_and_top_two():
    assert national_shares(party=PARTY, votes=VOTES, n_parties=3).tolist() == [0.35, 0.5, 0.1]
    winner, runner_up = top_two(seat=SEAT, votes=VOTES, n_seats=3)
    assert winner.tolist() == [0, 4, -1] and runner_up.tolist() == [1, 3, -1]


def test_uniform_swing_hand_worked():
    # A 35% -> 45% (+10 points), B 50% -> 40% (-10 points); C and the independent keep their shares.
    # seat 0: A 60%, B 30%, C 10% -> A wins by 3,000.   seat 1: A 30%, B 50% -> B by 2,000.
    p = run({0: 0.45, 1: 0.40}, "uniform")
    assert p.votes == pytest.approx([6_000, 3_000, 1_000, 3_000, 5_000, 1_000, 1_000])
    assert p.majority == pytest.approx([3_000, 2_000])
    assert p.winner.tolist() == [0, 4] and p.runner_up.tolist() == [1, 3]
    assert p.valid_votes.tolist() == [10_000, 10_000]


def test_uniform_swing_clips_at_zero_and_renormalises():
    # C 10% -> 0%: C loses 10 points everywhere (exactly to zero); then A +20 points: seat shares sum to 1.1.
    p = run({0: 0.55, 2: 0.0}, "uniform")
    # seat 0 before rescaling: A .70 B .40 C 0 -> /1.10; seat 1: A .40 B .60 C 0 ind .10 -> /1.10
    assert p.votes == pytest.approx(np.array([7_000, 4_000, 0, 4_000, 6_000, 0, 1_000]) / 1.1)
    assert p.votes[:3].sum() == pytest.approx(10_000)


def test_proportional_swing_hand_worked():
    # A ×(0.7/0.35 = 2), B ×(0.25/0.5 = 0.5).  seat 0: A .10->... A .5->1.0, B .4->.2, C .1 -> sum 1.3
    p = run({0: 0.70, 1: 0.25}, "proportional")
    assert p.votes == pytest.approx(np.array([10_000, 2_000, 1_000, 4_000, 3_000, 1_000, 1_000])
                                    / np.array([1.3, 1.3, 1.3, 0.9, 0.9, 0.9, 0.9]))
    # seat 1 now goes to A: 4,000/0.9 against B 3,000/0.9.
    assert p.winner.tolist() == [0, 3]
    assert p.majority[1] == pytest.approx(1_000 / 0.9)


def test_bad_targets():
    with pytest.raises(SwingError) as exc:
        run({0: 0.7, 1: 0.6}, "uniform")
    assert str(exc.value) == SWING_SHARES_OVER_ONE.format(total=1.3)
    with pytest.raises(SwingError) as exc:
        project(seat=SEAT, party=PARTY, votes=VOTES, n_seats=2, n_parties=4, targets={3: 0.1},
                method="proportional")
    assert str(exc.value) == SWING_NO_BASELINE.format(party="3")
    with pytest.raises(SwingError, match="one of: uniform, proportional"):
        run({0: 0.4}, "cube")
