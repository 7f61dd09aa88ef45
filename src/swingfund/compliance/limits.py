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
        return f"{self.value} days"

    @property
    def source(self) -> str:
        """Citation and address, with the [verify] flag when not confirmed from a primary source."""
        flag = "" if self.verified else f" {VERIFY_FLAG}"
        return f"{self.citation}, {self.source_url}{flag}"
