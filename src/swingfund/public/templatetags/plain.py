"""Plain words at the edge, in one place: `{% load plain %}` then

    {{ election|election_name }}   parl.2024-07-04   → "4 July 2024 general election"
    {{ "religion:muslim"|bloc_name }}                → "Muslim (census 2021)"
    {{ 100000|money }}             integer pence     → "£1,000.00"
    {{ moment|when }}              aware datetime    → "4 Jul 2024 21:15" (UK time)
    {{ day|day }}                  date              → "4 July 2024"

Ids stay in URLs and downloads; people read these.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django import template

register = template.Library()

UK_TIME = ZoneInfo("Europe/London")
ELECTION_KINDS = {"parl": "general election", "local": "local elections", "mayor": "mayoral election",
                  "sp": "Scottish Parliament election", "senedd": "Senedd election", "nia": "Assembly election"}
# The census each topic's seat statistics come from, named as people know it (see elections/importers/census.py).
CENSUS_NAMES = {"census2021": "census 2021", "census2022": "Scotland's census 2022", "census2011": "census 2011"}
DEFAULT_CENSUS = "census 2021"
_ELECTION_ID = re.compile(r"^(?P<kind>[a-z]+)\.(?:[a-z0-9-]+\.)*?(?P<date>\d{4}-\d{2}-\d{2})(?:\.(?P<rest>.+))?$")


def election_words(election_id: str) -> str:
    """`parl.2024-07-04` → "4 July 2024 general election"; an unknown shape is returned unchanged."""
    match = _ELECTION_ID.match(str(election_id or ""))
    if not match:
        return str(election_id or "")
    date = dt.date.fromisoformat(match["date"])
    kind = ELECTION_KINDS.get(match["kind"], "election")
    notional = " (notional result on new boundaries)" if match["rest"] and "notional" in match["rest"] else ""
    return f"{date.day} {date:%B %Y} {kind}{notional}"


@register.filter
def election_name(value: object) -> str:
    """An Election (or its id) in words."""
    return election_words(getattr(value, "pk", value))


def bloc_words(bloc: str) -> str:
    """`religion:muslim` → "Muslim (census 2021)"; terms joined by + → "Black + Mixed (census 2021)"."""
    text = str(bloc or "").strip()
    if not text:
        return ""
    census = DEFAULT_CENSUS
    if "/" in text:  # str(Bloc) pins a census as "census2011/religion:muslim"
        key, _, text = text.partition("/")
        census = CENSUS_NAMES.get(key, key)
    names = []
    for term in text.split("+"):
        _, _, category = term.partition(":")
        names.append((category or term).replace("_", " ").replace("-", " ").strip().capitalize())
    return f"{' + '.join(names)} ({census})"


@register.filter
def bloc_name(value: object) -> str:
    return bloc_words(str(value or ""))


def money_words(pence: int | None) -> str:
    """Integer pence → "£1,000.00" (negative: "−£12.50"); None → "—"."""
    if pence is None or pence == "":
        return "—"
    pence = int(pence)
    whole, rest = divmod(abs(pence), 100)
    return f"{'−' if pence < 0 else ''}£{whole:,}.{rest:02d}"


@register.filter
def money(value: int | None) -> str:
    return money_words(value)


@register.filter
def when(value: dt.datetime | None) -> str:
    """An aware datetime → "4 Jul 2024 21:15" in UK time (no seconds, no microseconds)."""
    if not value:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(UK_TIME)
    return f"{value.day} {value:%b %Y %H:%M}"


@register.filter
def day(value: dt.date | dt.datetime | None) -> str:
    """A date → "4 July 2024"."""
    if not value:
        return ""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(UK_TIME)
    return f"{value.day} {value:%B %Y}"
