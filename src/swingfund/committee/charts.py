"""Geometry of the server-side SVG tally bar: counted approvals, other votes, and who has still to vote,
against a marker at the number of approvals needed. Pure: the template only draws the rectangles."""

from __future__ import annotations

from dataclasses import dataclass

from swingfund.committee.rules import Tally

BAR_WIDTH = 480
BAR_HEIGHT = 28
COLOURS = {
    "approvals": "#0b6e4f",
    "for_not_counted": "#8cc7b0",
    "against": "#a4330d",
    "abstain": "#9aa3b2",
    "not_voted": "#e6e9ef",
}
LABELS = {
    "approvals": "approvals counted",
    "for_not_counted": "for, not yet counted (proposer alone)",
    "against": "against",
    "abstain": "abstained",
    "not_voted": "not yet voted",
}


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    count: int
    x: float
    width: float
    colour: str


@dataclass(frozen=True)
class TallyBar:
    width: int
    height: int
    segments: tuple[Segment, ...]
    needed_x: float | None
    quorum_x: float | None
    needed_anchor: str = "middle"


def tally_bar(count: Tally, *, width: int = BAR_WIDTH, height: int = BAR_HEIGHT) -> TallyBar:
    """One segment per kind of ballot, scaled so the whole bar is the eligible members (M)."""
    m = max(count.eligible, 1)
    parts = [
        ("approvals", count.approvals_counted),
        ("for_not_counted", count.votes_for - count.approvals_counted),
        ("against", count.votes_against),
        ("abstain", count.abstentions),
        ("not_voted", max(count.eligible - count.voted, 0)),
    ]
    unit = width / m
    x = 0.0
    segments = []
    for key, n in parts:
        if n <= 0:
            continue
        segments.append(Segment(key=key, label=LABELS[key], count=n, x=round(x, 2), width=round(n * unit, 2),
                                colour=COLOURS[key]))
        x += n * unit
    needed_x = round(count.approvals_needed * unit, 2) if count.approvals_needed <= m else None
    quorum_x = round(count.quorum * unit, 2) if count.quorum <= m else None
    anchor = "middle"
    if needed_x is not None and needed_x > width - 40:
        anchor = "end"
    elif needed_x is not None and needed_x < 40:
        anchor = "start"
    return TallyBar(width=width, height=height, segments=tuple(segments), needed_x=needed_x, quorum_x=quorum_x,
                    needed_anchor=anchor)
