"""The value object for one legal figure in force, and how money and figures are written for people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from swingfund.compliance.models import FigureKey, Unit

VERIFY_FLAG = "[verify]"


def format_pence(pence: int) -> str:
    """£1,234.56, or £1,234 for whole pounds. Formatting happens only at the edge."""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}" if rest == 0 else f"{sign}£{pounds:,}.{rest:02d}"


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
            return format_pence(self.value)
        if self.unit == Unit.PENCE_PER_ELECTOR:
            return f"{self.value}p per elector"
        return f"{self.value} days"

    @property
    def source(self) -> str:
        """Citation and address, with the [verify] flag when not confirmed from a primary source."""
        flag = "" if self.verified else f" {VERIFY_FLAG}"
        return f"{self.citation}, {self.source_url}{flag}"
