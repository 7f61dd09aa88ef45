"""Formatting at the edge: integer pence shown as pounds."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    """12345 → "£123.45"; 100000 → "£1,000" (whole pounds without pence)."""
    if pence is None:
        return "—"
    whole, rest = divmod(int(pence), 100)
    return f"£{whole:,}" if rest == 0 else f"£{whole:,}.{rest:02d}"
