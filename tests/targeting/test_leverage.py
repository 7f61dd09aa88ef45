"""Leverage on small hand-worked seats: the arithmetic of both lenses, ties and missing data."""

import math

import numpy as np

from swingfund.targeting import leverage as lev


def test_bloc_base_and_voters():
    # 10,000 people in the bloc, 80% adults, 60% turnout -> 4,800 at the seat's own rates.
    base = lev.bloc_base(population=np.array([10_000.0]), seat_adult_share=np.array([0.8]), turnout=np.array([0.6]))
    assert base[0] == 4_800
    voters = lev.bloc_voters(base=base, adult_ratio=0.9, registration=0.85, turnout_ratio=1.0)
    assert voters[0] == 4_800 * 0.9 * 0.85


def test_swing_lens_once_and_twice():
    bloc_vote = np.array([1_000.0, 1_000.0, 1_000.0])
    majority = np.array([500.0, 1_500.0, 2_500.0])
    once = lev.swing_leverage(bloc_vote=bloc_vote, majority=majority, count_twice=False)
    twice = lev.swing_leverage(bloc_vote=bloc_vote, majority=majority, count_twice=True)
    assert once.tolist() == [2.0, 1_000 / 1_500, 0.4]
    assert twice.tolist() == [4.0, 2_000 / 1_500, 0.8]
    # Counting twice turns the middle seat (majority 1,500) into a decisive one.
    assert lev.seed_flag(once).tolist() == [1.0, 0.0, 0.0]
    assert lev.seed_flag(twice).tolist() == [1.0, 1.0, 0.0]


def test_own_candidate_lens_needs_to_pass_the_winner_not_the_majority():
    # A safe seat: winner 25,000 of 45,000 valid votes, majority 15,000.
    # 5% other support = 2,250 votes, so the bloc must bring 22,750.
    bloc_vote = np.array([12_000.0])
    own = lev.own_candidate_leverage(bloc_vote=bloc_vote, winner_votes=np.array([25_000.0]),
                                     valid_votes=np.array([45_000.0]), other_support=0.05, count_twice=False)
    assert own[0] == 12_000 / 22_750
    swing = lev.swing_leverage(bloc_vote=bloc_vote, majority=np.array([15_000.0]), count_twice=False)
    assert swing[0] == 0.8
    # Switching voters count twice: the candidate gains 12,000 and the winner loses 12,000.
    own2 = lev.own_candidate_leverage(bloc_vote=bloc_vote, winner_votes=np.array([25_000.0]),
                                      valid_votes=np.array([45_000.0]), other_support=0.05, count_twice=True)
    assert own2[0] == 24_000 / 22_750 and lev.seed_flag(own2)[0] == 1.0


def test_ties_and_no_data():
    out = lev.swing_leverage(bloc_vote=np.array([10.0, 0.0, np.nan]), majority=np.array([0.0, 0.0, 100.0]),
                             count_twice=False)
    assert math.isinf(out[0]) and out[1] == 0.0 and math.isnan(out[2])
    flag = lev.seed_flag(out)
    assert flag[0] == 1.0 and flag[1] == 0.0 and math.isnan(flag[2])
