"""The value object for one legal figure in force, and how a figure is written for people (money by `display.money`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from swingfund.compliance.models import FigureKey, Unit
from swingfund.display import money

VERIFY_FLAG = "[verify]"


@dataclass(frozen=True)
class Figure:
    """One legal figure as in force on a date: its value in its unit, and where it comes from."""

    key: str
    nation: str
    value: int
    unit: str
    effective_from: date
    effective_to: date | None
    citation: str
    source_url: str
    verified: bool
    note: str = ""

    @property
    def label(self) -> str:
        try:
            return str(FigureKey(self.key).label)
        except ValueError:
            return self.key

    @property
    def display(self) -> str:
        """The value as a person reads it: £11,390, 8p per elector, 30 days."""
        if self.unit == Unit.PENCE:
            return money(self.value, short=True)
        if self.unit == Unit.PENCE_PER_ELECTOR:
            return f"{self.value}p per elector"
        if self.unit == Unit.MONTHS:
            return f"{self.value} months"
        return f"{self.value} days"

    @property
    def source(self) -> str:
        """Citation and address, with the [verify] flag when not confirmed from a primary source."""
        flag = "" if self.verified else f" {VERIFY_FLAG}"
        return f"{self.citation}, {self.source_url}{flag}"


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


def _in_force(fig: Figure, on: date) -> bool:
    return fig.effective_from <= on and (fig.effective_to is None or fig.effective_to >= on)


@dataclass(frozen=True)
class FigureTable:
    """The table of dated legal figures the law's checks read: every row, with the dates it is in force.

    Callers load it once (`compliance.selectors.figure_table()` from the database, or `seed.seed_table()` from
    LAW.md's figures) and pass it in; the checks, limits and timetables are pure functions over it, so they are
    tested without a database. `ids` are the rows' database ids where they have them (for the ambiguity message).
    """

    rows: tuple[Figure, ...]
    ids: tuple[object, ...] = ()

    def get(self, key: str, *, on: date, nation: str | None = None) -> Figure:
        """The figure `key` in force on `on`. With a nation, that nation's own figure wins over the UK-wide one.

        Raises `FigureNotInForce` (message names the key, nation and date) when none is, or when dates overlap.
        """
        if key not in FigureKey.values:
            raise FigureNotInForce(UNKNOWN_FIGURE_KEY.format(key=key, known=", ".join(FigureKey.values)))
        nation = nation or ""
        if nation not in {"", "E", "W", "S", "N"}:
            raise FigureNotInForce(UNKNOWN_NATION.format(nation=nation))
        found = [(i, f) for i, f in enumerate(self.rows) if f.key == key and _in_force(f, on)
                 and f.nation in {nation, ""}]
        own = [(i, f) for i, f in found if f.nation == nation] or [(i, f) for i, f in found if f.nation == ""]
        label = f" for nation {nation}" if nation else ""
        if not own:
            raise FigureNotInForce(FIGURE_NOT_IN_FORCE.format(key=key, nation=label, on=on.isoformat()))
        if len(own) > 1:
            ids = ", ".join(str(self.ids[i] if i < len(self.ids) else i) for i, _ in own)
            raise FigureNotInForce(FIGURE_AMBIGUOUS.format(key=key, nation=label, on=on.isoformat(), ids=ids))
        return own[0][1]

    def in_force(self, *, on: date) -> list[Figure]:
        """Every figure in force on `on`, in key order then UK-wide before nations."""
        return sorted((f for f in self.rows if _in_force(f, on)), key=lambda f: (f.key, f.nation, f.effective_from))

    def keys_missing(self, *, on: date) -> list[str]:
        """Keys with no figure at all (for any nation) in force on `on`."""
        present = {f.key for f in self.rows if _in_force(f, on)}
        return [k for k in FigureKey.values if k not in present]
