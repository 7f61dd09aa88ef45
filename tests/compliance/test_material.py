"""Classifying material and checking its cost (`compliance.material`), on hand-worked cases: pure functions over
LAW.md's figures, no database. The permitted sum is £700 per candidate (RPA 1983 s.75(1ZZB))."""

from __future__ import annotations

from datetime import date

import pytest

from swingfund.compliance import material
from swingfund.compliance.errors import LimitExceeded
from swingfund.compliance.seed import seed_table

LAW = seed_table()
POLL_2024 = date(2024, 7, 4)
SOUTH, NORTH, WEST = 1, 2, 3
ANN = material.Candidate(candidacy_id=11, seat_id=SOUTH, name="Ann Example")
BEN = material.Candidate(candidacy_id=12, seat_id=SOUTH, name="Ben Other")
CAT = material.Candidate(candidacy_id=21, seat_id=NORTH, name="Cat Third")


def test_the_placeholder_names_the_backed_candidacy_and_a_full_name_names_its_candidacy():
    backed = {SOUTH: ANN.candidacy_id}
    assert material.candidates_named(texts=["We back {candidate} in {seat}."], candidates=[ANN, BEN, CAT],
                                     backed=backed) == {SOUTH: (11,)}
    # opposing by name counts too, whatever the case and line breaks; a first name alone does not
    assert material.candidates_named(texts=["Do not vote for BEN\nOTHER.", "Cat says hello"],
                                     candidates=[ANN, BEN, CAT], backed=backed) == {SOUTH: (12,)}
    assert material.candidates_named(texts=["{seat} is close: vote on 4 July."], candidates=[ANN, BEN, CAT],
                                     backed=backed) == {}
    assert material.candidates_named(texts=["Ann Examples"], candidates=[ANN], backed={}) == {}


def test_a_seats_cost_goes_to_the_candidacies_named_there_and_the_rest_is_general():
    per_candidacy, general = material.split_costs(seat_costs={SOUTH: 1_001, NORTH: 400, WEST: 0},
                                                  named={SOUTH: (11, 12)})
    assert per_candidacy == {11: 501, 12: 500}  # 1,001p split equally in whole pence, the odd penny to the first
    assert general == {NORTH: 400}


def test_over_the_permitted_sum_without_the_agents_authority_is_refused_naming_the_figure_and_citation():
    names = {11: "Ann Example (Aberdeen South)"}
    charges = material.check_candidate_material(figures=LAW, costs={11: 20_000}, earlier={11: 50_000},
                                                authorities={}, names=names, on=POLL_2024)
    assert [(c.pence, c.spent_before_pence, c.limit_pence, c.left_pence) for c in charges] == [
        (20_000, 50_000, 70_000, 0)]  # £500 + £200 = £700 exactly: allowed, nothing left
    with pytest.raises(LimitExceeded) as refused:
        material.check_candidate_material(figures=LAW, costs={11: 20_001}, earlier={11: 50_000}, authorities={},
                                          names=names, on=POLL_2024)
    assert "to £700.01, over the permitted sum of £700 per candidate" in str(refused.value)
    assert "Representation of the People Act 1983, s.75(1ZZB)" in str(refused.value)


def test_with_the_agents_authority_the_limit_is_what_the_agent_authorised():
    authority = material.Authority(limit_pence=100_000, agent_name="Morag Agent", authorised_on=date(2024, 6, 10))
    [charge] = material.check_candidate_material(figures=LAW, costs={11: 70_100}, earlier={11: 29_900},
                                                 authorities={11: authority}, names={}, on=POLL_2024)
    assert (charge.authorised, charge.left_pence) == (True, 0)  # £299 + £701 = £1,000
    with pytest.raises(LimitExceeded) as refused:
        material.check_candidate_material(figures=LAW, costs={11: 70_101}, earlier={11: 29_900},
                                          authorities={11: authority}, names={}, on=POLL_2024)
    assert "over the £1,000 their election agent Morag Agent authorised in writing on 2024-06-10" in str(
        refused.value)


def test_material_is_assigned_to_the_election_whose_regulated_period_it_falls_in():
    periods = {"parl.2024-07-04": (date(2023, 7, 6), date(2024, 7, 4)),
               "parl.2019-12-12": (date(2018, 12, 13), date(2019, 12, 12))}
    assert material.assign_election(on=date(2023, 7, 6), periods=periods) == "parl.2024-07-04"
    assert material.assign_election(on=date(2023, 7, 5), periods=periods) is None  # the day before: outside
    assert material.assign_election(on=date(2019, 12, 12), periods=periods) == "parl.2019-12-12"


def test_a_charity_is_refused_candidate_and_party_spending_citing_cc9():
    material.check_charity(legal_form="unincorporated_association", charity_number="", organisation="G",
                           doing=material.CHARITY_CANDIDATE)
    with pytest.raises(material.CharityRefused) as refused:
        material.check_charity(legal_form="charity", charity_number="123", organisation="G",
                               doing=material.CHARITY_PARTY)
    assert isinstance(refused.value, ValueError) and "CC9" in str(refused.value)
