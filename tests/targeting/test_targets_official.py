"""The engine on the real official files: every seat of 2017, 2019 and 2024, each on its own boundary set."""

import csv
import math

import numpy as np
import pytest

from swingfund.targeting.bloc import Assumptions, BlocError, assumptions_build, bloc_parse
from swingfund.targeting.forecast import SeatError
from swingfund.targeting.selectors import BOUNDARY_MISMATCH, ELECTION_NOT_IMPORTED, TargetingError, seat_arrays
from swingfund.targeting.swing import SwingError, national_shares
from swingfund.targeting.targets import targets_compute

pytestmark = pytest.mark.django_db
MUSLIM = bloc_parse(text="religion:muslim")


def deterministic_tests(seats, bloc_vote, other_support, count_twice):
    """Independent of the simulation: per seat, does the cohesive bloc vote (fixed assumptions, no forecast
    error) decide the seat (swing) or elect its own candidate (own), from the candidacy rows one seat at a time."""
    swing, own = np.full(len(seats), np.nan), np.full(len(seats), np.nan)
    by_seat: dict[int, list[float]] = {}
    for s, v in zip(seats.cand_seat.tolist(), seats.cand_votes.tolist(), strict=True):
        by_seat.setdefault(s, []).append(v)
    for i, votes in by_seat.items():
        if np.isnan(bloc_vote[i]):
            continue
        votes = sorted(votes, reverse=True)
        valid = sum(votes)
        b = bloc_vote[i]
        shares = [v / valid for v in votes]  # the bloc votes like its seat
        effect = 2 * b if count_twice else b * (1 + shares[0] - shares[1])
        swing[i] = float(effect > votes[0] - votes[1])
        taken = [1.0] + [0.0] * 2 if count_twice else shares[:3]
        own[i] = float(all(b + other_support * valid > v - b * a for v, a in zip(votes[:3], taken, strict=False)))
    return swing, own


@pytest.mark.parametrize("count_twice", [False, True])
def test_zero_width_and_zero_forecast_error_is_exactly_the_deterministic_test(official_db, count_twice):
    table = targets_compute(election_id="parl.2024-07-04", bloc=MUSLIM, draws=500, national_sd=0.0,
                            seat_error=SeatError(intercept=0.0, slope=0.0, pooled=0.0, user_set=True),
                            assumptions=Assumptions(count_twice=count_twice).fixed())
    assert len(table.seats) == 650
    has_data = ~np.isnan(table.population)
    assert has_data.sum() == 632 and {table.seats.nations[i] for i in np.flatnonzero(~has_data)} == {"N"}
    assert set(np.unique(table.p_swing[has_data])) == {0.0, 1.0}
    swing, own = deterministic_tests(table.seats, table.bloc_vote, 0.05, count_twice)
    assert np.array_equal(table.p_swing, swing, equal_nan=True)
    assert np.array_equal(table.p_own, own, equal_nan=True)
    assert 0 < np.nansum(own) < np.nansum(swing) < 100
    assert np.isnan(table.p_swing[~has_data]).all() and np.isnan(table.leverage[~has_data]).all()


def test_same_seed_same_numbers_on_real_data(official_db):
    a = targets_compute(election_id="parl.2024-07-04", bloc=MUSLIM, draws=2_000, seed=9)
    b = targets_compute(election_id="parl.2024-07-04", bloc=MUSLIM, draws=2_000, seed=9)
    c = targets_compute(election_id="parl.2024-07-04", bloc=MUSLIM, draws=2_000, seed=10)
    assert np.array_equal(a.p_swing, b.p_swing, equal_nan=True) and np.array_equal(a.p_own, b.p_own, equal_nan=True)
    assert not np.array_equal(a.p_swing, c.p_swing, equal_nan=True)


