"""Correlated errors: regional errors shared by a region's seats, the national covariance, how many seats are won."""

from __future__ import annotations

import numpy as np
import pytest

from swingfund.targeting.forecast import Forecast, SeatError, forecast_sample, region_variance_share
from swingfund.targeting.polling_error import (
    FINAL_POLL_ERRORS,
    main_party_correlation,
    national_error_covariance,
    party_error_sd,
)
from swingfund.targeting.simulate import seats_won


def tied_seats(n: int, *, region_sd: float, sd: float, regions: list[int] | None = None, type_sd: float = 0.0,
               types: list[int] | None = None, tails: str = "normal") -> Forecast:
    """n seats of 10,000 valid votes, each a dead heat between carriers 0 and 1."""
    seat = np.repeat(np.arange(n), 2)
    carrier = np.tile([0, 1], n)
    return Forecast(seat=seat, carrier=carrier, centre=np.full(2 * n, 0.5), sd=np.full(2 * n, sd),
                    valid=np.full(n, 10_000.0), winner=np.arange(0, 2 * n, 2), runner_up=np.arange(1, 2 * n, 2),
                    majority=np.zeros(n), change=np.zeros(2), national_sd=0.0, tails=tails,
                    seat_error=SeatError(sd, 0.0, sd), frozen=np.zeros(n, dtype=bool), names=[""] * (2 * n),
                    region=np.array(regions if regions is not None else [0] * n),
                    region_sd=np.array([region_sd, region_sd]), carrier_names=["A", "B"],
                    seat_type=np.array(types if types is not None else [0] * n), type_sd=np.array([type_sd, type_sd]))


def test_seats_won_matches_the_binomial_when_seats_are_independent():
    fc = tied_seats(6, region_sd=0.0, sd=0.03)
    won = seats_won(sample=forecast_sample(fc, draws=40_000, seed=1), backed={i: 2 * i for i in range(6)})
    binomial = np.array([1, 6, 15, 20, 15, 6, 1]) / 64  # six fair coins, by hand
    assert won.pmf == pytest.approx(binomial, abs=0.01)
    assert won.at_least[0] == 1.0 and won.at_least[6] == pytest.approx(1 / 64, abs=0.005)
    assert won.at_least[3] == pytest.approx(42 / 64, abs=0.01)


def test_a_shared_regional_error_widens_the_count_but_not_each_seat():
    # Same total sd per candidacy (0.03), all of it shared in one case: each seat is still a coin flip, but the
    # six seats then go together (all or none), so P(all six) is ½, not 1/64.
    shared = tied_seats(6, region_sd=0.03, sd=0.0)
    sample = forecast_sample(shared, draws=40_000, seed=2)
    won = seats_won(sample=sample, backed={i: 2 * i for i in range(6)})
    assert sample.p_win[:, 0] == pytest.approx(np.full(6, 0.5), abs=0.01)
    assert won.pmf[0] == pytest.approx(0.5, abs=0.01) and won.pmf[6] == pytest.approx(0.5, abs=0.01)
    # seats in two different regions share nothing: three and three
    split = tied_seats(6, region_sd=0.03, sd=0.0, regions=[0, 0, 0, 1, 1, 1])
    won = seats_won(sample=forecast_sample(split, draws=40_000, seed=3), backed={i: 2 * i for i in range(6)})
    assert won.pmf[[0, 3, 6]] == pytest.approx([0.25, 0.5, 0.25], abs=0.01)


def test_seats_of_one_type_go_together_across_regions_and_other_types_do_not():
    # Six dead heats in six regions, all of the error in the seat type: three seats of type 0, three of type 1.
    # Each type's three seats go together (all or none) although no two share a region: 0, 3 or 6 seats won,
    # with chances ¼, ½, ¼ (two fair coins, by hand).
    fc = tied_seats(6, region_sd=0.0, sd=0.0, regions=list(range(6)), type_sd=0.03, types=[0, 0, 0, 1, 1, 1])
    sample = forecast_sample(fc, draws=40_000, seed=4)
    won = seats_won(sample=sample, backed={i: 2 * i for i in range(6)})
    assert sample.p_win[:, 0] == pytest.approx(np.full(6, 0.5), abs=0.01)
    assert won.pmf[[0, 3, 6]] == pytest.approx([0.25, 0.5, 0.25], abs=0.01)
    assert won.pmf[[1, 2, 4, 5]].sum() == 0.0


