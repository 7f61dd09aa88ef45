"""How a committee vote is counted: quorum, N-of-M approval, the proposer rule, recusal, abstentions.

Pure functions over plain values, so every rule can be checked with small hand-worked cases.

The rules, exactly:

* **Eligible members (M)** are the organisation's active committee members *minus* those who declared an
  interest in the proposal (recused). A recused member's ballot, should one exist, is ignored.
* **Quorum** is met when at least `quorum` eligible members have voted. *For*, *against* and *abstain* all count
  toward quorum: an abstention says "I took part and chose not to take a side".
* **Approval (N of M)**: a proposal is approved when quorum is met and at least N eligible members voted *for*.
  N is `approvals_required`; when it is not set, N is a strict majority of M (`M // 2 + 1`).
  Abstentions never count toward approval, and *against* votes only matter by using up a member who could
  have approved (votes are final once cast, see `services.vote_cast`).
* **The proposer cannot approve their own proposal alone.** The proposer's *for* vote counts toward N only when
  at least one other eligible member has also voted *for*. (With N = 1, a proposal therefore needs a *for*
  from someone other than the proposer; with N = 2, the proposer plus one other member is enough.)
  The proposer's vote of any kind always counts toward quorum.
* **Decided early**: as soon as approval is reached the outcome is *approved*; as soon as approval or quorum can
  no longer be reached even if every eligible member who has not voted votes *for*, it is *rejected*.
  Otherwise it stays *open* until every eligible member has voted, or the chair closes it after its deadline
  (then whatever is not approved is rejected).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

FOR = "for"
AGAINST = "against"
ABSTAIN = "abstain"
CHOICES = (FOR, AGAINST, ABSTAIN)

APPROVED = "approved"
REJECTED = "rejected"
OPEN = "open"

DEFAULT_QUORUM = 2

REJECTION_REASONS = {
    "statements": "The candidate's record does not meet our statements",
    "evidence": "The evidence on the candidates is disputed or incomplete",
    "no_effect": "Our support would not change the result in this seat",
    "elsewhere": "The money does more in another seat",
    "amount": "The amount is not right for this seat",
    "law": "A legal or compliance concern",
}
"""Why a member votes against, or the chair closes a vote as rejected: a fixed list, so that what the public
decisions page shows is a structured fact rather than free text."""


def rejection_reasons(*, codes: Iterable[str]) -> list[dict[str, object]]:
    """The reasons given against a proposal, counted: [{reason, label, count}], most given first, then in the
    order of `REJECTION_REASONS`. Empty codes (a vote against without a reason) are not counted."""
    counts: dict[str, int] = {}
    for code in codes:
        if code:
            counts[code] = counts.get(code, 0) + 1
    order = list(REJECTION_REASONS)
    return [{"reason": c, "label": REJECTION_REASONS.get(c, c), "count": n}
            for c, n in sorted(counts.items(), key=lambda kv: (-kv[1], order.index(kv[0]) if kv[0] in order else 99))]

ERROR_QUORUM_TOO_SMALL = "The quorum must be at least 1 member."
ERROR_APPROVALS_TOO_SMALL = "The number of approvals required must be at least 1."
ERROR_UNKNOWN_CHOICE = "Unknown vote {choice!r}: choose one of for, against, abstain."


@dataclass(frozen=True)
class ApprovalPolicy:
    """The organisation's voting rule. `approvals_required=None` means a strict majority of eligible members."""

    quorum: int = DEFAULT_QUORUM
    approvals_required: int | None = None

    def __post_init__(self) -> None:
        if self.quorum < 1:
            raise ValueError(ERROR_QUORUM_TOO_SMALL)
        if self.approvals_required is not None and self.approvals_required < 1:
            raise ValueError(ERROR_APPROVALS_TOO_SMALL)

    def approvals_needed(self, eligible: int) -> int:
        """N for a proposal with `eligible` (M) members able to vote."""
        if self.approvals_required is not None:
            return self.approvals_required
        return eligible // 2 + 1


