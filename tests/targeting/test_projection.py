"""Projection by nation (`targeting/projection.py`): hand-worked seats, exact landing, the new-party rule."""

from __future__ import annotations

import numpy as np
import pytest

from swingfund.targeting.projection import (
    PROJECTION_DERIVED_NEGATIVE,
    PROJECTION_OVER_ONE,
    PROJECTION_UK_AND_OTHERS,
    ProjectionError,
    projection_by_nation,
)
from swingfund.targeting.selectors import SeatArrays


def election(rows: list[tuple[int, str, float]], nations: list[str]) -> SeatArrays:
    """(seat, party, votes) rows; seat i in nation nations[i]."""
    parties = sorted({p for _, p, _ in rows})
    n = len(nations)
    seat = np.array([s for s, _, _ in rows])
    votes = np.array([v for _, _, v in rows], dtype=float)
    valid = np.bincount(seat, weights=votes, minlength=n)
    col = np.array([parties.index(p) for _, p, _ in rows])
    return SeatArrays(
        election_id="x.1", election_name="x", boundary_set="pcon2024", notional=False,
        constituency_ids=np.arange(n), codes=[f"X{i}" for i in range(n)], names=[f"S{i}" for i in range(n)],
        regions=["R"] * n, nations=nations, electorate=valid * 1.5, valid_votes=valid, majority=np.zeros(n),
        winner_votes=np.zeros(n), runner_up_votes=np.zeros(n), winner_name=[""] * n, winner_party=[""] * n,
        cand_seat=seat, cand_party=col, cand_votes=votes, cand_name=[""] * len(rows), party_names=parties,
        party_abbreviations=parties, cand_carrier=col, carrier_names=parties, carrier_abbreviations=parties,
        speaker_seat=np.zeros(n, dtype=bool))


# Two English seats of 10,000: A 35 %, B 40 %, C 25 % nationally.
TWO = election([(0, "A", 5_000), (0, "B", 3_000), (0, "C", 2_000),
                (1, "A", 2_000), (1, "B", 5_000), (1, "C", 3_000)], ["E", "E"])


def votes_of(p, seat: int) -> dict[str, float]:
    return {p.carrier_names[c]: v for s, c, v in zip(p.seat, p.carrier, p.votes, strict=True) if s == seat}


def test_strong_transition_hand_worked():
    # A 35 → 28 %: loses a fifth everywhere (seat 0: 50 → 40 %, seat 1: 20 → 16 %). B gains 4 points, C 3: they split
    # each seat's pool 4:3 (seat 0: 10 points → B +5.714, C +4.286; seat 1: 4 points → B +2.286, C +1.714).
    p = projection_by_nation(seats=TWO, shares_by_nation={"E": {"A": 0.28, "B": 0.44, "C": 0.28}},
                             method="strong-transition")
    assert votes_of(p, 0) == pytest.approx({"A": 4_000, "B": 3_000 + 1_000 * 4 / 7, "C": 2_000 + 1_000 * 3 / 7})
    assert votes_of(p, 1) == pytest.approx({"A": 1_600, "B": 5_000 + 400 * 4 / 7, "C": 3_000 + 400 * 3 / 7})
    assert p.achieved == {"E": pytest.approx({"A": 0.28, "B": 0.44, "C": 0.28}, abs=1e-9)}
    assert p.asked == {"E": {"A": 0.28, "B": 0.44, "C": 0.28}}
    assert p.majority.tolist() == pytest.approx([4_000 - (3_000 + 1_000 * 4 / 7),
                                                 5_000 + 400 * 4 / 7 - (3_000 + 400 * 3 / 7)])


@pytest.mark.parametrize("method", ["proportional-losses", "proportional", "uniform"])
def test_other_methods_land_exactly_and_keep_the_rakes_cross_ratio(method):
    targets = {"A": 0.28, "B": 0.44, "C": 0.28}
    p = projection_by_nation(seats=TWO, shares_by_nation={"E": targets}, method=method)
    s0, s1 = votes_of(p, 0), votes_of(p, 1)
    for party, t in targets.items():  # lands: national share within 1e-6 of the target, by hand from the votes
        assert (s0[party] + s1[party]) / 20_000 == pytest.approx(t, abs=1e-6)
    assert sum(s0.values()) == pytest.approx(10_000) and sum(s1.values()) == pytest.approx(10_000)
    # before the rake, by hand: proportional losses scale A by 0.8 and add 4 and 3 points to B and C
    before = {"proportional-losses": ({"A": .40, "B": .34, "C": .23}, {"A": .16, "B": .54, "C": .33}),
              "proportional": ({"A": .40, "B": .3 * 1.1, "C": .2 * 1.12}, {"A": .16, "B": .5 * 1.1, "C": .3 * 1.12}),
              "uniform": ({"A": .43, "B": .34, "C": .23}, {"A": .13, "B": .54, "C": .33})}[method]
    # a rake (iterative proportional fitting) keeps every cross ratio of the table it starts from
    for x, y in (("A", "B"), ("A", "C"), ("B", "C")):
        want = before[0][x] * before[1][y] / (before[0][y] * before[1][x])
        assert s0[x] * s1[y] / (s0[y] * s1[x]) == pytest.approx(want, rel=1e-5)