def test_2024_majorities_and_bloc_counts_come_from_the_files(official_db, data_dir):
    table = targets_compute(election_id="parl.2024-07-04", bloc=MUSLIM, draws=100)
    with open(data_dir / "HoC-GE2024-results-by-constituency.csv", encoding="utf-8-sig") as f:
        official = {r["ONS ID"]: r for r in csv.DictReader(f)}
    index = {code: i for i, code in enumerate(table.seats.codes)}
    assert set(index) == set(official)
    for code, row in official.items():
        assert table.majority[index[code]] == int(row["Majority"])
    with open(data_dir / "census2021-religion-by-pcon2024-EW.csv", encoding="utf-8-sig") as f:
        muslim = [r for r in csv.DictReader(f) if "Muslim" in r["Religion (10 categories)"]]
    assert len(muslim) == 575
    code_column = "Post-2019 Westminster Parliamentary constituencies Code"
    for r in muslim:
        assert table.population[index[r[code_column]]] == float(r["Observation"])
    # Each GB seat's own adult share, from the summary file's age bands (18+ = 20+ bands + half of 16–19).
    with open(data_dir / "GE2024-census-constituency-summaries-GB-v1.1.csv", encoding="utf-8") as f:
        summary = {r["ONSConstID"]: r for r in csv.DictReader(f)}
    young = ("c21Age0to4", "c21Age5to9", "c21Age10to15", "c21Age16to19")
    bands = [c for c in next(iter(summary.values())) if c.startswith("c21Age") and c not in young]
    assert len(bands) == 14
    for code, r in summary.items():
        i = index[code]
        expected = (sum(float(r[c]) for c in bands) + float(r["c21Age16to19"]) / 2) / 100
        assert table.adult_share_from_census[i] and table.adult_share[i] == pytest.approx(expected, abs=1e-9)
    bradford = index["E14001120"]  # Bradford West
    assert table.adult_share[bradford] < 0.76  # a young seat: the flat 0.79 overstated its bloc


@pytest.mark.parametrize("election_id", ["parl.2017-06-08", "parl.2019-12-12"])
def test_2017_and_2019_use_the_2011_census_on_2010_boundaries(official_db, data_dir, election_id):
    a = Assumptions().fixed()
    table = targets_compute(election_id=election_id, bloc=MUSLIM, assumptions=a, draws=100)
    assert table.seats.boundary_set == "pcon2010" and table.censuses == ["census2011"]
    assert any("census2011 for a 20" in line and "growth assumption" in line for line in table.notes())
    assert len(table.seats) == 650 and int(np.isnan(table.population).sum()) == 18
    # Bradford West worked by hand from the BES file: 51.30% Muslim of 114,761 residents, 70.69% aged 18+.
    with open(data_dir / "BES-2019-General-Election-results-file-v1.1.csv", encoding="utf-8") as f:
        bes = next(r for r in csv.DictReader(f) if r["ONSConstID"] == "E14000589")
    year = election_id[7:9]
    adult = sum(float(bes[c]) for c in ("c11Age18to19", "c11Age20to24", "c11Age25to29", "c11Age30to44",
                                         "c11Age45to59", "c11Age60to64", "c11Age65to74", "c11Age75to84",
                                         "c11Age85to89", "c11Age90plus")) / 100
    turnout = int(bes[f"TotalVote{year}"]) / int(bes[f"Electorate{year}"])
    expected = float(bes["c11Muslim"]) / 100 * int(bes["c11Population"]) * adult * turnout * 0.9 * 0.85 * 0.95
    i = table.seats.codes.index("E14000589")
    assert table.adult_share_from_census[i]
    assert table.bloc_voters[i] == pytest.approx(expected, rel=1e-3)
    assert table.leverage[i] == pytest.approx(expected / table.majority[i], rel=1e-3)  # bloc voters ÷ majority
    assert table.cohesive_leverage[i] == pytest.approx(expected * 0.5 / table.majority[i], rel=1e-3)
    assert table.rows(top=40)[0].has_data and "Bradford West" in [r.name for r in table.rows(top=60)]


def test_notional_2019_on_2024_boundaries(official_db):
    table = targets_compute(election_id="parl.2019-12-12.notional", bloc=MUSLIM, draws=500)
    assert table.seats.boundary_set == "pcon2024" and table.seats.notional
    assert int((~np.isnan(table.population)).sum()) == 632


def test_census_on_other_boundaries_is_a_clear_error(official_db):
    with pytest.raises(TargetingError) as exc:
        targets_compute(election_id="parl.2024-07-04", bloc=bloc_parse(text="religion:muslim", census="census2011"))
    assert str(exc.value).startswith(BOUNDARY_MISMATCH.split("{")[0] + "census2011 is on pcon2010")
    assert "parl.2024-07-04 is on pcon2024" in str(exc.value)


