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


def tied_seats(n: int, *, region_sd: float, sd: float, regions: list[int] | None = None) -> Forecast:
    """n seats of 10,000 valid votes, each a dead heat between carriers 0 and 1."""
    seat = np.repeat(np.arange(n), 2)
    carrier = np.tile([0, 1], n)
    return Forecast(seat=seat, carrier=carrier, centre=np.full(2 * n, 0.5), sd=np.full(2 * n, sd),
                    valid=np.full(n, 10_000.0), winner=np.arange(0, 2 * n, 2), runner_up=np.arange(1, 2 * n, 2),
                    majority=np.zeros(n), change=np.zeros(2), national_sd=0.0, tails="normal",
                    seat_error=SeatError(sd, 0.0, sd), frozen=np.zeros(n, dtype=bool), names=[""] * (2 * n),
                    region=np.array(regions if regions is not None else [0] * n),
                    region_sd=np.array([region_sd, region_sd]), carrier_names=["A", "B"])


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
