"""Hand-worked cases for the committee's counting rule (`committee/rules.py`).

Members are numbered 1..M; member 1 is the proposer unless a case says otherwise.
"""

from __future__ import annotations

import pytest

from swingfund.committee import rules
from swingfund.committee.rules import ABSTAIN, AGAINST, APPROVED, FOR, OPEN, REJECTED, ApprovalPolicy, tally

FIVE = [1, 2, 3, 4, 5]
THREE = [1, 2, 3]


def count(ballots, *, eligible=FIVE, proposer=1, quorum=3, n=None, closed=False):
    return tally(
        ballots=ballots,
        eligible_member_ids=eligible,
        proposer_member_id=proposer,
        policy=ApprovalPolicy(quorum=quorum, approvals_required=n),
        closed=closed,
    )


# (ballots, quorum, N, expected outcome, why) — 5 eligible members, member 1 proposes.
FIVE_MEMBER_TABLE = [
    ({}, 3, 2, OPEN, "nobody has voted"),
    ({1: FOR}, 3, 2, OPEN, "proposer alone: their for is not counted yet"),
    ({1: FOR, 2: FOR}, 3, 2, OPEN, "2 approvals but only 2 voted, quorum 3"),
    ({1: FOR, 2: FOR, 3: AGAINST}, 3, 2, APPROVED, "quorum 3 met, proposer + member 2 = 2 approvals"),
    ({1: FOR, 2: FOR, 3: ABSTAIN}, 3, 2, APPROVED, "an abstention counts toward quorum"),
    ({2: FOR, 3: ABSTAIN, 4: ABSTAIN}, 3, 2, OPEN, "abstentions never approve; 1 of 2 approvals"),
    ({2: AGAINST, 3: AGAINST, 4: AGAINST, 5: AGAINST}, 3, 2, REJECTED, "only the proposer is left: can't reach 2"),
    ({2: AGAINST, 3: AGAINST, 4: AGAINST}, 3, 2, OPEN, "members 1 and 5 could still make 2 approvals"),
    ({1: FOR, 2: AGAINST, 3: AGAINST, 4: AGAINST}, 3, 2, OPEN, "member 5 for would make proposer's for count"),
    ({1: FOR, 2: AGAINST, 3: AGAINST, 4: AGAINST, 5: AGAINST}, 3, 2, REJECTED, "everyone voted, 0 approvals"),
    ({1: FOR, 2: FOR, 3: FOR}, 3, None, APPROVED, "majority of 5 is 3: proposer counts alongside others"),
    ({1: FOR, 2: FOR, 3: AGAINST}, 3, None, OPEN, "majority rule needs 3 approvals; 2 so far"),
    ({1: AGAINST, 2: AGAINST, 3: AGAINST}, 3, None, REJECTED, "at most 2 more for: majority 3 unreachable"),
    ({2: FOR}, 3, 1, OPEN, "N=1 reached by a non-proposer but quorum 3 not met"),
    ({2: FOR, 3: AGAINST, 4: ABSTAIN}, 3, 1, APPROVED, "N=1 by a non-proposer with quorum met"),
    ({1: FOR, 3: AGAINST, 4: ABSTAIN}, 3, 1, OPEN, "N=1: the proposer can never approve alone"),
]


@pytest.mark.parametrize(("ballots", "quorum", "n", "outcome", "why"), FIVE_MEMBER_TABLE)
def test_five_member_truth_table(ballots, quorum, n, outcome, why):
    assert count(ballots, quorum=quorum, n=n).outcome == outcome, why


def test_proposer_alone_cannot_approve_even_when_n_is_one_and_quorum_one():
    result = count({1: FOR}, eligible=THREE, quorum=1, n=1)
    assert result.outcome == OPEN
    assert result.approvals_counted == 0
    assert result.proposer_for_discounted is True
    assert "proposer's own vote for does not count" in result.explanation


def test_proposer_for_counts_once_another_member_approves():
    result = count({1: FOR, 2: FOR}, eligible=THREE, quorum=2, n=2)
    assert (result.outcome, result.approvals_counted, result.proposer_for_discounted) == (APPROVED, 2, False)


def test_proposer_only_remaining_voter_and_others_against_is_rejected_when_n_is_one():
    # Members 2 and 3 voted against; the proposer is the only one left and cannot approve alone.
    result = count({2: AGAINST, 3: AGAINST}, eligible=THREE, quorum=2, n=1)
    assert result.outcome == REJECTED
    assert "approval cannot be reached" in result.explanation