def test_heavy_tails_scale_the_shared_errors_too():
    # One seat, A ahead by 4 points, all of its error regional (sd 0.03 per party: the lead's sd is 0.03 √2).
    # With Student-t tails (ν = 4) the lead is 0.03 √2 × t₄, so P(B wins) = P(t₄ > 0.04 / (0.03 √2)), from
    # scipy's t distribution; the normal tails give Φ(−0.943) instead. Both by hand, against the sampler.
    from scipy import stats

    def one_seat(tails: str) -> Forecast:
        fc = tied_seats(1, region_sd=0.03, sd=0.0, tails=tails)
        return Forecast(**{**fc.__dict__, "centre": np.array([0.52, 0.48])})

    z = 0.04 / (0.03 * np.sqrt(2))
    for tails, expected in (("student-t", stats.t.sf(z, 4)), ("normal", stats.norm.sf(z))):
        p_b = forecast_sample(one_seat(tails), draws=200_000, seed=5).p_win[0, 1]
        assert p_b == pytest.approx(expected, abs=0.004), tails
    assert stats.t.sf(z, 4) - stats.norm.sf(z) > 0.02   # the two differ by more than the tolerance


def test_seat_types_are_the_last_results_winner_and_second():
    from swingfund.targeting.forecast import seat_types
    from swingfund.targeting.selectors import SeatArrays

    # five seats (carriers 0 Lab, 1 Con, 2 LD; −1 none), votes in a scrambled order; the last seat has one candidate
    cand_seat = np.array([0, 0, 0, 1, 1, 2, 2, 3, 3, 4])
    cand_carrier = np.array([0, 1, -1, 0, 1, 1, 2, 1, -1, 0])
    cand_votes = np.array([300.0, 100.0, 200.0, 50.0, 80.0, 90.0, 40.0, 70.0, 20.0, 500.0])
    n = 5
    seats = SeatArrays(
        election_id="x", election_name="x", boundary_set="b", notional=False, constituency_ids=np.arange(n),
        codes=[f"E{i}" for i in range(n)], names=[f"S{i}" for i in range(n)], regions=["r"] * n, nations=["E"] * n,
        electorate=np.full(n, 70_000), valid_votes=np.full(n, 40_000.0), majority=np.zeros(n),
        winner_votes=np.zeros(n), runner_up_votes=np.zeros(n), winner_name=[""] * n, winner_party=[""] * n,
        cand_seat=cand_seat, cand_party=np.zeros(cand_seat.size, dtype=np.int64), cand_votes=cand_votes,
        cand_name=[""] * cand_seat.size, party_names=[], party_abbreviations=[], cand_carrier=cand_carrier,
        carrier_names=["Lab", "Con", "LD"], carrier_abbreviations=["Lab", "Con", "LD"],
        speaker_seat=np.zeros(n, dtype=bool))
    assert seat_types(seats).tolist() == ["Lab > other", "Con > Lab", "Con > LD", "Con > other", "Lab"]


def test_region_variance_share_is_the_one_way_anova_by_hand():
    # two regions of four seats: means −1 and +1, within-region spread ±0.5 → MSW = 1/3, MSB = 8, n0 = 4
    resid = np.array([-1.5, -0.5, -1.5, -0.5, 0.5, 1.5, 0.5, 1.5])
    regions = np.array(["a"] * 4 + ["b"] * 4, dtype=object)
    between, within = region_variance_share(resid, regions)
    assert within == pytest.approx(1 / 3)
    assert between == pytest.approx((8 - 1 / 3) / 4)


def test_national_error_covariance_from_the_final_polls():
    con = [e["Con"] for e in FINAL_POLL_ERRORS.values()]
    lab = [e["Lab"] for e in FINAL_POLL_ERRORS.values()]
    assert party_error_sd("Con") == pytest.approx(np.sqrt(np.mean(np.square(con))) / 100)
    assert party_error_sd("Lab") == pytest.approx(np.sqrt(np.mean(np.square(lab))) / 100)
    assert main_party_correlation() < -0.5  # when the polls overstate one main party they understate the other
    cov = national_error_covariance(["Con", "Lab", "Green"])
    assert cov[0, 1] == pytest.approx(main_party_correlation() * party_error_sd("Con") * party_error_sd("Lab"))
    assert cov[2, 2] == pytest.approx(0.015 ** 2) and cov[0, 2] == 0.0
    assert np.linalg.eigvalsh(cov).min() >= 0


def test_crps_of_a_sample_matches_the_pairwise_definition_and_the_normal_closed_form():
    from scipy import stats

    from swingfund.targeting.backtest import crps

    rng = np.random.default_rng(7)
    counts = rng.integers(0, 12, size=300).astype(float)
    by_pairs = np.mean(np.abs(counts - 4)) - 0.5 * np.mean(np.abs(counts[:, None] - counts[None, :]))
    assert crps(counts, 4) == pytest.approx(by_pairs, rel=1e-12)
    assert crps(np.full(50, 3.0), 3) == 0.0
    # Gneiting and Raftery (2007): for N(μ, σ²), CRPS = σ [z (2Φ(z) − 1) + 2φ(z) − 1/√π], z = (y − μ)/σ
    z = 1.3
    closed = 2.0 * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / np.sqrt(np.pi))
    assert crps(rng.normal(10.0, 2.0, 200_000), 10.0 + 2.0 * z) == pytest.approx(closed, abs=0.01)
