"""Reads from the elections tables, and where the official files are."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from swingfund.elections import errors
from swingfund.elections.errors import LookupFailure
from swingfund.elections.fetch import BY_NAME, REGEX_FOLDER
from swingfund.elections.importers.postcodes import normalise_postcode
from swingfund.elections.models import BoundarySet, Constituency, DataSource, Postcode
from swingfund.elections.postcode_regex import regex_lookup

# A UK postcode once spaces are removed and letters uppercased (outward code 2–4 characters, inward 3); GIR 0AA.
POSTCODE = re.compile(r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}|GIR0AA)$")


def official_file(name: str) -> Path:
    """The local copy of an official file: the one in SWINGFUND_DATA if present, else the download cache.

    Raises LookupFailure for a name the manifest does not list, or a file that is in neither place.
    """
    if name not in BY_NAME:
        raise LookupFailure(errors.UNKNOWN_OFFICIAL_FILE.format(name=name))
    data = getattr(settings, "SWINGFUND_DATA", "") or ""
    cache = Path(settings.SWINGFUND_CACHE)
    if data and (Path(data) / name).is_file():
        return Path(data) / name
    if (cache / name).is_file():
        return cache / name
    raise LookupFailure(errors.OFFICIAL_FILE_MISSING.format(name=name, data=data or "not set", cache=cache))


def constituency_for_postcode(postcode: str, *, boundary_set: str) -> Constituency:
    """The constituency a postcode lies in, on one boundary set (from the imported ONS postcode directory; for
    the 2010-review set, when no ONSPD edition on those boundaries is imported, from the regex files).

    Raises LookupFailure naming the problem: not a valid postcode, or not in the imported lookup.
    """
    key = normalise_postcode(postcode or "")
    if not POSTCODE.match(key):
        raise LookupFailure(errors.INVALID_POSTCODE.format(postcode=postcode))
    row = Postcode.objects.filter(postcode=key, boundary_set=boundary_set).select_related("constituency").first()
    if row is not None:
        return row.constituency
    if boundary_set == BoundarySet.PCON2010 and not Postcode.objects.filter(boundary_set=boundary_set).exists():
        code = regex_lookup(folder=_regex_folder(), postcode=key)
        seat = Constituency.objects.filter(boundary_set=boundary_set, gss_code=code).first() if code else None
        if seat is not None:
            return seat
    raise LookupFailure(errors.UNKNOWN_POSTCODE.format(postcode=postcode, boundary_set=boundary_set))


def _regex_folder() -> Path:
    """The postcode-regex-pcon2010 folder (SWINGFUND_DATA, else the cache); its files are in the fetch manifest."""
    return official_file(f"{REGEX_FOLDER}/A.json").parent


def data_sources() -> QuerySet[DataSource]:
    """Every imported official file, newest import first (for "where does this number come from" pages)."""
    return DataSource.objects.order_by("-imported_at")


def _words(text: str) -> str:
    """`"Ynys Môn"` → `"ynys mon"`, `"Brighton, Kemptown & Peacehaven"` → `"brighton kemptown and peacehaven"`: the
    form names are compared in (no accents, no punctuation, "&" as "and", single spaces)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def constituencies_named(text: str, *, boundary_set: str) -> list[Constituency]:
    """The seats a place name finds, from the names the imported files carry (seat names and regions; the official
    files carry no town or local-authority names): a seat whose whole name it is (one seat); else every seat whose
    name holds it as whole words, or in whose region it names; else every seat whose name holds it at all. In
    order of name. 650 rows: matched in Python, alike on every database."""
    query = _words(text)
    if not query:
        return []
    seats = list(Constituency.objects.filter(boundary_set=boundary_set).order_by("name"))
    exact = [s for s in seats if _words(s.name) == query]
    if exact:
        return exact[:1]
    padded = f" {query} "
    named = [s for s in seats if padded in f" {_words(s.name)} " or _words(s.region) == query]
    return named or [s for s in seats if query in _words(s.name)]


def postcode_lookup_covers_every_seat(*, boundary_set: str) -> bool:
    """Whether the imported postcode lookup reaches every seat of the boundary set (the full ONS postcode
    directory does; a sample or a few test rows do not)."""
    has_postcode = Postcode.objects.filter(boundary_set=boundary_set, constituency=OuterRef("pk"))
    seats = Constituency.objects.filter(boundary_set=boundary_set)
    return seats.exists() and not seats.filter(~Exists(has_postcode)).exists()


def is_postcode(text: str) -> bool:
    """Whether the text is written like a whole UK postcode (any case, any spacing)."""
    return bool(POSTCODE.match(normalise_postcode(text)))


def postcode_example(*, boundary_set: str) -> str:
    """One postcode the imported lookup answers (written the usual way, `B18 4AA`), or "" when it holds none."""
    key = (Postcode.objects.filter(boundary_set=boundary_set, terminated=False).order_by("postcode")
           .values_list("postcode", flat=True).first())
    return f"{key[:-3]} {key[-3:]}" if key else ""


def polls_list(*, source_key: str | None = None, areas: list[str] | None = None) -> list:
    """Imported polls, newest fieldwork first, with their shares and source (optionally one file's, some areas)."""
    from swingfund.elections.models import Poll

    qs = Poll.objects.select_related("source").prefetch_related("shares")
    if source_key:
        qs = qs.filter(source__key=source_key)
    if areas:
        qs = qs.filter(area__in=areas)
    return list(qs.order_by("-fieldwork_end", "pollster", "area"))
