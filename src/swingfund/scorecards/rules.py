"""The per-seat intervention rule: back one candidacy, or stay out, with a reason a member of the public can read.

The rule is pure: it sees, per candidacy, only an id, a place (1 = most likely to win, from the last result or
a projection), whether they still stand, and their stance on each statement. Names appear only inside the
reason sentence; party, religion, ethnicity or any demographic never reach this module. Defaults follow the
real group that inspired swingfund:

1. Candidates who have stood down are left out (and the reason says so in a warning).
2. The *competitive* candidacies are the top N of the standing ones by place (default N = 2), or all standing.
3. A candidate is *aligned* when they agree with at least `min_agree` statements (default: all of them);
   *not aligned* when even their unknown stances could no longer get them there; otherwise *unknown*.
   "Unknown" is never treated as disagreement: if any competitive candidate is unknown we stay out for now.
4. All competitive candidates aligned, or none → stay out. Exactly one aligned → back them. Several aligned
   (but not all) → tie-break: back the one most likely to win, or stay out (configurable).
5. Split vote: backing a candidate who is not first or second, while a non-aligned candidate is, could split
   the vote and let the non-aligned candidate through. The rule always prefers the better-placed aligned
   candidate; if even that one is third or lower, by default (`split_vote="stay_out"`) it stays out, or with
   `"warn"` it backs them anyway and says so. Backing a leading candidate while another aligned candidate
   stands further back also carries a warning that the aligned vote may split.
6. Lens (targeting's): under the *swing* lens (default) the rule chooses between the leading candidates. Under the
   *own-candidate* lens the bloc's cohesive vote goes to its own candidate, so an aligned *newcomer* (a candidate
   with no votes from the last election, placed last before the count only for that reason) is considered too,
   and backing them is not a split vote to avoid but the point; the reason says which lens was used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

Action = Literal["back", "stay_out"]
Alignment = Literal["aligned", "not_aligned", "unknown"]

NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
ORDINALS = ("0th", "1st", "2nd", "3rd")

ERROR_TOP_N = "top_n must be at least 1"
ERROR_MIN_AGREE = "min_agree must be between 1 and the number of statements"
ERROR_NO_STATEMENTS = "the organisation has no published statements: nothing to decide on"
ERROR_STANCES_LENGTH = "candidacy {id} has {got} stances; expected one per statement ({want})"


class NoStatements(ValueError):
    """The group has published no statements yet: a state it is in (a page says so), not a bad request."""


@dataclass(frozen=True)
class RuleConfig:
    competitive: Literal["top_n", "all"] = "top_n"
    top_n: int = 2
    min_agree: int | None = None  # None: all statements
    tie_break: Literal["most_likely_to_win", "stay_out"] = "most_likely_to_win"
    split_vote: Literal["stay_out", "warn"] = "stay_out"
    lens: Literal["swing", "own"] = "swing"

    def __post_init__(self) -> None:
        if self.top_n < 1:
            raise ValueError(ERROR_TOP_N)


@dataclass(frozen=True)
class SeatCandidate:
    """One candidacy as the rule sees it. `label` is for the reason text only and never affects the outcome."""

    candidacy_id: int
    label: str
    place: int | None  # 1 = most likely to win (last result or projection); None = not known
    stances: tuple[str, ...]  # agree | disagree | mixed | unknown, one per published statement
    standing: bool = True
    newcomer: bool = False  # placed before the count with no votes from the last election


@dataclass(frozen=True)
class Intervention:
    constituency_id: int
    election_id: str
    action: Action
    candidacy_id: int | None
    reason: str
    warnings: tuple[str, ...] = ()
    considered: tuple[int, ...] = field(default=(), compare=True)  # the competitive candidacy ids


def number_word(n: int) -> str:
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def ordinal(n: int) -> str:
    if n < len(ORDINALS):
        return ORDINALS[n]
    return f"{n}th" if 10 <= n % 100 <= 20 else f"{n}{({1: 'st', 2: 'nd', 3: 'rd'}).get(n % 10, 'th')}"


def needed(*, config: RuleConfig, statement_count: int) -> int:
    if statement_count < 1:
        raise NoStatements(ERROR_NO_STATEMENTS)
    need = statement_count if config.min_agree is None else config.min_agree
    if not 1 <= need <= statement_count:
        raise ValueError(ERROR_MIN_AGREE)
    return need


def alignment(*, stances: Sequence[str], need: int) -> Alignment:
    """aligned: agrees with ≥ need; not_aligned: cannot reach need even if every unknown became agree."""
    agree = sum(1 for s in stances if s == "agree")
    unknown = sum(1 for s in stances if s == "unknown")
    if agree >= need:
        return "aligned"
    if agree + unknown < need:
        return "not_aligned"
    return "unknown"


def _join(labels: Sequence[str], conj: str = "and") -> str:
    labels = list(labels)
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + f" {conj} " + labels[-1]


def _threshold_words(*, need: int, statement_count: int) -> str:
    total = number_word(statement_count)
    if statement_count == 1:
        return "the statement"
    if need == statement_count:
        return "both statements" if statement_count == 2 else f"all {total} statements"
    return f"at least {number_word(need)} of the {total} statements"


def _group_words(n: int) -> str:
    if n == 1:
        return "the only competitive candidate"
    if n == 2:
        return "both leading candidates"
    return f"all {number_word(n)} leading candidates"


def _none_words(n: int) -> str:
    if n == 1:
        return "the only competitive candidate does not agree"
    if n == 2:
        return "neither of the two leading candidates agrees"
    return f"none of the {number_word(n)} leading candidates agrees"


def decide_seat(
    *,
    constituency_id: int,
    election_id: str,
    seat_name: str,
    candidates: Sequence[SeatCandidate],
    config: RuleConfig,
    statement_count: int,
) -> Intervention:
    """Back one candidacy or stay out of one seat, with the public reason and any warnings (module docs)."""
    need = needed(config=config, statement_count=statement_count)
    for c in candidates:
        if len(c.stances) != statement_count:
            raise ValueError(ERROR_STANCES_LENGTH.format(id=c.candidacy_id, got=len(c.stances), want=statement_count))
    what = _threshold_words(need=need, statement_count=statement_count)
    # A fixed order (place, then id) so the outcome never depends on the order the candidates were listed in.
    candidates = sorted(candidates, key=lambda c: (c.place is None, c.place or 0, c.candidacy_id))
    warnings = [f"{c.label} has stood down and is not considered." for c in candidates if not c.standing]
    standing = [c for c in candidates if c.standing]
    ranked = all(c.place is not None for c in standing)
    position = {c.candidacy_id: i + 1 for i, c in enumerate(standing)} if ranked else {}

    def out(reason: str, considered: Sequence[SeatCandidate] = ()) -> Intervention:
        return Intervention(
            constituency_id,
            election_id,
            "stay_out",
            None,
            reason,
            tuple(warnings),
            tuple(c.candidacy_id for c in considered),
        )

    def back(chosen: SeatCandidate, reason: str, considered: Sequence[SeatCandidate]) -> Intervention:
        return Intervention(
            constituency_id,
            election_id,
            "back",
            chosen.candidacy_id,
            reason,
            tuple(warnings),
            tuple(c.candidacy_id for c in considered),
        )

    if not standing:
        return out(f"We stay out of {seat_name}: no candidate is standing.")
    if config.competitive == "top_n":
        if not ranked:
            return out(
                f"We stay out of {seat_name} for now: without a result or projection we cannot tell "
                f"which candidates are competitive."
            )
        competitive = standing[: config.top_n]
        if config.lens == "own":  # the bloc's own aligned candidate counts even with no previous votes
            competitive += [c for c in standing[config.top_n:]
                            if c.newcomer and alignment(stances=c.stances, need=need) == "aligned"]
    else:
        competitive = standing
    kinds = {c.candidacy_id: alignment(stances=c.stances, need=need) for c in competitive}
    unknown = [c for c in competitive if kinds[c.candidacy_id] == "unknown"]
    if unknown:
        who = _join([c.label for c in unknown])
        verb = "agrees" if len(unknown) == 1 else "agree"
        return out(
            f"We stay out of {seat_name} for now: we do not yet know whether {who} {verb} with {what}.", competitive
        )
    aligned = [c for c in competitive if kinds[c.candidacy_id] == "aligned"]
    others = [c for c in competitive if kinds[c.candidacy_id] != "aligned"]
    if len(aligned) == len(competitive):
        verb = "agrees" if len(competitive) == 1 else "agree"
        return out(f"We stay out of {seat_name}: {_group_words(len(competitive))} {verb} with {what}.", competitive)
    if not aligned:
        return out(f"We stay out of {seat_name}: {_none_words(len(competitive))} with {what}.", competitive)
    others_text = f"{_join([c.label for c in others])} {'does' if len(others) == 1 else 'do'} not"
    if len(aligned) > 1:
        if config.tie_break == "stay_out" or not ranked:
            every = "both" if len(aligned) == 2 else "all"
            why = "" if ranked else " (no result or projection to tell who is better placed)"
            return out(
                f"We stay out of {seat_name}: {_join([c.label for c in aligned])} {every} agree with {what} "
                f"and {others_text}; we do not choose between aligned candidates{why}.",
                competitive,
            )
        chosen = aligned[0]
        warnings.append(
            f"{_join([c.label for c in aligned[1:]])} also agree{'s' if len(aligned) == 2 else ''} "
            f"with {what}; we back {chosen.label}, who is most likely to win."
        )
    else:
        chosen = aligned[0]
    reason = f"We back {chosen.label} in {seat_name}: {chosen.label} agrees with {what} and {others_text}."
    own_choice = config.lens == "own" and chosen.newcomer
    if own_choice:
        reason = reason[:-1] + (" (own-candidate lens: the bloc's cohesive vote goes to its own candidate, who "
                                "carries no votes from the last election).")
    if not ranked:
        warnings.append("There is no result or projection for this seat, so we cannot check for a split vote.")
        return back(chosen, reason, competitive)
    place = position[chosen.candidacy_id]
    leaders = standing[:2]
    threats = [c for c in leaders if alignment(stances=c.stances, need=need) != "aligned"]
    if place <= 2 or not threats:
        behind = [c for c in standing if c not in competitive and alignment(stances=c.stances, need=need) == "aligned"]
        if behind:
            warnings.append(
                f"{_join([f'{c.label} ({ordinal(position[c.candidacy_id])})' for c in behind])} also "
                f"agree{'s' if len(behind) == 1 else ''} with {what}; votes for them could split "
                f"support for {chosen.label}."
            )
        return back(chosen, reason, competitive)
    threat_names = _join([c.label for c in threats], "or")
    warnings.append(
        f"Backing {chosen.label} ({ordinal(place)}) could split the vote and let {threat_names}, "
        f"who {'does' if len(threats) == 1 else 'do'} not agree with {what}, win."
    )
    if config.split_vote == "warn" or own_choice:
        return back(chosen, reason, competitive)
    return out(
        f"We stay out of {seat_name}: the best-placed aligned candidate, {chosen.label}, is {ordinal(place)}, "
        f"and backing them could split the vote and let {threat_names} win.",
        competitive,
    )
