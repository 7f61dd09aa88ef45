"""Party carriers: joint descriptions carry their party's vote, the Speaker's seat stays out of swing, GB shares."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from swingfund.elections.carriers import carrier_name, is_speaker
from swingfund.targeting.bloc import bloc_parse
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


def test_thurrock_stays_conservative_under_a_labour_swing(official_db, data_dir):
    """With Lab=0.40, Con=0.30 on 2019: uniform swing on GB shares by carrier, shares renormalised per seat.

    Hand calculation from the CSV: Thurrock's shares move by (0.30 − GB Con) and (0.40 − GB Lab), every other
    party keeps its share, then the seat's shares are rescaled to sum to 1: a Conservative hold by about 1,214.
    """
    con, lab, thurrock = _gb_shares_from_the_file(data_dir)
    valid = sum(thurrock.values())
    c = thurrock["Conservative"] / valid + 0.30 - con
    ll = thurrock["Labour"] / valid + 0.40 - lab
    expected = (c - ll) / (1 + (0.30 - con) + (0.40 - lab)) * valid
    assert 1_100 <= expected <= 1_350
    table = targets_compute(election_id="parl.2019-12-12", bloc=MUSLIM, draws=10, swing="uniform",
                            shares="Lab=0.40,Con=0.30")
    i = table.seats.names.index("Thurrock")
    assert table.party[i] == "Con"
    assert table.majority[i] == pytest.approx(expected, abs=0.5)


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
