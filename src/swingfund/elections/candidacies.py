"""Prospective candidates: candidacies announced before Democracy Club lists them, entered by hand or from a CSV,
and the marking of a candidacy withdrawn or not nominated (never deleted).

Rules:
* Prospective candidacies are only for an election still to come (polling day not passed, no result imported).
* A person is known by their Democracy Club id when one is given. Without one, a name that is the sitting MP's
  (the seat's winner at the latest counted election on the same boundaries) is that MP: the candidacy links to
  their existing record, so the evidence from their Commons votes stays theirs. Any other name is a new person.
  Names are never matched across seats.
* Every row of a CSV is checked before anything is written; each bad line is reported (`FILE:LINE: column X: …`)
  and nothing is written if any line is bad. Re-importing the same file updates rows instead of duplicating them.

Democracy Club's own list is reconciled with these in `importers/democracy_club.py` (`DemocracyClubForward`).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from swingfund.elections.importers.democracy_club import name_key
from swingfund.elections.models import (
    Candidacy,
    CandidacyStatus,
    Constituency,
    DataSource,
    Election,
    Party,
    Person,
    Result,
)

ELECTION_UNKNOWN = "no election {election!r} in the database: add it first (`swingfund election add`)"
ELECTION_PASSED = "{election} polled on {date}: prospective candidates are only for an election still to come"
ELECTION_COUNTED = "{election} already has its result: prospective candidates are only for an election still to come"
SEAT_UNKNOWN = "{seat!r} is not a {boundary_set} seat: give its GSS code (e.g. E14001305) or its exact name"
NAME_BLANK = "the candidate's name is blank"
PARTY_BLANK = "the party is blank (write Independent for a candidate without one)"
BAD_URL = "{url!r} is not a valid http(s) URL: give the page where the candidacy was announced"
BAD_DATE = "{value!r} is not a date: write it as YYYY-MM-DD"
DATE_IN_FUTURE = "{date} is after today: a candidacy is announced on or before the day it is entered"
DECLARED_IN_FUTURE = "{date} is after today: record the day a person became a candidate once it has come"
DATE_AFTER_POLL = "{date} is after polling day ({poll})"
BAD_EMAIL = "{value!r} is not an email address"
ALREADY_STANDING = "{name} is already a candidate in {seat} at {election} (candidacy #{pk})"
DC_ID_ELSEWHERE = "Democracy Club person {dc_id} ({name}) already stands in {seat} at {election} (candidacy #{pk})"
DUPLICATE_LINE = "the same candidate in the same seat as line {line}"
MISSING_COLUMNS = "missing column(s) {columns}: the header needs name, party, seat, source URL, date announced"
EMPTY_CSV = "the file has no rows"
BAD_STATUS = "status {value!r} is not one of standing, withdrawn, not-nominated"
STATUS_NEEDS_SOURCE = "marking a candidacy {status} needs the URL of the page that says so"
NO_CANDIDACY = "no candidacy #{pk}"
DC_ID_TAKEN = "Democracy Club person {dc_id} is already {name} (person #{pk}); this candidacy is {other}"

PROSPECTIVE_PUBLISHER = "entered by the group"

_url = URLValidator(schemes=["http", "https"])
_email = EmailValidator()

# Header spellings accepted for each column of the CSV (lower case, spaces and dashes read as underscores).
COLUMNS = {
    "name": ("name", "candidate", "candidate_name"),
    "party": ("party", "party_name"),
    "seat": ("seat", "constituency", "gss_code"),
    "source_url": ("source_url", "source", "url"),
    "announced": ("date_announced", "announced", "announced_on", "date"),
}
OPTIONAL_COLUMNS = {"dc_person_id": ("dc_person_id", "democracy_club_id", "person_id"), "email": ("email",)}


class CandidacyError(ValueError):
    """Bad input for a prospective candidacy; `problems` lists every problem (one per CSV line for an import)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Entry:
    """One prospective candidacy as given, before it is checked."""

    name: str
    party: str
    seat: str
    source_url: str
    announced: str | dt.date
    dc_person_id: int | None = None
    email: str = ""
    line: int = 0


@dataclass
class Checked:
    entry: Entry
    seat: Constituency
    announced: dt.date
    person: Person | None  # an existing person (by Democracy Club id, or the sitting MP)
    existing: Candidacy | None  # this person's candidacy in this seat already (updated on re-import)
    note: str = ""


