"""Projection of the next result from the last by national swing, so leverage can use a projected majority.

Input is one row per candidacy of the last election (seat index, party index, votes) and target national
vote shares for some parties (party index → share of all valid votes, 0–1). Parties are only column
numbers here: no rule depends on a party's name.

* **uniform** swing: every candidacy of party p gains the same number of percentage points in every seat,
  the change of p's national share: s' = s + (target_p − national_p).
* **proportional** swing: every candidacy of party p scales its share by the same factor in every seat:
  s' = s × target_p ÷ national_p (the factor needs national_p > 0).

Parties here are *carriers* (`swingfund.elections.carriers`): Labour and Co-operative candidates carry Labour's
vote, so they take Labour's swing. National shares are measured over the seats in `basis` (Great Britain by
default in `targets.py`, since polls quote GB shares); seats in `frozen` (the Speaker's) keep their last result.
Candidacies of parties without a target keep their share. Then negative shares are set to zero and every
seat's shares are rescaled to sum to 1 (so national totals land near, not exactly on, the targets), and the
projected votes are the shares times the seat's last valid votes (turnout held). Winner, runner-up and
majority are recomputed from the projected votes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

UNIFORM = "uniform"
PROPORTIONAL = "proportional"
METHODS = (UNIFORM, PROPORTIONAL)
SWING_BAD_METHOD = "Swing method must be one of: uniform, proportional (got {method!r})."
SWING_BAD_SHARE = "National share for {party} must be between 0 and 1 (got {share})."
SWING_SHARES_OVER_ONE = "National shares add up to {total:.3f}, more than 1."
SWING_NO_BASELINE = "Proportional swing needs {party} to have had votes last time (it had none)."


class SwingError(ValueError):
    """Target shares or a method that cannot be used; the message says why."""


@dataclass(frozen=True)
class Projection:
    """Projected votes per candidacy and the projected result per seat."""

    votes: np.ndarray            # per candidacy, float64
    winner: np.ndarray           # per seat: candidacy row of the projected winner (-1 if the seat has none)
    runner_up: np.ndarray        # per seat: candidacy row of the runner-up (-1 if none)
    winner_votes: np.ndarray     # per seat
    runner_up_votes: np.ndarray  # per seat
    majority: np.ndarray         # per seat, winner − runner-up
    valid_votes: np.ndarray      # per seat (unchanged from the last election)


def national_shares(*, party: np.ndarray, votes: np.ndarray, n_parties: int,
                    counted: np.ndarray | None = None) -> np.ndarray:
    """Each party's share of all valid votes (candidacies without a party, index −1, count in the total).

    `counted`, if given, is a per-candidacy mask of the votes that make up the nation (e.g. Great Britain's)."""
    votes = np.asarray(votes, dtype=np.float64)
    if counted is not None:
        votes = np.where(counted, votes, 0.0)
    known = party >= 0
    totals = np.bincount(party[known], weights=votes[known], minlength=n_parties)
    return totals / votes.sum()


def seat_totals(*, seat: np.ndarray, votes: np.ndarray, n_seats: int) -> np.ndarray:
    return np.bincount(seat, weights=np.asarray(votes, dtype=np.float64), minlength=n_seats)


def top_two(*, seat: np.ndarray, votes: np.ndarray, n_seats: int) -> tuple[np.ndarray, np.ndarray]:
    """Per seat, the candidacy rows with the most and second-most votes (−1 where missing)."""
    order = np.lexsort((-np.asarray(votes, dtype=np.float64), seat))
    sorted_seat = seat[order]
    first = np.searchsorted(sorted_seat, np.arange(n_seats), side="left")
    end = np.searchsorted(sorted_seat, np.arange(n_seats), side="right")
    winner = np.where(first < end, order[np.minimum(first, order.size - 1)], -1)
    has_second = first + 1 < end
    runner_up = np.where(has_second, order[np.minimum(first + 1, order.size - 1)], -1)
    return winner, runner_up


def project(
    *, seat: np.ndarray, party: np.ndarray, votes: np.ndarray, n_seats: int, n_parties: int,
    targets: dict[int, float], method: str, party_names: list[str] | None = None,
    basis: np.ndarray | None = None, frozen: np.ndarray | None = None,
) -> Projection:
    """Project every seat's result from the last one given national target shares (see module docstring)."""
    if method not in METHODS:
        raise SwingError(SWING_BAD_METHOD.format(method=method))
    names = party_names or [str(i) for i in range(n_parties)]
    for p, share in targets.items():
        if not 0 <= share <= 1:
            raise SwingError(SWING_BAD_SHARE.format(party=names[p], share=share))
    total = sum(targets.values())
    if total > 1 + 1e-9:
        raise SwingError(SWING_SHARES_OVER_ONE.format(total=total))
    seat = np.asarray(seat, dtype=np.int64)
    party = np.asarray(party, dtype=np.int64)
    votes = np.asarray(votes, dtype=np.float64)
    counted = None if basis is None else np.asarray(basis, dtype=bool)[seat]
    national = national_shares(party=party, votes=votes, n_parties=n_parties, counted=counted)
    valid = seat_totals(seat=seat, votes=votes, n_seats=n_seats)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(valid[seat] > 0, votes / valid[seat], 0.0)

    change = np.zeros(n_parties + 1)  # last slot: candidacies without a party (index −1) never move
    factor = np.ones(n_parties + 1)
    for p, target in targets.items():
        change[p] = target - national[p]
        if method == PROPORTIONAL:
            if national[p] <= 0:
                raise SwingError(SWING_NO_BASELINE.format(party=names[p]))
            factor[p] = target / national[p]
    new_share = share + change[party] if method == UNIFORM else share * factor[party]
    if frozen is not None:  # the Speaker's seat: kept out of swing
        new_share = np.where(np.asarray(frozen, dtype=bool)[seat], share, new_share)
    new_share = np.clip(new_share, 0.0, None)
    seat_sum = seat_totals(seat=seat, votes=new_share, n_seats=n_seats)
    with np.errstate(divide="ignore", invalid="ignore"):
        new_share = np.where(seat_sum[seat] > 0, new_share / seat_sum[seat], 0.0)
    new_votes = new_share * valid[seat]

    winner, runner_up = top_two(seat=seat, votes=new_votes, n_seats=n_seats)
    winner_votes = np.where(winner >= 0, new_votes[winner], 0.0)
    runner_up_votes = np.where(runner_up >= 0, new_votes[runner_up], 0.0)
    return Projection(
        votes=new_votes, winner=winner, runner_up=runner_up, winner_votes=winner_votes,
        runner_up_votes=runner_up_votes, majority=winner_votes - runner_up_votes, valid_votes=valid,
    )
