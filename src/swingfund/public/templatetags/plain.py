"""Plain words at the edge: `{% load plain %}` then

    {{ election|election_name }}   parl.YYYY-MM-DD   → "D Month YYYY general election"
    {{ "topic:category"|bloc_name }}                 → "Category (census 2021)"
    {{ 100000|money }}             integer pence     → "£1,000.00"
    {{ 100000|money_short }}       integer pence     → "£1,000" (whole pounds without ".00")
    {{ -123456|amount }}           integer pence     → "-1,234.56" (no "£": a column or line headed in pounds)
    {{ 0.8123|percent }}           share 0–1         → "81 %" (one decimal below 10 %)
    {{ moment|ago }}               aware datetime    → "3 hours ago", "yesterday at 14:05", "in 2 days"
    {{ moment|when }}              aware datetime    → "4 Jul 2024 21:15" (UK time)
    {{ date|day }}                 date              → "4 July 2024"

The words themselves are made by `swingfund.display` (pure functions any app may call).
"""

from __future__ import annotations

from django import template

from swingfund.display import ago_words, bloc_words, day_words, election_words, when_words
from swingfund.display import money as money_text
from swingfund.display import percent as percent_words

register = template.Library()


@register.filter
def election_name(value: object) -> str:
    """An Election (or its id) in words."""
    return election_words(getattr(value, "pk", value))


@register.filter
def bloc_name(value: object) -> str:
    return bloc_words(str(value or ""))


@register.filter
def money(value: int | None) -> str:
    return money_text(value)


@register.filter
def money_short(value: int | None) -> str:
    return money_text(value, short=True)


@register.filter
def amount(value: int | None) -> str:
    return money_text(value, short=True, symbol=False, none="")


@register.filter
def percent(value) -> str:
    return percent_words(value)


@register.filter
def ago(value) -> str:
    from django.utils import timezone

    return ago_words(value, now=timezone.now())


@register.filter
def when(value) -> str:
    return when_words(value)


@register.filter
def day(value) -> str:
    return day_words(value)
