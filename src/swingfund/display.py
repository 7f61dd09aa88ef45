"""Plain words for people, in one place (pure functions; the template filters in `public/templatetags/plain.py`
wrap them): "4 July 2024 general election", "Muslim (census 2021)", "£1,000.00" (`money`, the
only money formatter), "4 Jul 2024 21:15".
Ids stay in URLs and downloads. Any app may import this module (it imports no app)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

UK_TIME = ZoneInfo("Europe/London")
ELECTION_KINDS = {"parl": "general election", "local": "local elections", "mayor": "mayoral election",
                  "sp": "Scottish Parliament election", "senedd": "Senedd election", "nia": "Assembly election"}
# The census each topic's seat statistics come from, named as people know it (see elections/importers/census.py).
CENSUS_NAMES = {"census2021": "census 2021", "census2022": "Scotland's census 2022", "census2011": "census 2011"}
DEFAULT_CENSUS = "census 2021"
_ELECTION_ID = re.compile(r"^(?P<kind>[a-z]+)\.(?:[a-z0-9-]+\.)*?(?P<date>\d{4}-\d{2}-\d{2})(?:\.(?P<rest>.+))?$")


def election_words(election_id: str) -> str:
    """`parl.YYYY-MM-DD` → "D Month YYYY general election"; an unknown shape is returned unchanged."""
    match = _ELECTION_ID.match(str(election_id or ""))
    if not match:
        return str(election_id or "")
    date = dt.date.fromisoformat(match["date"])
    kind = ELECTION_KINDS.get(match["kind"], "election")
    notional = " (notional result on new boundaries)" if match["rest"] and "notional" in match["rest"] else ""
    return f"{date.day} {date:%B %Y} {kind}{notional}"


def bloc_words(bloc: str) -> str:
    """`topic:category` → "Category (census 2021)"; terms joined by + → "Black + Mixed (census 2021)"."""
    text = str(bloc or "").strip()
    if not text:
        return ""
    census = DEFAULT_CENSUS
    if "/" in text:  # str(Bloc) pins a census as "census2011/topic:category"
        key, _, text = text.partition("/")
        census = CENSUS_NAMES.get(key, key)
    names = []
    for term in text.split("+"):
        _, _, category = term.partition(":")
        names.append((category or term).replace("_", " ").replace("-", " ").strip().capitalize())
    return f"{' + '.join(names)} ({census})"


def money(pence: int | None, *, short: bool = False, symbol: bool = True, grouping: bool = True,
          none: str = "—") -> str:
    """The one money formatter: integer pence → "£1,234.56", exactly, with no float on the way.

    `short=True` drops the ".00" of whole pounds ("£1,000"; "£12.50" stays); `symbol=False` leaves off the "£"
    ("1,234.56", for a column headed in pounds); `grouping=False` leaves off the thousands commas ("1234.56", for
    files machines read). A negative amount reads "−£12.50" (a true minus sign) with the symbol and "-12.50"
    without it. None (or "") → `none`.

    For positive amounts `money(p)` is byte-identical to `f"£{p / 100:,.2f}"`, the form the ledger's hashed
    descriptions were first written in, so the hash chain of existing data still verifies."""
    if pence is None or pence == "":
        return none
    pence = int(pence)
    whole, rest = divmod(abs(pence), 100)
    digits = f"{whole:,}" if grouping else f"{whole}"
    if not (short and rest == 0):
        digits = f"{digits}.{rest:02d}"
    if symbol:
        return f"{'−' if pence < 0 else ''}£{digits}"
    return f"{'-' if pence < 0 else ''}{digits}"


def percent(share: float | None, *, none: str = "—") -> str:
    """The one percent format for a share between 0 and 1 (a probability, a vote share): whole percents ("81 %"),
    one decimal below 10 % ("5.2 %"), "under 0.1 %" for a tiny positive share. None → `none`."""
    if share is None or share == "":
        return none
    value = float(share) * 100
    if 0 < value < 0.05:
        return "under 0.1 %"
    if abs(value) < 9.95:
        return f"{value:.1f} %"
    return f"{value:.0f} %"


def when_words(value: dt.datetime | None) -> str:
    """An aware datetime → "4 Jul 2024 21:15" in UK time (no seconds, no microseconds)."""
    if not value:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(UK_TIME)
    return f"{value.day} {value:%b %Y %H:%M}"


def ago_words(value: dt.datetime | str | None, *, now: dt.datetime) -> str:
    """A moment said the way people say it, relative to `now`: "just now", "5 minutes ago", "3 hours ago",
    "yesterday at 14:05", "2 days ago", "in 3 days"; older than a week (or further ahead), the date and time
    ("4 Jul 2024 21:15", UK time). Accepts an aware datetime or its ISO text (as a decision's ballots store it)."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    seconds = (now - value).total_seconds()
    ahead = seconds < 0
    seconds = abs(seconds)
    if seconds < 60:
        return "just now"
    for size, unit in ((86_400, "day"), (3_600, "hour"), (60, "minute")):
        if seconds >= size:
            count = int(seconds // size)
            break
    if unit == "day" and count >= 7:
        return when_words(value)
    if unit == "day" and count == 1 and not ahead:
        return f"yesterday at {value.astimezone(UK_TIME):%H:%M}"
    words = f"{count} {unit}{'' if count == 1 else 's'}"
    return f"in {words}" if ahead else f"{words} ago"


def day_words(value: dt.date | dt.datetime | None) -> str:
    """A date → "4 July 2024"."""
    if not value:
        return ""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(UK_TIME)
    return f"{value.day} {value:%B %Y}"
