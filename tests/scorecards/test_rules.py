"""The intervention rule's truth table. Every outcome's public reason is asserted word for word."""

from __future__ import annotations

import pytest

from swingfund.scorecards.rules import ERROR_MIN_AGREE, ERROR_NO_STATEMENTS, RuleConfig, SeatCandidate, decide_seat

A = ("agree",) * 5
D = ("disagree",) * 5
FOUR = ("agree", "agree", "agree", "agree", "disagree")
UNSURE = ("agree", "agree", "unknown", "agree", "agree")


def cand(i: int, name: str, place: int | None, stances: tuple[str, ...], standing: bool = True) -> SeatCandidate:
    return SeatCandidate(candidacy_id=i, label=name, place=place, stances=stances, standing=standing)


def decide(cands, config=None, count=5):
    return decide_seat(
        constituency_id=7,
        election_id="parl.2024-07-04",
        seat_name="Testford",
        candidates=cands,
        config=config or RuleConfig(),
        statement_count=count,
    )


def test_one_of_two_aligned_backs_the_aligned_one():
    out = decide([cand(1, "Ann Lee", 1, D), cand(2, "Bo Chan", 2, A)])
    assert (out.action, out.candidacy_id) == ("back", 2)
    assert out.reason == "We back Bo Chan in Testford: Bo Chan agrees with all five statements and Ann Lee does not."
    assert out.warnings == ()
    assert (out.constituency_id, out.election_id, out.considered) == (7, "parl.2024-07-04", (1, 2))


def test_both_aligned_stays_out():
    out = decide([cand(1, "Ann Lee", 1, A), cand(2, "Bo Chan", 2, A), cand(3, "Cy Doe", 3, D)])
    assert (out.action, out.candidacy_id) == ("stay_out", None)
    assert out.reason == "We stay out of Testford: both leading candidates agree with all five statements."


def test_none_aligned_stays_out():
    out = decide([cand(1, "Ann Lee", 1, D), cand(2, "Bo Chan", 2, FOUR), cand(3, "Cy Doe", 3, A)])
    assert out.action == "stay_out"
    assert out.reason == (
        "We stay out of Testford: neither of the two leading candidates agrees with all five statements."
    )


def test_several_aligned_tie_break_most_likely_to_win():
    cands = [cand(1, "Ann Lee", 1, D), cand(2, "Bo Chan", 2, A), cand(3, "Cy Doe", 3, A)]
    out = decide(cands, RuleConfig(competitive="all", split_vote="warn"))
    assert (out.action, out.candidacy_id) == ("back", 2)
    assert out.reason == "We back Bo Chan in Testford: Bo Chan agrees with all five statements and Ann Lee does not."
    assert out.warnings == ("Cy Doe also agrees with all five statements; we back Bo Chan, who is most likely to win.",)


def test_several_aligned_tie_break_stay_out():
    cands = [cand(1, "Ann Lee", 1, D), cand(2, "Bo Chan", 2, A), cand(3, "Cy Doe", 3, A)]
    out = decide(cands, RuleConfig(competitive="all", tie_break="stay_out"))
    assert out.action == "stay_out"
    assert out.reason == (
        "We stay out of Testford: Bo Chan and Cy Doe both agree with all five statements and Ann Lee "
        "does not; we do not choose between aligned candidates."
    )


def test_unknown_stance_is_never_disagreement_we_wait():
    out = decide([cand(1, "Ann Lee", 1, A), cand(2, "Bo Chan", 2, UNSURE)])
    assert out.action == "stay_out"
    assert out.reason == (
        "We stay out of Testford for now: we do not yet know whether Bo Chan agrees with all five statements."
    )


def test_unknown_that_cannot_reach_the_threshold_counts_as_not_aligned():
    # one disagreement already: whatever the unknown turns out to be, Bo cannot agree with all five
    out = decide([cand(1, "Ann Lee", 1, A), cand(2, "Bo Chan", 2, ("disagree", "unknown", "agree", "agree", "agree"))])
    assert (out.action, out.candidacy_id) == ("back", 1)


def test_min_agree_threshold():
    out = decide([cand(1, "Ann Lee", 1, FOUR), cand(2, "Bo Chan", 2, D)], RuleConfig(min_agree=4))
    assert out.reason == (
        "We back Ann Lee in Testford: Ann Lee agrees with at least four of the five statements and Bo Chan does not."
    )


def test_stood_down_candidates_are_left_out():
    cands = [cand(1, "Ann Lee", 1, D), cand(2, "Bo Chan", 2, D, standing=False), cand(3, "Cy Doe", 3, A)]
    out = decide(cands)
    assert (out.action, out.candidacy_id, out.considered) == ("back", 3, (1, 3))
    assert out.reason == "We back Cy Doe in Testford: Cy Doe agrees with all five statements and Ann Lee does not."
    assert out.warnings == ("Bo Chan has stood down and is not considered.",)


