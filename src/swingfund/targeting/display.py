"""How targeting numbers are written at the edge (terminal, CSV, web page). No computation here."""

from __future__ import annotations

import math

NO_DATA = "no data"

# Leverage is defined once, in these words: the glossary of /targets/ (its `#leverage` entry, which every other
# mention on the site links to), the notes of the target table (CSV, JSON and API) and the API's field descriptions.
LEVERAGE_TERM = "Leverage"
LEVERAGE_DEFINITION = (
    "the bloc's voters in a seat divided by the seat's majority (the winner's votes minus the runner-up's); at 1 or "
    "more the bloc alone outnumbers the majority. Cohesive leverage divides instead the bloc's cohesive vote (the "
    "voters expected to move together, counted twice when a bloc vote is assumed to switch from the winner); "
    "own-candidate leverage divides that cohesive vote "
    "by the votes the bloc's own candidate would still need to pass the winner (the winner's votes less the "
    "candidate's other support).")
LEVERAGE_NOTE = f"{LEVERAGE_TERM}: {LEVERAGE_DEFINITION}"
LEVERAGE_HREF = "/targets/#leverage"
OWN_LEVERAGE_FIELD = "Own-candidate leverage, as defined under leverage."


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
