"""Scorers on small hand-worked cases; the asserts explain the arithmetic."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from swingfund.scorecards.scoring import (
    NO_VOTES_BAND,
    PUBLIC_WHIP_BANDS,
    TWFY_BANDS,
    EvidenceItem,
    VoteTally,
    band_for,
    public_whip_distance,
    statement_score,
    twfy_simplified_distance,
)

D = dt.date(2024, 1, 1)


def vote(i: int, v: str, important: bool = True, agree_when: str = "aye", withdrawn: bool = False) -> EvidenceItem:
    return EvidenceItem(
        evidence_id=i,
        kind="division",
        stance="",
        date=D,
        vote=v,
        agree_when=agree_when,
        important=important,
        withdrawn=withdrawn,
    )


def item(i: int, kind: str, stance: str, date: dt.date = D) -> EvidenceItem:
    return EvidenceItem(evidence_id=i, kind=kind, stance=stance, date=date)


class TestPublicWhip:
    def test_important_votes_weigh_fifty_normal_ten(self):
        # one important agreement (0 of 50) + one normal disagreement (10 of 10) = 10 / 60
        assert public_whip_distance(tally=VoteTally(important_same=1, different=1)) == 10 / 60

    def test_absence_on_important_vote_earns_half(self):
        assert public_whip_distance(tally=VoteTally(important_absent=1)) == 0.5
        # agree on one important, absent on another: 25 of 100
        assert public_whip_distance(tally=VoteTally(important_same=1, important_absent=1)) == 0.25

    def test_absence_on_normal_vote_weighs_lightly(self):
        # two agreements (0 of 20) and three absences (3 of 6): 3 / 26, not 15 / 50
        assert math.isclose(public_whip_distance(tally=VoteTally(same=2, absent=3)), 3 / 26)

    def test_abstention_counts_like_absence(self):
        assert public_whip_distance(tally=VoteTally(important_abstain=1)) == 0.5

    def test_no_votes_is_nan_not_zero(self):
        assert math.isnan(public_whip_distance(tally=VoteTally()))

    def test_vector_matches_scalar(self):
        same = np.array([3.0, 0.0, 1.0, 0.0])
        diff = np.array([0.0, 2.0, 1.0, 0.0])
        out = public_whip_distance(tally=VoteTally(important_same=same, important_different=diff))
        assert out[:3].tolist() == [0.0, 1.0, 0.5]
        assert math.isnan(out[3])
        for k in range(3):
            assert out[k] == public_whip_distance(tally=VoteTally(important_same=same[k], important_different=diff[k]))


class TestTheyWorkForYou2024:
    def test_only_important_votes_count(self):
        assert math.isnan(twfy_simplified_distance(tally=VoteTally(same=5, different=5)))
        assert twfy_simplified_distance(tally=VoteTally(important_different=1, same=9)) == 1.0

    def test_abstention_is_half(self):
        assert twfy_simplified_distance(tally=VoteTally(important_abstain=1)) == 0.5
        assert twfy_simplified_distance(tally=VoteTally(important_same=1, important_abstain=1)) == 0.25

    def test_absences_do_not_move_the_score_only_cap_it(self):
        # 10 agreements, 1 absence: still 0 ("consistently"); 2 absences: capped out of the 0–0.05 band
        assert twfy_simplified_distance(tally=VoteTally(important_same=10, important_absent=1)) == 0.0
        assert twfy_simplified_distance(tally=VoteTally(important_same=10, important_absent=2)) == 0.06
        # absent on a third or more: capped out of "almost always" too
        assert twfy_simplified_distance(tally=VoteTally(important_same=4, important_absent=2)) == 0.16
        assert twfy_simplified_distance(tally=VoteTally(important_different=4, important_absent=2)) == 0.84
        # a middling score is untouched by absences
        assert (
            twfy_simplified_distance(tally=VoteTally(important_same=2, important_different=2, important_absent=3))
            == 0.5
        )

    def test_vector(self):
        out = twfy_simplified_distance(
            tally=VoteTally(important_same=np.array([10.0, 4.0]), important_absent=np.array([2.0, 2.0]))
        )
        assert out.tolist() == [0.06, 0.16]


def test_bands():
    assert band_for(distance=0.0, bands=TWFY_BANDS) == "consistently voted for"
    assert band_for(distance=0.1, bands=TWFY_BANDS) == "almost always voted for"
    assert band_for(distance=0.3, bands=TWFY_BANDS) == "generally voted for"
    assert band_for(distance=0.5, bands=TWFY_BANDS) == "voted a mixture of for and against"
    assert band_for(distance=0.7, bands=TWFY_BANDS) == "generally voted against"
    assert band_for(distance=0.9, bands=TWFY_BANDS) == "almost always voted against"
    assert band_for(distance=1.0, bands=TWFY_BANDS) == "consistently voted against"
    assert band_for(distance=0.1, bands=PUBLIC_WHIP_BANDS) == "voted strongly for"
    assert band_for(distance=float("nan"), bands=TWFY_BANDS) == NO_VOTES_BAND


class TestStatementScore:
    def test_unknown_stays_unknown(self):
        score = statement_score(items=[item(1, "pledge", "unknown"), item(2, "public_statement", "unknown")])
        assert score.stance == "unknown"
        assert score.evidence_ids == (1, 2)

    def test_no_evidence_is_unknown(self):
        assert statement_score(items=[]).stance == "unknown"

    def test_unknown_does_not_dilute_agreement(self):
        assert (
            statement_score(items=[item(1, "pledge", "agree"), item(2, "public_statement", "unknown")]).stance
            == "agree"
        )

    def test_latest_pledge_answer_counts(self):
        items = [item(1, "pledge", "disagree", dt.date(2024, 1, 1)), item(2, "pledge", "agree", dt.date(2024, 5, 1))]
        assert statement_score(items=items).by_kind == {"pledge": "agree"}

    def test_votes_against_a_pledge_make_a_mixed_record(self):
        items = [item(1, "pledge", "agree"), vote(2, "no"), vote(3, "no")]
        score = statement_score(items=items, method="twfy2024")
        assert score.by_kind == {"division": "disagree", "pledge": "agree"}
        assert score.stance == "mixed"
        assert score.vote_distance == 1.0
        assert score.band == "consistently voted against"

    def test_direction_that_counts_as_agreement(self):
        # voting "no" where "no" is the agreeing direction is agreement
        score = statement_score(items=[vote(1, "no", agree_when="no"), vote(2, "no", agree_when="no")])
        assert (score.stance, score.vote_distance) == ("agree", 0.0)

    def test_methods_differ_on_normal_votes(self):
        items = [vote(1, "aye"), vote(2, "no", important=False), vote(3, "no", important=False)]
        pw = statement_score(items=items, method="publicwhip")
        twfy = statement_score(items=items, method="twfy2024")
        assert pw.vote_distance == 20 / 70  # 2 normal disagreements (20) of 70 points
        assert twfy.vote_distance == 0.0  # normal votes do not count
        assert (pw.band, twfy.band) == ("voted moderately for", "consistently voted for")

    def test_withdrawn_evidence_is_left_out_but_listed(self):
        score = statement_score(items=[item(1, "pledge", "disagree"), vote(2, "aye", withdrawn=True)])
        assert score.stance == "disagree"
        assert score.vote_distance is None
        assert score.evidence_ids == (1, 2)

    def test_reproducible(self):
        items = [vote(i, v, important=i % 2 == 0) for i, v in enumerate(["aye", "no", "absent", "abstain", "aye"])]
        assert statement_score(items=items, method="publicwhip") == statement_score(
            items=list(reversed(items)), method="publicwhip"
        )