def test_unknown_category_and_election(official_db):
    with pytest.raises(BlocError) as exc:
        targets_compute(election_id="parl.2024-07-04", bloc=bloc_parse(text="religion:nonsense"))
    assert "religion:muslim" in str(exc.value) and "ethnicity:black" in str(exc.value)
    with pytest.raises(BlocError) as exc:  # Scotland 2022 counts pagans; the 2011 figures by 2010 seat do not
        targets_compute(election_id="parl.2019-12-12", bloc=bloc_parse(text="religion:pagan"))
    assert "for pcon2010 seats" in str(exc.value) and "religion:hindu" in str(exc.value)
    assert "religion:pagan," not in str(exc.value)
    with pytest.raises(TargetingError) as exc:
        seat_arrays(election_id="parl.2010-05-06")
    assert str(exc.value).startswith(ELECTION_NOT_IMPORTED.split("{")[0] + "parl.2010-05-06")
    assert "swingfund data import" in str(exc.value)


def test_swing_to_last_national_shares_changes_nothing(official_db):
    seats = seat_arrays(election_id="parl.2019-12-12")
    shares = national_shares(party=seats.cand_carrier, votes=seats.cand_votes, n_parties=len(seats.carrier_names),
                             counted=seats.in_gb[seats.cand_seat])  # GB shares by party carrier, the default
    lab, con = seats.carrier_abbreviations.index("Lab"), seats.carrier_abbreviations.index("Con")
    text = f"Lab={float(shares[lab])!r},Con={float(shares[con])!r}"
    for method in ("uniform", "proportional"):
        table = targets_compute(election_id="parl.2019-12-12", bloc=MUSLIM, draws=100, swing=method, shares=text)
        assert table.majority == pytest.approx(seats.majority, abs=1e-6)


def test_swing_to_labour_narrows_conservative_majorities(official_db):
    base = targets_compute(election_id="parl.2019-12-12", bloc=MUSLIM, draws=100)
    swung = targets_compute(election_id="parl.2019-12-12", bloc=MUSLIM, draws=100, swing="uniform",
                            shares="Lab=0.40,Con=0.37")
    assert swung.projection and sum(p == "Lab" for p in swung.party) > sum(p == "Lab" for p in base.party)
    # Con falls and Lab rises by the same points everywhere: every seat Con still holds has a smaller majority.
    held = [i for i in range(650) if base.party[i] == "Con" and swung.party[i] == "Con"]
    assert len(held) > 200 and all(swung.majority[i] < base.majority[i] for i in held)
    with pytest.raises(SwingError, match="No party 'Whig'"):
        targets_compute(election_id="parl.2019-12-12", bloc=MUSLIM, swing="uniform", shares="Whig=0.3")


def test_summed_bloc_is_the_sum_of_its_parts(official_db):
    black = targets_compute(election_id="parl.2024-07-04", bloc=bloc_parse(text="ethnicity:black"), draws=10)
    mixed = targets_compute(election_id="parl.2024-07-04", bloc=bloc_parse(text="ethnicity:mixed"), draws=10)
    both = targets_compute(election_id="parl.2024-07-04", bloc=bloc_parse(text="ethnicity:black+ethnicity:mixed"),
                           draws=10, assumptions=assumptions_build())
    assert np.allclose(both.population, black.population + mixed.population, equal_nan=True)
    assert math.isnan(both.population[both.seats.codes.index("N05000001")])


def test_own_candidate_lens_finds_the_seats_independents_won_in_2024(official_db):
    """On the notional 2019 results, the four seats won in 2024 by community-backed independents sit far down the
    swing ranking (safe seats) but near the top of the own-candidate ranking — the reason for the second lens."""
    table = targets_compute(election_id="parl.2019-12-12.notional", bloc=MUSLIM, draws=1_000)
    swing = [r.name for r in table.rows(sort="leverage")]
    own = [r.name for r in table.rows(sort="own_leverage")]
    for seat in ("Blackburn", "Leicester South", "Dewsbury and Batley", "Birmingham Perry Barr"):
        assert swing.index(seat) + 1 > 40, (seat, swing.index(seat) + 1)
        assert own.index(seat) + 1 <= 25, (seat, own.index(seat) + 1)
