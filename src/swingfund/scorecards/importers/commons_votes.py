"""Commons division votes straight from the UK Parliament's Commons Votes API, through the CSV divisions importer.

`GET {base}/data/division/{id}.json` returns a *PublishedDivision* (the API's documented JSON): `DivisionId`,
`Date`, `Number`, `Title`, `AyeCount`, `NoCount`, and the members in `Ayes`, `Noes`, `AyeTellers`, `NoTellers`
(each a *RecordedMember*: `MemberId`, `Name`, `ListAs`, `Party`, …). Tellers count with the side they told for;
members in `NoVoteRecorded` are left out (no vote is not evidence of a stance).

Every division is fetched first (any failure stops everything, nothing written); then the votes become rows of
the divisions CSV (`divisions.py`) and go through `import_divisions`, so mapping, matching, sourcing and the one
transaction are exactly those of the CSV path. Members are matched by their Parliament member id (a person's
`mnis_id`), else by name (the API's `Name` without honorifics, or its `ListAs` "Surname, Forename" turned round)
when exactly one person has it; others are reported unmatched, never guessed. Each vote's source is the
division's public page, `https://votes.parliament.uk/votes/commons/division/<id>`.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections import Counter
from collections.abc import Collection, Sequence
from pathlib import Path

import requests
from django.contrib.auth.base_user import AbstractBaseUser

from swingfund.elections.models import Person
from swingfund.organisations.models import Organisation

from .common import ImportReport, normalise_name
from .divisions import import_divisions

DEFAULT_BASE_URL = "https://commonsvotes-api.parliament.uk"
BASE_URL_ENV = "SWINGFUND_COMMONS_VOTES_API"
TIMEOUT_SECONDS = 30
HONORIFICS = re.compile(r"^(?:(?:the\s+)?rt\.?\s+hon\.?|mr|mrs|ms|miss|mx|dr|sir|dame|lord|lady|prof)\.?\s+",
                        re.IGNORECASE)
SIDES = (("Ayes", "aye"), ("AyeTellers", "aye"), ("Noes", "no"), ("NoTellers", "no"))

DIVISION_ID_BAD = "Division ids are whole numbers (the Commons Votes API's DivisionId); got {value!r}."
FETCH_FAILED = "Could not fetch division {id} from {url}: {reason}."
NOT_FOUND = "Division {id} was not found at {url} (HTTP 404)."
BAD_REPLY = "Division {id} from {url} is not a Commons Votes division: {reason}."
NO_DIVISIONS = "Name at least one division with --division ID."


def base_url() -> str:
    return os.environ.get(BASE_URL_ENV, DEFAULT_BASE_URL).rstrip("/")


def division_fetch(*, division_id: int, base: str, session: requests.Session) -> dict:
    """One PublishedDivision as a dict, checked for the fields the import needs."""
    url = f"{base}/data/division/{division_id}.json"
    try:
        response = session.get(url, timeout=TIMEOUT_SECONDS, headers={"Accept": "application/json"})
    except requests.RequestException as exc:
        raise ValueError(FETCH_FAILED.format(id=division_id, url=url, reason=exc)) from exc
    if response.status_code == 404:
        raise ValueError(NOT_FOUND.format(id=division_id, url=url))
    if response.status_code != 200:
        raise ValueError(FETCH_FAILED.format(id=division_id, url=url, reason=f"HTTP {response.status_code}"))
    try:
        data = response.json()
    except ValueError as exc:
        raise ValueError(BAD_REPLY.format(id=division_id, url=url, reason="the reply is not JSON")) from exc
    if not isinstance(data, dict):
        raise ValueError(BAD_REPLY.format(id=division_id, url=url, reason="the reply is not an object"))
    for key in ("DivisionId", "Date", "Title", "Ayes", "Noes"):
        if key not in data:
            raise ValueError(BAD_REPLY.format(id=division_id, url=url, reason=f"no {key}"))
    if int(data["DivisionId"]) != division_id:
        raise ValueError(BAD_REPLY.format(id=division_id, url=url, reason=f"it is division {data['DivisionId']}"))
    return data


def _name_options(member: dict) -> list[str]:
    name = HONORIFICS.sub("", (member.get("Name") or "").strip())
    options = [name] if name else []
    list_as = (member.get("ListAs") or "").strip()
    if "," in list_as:
        surname, _, forenames = list_as.partition(",")
        options.append(f"{forenames.strip()} {surname.strip()}")
    return options


def division_rows(*, divisions: Sequence[dict]) -> list[dict[str, str]]:
    """Rows for the divisions CSV: one per member who voted (or told) in each division."""
    members = [m for d in divisions for key, _ in SIDES for m in d.get(key) or []]
    ids = {int(m["MemberId"]) for m in members if m.get("MemberId")}
    with_mnis = set(Person.objects.filter(mnis_id__in=ids).values_list("mnis_id", flat=True))
    wanted = {normalise_name(n) for m in members for n in _name_options(m)}
    counts = Counter(normalise_name(n) for n in Person.objects.values_list("name", flat=True)
                     if normalise_name(n) in wanted)
    rows = []
    for d in divisions:
        seen: set[int] = set()
        for key, vote in SIDES:
            for m in d.get(key) or []:
                member_id = int(m["MemberId"]) if m.get("MemberId") else None
                if member_id in seen:
                    continue
                seen.add(member_id)
                options = _name_options(m)
                name = next((n for n in options if counts.get(normalise_name(n)) == 1), options[0] if options else "")
                rows.append({
                    "division_id": str(d["DivisionId"]), "date": str(d["Date"])[:10], "vote": vote,
                    "mnis_id": str(member_id) if member_id in with_mnis else "",
                    "member": "" if member_id in with_mnis else name, "title": d.get("Title") or "", "url": "",
                })
    return rows


def fetch_divisions(*, division_ids: Sequence[str | int], organisation: Organisation,
                    statement_slug: str | None = None, agree_when: str | None = None,
                    important: Collection[str] = (), all_important: bool = False,
                    recorded_by: AbstractBaseUser | None = None, base: str | None = None) -> ImportReport:
    """Fetch each division, then import every vote in one transaction through `import_divisions`."""
    if not division_ids:
        raise ValueError(NO_DIVISIONS)
    ids = []
    for value in division_ids:
        if not str(value).strip().isdigit():
            raise ValueError(DIVISION_ID_BAD.format(value=value))
        ids.append(int(str(value).strip()))
    base = (base or base_url()).rstrip("/")
    with requests.Session() as session:
        divisions = [division_fetch(division_id=i, base=base, session=session) for i in ids]
    rows = division_rows(divisions=divisions)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"commons-votes-{'-'.join(map(str, ids))}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            columns = ["division_id", "date", "vote", "mnis_id", "member", "title", "url"]
            writer = csv.DictWriter(handle, fieldnames=columns)  # not an export: the importer reads this file back
            writer.writeheader()
            writer.writerows(rows)
        report = import_divisions(path=path, organisation=organisation, statement_slug=statement_slug,
                                  agree_when=agree_when, important=important, all_important=all_important,
                                  recorded_by=recorded_by)
    report.file = f"Commons Votes API ({base}), divisions {', '.join(map(str, ids))}"
    return report