@dataclass
class ImportReport:
    created: list[Candidacy] = field(default_factory=list)
    updated: list[Candidacy] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def election_ahead(*, election_id: str, today: dt.date | None = None) -> Election:
    """The election, if it is still to come; CandidacyError otherwise."""
    today = today or timezone.now().date()
    election = Election.objects.filter(pk=election_id).first()
    if election is None:
        raise CandidacyError([ELECTION_UNKNOWN.format(election=election_id)])
    if Election.objects.ahead(today).filter(pk=election.pk).exists():
        return election
    if election.poll_date < today:
        raise CandidacyError([ELECTION_PASSED.format(election=election.pk, date=election.poll_date.isoformat())])
    raise CandidacyError([ELECTION_COUNTED.format(election=election.pk)])


def seat_find(*, election: Election, seat: str) -> Constituency | None:
    """A seat of the election's boundary set by GSS code, or by its exact name (case ignored)."""
    text = seat.strip()
    seats = Constituency.objects.filter(boundary_set=election.boundary_set)
    return seats.filter(gss_code=text.upper()).first() or seats.filter(name__iexact=text).first()


def sitting_mp(*, seat: Constituency) -> Person | None:
    """The person who won the seat at the latest counted election on its boundaries, if known."""
    result = (
        Result.objects.filter(constituency=seat, winner__person__isnull=False)
        .select_related("winner__person")
        .order_by("-election__poll_date")
        .first()
    )
    return result.winner.person if result else None


def party_find(*, name: str) -> Party:
    """The party of this Electoral Commission id (PP63), name or abbreviation (case ignored), or a new party row."""
    text = " ".join(name.split())
    party = Party.objects.filter(
        Q(name__iexact=text) | Q(abbreviation__iexact=text) | Q(ec_id__iexact=text) & ~Q(ec_id="")
    ).order_by("id").first()
    return party or Party.objects.create(name=text)


def _date(value: str | dt.date) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(BAD_DATE.format(value=value)) from None


def _check(entry: Entry, *, election: Election, today: dt.date) -> tuple[Checked | None, list[tuple[str, str]]]:
    """The entry checked against the database, or its problems as (column, message)."""
    problems: list[tuple[str, str]] = []
    name = " ".join(entry.name.split())
    if not name:
        problems.append(("name", NAME_BLANK))
    if not entry.party.strip():
        problems.append(("party", PARTY_BLANK))
    seat = seat_find(election=election, seat=entry.seat) if entry.seat.strip() else None
    if seat is None:
        problems.append(("seat", SEAT_UNKNOWN.format(seat=entry.seat, boundary_set=election.boundary_set)))
    try:
        _url(entry.source_url.strip())
    except ValidationError:
        problems.append(("source_url", BAD_URL.format(url=entry.source_url)))
    announced = None
    try:
        announced = _date(entry.announced)
        if announced > today:
            problems.append(("announced", DATE_IN_FUTURE.format(date=announced.isoformat())))
        elif announced > election.poll_date:
            problems.append(("announced", DATE_AFTER_POLL.format(date=announced, poll=election.poll_date)))
    except ValueError as exc:
        problems.append(("announced", str(exc)))
    if entry.email:
        try:
            _email(entry.email.strip())
        except ValidationError:
            problems.append(("email", BAD_EMAIL.format(value=entry.email)))
    if problems:
        return None, problems
    person, note = None, ""
    if entry.dc_person_id is not None:
        person = Person.objects.filter(dc_person_id=entry.dc_person_id).first()
    else:
        mp = sitting_mp(seat=seat)
        if mp is not None and name_key(mp.name) == name_key(name):
            person, note = mp, f"{name} is the sitting MP for {seat.name}: linked to their existing record"
    standing = Candidacy.objects.filter(election=election).select_related("person", "constituency")
    if person is not None:
        elsewhere = standing.filter(person=person).exclude(constituency=seat).first()
        if elsewhere is not None:
            message = DC_ID_ELSEWHERE.format(dc_id=person.dc_person_id or "-", name=person.name,
                                             seat=elsewhere.constituency.name, election=election.pk, pk=elsewhere.pk)
            return None, [("dc_person_id", message)]
        existing = standing.filter(person=person, constituency=seat).first()
    else:
        same_name = [c for c in standing.filter(constituency=seat, person__dc_person_id__isnull=True)
                     if name_key(c.person_name) == name_key(name)]
        existing = same_name[0] if len(same_name) == 1 else None
    entry.name = name
    return Checked(entry=entry, seat=seat, announced=announced, person=person, existing=existing, note=note), []


def _source(*, election: Election, file_name: str, sha256: str, now: dt.datetime) -> DataSource:
    source, _ = DataSource.objects.update_or_create(
        key=f"prospective-candidates-{election.pk}",
        defaults={
            "title": f"Prospective candidates for {election.name}, with the page announcing each",
            "publisher": PROSPECTIVE_PUBLISHER,
            "file_name": file_name,
            "sha256": sha256,
            "imported_at": now,
        },
    )
    return source


