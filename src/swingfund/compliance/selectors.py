"""Reads of the legal figures. No funding imports here: funding calls these, never the other way round."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from django.db.models import Q

from swingfund.compliance.limits import Figure
from swingfund.compliance.models import FigureKey, GroupLegalStatus, LegalFigure

FIGURE_NOT_IN_FORCE = (
    "No legal figure '{key}'{nation} is in force on {on}: an administrator must add it "
    "(admin → Compliance → Legal figures) before this can be checked."
)
FIGURE_AMBIGUOUS = (
    "More than one legal figure '{key}'{nation} is in force on {on} (ids {ids}): fix the dates in the admin."
)
UNKNOWN_FIGURE_KEY = "Unknown legal figure '{key}'. Known figures: {known}."
UNKNOWN_NATION = "Unknown nation '{nation}': use E, W, S or N (or nothing for UK-wide)."


class FigureNotInForce(LookupError):
    """No figure (or more than one) is in force for that key, nation and date."""


# Figures looked up inside `figures_memo()` are remembered for the rest of that block only (one gift's
# transaction): a figure used twice costs one query, and an administrator's edit takes effect for the next block.
_memo: ContextVar[dict[tuple[str, str, date], Figure] | None] = ContextVar("legal_figures_memo", default=None)


@contextmanager
def figures_memo() -> Iterator[None]:
    """Within this block, `figure()` asks the database once per (key, nation, date). Nested blocks share it."""
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def _to_figure(row: LegalFigure) -> Figure:
    return Figure(key=row.key, nation=row.nation, value=row.value, unit=row.unit, effective_from=row.effective_from,
                  effective_to=row.effective_to, citation=row.citation, source_url=row.source_url,
                  verified=row.verified, note=row.note)


def _in_force(on: date) -> Q:
    return Q(effective_from__lte=on) & (Q(effective_to__isnull=True) | Q(effective_to__gte=on))


def figure(key: str, *, on: date, nation: str | None = None) -> Figure:
    """The figure `key` in force on `on`. With a nation, that nation's own figure wins over the UK-wide one.

    Raises `FigureNotInForce` (message names the key, nation and date) when none is, or when dates overlap.
    """
    if key not in FigureKey.values:
        raise FigureNotInForce(UNKNOWN_FIGURE_KEY.format(key=key, known=", ".join(FigureKey.values)))
    nation = nation or ""
    if nation not in {"", "E", "W", "S", "N"}:
        raise FigureNotInForce(UNKNOWN_NATION.format(nation=nation))
    memo = _memo.get()
    if memo is not None and (key, nation, on) in memo:
        return memo[(key, nation, on)]
    found = _figure_query(key, on=on, nation=nation)
    if memo is not None:
        memo[(key, nation, on)] = found
    return found


def _figure_query(key: str, *, on: date, nation: str) -> Figure:
    rows = list(LegalFigure.objects.filter(_in_force(on), key=key, nation__in={nation, ""}))
    own = [r for r in rows if r.nation == nation] or [r for r in rows if r.nation == ""]
    label = f" for nation {nation}" if nation else ""
    if not own:
        raise FigureNotInForce(FIGURE_NOT_IN_FORCE.format(key=key, nation=label, on=on.isoformat()))
    if len(own) > 1:
        ids = ", ".join(str(r.pk) for r in own)
        raise FigureNotInForce(FIGURE_AMBIGUOUS.format(key=key, nation=label, on=on.isoformat(), ids=ids))
    return _to_figure(own[0])


def figures_in_force(*, on: date) -> list[Figure]:
    """Every figure in force on `on`, in key order then UK-wide before nations."""
    rows = LegalFigure.objects.filter(_in_force(on)).order_by("key", "nation", "effective_from")
    return [_to_figure(r) for r in rows]


def figure_keys_missing(*, on: date) -> list[str]:
    """Keys with no figure at all (for any nation) in force on `on`: shown to the administrator as gaps."""
    present = set(LegalFigure.objects.filter(_in_force(on)).values_list("key", flat=True))
    return [k for k in FigureKey.values if k not in present]


# --- the group's legal status and its general-campaign spending ----------------------------------------------


def legal_status_for(organisation) -> GroupLegalStatus | None:
    """The organisation's recorded legal situation, or None (also for no organisation)."""
    if organisation is None:
        return None
    return GroupLegalStatus.objects.filter(organisation=organisation).first()