@dataclass(frozen=True)
class Tally:
    """The count of one proposal's ballots under one policy, with the outcome and a sentence explaining it."""

    eligible: int
    voted: int
    votes_for: int
    votes_against: int
    abstentions: int
    approvals_counted: int
    approvals_needed: int
    quorum: int
    quorum_met: bool
    proposer_for_discounted: bool
    outcome: str
    explanation: str

    def as_dict(self) -> dict[str, int | bool | str]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: Mapping[str, int | bool | str]) -> Tally:
        """Rebuild a stored tally (a decision's snapshot), ignoring keys this version does not know."""
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


def tally(
    *,
    ballots: Mapping[int, str],
    eligible_member_ids: Iterable[int],
    proposer_member_id: int | None,
    policy: ApprovalPolicy,
    closed: bool = False,
) -> Tally:
    """Count `ballots` ({member id: choice}) under `policy` and say whether the proposal is approved, rejected or open.

    `eligible_member_ids` are the active members who are not recused; `proposer_member_id` is the proposer's
    member id when the proposer sits on the committee (else None); `closed=True` means the chair closed voting
    after the deadline, so anything not approved is rejected.
    """
    eligible = set(eligible_member_ids)
    for choice in ballots.values():
        if choice not in CHOICES:
            raise ValueError(ERROR_UNKNOWN_CHOICE.format(choice=choice))
    counted = {member: choice for member, choice in ballots.items() if member in eligible}
    proposer = proposer_member_id if proposer_member_id in eligible else None

    votes_for = sum(1 for c in counted.values() if c == FOR)
    votes_against = sum(1 for c in counted.values() if c == AGAINST)
    abstentions = sum(1 for c in counted.values() if c == ABSTAIN)
    voted = len(counted)
    outstanding = eligible - counted.keys()

    proposer_for = proposer is not None and counted.get(proposer) == FOR
    others_for = votes_for - (1 if proposer_for else 0)
    approvals = others_for + (1 if proposer_for and others_for >= 1 else 0)
    discounted = proposer_for and others_for == 0

    m = len(eligible)
    needed = policy.approvals_needed(m)
    quorum_met = voted >= policy.quorum

    # The best case: every member still to vote votes for.
    others_outstanding = len(outstanding - {proposer})
    best_others = others_for + others_outstanding
    proposer_can_add = proposer is not None and (proposer_for or proposer in outstanding)
    best_approvals = best_others + (1 if proposer_can_add and best_others >= 1 else 0)
    best_voted = voted + len(outstanding)

    if quorum_met and approvals >= needed:
        outcome = APPROVED
        explanation = (
            f"Approved: {approvals} of {m} eligible members approved (needed {needed}), quorum {policy.quorum}."
        )
    elif best_voted < policy.quorum:
        outcome = REJECTED
        explanation = (
            f"Rejected: quorum of {policy.quorum} cannot be reached; only {m} eligible members "
            f"({voted} have voted)."
        )
    elif best_approvals < needed:
        outcome = REJECTED
        explanation = (
            f"Rejected: approval cannot be reached; {approvals} counted for, at most {best_approvals} possible, "
            f"needed {needed} of {m}."
        )
    elif closed:
        outcome = REJECTED
        explanation = (
            f"Rejected: voting closed with {approvals} of {needed} approvals needed and {voted} of "
            f"{policy.quorum} quorum."
        )
    else:
        outcome = OPEN
        explanation = (
            f"Open: {approvals} of {needed} approvals counted, {voted} of {m} eligible members have voted "
            f"(quorum {policy.quorum})."
        )
    if discounted and outcome != APPROVED:
        explanation += " The proposer's own vote for does not count until another member approves."

    return Tally(
        eligible=m,
        voted=voted,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        approvals_counted=approvals,
        approvals_needed=needed,
        quorum=policy.quorum,
        quorum_met=quorum_met,
        proposer_for_discounted=discounted,
        outcome=outcome,
        explanation=explanation,
    )