def _write(checked: Checked, *, election: Election, source: DataSource, illustrative: bool,
           now: dt.datetime) -> tuple[Candidacy, bool]:
    entry = checked.entry
    person = checked.person
    if person is None:
        person = checked.existing.person if checked.existing else Person.objects.create(
            name=entry.name, dc_person_id=entry.dc_person_id)
        if entry.dc_person_id is not None and person.dc_person_id is None:  # the file now gives their id
            person.dc_person_id = entry.dc_person_id
            person.save(update_fields=["dc_person_id"])
    fields = {
        "person": person,
        "person_name": entry.name if checked.existing is None else checked.existing.person_name,
        "party": party_find(name=entry.party),
        "source_url": entry.source_url.strip(),
        "announced_on": checked.announced,
        "illustrative": illustrative,
        "recorded_at": now,
    }
    if entry.email:
        fields["contact_email"] = entry.email.strip()
    if checked.existing is not None:
        candidacy = checked.existing
        for key, value in fields.items():
            setattr(candidacy, key, value)
        candidacy.save()
        return candidacy, False
    candidacy = Candidacy.objects.create(election=election, constituency=checked.seat, source=source, **fields)
    return candidacy, True


@transaction.atomic
def candidacy_add(
    *,
    election_id: str,
    seat: str,
    name: str,
    party: str,
    source_url: str,
    announced: str | dt.date,
    dc_person_id: int | None = None,
    email: str = "",
    illustrative: bool = False,
    today: dt.date | None = None,
    declared: str | dt.date | None = None,
) -> tuple[Candidacy, str]:
    """Add one prospective candidacy by hand; returns it and a note (e.g. linked to the sitting MP).
    `declared`: the day the person became a candidate in law (declared themselves one, RPA 1983 s.118A), recorded
    as `became_candidate_on` (grants are allowed from that day; compliance/bydate.py); not after today.
    CandidacyError lists every problem; a candidate already standing in the seat is refused."""
    now = timezone.now()
    today = today or now.date()
    election = election_ahead(election_id=election_id, today=today)
    entry = Entry(name=name, party=party, seat=seat, source_url=source_url, announced=announced,
                  dc_person_id=dc_person_id, email=email)
    checked, problems = _check(entry, election=election, today=today)
    became = None
    if declared is not None and declared != "":
        try:
            became = _date(declared)
        except ValueError as exc:
            problems.append(("declared", str(exc)))
        else:
            if became > today:
                problems.append(("declared", DECLARED_IN_FUTURE.format(date=became.isoformat())))
    if problems:
        raise CandidacyError([f"{column}: {message}" for column, message in problems])
    if checked.existing is not None:
        c = checked.existing
        raise CandidacyError([ALREADY_STANDING.format(name=c.person_name, seat=c.constituency.name,
                                                      election=election.pk, pk=c.pk)])
    source = _source(election=election, file_name="(entered by hand)", sha256="", now=now)
    candidacy, _ = _write(checked, election=election, source=source, illustrative=illustrative, now=now)
    if became is not None:
        candidacy.became_candidate_on = became
        candidacy.save(update_fields=["became_candidate_on"])
    return candidacy, checked.note


def _header_map(header: list[str]) -> tuple[dict[str, str], list[str]]:
    normal = {h.strip().lower().replace(" ", "_").replace("-", "_"): h for h in header}
    found, missing = {}, []
    for wanted, spellings in {**COLUMNS, **OPTIONAL_COLUMNS}.items():
        column = next((normal[s] for s in spellings if s in normal), None)
        if column is not None:
            found[wanted] = column
        elif wanted in COLUMNS:
            missing.append(wanted)
    return found, missing


