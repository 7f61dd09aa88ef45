"""Leverage of a bloc in every seat at once: plain numpy arrays in, arrays out, no party names.

Definitions (all arrays are per seat, float64; NaN means "no data" and stays NaN, never zero):

* **base** = bloc population × seat adult share × seat turnout — the bloc's members who would vote if they
  were as adult, as registered and as likely to vote as the seat (`bloc.py` corrects each of these).
* **bloc voters** = base × adult_ratio × registration × turnout_ratio.
* **bloc vote** = bloc voters × cohesion — the votes that move together.
* **effect** = bloc vote × k, where k says how a bloc vote counts against the winner:
  - *once* (k = 1, the default): bloc voters who stayed at home turn out for the challenger, or the
    winner's bloc voters stay at home. The gap between winner and challenger closes by one per vote.
  - *twice* (k = 2): bloc voters who voted for the winner switch to the challenger: the winner loses a
    vote and the challenger gains one, so the gap closes by two. This assumes the bloc's cohesive voters
    all backed the winner last time, which is the optimistic case.

Two **lenses**, side by side:

* **swing** (the seed criterion): can the bloc decide between the two leading candidates?
  Decisive when effect > majority; leverage = effect ÷ majority.
* **own candidate**: could the bloc elect its own candidate, whose vote is the bloc vote plus support from
  outside the bloc (`other_support` × valid votes), against the winner's vote (less the bloc vote, when a
  bloc vote counts twice)? Decisive when effect > winner's votes − other support; leverage = effect ÷ that.
  This is how community-backed independents won safe seats in 2024, which the swing lens ranks low.

A leverage above 1 is the point estimate of "decisive"; a majority of 0 (a tie) gives infinite leverage.
"""

from __future__ import annotations

import numpy as np

FloatArray = np.ndarray


def bloc_base(*, population: FloatArray, seat_adult_share: FloatArray, turnout: FloatArray) -> FloatArray:
    """Bloc members who would cast a valid vote at the seat's own adult share and turnout."""
    return np.asarray(population, dtype=np.float64) * seat_adult_share * turnout


def bloc_voters(
    *, base: FloatArray, adult_ratio: float, registration: float, turnout_ratio: float
) -> FloatArray:
    """Estimated bloc members casting a valid vote."""
    return np.asarray(base, dtype=np.float64) * (adult_ratio * registration * turnout_ratio)


def vote_weight(*, count_twice: bool) -> int:
    """How far one bloc vote closes the gap to the winner: 1 (turning out) or 2 (switching from the winner)."""
    return 2 if count_twice else 1


def _ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    """numerator ÷ denominator with x ÷ 0 = inf (x > 0), 0 ÷ 0 = 0 and NaN kept."""
    num = np.asarray(numerator, dtype=np.float64)
    den = np.asarray(denominator, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    tie = (den <= 0) & ~np.isnan(num)
    return np.where(tie, np.where(num > 0, np.inf, 0.0), out)


def swing_leverage(*, bloc_vote: FloatArray, majority: FloatArray, count_twice: bool) -> FloatArray:
    """Swing lens: effect ÷ majority (> 1 means the bloc's cohesive vote could reverse the result)."""
    return _ratio(np.asarray(bloc_vote, dtype=np.float64) * vote_weight(count_twice=count_twice), majority)


def own_candidate_need(*, winner_votes: FloatArray, valid_votes: FloatArray, other_support: float) -> FloatArray:
    """Votes the bloc must supply for its own candidate to pass the winner: winner − other support."""
    return np.asarray(winner_votes, dtype=np.float64) - other_support * np.asarray(valid_votes, dtype=np.float64)


def own_candidate_leverage(
    *, bloc_vote: FloatArray, winner_votes: FloatArray, valid_votes: FloatArray, other_support: float,
    count_twice: bool,
) -> FloatArray:
    """Own-candidate lens: effect ÷ (winner's votes − other support × valid votes)."""
    need = own_candidate_need(winner_votes=winner_votes, valid_votes=valid_votes, other_support=other_support)
    return _ratio(np.asarray(bloc_vote, dtype=np.float64) * vote_weight(count_twice=count_twice), need)


def seed_flag(leverage: FloatArray) -> FloatArray:
    """1.0 where the bloc vote is larger than what it must overcome, 0.0 where not, NaN where no data."""
    lev = np.asarray(leverage, dtype=np.float64)
    return np.where(np.isnan(lev), np.nan, (lev > 1).astype(np.float64))