def test_a_party_new_to_a_seat_enters_with_its_mean_share_where_it_stood_in_the_nation():
    # C stood in seats 0 and 1 (2,000 of 10,000 and 6,000 of 20,000) but not in seat 2 (A 6,000, B 4,000): it
    # enters seat 2 with its vote-weighted mean share, 8,000 ÷ 30,000 (not the median 25 %), A and B scaled by
    # 1 − 8/30 to make room.
    e = election([(0, "A", 5_000), (0, "B", 3_000), (0, "C", 2_000), (1, "A", 4_000), (1, "B", 10_000),
                  (1, "C", 6_000), (2, "A", 6_000), (2, "B", 4_000)], ["E", "E", "E"])
    room = 1 - 8 / 30
    seat2 = {"A": 6_000 * room, "B": 4_000 * room, "C": 10_000 * 8 / 30}
    after_entry = {"A": (5_000 + 4_000 + seat2["A"]) / 40_000, "B": (3_000 + 10_000 + seat2["B"]) / 40_000,
                   "C": (2_000 + 6_000 + seat2["C"]) / 40_000}
    for method in ("strong-transition", "proportional-losses", "uniform", "proportional"):
        p = projection_by_nation(seats=e, shares_by_nation={"E": after_entry}, method=method)
        assert votes_of(p, 2) == pytest.approx(seat2)  # nothing else moves
        assert votes_of(p, 0) == pytest.approx({"A": 5_000, "B": 3_000, "C": 2_000})
        assert p.added.tolist() == [False] * 8 + [True]


def test_a_party_new_to_the_nation_enters_everywhere_with_its_target():
    p = projection_by_nation(seats=TWO, shares_by_nation={"E": {"New": 0.10, "A": 0.315, "B": 0.36, "C": 0.225}})
    assert votes_of(p, 0) == pytest.approx({"A": 4_500, "B": 2_700, "C": 1_800, "New": 1_000})
    assert votes_of(p, 1) == pytest.approx({"A": 1_800, "B": 4_500, "C": 2_700, "New": 1_000})
    assert p.achieved["E"]["New"] == pytest.approx(0.10)


def test_gb_with_scotland_given_derives_the_rest_so_gb_lands():
    # England: two seats (A 35 %, B 40 %, C 25 %); Scotland: one seat of 10,000, A 20 %, B 30 %, S 50 %.
    e = election([(0, "A", 5_000), (0, "B", 3_000), (0, "C", 2_000), (1, "A", 2_000), (1, "B", 5_000),
                  (1, "C", 3_000), (2, "A", 2_000), (2, "B", 3_000), (2, "S", 5_000)], ["E", "E", "S"])
    p = projection_by_nation(seats=e, shares_by_nation={"GB": {"A": 0.30}, "S": {"A": 0.15}})
    # England gets (0.30 × 30,000 − 0.15 × 10,000) ÷ 20,000 = 37.5 % for A
    eng = (votes_of(p, 0)["A"] + votes_of(p, 1)["A"]) / 20_000
    assert eng == pytest.approx(0.375, abs=1e-6)
    assert votes_of(p, 2)["A"] == pytest.approx(1_500, abs=0.01)
    assert p.achieved == {"GB": {"A": pytest.approx(0.30, abs=1e-7)}, "S": {"A": pytest.approx(0.15, abs=1e-7)}}


def test_bad_shares_are_refused_with_the_reason():
    with pytest.raises(ProjectionError, match=PROJECTION_OVER_ONE.split("{")[0]):
        projection_by_nation(seats=TWO, shares_by_nation={"E": {"A": 0.6, "B": 0.6}})
    with pytest.raises(ProjectionError, match=PROJECTION_UK_AND_OTHERS):
        projection_by_nation(seats=TWO, shares_by_nation={"UK": {"A": 0.3}, "E": {"A": 0.3}})
    with pytest.raises(ProjectionError, match="Unknown area 'XX'"):
        projection_by_nation(seats=TWO, shares_by_nation={"XX": {"A": 0.3}})
    with pytest.raises(ProjectionError, match="between 0 and 1"):
        projection_by_nation(seats=TWO, shares_by_nation={"E": {"A": 1.3}})
    e = election([(0, "A", 5_000), (0, "B", 5_000), (1, "A", 9_000), (1, "B", 1_000)], ["E", "S"])
    with pytest.raises(ProjectionError, match=PROJECTION_DERIVED_NEGATIVE.split("(")[0].format(party="A")):
        projection_by_nation(seats=e, shares_by_nation={"GB": {"A": 0.2}, "S": {"A": 0.9}})
