"""Writes to the legal-figure table."""

from __future__ import annotations

from django.db import transaction

from swingfund.compliance.models import LegalFigure
from swingfund.compliance.seed import seed_rows


def legal_figures_seed() -> int:
    """Load every seed figure (LAW.md) not already present; never overwrites an edited row. Returns rows added."""
    with transaction.atomic():
        return seed_rows(LegalFigure)
