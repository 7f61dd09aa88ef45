"""Targeting without a census bloc: marginality (P of the seat changing hands) and the group's own supporters."""

from __future__ import annotations

import math

import numpy as np

from swingfund.targeting.targets import KIND_NONE, KIND_SUPPORTERS, targets_compute

ELECTION = "parl.2024-07-04"


def test_without_a_bloc_every_seat_gets_its_chance_of_changing_hands(official_db):
    table = targets_compute(election_id=ELECTION, bloc=None, draws=500)
    assert table.kind == KIND_NONE
    assert np.all(np.isnan(table.bloc_voters)) and np.all(np.isnan(table.leverage))  # nothing is counted
    p = table.p_swing[np.isfinite(table.p_swing)]
    assert p.size > 600 and np.all((p >= 0) & (p <= 1))
    rows = table.rows(sort="p_swing", top=20)
    assert all(rows[i].p_swing >= rows[i + 1].p_swing for i in range(19))
    # the closest seat is far likelier to change hands than the safest
    close, safe = int(np.nanargmin(table.majority)), int(np.nanargmax(table.majority))
    assert table.p_swing[close] > 0.3 > table.p_swing[safe]
    assert not any("bloc" in note.lower() for note in table.notes())


def test_supporters_are_the_bloc_vote_of_their_seat(official_db):
    seats = targets_compute(election_id=ELECTION, bloc=None, draws=200).seats
    close = int(np.nanargmin(seats.majority))
    cid = int(seats.constituency_ids[close])
    table = targets_compute(election_id=ELECTION, bloc=None, supporters={cid: 5_000}, draws=2_000)
    assert table.kind == KIND_SUPPORTERS
    assert table.bloc_voters[close] == 5_000 and np.nansum(table.bloc_voters) == 5_000
    assert math.isclose(table.leverage[close], 5_000 / table.majority[close])
    assert table.p_swing[close] > 0.5  # 5,000 votes against a majority of a few dozen
    others = np.delete(table.p_swing, close)
    assert np.nanmax(others) == 0.0  # no supporters, no chance that they decide anything
