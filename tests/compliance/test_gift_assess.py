"""One gift's whole legal position, worked by hand from LAW.md's figures. No database: the table is passed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from swingfund.compliance.checks import Situation
from swingfund.compliance.gifts import (
    HOLD_ANONYMOUS,
    HOLD_IMPERMISSIBLE,
    HOLD_PARTY,
    HOLD_UNVERIFIED,
    donor_permissible,
    gift_assess,
)
from swingfund.compliance.seed import seed_table

LAW = seed_table()
RECEIVED = date(2024, 6, 20)
CHECKED = datetime(2024, 6, 1)


@dataclass
class Donor:
    category: str = "unknown"
    checked_at: object = None


def assess(**kw):
    kw.setdefault("received_on", RECEIVED)
    return gift_assess(figures=LAW, **kw)


def test_a_pooled_gift_up_to_500_pounds_is_not_a_donation_in_law_and_is_accepted_unchecked():
    position = assess(mode="pooled", donor=Donor(), amount_pence=50_000)
    assert position.situation == Situation.NON_PARTY_CAMPAIGN
    assert not position.needs_check and not position.held and position.hold_reason == ""
    assert position.threshold.key == "non_party_permissibility_threshold" and position.threshold.value == 50_000


def test_over_500_pounds_from_an_unchecked_donor_is_held_with_the_return_date_and_citations():
    position = assess(mode="pooled", donor=Donor(category="uk_elector"), amount_pence=50_001)
    assert position.needs_check and position.held and position.permissible is None
    assert position.hold_reason == HOLD_UNVERIFIED
    assert position.return_due == date(2024, 7, 19)  # 30 days beginning with the day of receipt
    assert any("PPERA 2000, Schedule 11" in c for c in position.citations)


def test_splitting_does_not_escape_the_threshold_the_aggregate_counts():
    position = assess(mode="pooled", donor=Donor(), amount_pence=30_000, earlier_aggregate_pence=30_000,
                      related_amounts=[30_000])
    assert position.needs_check and position.held and position.split


def test_an_anonymous_giver_over_the_threshold_is_held_and_its_earlier_aggregate_is_ignored():
    position = assess(mode="pooled", donor=None, amount_pence=60_000, earlier_aggregate_pence=10_000_000)
    assert position.held and position.permissible is False and position.hold_reason == HOLD_ANONYMOUS
    assert not assess(mode="pooled", donor=None, amount_pence=100, earlier_aggregate_pence=10_000_000).held


def test_an_earmarked_gift_is_the_candidates_over_50_pounds():
    position = assess(mode="earmarked", donor=Donor(), amount_pence=5_001)
    assert position.situation == Situation.CANDIDATE_GIFT and position.held
    assert position.threshold.key == "candidate_donation_threshold"
    assert position.report_threshold.value == 5_000


def test_a_checked_permissible_donor_is_accepted_and_reported_over_7500_pounds():
    donor = Donor(category="uk_elector", checked_at=CHECKED)
    assert not assess(mode="pooled", donor=donor, amount_pence=750_000).reportable
    position = assess(mode="pooled", donor=donor, amount_pence=1_000, earlier_aggregate_pence=750_000)
    assert not position.held and position.reportable


def test_a_registered_party_may_give_to_a_candidate_but_not_to_the_groups_own_campaign():
    party = Donor(category="registered_party", checked_at=CHECKED)
    assert donor_permissible(party, situation=Situation.CANDIDATE_GIFT) is True
    pooled = assess(mode="pooled", donor=party, amount_pence=100_000)
    assert pooled.held and pooled.hold_reason == HOLD_PARTY
    assert not assess(mode="earmarked", donor=party, amount_pence=100_000).held


def test_a_donor_recorded_impermissible_is_held_for_return():
    position = assess(mode="pooled", donor=Donor(category="impermissible", checked_at=CHECKED), amount_pence=60_000)
    assert position.held and position.permissible is False and position.hold_reason == HOLD_IMPERMISSIBLE
