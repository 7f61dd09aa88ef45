"""The value of money (targeting/value.py): the Ilford North hand check, the curve's calibration, and the column in
`swingfund targets` (JSON and page), each against a calculation made here with scipy, not with the module."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest
from django.core.management import call_command
from scipy.stats import norm

from swingfund.targeting.value import delta_p, effect_votes, money_value

# The cited calibration, worked by hand: £15 a canvasser-hour × 14 contacts per vote ÷ 8 (6, 12) contacts an hour;
# then twice and four times that for the next £3,000 and £5,000; 177 letters × 59p for direct mail.
CENTRAL, CHEAP, DEAR = 15 * 14 / 8, 15 * 14 / 12, 15 * 14 / 6
TEN_THOUSAND = {c: 2_000 / c + 3_000 / (2 * c) + 5_000 / (4 * c) for c in (CENTRAL, CHEAP, DEAR)}


def test_ilford_north_hand_check_from_the_issue():
    """2024 majority 528, forecast spread 4,621 votes, £10,000 buying 119 votes: ΔP ≈ 0.0102."""
    expected = norm.cdf((-528 + 119) / 4_621) - norm.cdf(-528 / 4_621)
    got = float(delta_p(margin=-528, sigma=4_621, votes=119))
    assert got == pytest.approx(expected, abs=1e-12)
    assert got == pytest.approx(0.0102, abs=0.0005)


def test_the_curve_is_calibrated_to_its_sources_and_shows_its_range():
    for cost, votes in TEN_THOUSAND.items():
        assert float(effect_votes(1_000_000, cost_per_vote=cost)) == pytest.approx(votes, rel=1e-9)
    assert float(effect_votes(200_000, cost_per_vote=CENTRAL)) == pytest.approx(2_000 / CENTRAL)
    # beyond £10,000 each pound buys at the third segment's rate, about the direct-mail cost (177 × £0.59)
    beyond = float(effect_votes(2_000_000, cost_per_vote=CENTRAL) - effect_votes(1_000_000, cost_per_vote=CENTRAL))
    assert beyond == pytest.approx(10_000 / (4 * CENTRAL))
    assert pytest.approx(177 * 0.59, rel=0.02) == 4 * CENTRAL
    value = money_value(margin=np.array([-528.0]), sigma=np.array([4_621.0]))
    assert value.votes_low[0] == pytest.approx(TEN_THOUSAND[DEAR]) and value.votes_high[0] == pytest.approx(
        TEN_THOUSAND[CHEAP])
    per = [(norm.cdf((-528 + TEN_THOUSAND[c]) / 4_621) - norm.cdf(-528 / 4_621)) / 10 for c in (CENTRAL, DEAR, CHEAP)]
    assert [value.per_1000[0], value.per_1000_low[0], value.per_1000_high[0]] == pytest.approx(per, abs=1e-12)
    assert value.pounds_per_hundredth_seat[0] == pytest.approx(10_000 * 0.01 / (per[0] * 10))


@pytest.mark.django_db
def test_targets_json_and_page_carry_the_value_of_money(official_db, client):
    out = io.StringIO()
    call_command("targets", "--election", "parl.2024-07-04", "--bloc", "religion:muslim", "--top", "0",
                 "--draws", "5000", "--format", "json", stdout=out)
    seats = {s["name"]: s for s in json.loads(out.getvalue())["seats"]}
    ilford = seats["Ilford North"]
    assert ilford["majority"] == 528
    # The live spread, from the forecast's 10–90 % interval. The issue's 4,621 was forecast v2's; v3's bloc term
    # widens the seats where the bloc is large (about 6,500 votes here), so the issue's figures stay a pure test of
    # the formula (test_ilford_north_hand_check_from_the_issue) and the live ΔP is recomputed from the live inputs.
    sigma = (ilford["majority_interval"]["p90"] - ilford["majority_interval"]["p10"]) / (2 * norm.ppf(0.9))
    assert 50 < sigma < 20_000
    live = (norm.cdf((-528 + min(TEN_THOUSAND[CENTRAL], ilford["bloc_voters"] * 0.5)) / sigma)
            - norm.cdf(-528 / sigma)) / 10
    assert ilford["value_per_1000"] == pytest.approx(live, abs=1e-9)
    assert float(delta_p(margin=-528, sigma=sigma, votes=119)) == pytest.approx(
        norm.cdf((-528 + 119) / sigma) - norm.cdf(-528 / sigma), abs=1e-12)
    for s in seats.values():
        if s["majority_interval"]["p10"] is None:
            assert s["value_per_1000"] is None
            continue
        sd = max((s["majority_interval"]["p90"] - s["majority_interval"]["p10"]) / (2 * norm.ppf(0.9)), 50)
        room = (s["bloc_voters"] or 0) * 0.5 if s["has_data"] else math.inf  # bloc voters not yet cohesive
        ends = [(norm.cdf((-s["majority"] + min(TEN_THOUSAND[c], room)) / sd) - norm.cdf(-s["majority"] / sd)) / 10
                for c in (CENTRAL, DEAR, CHEAP)]
        assert s["value_per_1000"] == pytest.approx(ends[0], abs=1e-9)
        assert [s["value_interval"]["low"], s["value_interval"]["high"]] == pytest.approx(ends[1:], abs=1e-9)
    html = client.get("/targets/?election=parl.2024-07-04&bloc=religion:muslim&rows=all").content.decode()
    assert "ΔP per £1,000" in html and "per 0.01 seat" in html and "Green and Gerber" in html
