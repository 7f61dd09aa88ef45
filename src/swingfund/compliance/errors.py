"""The refusals compliance raises. Messages are built by `checks` and name the figure, its amount and citation."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from swingfund.compliance.limits import Figure


class ComplianceRefusal(Exception):
    """The action would break the law. `figure` is the limit it would break; nothing may be written."""

    def __init__(self, message: str, *, code: str, figure: Figure, total_pence: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.figure = figure
        self.total_pence = total_pence


class LimitExceeded(ComplianceRefusal, ValueError):
    """Spending (or a total) would pass a legal limit. A ValueError, so callers that report bad input as one clear
    line (CLI, forms) report this too."""
