"""Reads of the legal figures from the database: the table (`figure_table`) the law's pure checks take, one figure
in force (`figure`), and the group's legal status. Nothing here imports an app above the law."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from swingfund.compliance.limits import (  # noqa: F401 (the messages and error are read from here too)
    FIGURE_AMBIGUOUS,
    FIGURE_NOT_IN_FORCE,
    UNKNOWN_FIGURE_KEY,
    UNKNOWN_NATION,
    Figure,
    FigureNotInForce,
    FigureTable,
)
from swingfund.compliance.material import Authority
from swingfund.compliance.models import AgentAuthority, GroupLegalStatus, LegalFigure

# Inside `figures_memo()` the table is read once and kept for the rest of that block only (one gift's
# transaction): an administrator's edit takes effect for the next block.
_memo: ContextVar[FigureTable | None] = ContextVar("legal_figures_memo", default=None)
_MEMO_EMPTY = FigureTable(rows=())


@contextmanager
def figures_memo() -> Iterator[None]:
    """Within this block, `figure_table()` asks the database once. Nested blocks share it."""
    if _memo.get() is not None:
        yield
        return
    token = _memo.set(_MEMO_EMPTY)
    try:
        yield
    finally:
        _memo.reset(token)


def _to_figure(row: LegalFigure) -> Figure:
    return Figure(key=row.key, nation=row.nation, value=row.value, unit=row.unit, effective_from=row.effective_from,
                  effective_to=row.effective_to, citation=row.citation, source_url=row.source_url,
                  verified=row.verified, note=row.note)


def figure_table() -> FigureTable:
    """Every legal figure as the administrator keeps them (one query; a few dozen rows): the table the law's pure
    checks take (`figures=`)."""
    memo = _memo.get()
    if memo is not None and memo is not _MEMO_EMPTY:
        return memo
    rows = list(LegalFigure.objects.order_by("key", "nation", "effective_from"))
    table = FigureTable(rows=tuple(_to_figure(r) for r in rows), ids=tuple(r.pk for r in rows))
    if memo is not None:
        _memo.set(table)
    return table


def figure(key: str, *, on: date, nation: str | None = None) -> Figure:
    """The figure `key` in force on `on`, from the database (see `FigureTable.get`)."""
    return figure_table().get(key, on=on, nation=nation)


def figures_in_force(*, on: date) -> list[Figure]:
    """Every figure in force on `on`, in key order then UK-wide before nations."""
    return figure_table().in_force(on=on)


def figure_keys_missing(*, on: date) -> list[str]:
    """Keys with no figure at all (for any nation) in force on `on`: shown to the administrator as gaps."""
    return figure_table().keys_missing(on=on)


# --- the group's legal status and its general-campaign spending ----------------------------------------------


def agent_authorities(*, organisation, candidacy_ids, on: date | None = None) -> dict[int, AgentAuthority]:
    """The organisation's latest recorded election agent's authority per candidacy (RPA 1983 s.75(1)), signed on
    or before `on` when given (an authority does not reach back to spending incurred before it). The one reading
    of it: the check before material goes out, the check of recorded spending, the position and the returns."""
    if organisation is None:
        return {}
    found: dict[int, AgentAuthority] = {}
    rows = AgentAuthority.objects.filter(organisation=organisation, candidacy_id__in=list(candidacy_ids))
    if on is not None:
        rows = rows.filter(authorised_on__lte=on)
    for row in rows.order_by("-authorised_on", "-id"):
        found.setdefault(row.candidacy_id, row)  # the latest first
    return found


def authority_terms(row: AgentAuthority | None) -> Authority | None:
    """What the law's check needs of a recorded authority (`material.Authority`), or None."""
    if row is None:
        return None
    return Authority(limit_pence=row.limit_pence, agent_name=row.agent_name, authorised_on=row.authorised_on)


def legal_status_for(organisation) -> GroupLegalStatus | None:
    """The organisation's recorded legal situation, or None (also for no organisation)."""
    if organisation is None:
        return None
    return GroupLegalStatus.objects.filter(organisation=organisation).first()