@transaction.atomic
def candidacies_import(
    *, path: Path, election_id: str, illustrative: bool = False, today: dt.date | None = None
) -> ImportReport:
    """Import prospective candidacies from a CSV (name, party, seat, source URL, date announced; optionally
    dc_person_id and email). Every line is checked first: CandidacyError lists each bad line as
    `FILE:LINE: column X: …` and nothing is written. A row for a candidacy already entered updates it."""
    now = timezone.now()
    today = today or now.date()
    path = Path(path)
    election = election_ahead(election_id=election_id, today=today)
    try:
        data = path.read_bytes()
        text = data.decode("utf-8-sig")
    except FileNotFoundError:
        raise CandidacyError([f"{path}: no such file"]) from None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CandidacyError([f"{path.name}:{line}: not UTF-8 text; re-save the file as UTF-8"]) from None
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise CandidacyError([f"{path.name}:1: {EMPTY_CSV}"]) from None
    columns, missing = _header_map(header)
    if missing:
        raise CandidacyError([f"{path.name}:1: column header: {MISSING_COLUMNS.format(columns=', '.join(missing))}"])
    problems: list[str] = []
    checked_rows: list[Checked] = []
    seen: dict[tuple[int, str], int] = {}
    index = {h: i for i, h in enumerate(header)}
    line = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(f"{path.name}:{reader.line_num}: column -: broken quoting ({exc})")
            break
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(f"{path.name}:{line}: column -: row has {len(record)} fields but the header has "
                            f"{len(header)}")
            continue

        def cell(key: str, record: list[str] = record) -> str:
            return record[index[columns[key]]].strip() if key in columns else ""

        dc_text = cell("dc_person_id")
        if dc_text and not dc_text.isdigit():
            problems.append(f"{path.name}:{line}: column {columns['dc_person_id']}: not a whole number: {dc_text!r}")
            continue
        entry = Entry(name=cell("name"), party=cell("party"), seat=cell("seat"), source_url=cell("source_url"),
                      announced=cell("announced"), dc_person_id=int(dc_text) if dc_text else None,
                      email=cell("email"), line=line)
        checked, row_problems = _check(entry, election=election, today=today)
        for column, message in row_problems:
            problems.append(f"{path.name}:{line}: column {columns.get(column, column)}: {message}")
        if checked is None:
            continue
        key = (checked.seat.pk, f"dc:{entry.dc_person_id}" if entry.dc_person_id else name_key(entry.name))
        if key in seen:
            problems.append(f"{path.name}:{line}: column {columns['name']}: {DUPLICATE_LINE.format(line=seen[key])}")
            continue
        seen[key] = line
        checked_rows.append(checked)
    if not checked_rows and not problems:
        problems.append(f"{path.name}:2: {EMPTY_CSV}")
    if problems:
        raise CandidacyError(problems)
    source = _source(election=election, file_name=path.name, sha256=hashlib.sha256(data).hexdigest(), now=now)
    report = ImportReport()
    for checked in checked_rows:
        candidacy, created = _write(checked, election=election, source=source, illustrative=illustrative, now=now)
        (report.created if created else report.updated).append(candidacy)
        if checked.note:
            report.notes.append(f"line {checked.entry.line}: {checked.note}")
    return report


@transaction.atomic
def candidacy_status_set(
    *, candidacy_id: int, status: str, on: dt.date | None = None, source_url: str = ""
) -> Candidacy:
    """Mark a candidacy withdrawn or not nominated (with the date and the page that says so), or standing again.
    The candidacy is never deleted: its evidence, votes and history stay."""
    status = status.replace("-", "_")
    if status not in CandidacyStatus.values:
        raise CandidacyError([BAD_STATUS.format(value=status)])
    candidacy = Candidacy.objects.select_for_update().filter(pk=candidacy_id).first()
    if candidacy is None:
        raise CandidacyError([NO_CANDIDACY.format(pk=candidacy_id)])
    if status != CandidacyStatus.STANDING:
        try:
            _url(source_url.strip())
        except ValidationError:
            raise CandidacyError([STATUS_NEEDS_SOURCE.format(status=CandidacyStatus(status).label)]) from None
    candidacy.status = status
    candidacy.status_changed_on = on or timezone.now().date()
    candidacy.status_source_url = source_url.strip()
    candidacy.recorded_at = timezone.now()
    candidacy.save(update_fields=["status", "status_changed_on", "status_source_url", "recorded_at"])
    return candidacy


@transaction.atomic
def candidacy_link(*, candidacy_id: int, dc_person_id: int) -> Candidacy:
    """Give a hand-entered candidacy its Democracy Club person id (when a name is shared and reconciliation would
    not guess). If Democracy Club's id is already a known person (a sitting MP), the candidacy moves to that
    person's record; the hand-entered person row is kept."""
    candidacy = Candidacy.objects.select_related("person").filter(pk=candidacy_id).first()
    if candidacy is None:
        raise CandidacyError([NO_CANDIDACY.format(pk=candidacy_id)])
    known = Person.objects.filter(dc_person_id=dc_person_id).first()
    if known is not None and known != candidacy.person:
        clash = Candidacy.objects.filter(election=candidacy.election, person=known).exclude(pk=candidacy.pk).first()
        if clash is not None:
            raise CandidacyError([DC_ID_TAKEN.format(dc_id=dc_person_id, name=known.name, pk=known.pk,
                                                     other=f"#{candidacy.pk}, but they stand as #{clash.pk}")])
        candidacy.person = known
        candidacy.save(update_fields=["person"])
    elif known is None:
        person = candidacy.person
        if person.dc_person_id is not None:
            raise CandidacyError([DC_ID_TAKEN.format(dc_id=person.dc_person_id, name=person.name, pk=person.pk,
                                                     other=f"#{candidacy.pk}")])
        person.dc_person_id = dc_person_id
        person.save(update_fields=["dc_person_id"])
    return candidacy
