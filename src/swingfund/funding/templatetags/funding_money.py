"""`{{ pence|pounds }}`: integer pence shown as pounds (1234567 → 12,345.67; whole pounds without pence)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def pounds(value: int | None) -> str:
    if value is None or value == "":
        return ""
    pence = int(value)
    sign = "-" if pence < 0 else ""
    whole, rest = divmod(abs(pence), 100)
    return f"{sign}{whole:,}" if rest == 0 else f"{sign}{whole:,}.{rest:02d}"
