"""A group's own consenting supporters, counted per seat: the bloc of a group whose `bloc_kind` is supporters.

Supporters live in outreach, which sits above targeting (DESIGN.md); targeting never imports it. Outreach hands its
counting function down when the app is ready (`supporter_counter_register`), and callers below outreach (the
scorecards and committee commands) ask `supporter_counts`, receiving plain data: constituency id → count. Only
aggregate counts cross this line, never a supporter.
"""

from __future__ import annotations

from collections.abc import Callable

SupporterCounter = Callable[[int], dict[int, int]]
"""organisation id → {constituency id: consenting supporters in that seat}."""

_COUNTER: list[SupporterCounter] = []


def supporter_counter_register(counter: SupporterCounter) -> None:
    """Install the function that counts a group's consenting supporters per seat (outreach does, when ready)."""
    _COUNTER[:] = [counter]


def supporter_counts(*, organisation_id: int) -> dict[int, int]:
    """The group's consenting supporters per constituency id; {} when no counter is installed (no outreach)."""
    return _COUNTER[0](organisation_id) if _COUNTER else {}
