"""How targeting numbers are written at the edge (terminal, CSV, web page). No computation here."""

from __future__ import annotations

import math

NO_DATA = "no data"


def votes_text(value: float) -> str:
    """A vote count, estimated or counted, to the nearest vote with thousands separators."""
    if value is None or math.isnan(value):
        return NO_DATA
    return f"{round(value):,}"


def leverage_text(value: float) -> str:
    if value is None or math.isnan(value):
        return NO_DATA
    if math.isinf(value):
        return "∞"
    return f"{value:.2f}"


def probability_text(value: float) -> str:
    if value is None or math.isnan(value):
        return NO_DATA
    return f"{value:.1%}" if 0 < value < 1 else f"{value:.0%}"


def mp_text(mp: str, party: str) -> str:
    if mp and party:
        return f"{mp} ({party})"
    return mp or party or "—"