def test_recused_members_are_left_out_of_m_and_their_ballots_are_ignored():
    # Member 3 is recused: M = 4, majority N = 3. Member 3's for (cast before declaring) does not count.
    result = count({1: FOR, 2: FOR, 3: FOR}, eligible=[1, 2, 4, 5], quorum=3, n=None)
    assert result.eligible == 4
    assert result.approvals_needed == 3
    assert result.voted == 2
    assert result.votes_for == 2
    assert result.outcome == OPEN


def test_recusal_can_make_quorum_unreachable():
    # Quorum 3 with only two members left eligible: rejected at once, nobody need vote.
    result = count({}, eligible=[2, 3], proposer=None, quorum=3, n=1)
    assert result.outcome == REJECTED
    assert "quorum of 3 cannot be reached" in result.explanation


def test_recused_proposer_gives_no_approval_but_others_can_still_approve():
    result = count({2: FOR, 3: FOR}, eligible=[2, 3, 4], proposer=1, quorum=2, n=2)
    assert (result.outcome, result.approvals_counted) == (APPROVED, 2)


def test_abstentions_count_for_quorum_not_approval():
    result = count({2: ABSTAIN, 3: ABSTAIN, 4: ABSTAIN}, quorum=3, n=2)
    assert result.quorum_met is True
    assert result.approvals_counted == 0
    assert result.abstentions == 3
    assert result.outcome == OPEN  # members 1 and 5 could still give 2 approvals


def test_closed_by_the_chair_rejects_whatever_is_not_approved():
    result = count({1: FOR, 2: FOR}, quorum=3, n=2, closed=True)
    assert result.outcome == REJECTED
    assert result.explanation.startswith("Rejected: voting closed with 2 of 2 approvals needed and 2 of 3 quorum")


def test_closing_does_not_undo_an_approval():
    assert count({1: FOR, 2: FOR, 3: FOR}, quorum=3, n=2, closed=True).outcome == APPROVED


def test_explanations_state_the_numbers():
    approved = count({1: FOR, 2: FOR, 3: AGAINST}, quorum=3, n=2)
    assert approved.explanation == "Approved: 2 of 5 eligible members approved (needed 2), quorum 3."
    still_open = count({2: FOR}, quorum=3, n=2)
    assert still_open.explanation == "Open: 1 of 2 approvals counted, 1 of 5 eligible members have voted (quorum 3)."


def test_policy_refuses_nonsense_configuration():
    with pytest.raises(ValueError, match=rules.ERROR_QUORUM_TOO_SMALL):
        ApprovalPolicy(quorum=0)
    with pytest.raises(ValueError, match=rules.ERROR_APPROVALS_TOO_SMALL):
        ApprovalPolicy(quorum=1, approvals_required=0)


def test_unknown_choice_is_refused():
    with pytest.raises(ValueError, match="Unknown vote 'yes'"):
        count({2: "yes"})


def test_majority_default_for_m():
    policy = ApprovalPolicy()
    assert [policy.approvals_needed(m) for m in (1, 2, 3, 4, 5, 6)] == [1, 2, 2, 3, 3, 4]


def test_tally_bar_geometry_scales_to_eligible_members():
    from swingfund.committee.charts import tally_bar

    # 5 eligible: proposer and member 2 for (2 approvals), member 3 against, 2 still to vote; N = 2.
    bar = tally_bar(count({1: FOR, 2: FOR, 3: AGAINST}, quorum=3, n=2), width=500)
    assert [(s.key, s.count, s.x, s.width) for s in bar.segments] == [
        ("approvals", 2, 0.0, 200.0),
        ("against", 1, 200.0, 100.0),
        ("not_voted", 2, 300.0, 200.0),
    ]
    assert (bar.needed_x, bar.quorum_x) == (200.0, 300.0)


def test_tally_bar_shows_a_discounted_proposer_vote_separately():
    from swingfund.committee.charts import tally_bar

    bar = tally_bar(count({1: FOR}, eligible=THREE, quorum=2, n=2), width=300)
    assert [(s.key, s.count) for s in bar.segments] == [("for_not_counted", 1), ("not_voted", 2)]


def test_stored_tally_round_trips():
    result = count({1: FOR, 2: FOR, 3: AGAINST}, quorum=3, n=2)
    assert rules.Tally.from_dict({**result.as_dict(), "added_later": 1}) == result