def test_everyone_stood_down():
    out = decide([cand(1, "Ann Lee", 1, D, standing=False)])
    assert out.reason == "We stay out of Testford: no candidate is standing."


def test_split_vote_default_stays_out():
    cands = [cand(1, "Ann Lee", 1, D), cand(2, "Bo Chan", 2, D), cand(3, "Cy Doe", 3, A)]
    out = decide(cands, RuleConfig(competitive="all"))
    assert out.action == "stay_out"
    assert out.reason == (
        "We stay out of Testford: the best-placed aligned candidate, Cy Doe, is 3rd, and backing "
        "them could split the vote and let Ann Lee or Bo Chan win."
    )
    assert out.warnings == (
        "Backing Cy Doe (3rd) could split the vote and let Ann Lee or Bo Chan, who do not agree "
        "with all five statements, win.",
    )


def test_split_vote_warn_backs_with_warning():
    cands = [cand(1, "Ann Lee", 1, D), cand(2, "Bo Chan", 2, D), cand(3, "Cy Doe", 3, A)]
    out = decide(cands, RuleConfig(competitive="all", split_vote="warn"))
    assert (out.action, out.candidacy_id) == ("back", 3)
    assert out.warnings[0].startswith("Backing Cy Doe (3rd) could split the vote")


def test_aligned_candidate_further_back_warns_of_split_support():
    cands = [cand(1, "Ann Lee", 1, D), cand(2, "Bo Chan", 2, A), cand(3, "Cy Doe", 3, A)]
    out = decide(cands)  # top two only: Cy is not competitive, but may split Bo's support
    assert (out.action, out.candidacy_id) == ("back", 2)
    assert out.warnings == (
        "Cy Doe (3rd) also agrees with all five statements; votes for them could split support for Bo Chan.",
    )


def test_places_unknown_top_n_cannot_choose():
    out = decide([cand(1, "Ann Lee", None, D), cand(2, "Bo Chan", None, A)])
    assert out.reason == (
        "We stay out of Testford for now: without a result or projection we cannot tell which "
        "candidates are competitive."
    )


def test_places_unknown_all_standing_backs_with_warning():
    out = decide([cand(1, "Ann Lee", None, D), cand(2, "Bo Chan", None, A)], RuleConfig(competitive="all"))
    assert (out.action, out.candidacy_id) == ("back", 2)
    assert out.warnings == ("There is no result or projection for this seat, so we cannot check for a split vote.",)


def test_outcome_ignores_input_order_and_labels():
    cands = [cand(1, "Ann Lee", 1, D), cand(2, "Bo Chan", 2, A), cand(3, "Cy Doe", 3, FOUR)]
    renamed = [cand(c.candidacy_id, f"Person {c.candidacy_id}", c.place, c.stances) for c in reversed(cands)]
    for config in (RuleConfig(), RuleConfig(competitive="all"), RuleConfig(tie_break="stay_out")):
        a, b = decide(cands, config), decide(renamed, config)
        assert (a.action, a.candidacy_id, a.considered) == (b.action, b.candidacy_id, b.considered)


def test_bad_configuration_is_refused():
    with pytest.raises(ValueError, match=ERROR_MIN_AGREE):
        decide([cand(1, "Ann", 1, A)], RuleConfig(min_agree=6))
    with pytest.raises(ValueError, match=ERROR_NO_STATEMENTS):
        decide([], count=0)


def test_own_lens_considers_the_blocs_aligned_newcomer_and_says_so():
    """Before the count a newcomer carries no votes and is placed last; only the own-candidate lens looks at them."""
    seat = [cand(1, "Ann Lee", 1, D), cand(2, "Bo Chan", 2, D), cand(3, "Cy Doe", 3, D),
            SeatCandidate(candidacy_id=4, label="Di New", place=4, stances=A, newcomer=True)]
    swing = decide(seat)
    assert (swing.action, swing.considered) == ("stay_out", (1, 2))
    own = decide(seat, RuleConfig(lens="own"))
    assert (own.action, own.candidacy_id, own.considered) == ("back", 4, (1, 2, 4))
    assert own.reason == ("We back Di New in Testford: Di New agrees with all five statements and Ann Lee and Bo Chan "
                          "do not (own-candidate lens: the bloc's cohesive vote goes to its own candidate, who carries "
                          "no votes from the last election).")
    assert any("could split the vote" in w for w in own.warnings)
    # an aligned candidate with votes of their own, placed fourth, is not the bloc's own candidate: no change
    veteran = [*seat[:3], cand(4, "Di New", 4, A)]
    assert decide(veteran, RuleConfig(lens="own")).action == "stay_out"
