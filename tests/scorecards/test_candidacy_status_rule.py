"""A candidacy marked withdrawn or not nominated (elections' candidacy status) is left out by the seat rule, as a
recorded stand-down is; it stays in the database."""

from __future__ import annotations

import pytest

from swingfund.elections.candidacies import candidacy_status_set
from swingfund.elections.models import Candidacy
from swingfund.scorecards.selectors import seat_intervention

from .conftest import TEST_ELECTION

ALL = ["agree"] * 5
SOME = ["agree", "agree", "disagree", "unknown", "agree"]


@pytest.mark.parametrize("status", ["withdrawn", "not_nominated"])
def test_a_withdrawn_or_not_nominated_candidacy_is_left_out(organisation, make_seat, code_stances, status):
    seat = make_seat("E14009031", "Epsilon", [("Al", "P1", 9_000, None), ("Bea", "P2", 8_000, None),
                                              ("Cas", "P3", 7_000, None)])
    for candidacy, stances in zip(seat.candidacies, (SOME, ALL, ALL), strict=True):
        code_stances(candidacy.person, stances)
    before = seat_intervention(organisation=organisation, election_id=TEST_ELECTION, constituency=seat.constituency)
    assert (before.action, before.candidacy_id) == ("back", seat.candidacies[1].pk)

    candidacy_status_set(candidacy_id=seat.candidacies[0].pk, status=status,
                         source_url="https://example.org/news/al")
    after = seat_intervention(organisation=organisation, election_id=TEST_ELECTION, constituency=seat.constituency)
    assert after.action == "stay_out"
    assert after.reason == "We stay out of Epsilon: both leading candidates agree with all five statements."
    assert after.warnings == ("Al (P1) has stood down and is not considered.",)
    assert Candidacy.objects.filter(pk=seat.candidacies[0].pk, status=status).exists()
