"""Where the bloc's votes are now, and so how far its cohesive move closes a gap.

An **allocation** says, per seat, what share a_c of the bloc's cohesive voters currently votes for candidacy c:

* `seat` (the default, neutral, no party named): the bloc votes like its seat, a_c = c's share of the seat's vote;
* `turnout`: the cohesive voters did not vote last time (or voted for no one placed): every a_c = 0;
* `winner` (the old count-twice flag, kept as a shortcut): they all voted for the leader;
* shares by party given by the user (for example a published survey of the bloc's vote, cited), a_c = the share
  of c's party carrier (parties not named: 0).

When the cohesive bloc vote B moves to challenger R against leader W, votes leaving W for R close the gap by two,
votes from elsewhere or from non-voters by one, votes already with R by nothing:

    effect = B × (2 a_W + (1 − a_W − a_R)) = B × (1 + a_W − a_R)

and when R leads, the same with the roles swapped. `gap_weights` returns the two factors per seat.
"""

from __future__ import annotations

import numpy as np

SEAT = "seat"
TURNOUT = "turnout"
WINNER = "winner"
ALLOCATIONS = (SEAT, TURNOUT, WINNER)
BAD_ALLOCATION = "Allocation must be one of: seat, turnout, winner, or shares like Lab=0.6,Con=0.1 (got {text!r})."
BAD_SHARES = "Allocation shares must each lie in 0–1 and add up to at most 1 (got {text!r})."


def allocation_parse(text: str | None, *, carriers: list[str], abbreviations: list[str]) -> str | dict[int, float]:
    """`seat` / `turnout` / `winner`, or `Lab=0.6,Con=0.1` (party carriers by abbreviation or name)."""
    text = (text or SEAT).strip()
    if text.lower() in ALLOCATIONS:
        return text.lower()
    lookup: dict[str, int] = {}
    for i, (name, abbr) in enumerate(zip(carriers, abbreviations, strict=True)):
        lookup.setdefault(abbr.lower(), i)
        lookup.setdefault(name.lower(), i)
    out: dict[int, float] = {}
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        label, sep, value = part.partition("=")
        if not sep or label.strip().lower() not in lookup:
            raise ValueError(BAD_ALLOCATION.format(text=text))
        try:
            out[lookup[label.strip().lower()]] = float(value)
        except ValueError:
            raise ValueError(BAD_ALLOCATION.format(text=text)) from None
    if not out or any(not 0 <= v <= 1 for v in out.values()) or sum(out.values()) > 1 + 1e-9:
        raise ValueError(BAD_SHARES.format(text=text))
    return out


def bloc_shares(allocation: str | dict[int, float], *, centre: np.ndarray, carrier: np.ndarray,
                leader: np.ndarray) -> np.ndarray:
    """a_c per forecast row (see the module docstring); `leader` marks the rows leading their seat."""
    if allocation == SEAT:
        return np.asarray(centre, dtype=np.float64).copy()
    if allocation == TURNOUT:
        return np.zeros(len(centre))
    if allocation == WINNER:
        return np.asarray(leader, dtype=np.float64)
    table = np.zeros(int(carrier.max()) + 2 if len(carrier) else 1)
    for p, share in allocation.items():
        if p < table.size - 1:
            table[p] = share
    return np.where(carrier >= 0, table[np.maximum(carrier, 0)], 0.0)


def gap_weights(*, a_leader: np.ndarray, a_challenger: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(gap closed per bloc vote when the leader is ahead, … when the challenger is ahead)."""
    return 1.0 + a_leader - a_challenger, 1.0 + a_challenger - a_leader


def describe(allocation: str | dict[int, float], *, abbreviations: list[str]) -> str:
    if isinstance(allocation, dict):
        return "bloc's current vote by party: " + ", ".join(
            f"{abbreviations[p]} {v:g}" for p, v in sorted(allocation.items()))
    return {SEAT: "the bloc votes like its seat (neutral: no party named)",
            TURNOUT: "the bloc's cohesive voters come from non-voters (a gap closes by one per vote)",
            WINNER: "the bloc's cohesive voters all voted for the leader (a gap closes by two per vote)"}[allocation]
