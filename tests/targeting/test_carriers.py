"""Party carriers: joint descriptions carry their party's vote, the Speaker's seat stays out of swing, GB shares."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from swingfund.elections.carriers import carrier_name, is_speaker
from swingfund.targeting.bloc import bloc_parse
from swingfund.targeting.projection import projection_by_nation
from swingfund.targeting.selectors import seat_arrays
from swingfund.targeting.swing import national_shares
from swingfund.targeting.targets import targets_compute

MUSLIM = bloc_parse(text="religion:muslim")


def test_carrier_names():
    assert carrier_name("Labour and Co-operative") == "Labour"
    assert carrier_name("Labour") == "Labour"
    assert carrier_name("Conservative") == "Conservative"
    assert carrier_name("Independent") is None
    assert carrier_name(None) is None
    assert is_speaker("Speaker") and not is_speaker("Labour")


def _gb_shares_from_the_file(data_dir) -> tuple[float, float, dict[str, int]]:
    """Independent of the app: GB shares of Con and Labour (both descriptions) read straight from the HoC CSV."""
    with open(data_dir / "HoC-GE2019-results-by-candidate.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    gb = [r for r in rows if r["country_name"] != "Northern Ireland"]
    total = sum(int(r["votes"]) for r in gb)
    con = sum(int(r["votes"]) for r in gb if r["party_name"] == "Conservative") / total
    lab = sum(int(r["votes"]) for r in gb if r["party_name"] in ("Labour", "Labour and Co-operative")) / total
    thurrock = {r["party_name"]: int(r["votes"]) for r in rows if r["constituency_name"] == "Thurrock"}
    return con, lab, thurrock


def test_gb_shares_by_carrier_match_the_file(official_db, data_dir):
    con, lab, _ = _gb_shares_from_the_file(data_dir)
    seats = seat_arrays(election_id="parl.2019-12-12")
    shares = national_shares(party=seats.cand_carrier, votes=seats.cand_votes, n_parties=len(seats.carrier_names),
                             counted=seats.in_gb[seats.cand_seat])
    assert shares[seats.carrier_names.index("Labour")] == pytest.approx(lab, abs=1e-12)
    assert shares[seats.carrier_names.index("Conservative")] == pytest.approx(con, abs=1e-12)
    assert 0.328 < lab < 0.330  # Labour's 2019 GB share with its Co-op candidates, not the 28.9 % of "Labour" alone


def test_thurrock_under_a_labour_swing_by_strong_transition_hand_worked(official_db, data_dir):
    """England Lab=0.40, Con=0.30 on 2019 by strong transition, checked by hand from the CSV.

    The shares are of every English vote, the Speaker's seat (Chorley, kept out of the move) included, so the
    moving seats' targets are t × V_England ÷ V_moving. Every other party is scaled together to fill the rest, so
    only the Conservatives lose: they lose the same fraction everywhere, t_Con ÷ n_Con. The votes they lose in
    Thurrock go to the parties standing there, so the seat keeps its valid votes, and Labour gains the seat."""
    with open(data_dir / "HoC-GE2019-results-by-candidate.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["country_name"] == "England"]
    v_england = sum(int(r["votes"]) for r in rows)
    moving = [r for r in rows if r["constituency_name"] != "Chorley"]
    v_moving = sum(int(r["votes"]) for r in moving)
    n_con = sum(int(r["votes"]) for r in moving if carrier_name(r["party_name"]) == "Conservative") / v_moving
    t_con = 0.30 * v_england / v_moving  # Chorley had no Conservative candidate
    thurrock = {carrier_name(r["party_name"]): int(r["votes"]) for r in rows if r["constituency_name"] == "Thurrock"}
    valid = sum(thurrock.values())
    seats = seat_arrays(election_id="parl.2019-12-12")
    p = projection_by_nation(seats=seats, shares_by_nation={"E": {"Lab": 0.40, "Con": 0.30}},
                             method="strong-transition")
    i = seats.names.index("Thurrock")
    got = {p.carrier_names[c] if c >= 0 else None: v for s, c, v in zip(p.seat, p.carrier, p.votes, strict=True)
           if s == i}
    assert got["Conservative"] == pytest.approx(thurrock["Conservative"] * t_con / n_con, rel=1e-3)
    assert sum(got.values()) == pytest.approx(valid)
    assert all(got[k] > v for k, v in thurrock.items() if k != "Conservative")  # everyone else gains
    assert got["Labour"] > got["Conservative"]
    assert p.achieved["E"] == pytest.approx({"Lab": 0.40, "Con": 0.30}, abs=1e-6)


def test_labour_and_cooperative_candidates_take_labours_swing(official_db):
    seats = seat_arrays(election_id="parl.2019-12-12")
    coop = [r for r, p in enumerate(seats.cand_party) if p >= 0 and seats.party_names[p] == "Labour and Co-operative"]
    assert len(coop) == 50
    assert {seats.carrier_names[seats.cand_carrier[r]] for r in coop} == {"Labour"}
    base = targets_compute(election_id="parl.2019-12-12", bloc=MUSLIM, draws=10)
    swung = targets_compute(election_id="parl.2019-12-12", bloc=MUSLIM, draws=10, swing="uniform",
                            shares="Lab=0.45")
    # Edgbaston: a Labour and Co-operative hold; a swing to Labour must widen its majority over the Conservatives.
    i = seats.names.index("Birmingham, Edgbaston")
    assert base.party[i] == swung.party[i] == "Lab"
    assert swung.majority[i] > base.majority[i] + 1_000


def test_the_speakers_seat_is_kept_out_of_swing(official_db):
    seats = seat_arrays(election_id="parl.2019-12-12")
    assert seats.speaker_seat.sum() == 1
    i = int(np.flatnonzero(seats.speaker_seat)[0])
    swung = targets_compute(election_id="parl.2019-12-12", bloc=MUSLIM, draws=10, swing="uniform",
                            shares="Lab=0.45,Con=0.30")
    assert swung.majority[i] == pytest.approx(seats.majority[i])
