"""Democracy Club candidate CSVs, matched to the candidacies the House of Commons Library files created.

* GE2019 full export (`id`, `name`, `post_id` = `WMC:<GSS code>`, `elected`, …): each row is matched within its
  seat to the HoC 2019 candidacy with the same name (case, accents and punctuation ignored), or failing that to
  the only candidacy in the seat with the same surname. A match links the candidacy to a Person carrying the
  Democracy Club id. Rows matching nothing, or more than one candidacy, are reported and left alone.
* GE2024 snapshot (22 May 2024, before nominations closed: `person_id`, `post_label`, …): matched by seat name
  (`post_label`, exactly as in the HoC 2024 files) and Democracy Club person id to the 2024 candidacies, which
  already carry DC ids. Nothing is guessed: an unmatched row (a prospective candidate who did not stand, or a
  seat name that is not a 2024 seat) is reported. Matched rows fill a party's missing Electoral Commission id.

Contact details in these files (emails, social media) are personal data and are not imported.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from typing import ClassVar

from swingfund.elections import errors
from swingfund.elections.importers.base import Importer, ProgressHook, Row, Schema, rows_update
from swingfund.elections.importers.elections import GE2019, GE2024
from swingfund.elections.models import BoundarySet, Candidacy, Constituency, DataSource, Election, Person

DC_PUBLISHER = "Democracy Club"
DC_LICENCE = "CC BY 4.0"
DC_URL = "https://candidates.democracyclub.org.uk/data/"
UNMATCHED = "{file}:{line}: {name} ({seat}) matches no {election} candidacy"
AMBIGUOUS = "{file}:{line}: {name} ({seat}) matches {count} candidacies; left unlinked"
SHOWN_UNMATCHED = 20  # warnings listed one by one; the rest are counted
EC_PARTY_ID = re.compile(r"^PP\d+$")


def name_key(name: str) -> str:
    """Comparable form of a person's name: accents, case, punctuation and honorifics dropped."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    text = re.sub(r"[^a-z ]+", " ", text)
    words = [w for w in text.split() if w not in {"sir", "dame", "dr", "mr", "mrs", "ms", "rt", "hon", "mp"}]
    return " ".join(words)


def election_or_fail(importer: Importer, election_id: str, column: str) -> Election:
    try:
        return Election.objects.get(id=election_id)
    except Election.DoesNotExist:
        raise importer.table.fail(1, column, errors.ELECTION_NOT_IMPORTED.format(election=election_id)) from None


class DemocracyClubImporter(Importer):
    """Democracy Club's candidate exports: one publisher, one licence, imported after the HoC results."""

    publisher = DC_PUBLISHER
    licence = DC_LICENCE
    url = DC_URL
    order = 30

    def _rows(self, *, tick: ProgressHook, column: str, election_id: str) -> Iterator[Row]:
        """The file's rows, counted and ticked, each checked to be for `election_id` (in `column`)."""
        for row in self.table.rows():
            self.summary.rows += 1
            tick(1)
            if row.text(column) != election_id:
                raise row.fail(column, f"expected {election_id}, found {row.text(column)!r}")
            yield row


class DemocracyClub2019(DemocracyClubImporter):
    key = "democracyclub-candidates-parl.2019-12-12"
    title = "Democracy Club candidates, UK general election 2019"
    schemas: ClassVar[tuple[Schema, ...]] = (
        Schema("export", frozenset({"id", "name", "election", "party_name", "post_id", "post_label", "elected"})),
    )

    def count_rows(self) -> int | None:
        return None

    def _seat_code(self, row: Row, seats: set[str]) -> str:
        value = row.text("post_id")
        code = value.removeprefix("WMC:")
        if not re.match(r"^[EWSN][0-9]{8}$", code):
            raise row.fail("post_id", errors.INVALID_GSS.format(value=value))
        if code not in seats:
            raise row.fail("post_id", errors.UNKNOWN_SEAT.format(code=code, boundary_set=BoundarySet.PCON2010))
        return code

    def run(self, *, source: DataSource, tick: ProgressHook) -> None:
        summary = self.summary
        election = election_or_fail(self, GE2019.id, "election")
        seats = set(Constituency.objects.filter(boundary_set=election.boundary_set).values_list("gss_code", flat=True))
        by_seat: dict[str, list[Candidacy]] = defaultdict(list)
        for candidacy in Candidacy.objects.filter(election=election).select_related("constituency"):
            by_seat[candidacy.constituency.gss_code].append(candidacy)
        links: dict[int, tuple[int, str]] = {}  # candidacy pk → (DC id, DC name)
        seen: dict[int, int] = {}
        unmatched: list[str] = []
        for row in self._rows(tick=tick, column="election", election_id=GE2019.id):
            dc_id = row.int("id")
            if dc_id in seen:
                raise row.fail("id", errors.DUPLICATE_ROW.format(what="Democracy Club person id", line=seen[dc_id]))
            seen[dc_id] = row.line
            code = self._seat_code(row, seats)
            name = row.text("name")
            wanted = name_key(name)
            found = [c for c in by_seat[code] if name_key(c.person_name) == wanted]
            if not found:
                surname = wanted.split(" ")[-1]
                found = [c for c in by_seat[code] if name_key(c.person_name).split(" ")[-1] == surname]
            if len(found) == 1:
                links[found[0].pk] = (dc_id, name)
                summary.seats.add(code)
            else:
                template = UNMATCHED if not found else AMBIGUOUS
                unmatched.append(
                    template.format(
                        file=self.path.name, line=row.line, name=name, seat=code, election=election.id, count=len(found)
                    )
                )
        existing = {p.dc_person_id: p for p in Person.objects.filter(dc_person_id__in=[d for d, _ in links.values()])}
        Person.objects.bulk_create(
            [Person(name=name, dc_person_id=dc_id) for dc_id, name in links.values() if dc_id not in existing],
            batch_size=500,
        )
        persons = {p.dc_person_id: p for p in Person.objects.filter(dc_person_id__in=[d for d, _ in links.values()])}
        linked = list(Candidacy.objects.filter(pk__in=links))
        for candidacy in linked:
            candidacy.person = persons[links[candidacy.pk][0]]
        rows_update(Candidacy, linked, ["person"])
        summary.elections.add(election.id)
        summary.written = len(linked)
        summary.warnings.extend(unmatched[:SHOWN_UNMATCHED])
        if len(unmatched) > SHOWN_UNMATCHED:
            summary.warnings.append(f"… {len(unmatched) - SHOWN_UNMATCHED} more rows unmatched")


class DemocracyClub2024Snapshot(DemocracyClubImporter):
    key = "democracyclub-candidates-parl.2024-07-04-snapshot"
    title = "Democracy Club prospective candidates, UK general election 2024 (pre-nomination snapshot)"
    schemas: ClassVar[tuple[Schema, ...]] = (
        Schema("snapshot", frozenset({"person_id", "person_name", "election_id", "party_id", "post_label"})),
    )

    def _file_election_id(self) -> str:
        """The election the file is for: an election added with `swingfund election add` (one that has not
        happened yet) when its first row names one, else GE2024 (every row is then checked against it)."""
        if getattr(self, "_election_id", None) is None:
            with self.path.open(encoding="utf-8", newline="") as handle:
                first = next(csv.DictReader(handle), None) or {}
            self._election_id = (first.get("election_id") or "").strip()
        named = self._election_id
        if named and named != GE2024.id and Election.objects.filter(pk=named, baseline__isnull=False).exists():
            return named
        return GE2024.id

    def source_key(self) -> str:
        election_id = self._file_election_id()
        return self.key if election_id == GE2024.id else f"democracyclub-candidates-{election_id}"

    def source_defaults(self) -> dict[str, object]:
        election_id = self._file_election_id()
        title = self.title if election_id == GE2024.id else f"Democracy Club candidates, {election_id}"
        return {**super().source_defaults(), "title": title}

    def run(self, *, source: DataSource, tick: ProgressHook) -> None:
        summary = self.summary
        election_id = self._file_election_id()
        election = election_or_fail(self, election_id, "election_id")
        seat_rows = Constituency.objects.filter(boundary_set=election.boundary_set or BoundarySet.PCON2024)
        if election.seat_id:  # a by-election: its one seat
            seat_rows = seat_rows.filter(pk=election.seat_id)
        seats = {c.name: c for c in seat_rows}
        standing = {
            (c.constituency_id, c.person.dc_person_id): c
            for c in Candidacy.objects.filter(election=election).exclude(person=None).select_related("person", "party")
        }
        unmatched: list[str] = []
        matched_parties = {}
        seen: dict[tuple[int, str], int] = {}
        for row in self._rows(tick=tick, column="election_id", election_id=election.id):
            dc_id = row.int("person_id")
            key = (dc_id, row.text("post_label"))
            if key in seen:
                raise row.fail("person_id", errors.DUPLICATE_ROW.format(what="person and seat", line=seen[key]))
            seen[key] = row.line
            seat = seats.get(row.text("post_label"))
            candidacy = standing.get((seat.pk, dc_id)) if seat else None
            if candidacy is None:
                unmatched.append(
                    UNMATCHED.format(
                        file=self.path.name,
                        line=row.line,
                        name=row.text("person_name"),
                        seat=row.text("post_label"),
                        election=election.id,
                        count=0,
                    )
                )
                continue
            summary.seats.add(seat.gss_code)
            summary.written += 1
            party_id = row.text("party_id")
            if candidacy.party and not candidacy.party.ec_id and EC_PARTY_ID.match(party_id):
                matched_parties[candidacy.party.pk] = (candidacy.party, party_id)
        for party, ec_id in matched_parties.values():
            party.ec_id = ec_id
            party.save(update_fields=["ec_id"])
        summary.elections.add(election.id)
        summary.warnings.append(
            f"{len(unmatched)} of {summary.rows} rows match no {election.id} candidacy (never guessed)")
        summary.warnings.extend(unmatched[:SHOWN_UNMATCHED])


FORWARD_COUNTED = "{election} already has its result: Democracy Club's list is reconciled only before polling day"
FORWARD_SEAT = "{label!r} is not a {boundary_set} seat name"
FORWARD_SHARED_NAME = (
    "{file}:{line}: {name} ({seat}) shares a name with {count} hand-entered candidacies or rows there: not matched "
    "by name; give the right one its id (`swingfund candidates link ID {dc_id}`) and import again"
)
FORWARD_NOT_LISTED = "{name} ({seat}, candidacy #{pk}) is not on Democracy Club's list: still standing? " \
                     "(`swingfund candidates status {pk} withdrawn|not-nominated --source URL`)"
FORWARD_LISTED_BUT_MARKED = "{name} ({seat}) is marked {status} here but Democracy Club lists them"
FORWARD_MOVED = "{name} (Democracy Club {dc_id}) stood as candidacy #{pk} in {old}; Democracy Club lists them in {new}"


class DemocracyClubForward(DemocracyClubImporter):
    """Democracy Club's candidate list for an election still to come, reconciled with what the group entered.

    Same columns as the 2024 snapshot (`person_id`, `person_name`, `election_id`, `party_id`, `post_label`, and an
    optional `email`); `importer_for` picks this importer when the file's election is not 2024. Each row is matched
    in its seat: first by Democracy Club person id (a person already known by it — a sitting MP — keeps their
    record and evidence); failing that to the one hand-entered candidacy without an id whose name is the same, but
    only when neither the seat's hand-entered candidacies nor the file's rows in that seat share the name (never
    by name alone where two people share it); failing that a new candidacy is created. Candidacies of the
    election that the list does not name are reported, never deleted.
    """

    key = "democracyclub-candidates"
    title = "Democracy Club candidates for an election still to come"
    order = 31
    schemas: ClassVar[tuple[Schema, ...]] = DemocracyClub2024Snapshot.schemas

    def __init__(self, *, election_id: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.election_id = election_id

    def source_key(self) -> str:
        return f"democracyclub-candidates-{self.election_id}"

    def source_defaults(self) -> dict[str, object]:
        return {**super().source_defaults(), "title": f"Democracy Club candidates, {self.election_id}"}

    def run(self, *, source: DataSource, tick: ProgressHook) -> None:  # noqa: C901 - one reconciliation, in order
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email
        from django.utils import timezone

        from swingfund.elections.models import CandidacyStatus, Party, Result

        summary = self.summary
        election = election_or_fail(self, self.election_id, "election_id")
        if Result.objects.filter(election=election).exists():
            raise self.table.fail(1, "election_id", FORWARD_COUNTED.format(election=election.pk))
        seats = {c.name: c for c in Constituency.objects.filter(boundary_set=election.boundary_set)}
        candidacies = list(
            Candidacy.objects.filter(election=election).select_related("person", "party", "constituency")
        )
        with_id = [c for c in candidacies if c.person and c.person.dc_person_id]
        by_id = {(c.constituency_id, c.person.dc_person_id): c for c in with_id}
        anywhere = {c.person.dc_person_id: c for c in with_id}
        by_name: dict[tuple[int, str], list[Candidacy]] = defaultdict(list)
        for c in candidacies:
            if c.person and c.person.dc_person_id is None:
                by_name[(c.constituency_id, name_key(c.person_name))].append(c)
        rows = []
        seen: dict[int, int] = {}
        for row in self._rows(tick=tick, column="election_id", election_id=election.pk):
            dc_id = row.int("person_id")
            if dc_id in seen:
                duplicate = errors.DUPLICATE_ROW.format(what="Democracy Club person id", line=seen[dc_id])
                raise row.fail("person_id", duplicate)
            seen[dc_id] = row.line
            seat = seats.get(row.text("post_label"))
            if seat is None:
                raise row.fail("post_label", FORWARD_SEAT.format(label=row.text("post_label"),
                                                                 boundary_set=election.boundary_set))
            email = row.text("email") if "email" in row.cells else ""
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    raise row.fail("email", f"not an email address: {email!r}") from None
            rows.append((row, dc_id, seat, row.text("person_name"), email))
        in_file = defaultdict(int)
        for _, _, seat, name, _ in rows:
            in_file[(seat.pk, name_key(name))] += 1
        known = {p.dc_person_id: p for p in Person.objects.filter(dc_person_id__in=list(seen))}
        now = timezone.now()
        matched: set[int] = set()
        for row, dc_id, seat, name, email in rows:
            candidacy = by_id.get((seat.pk, dc_id))
            if candidacy is None and dc_id in anywhere:
                old = anywhere[dc_id]
                summary.warnings.append(FORWARD_MOVED.format(name=name, dc_id=dc_id, pk=old.pk,
                                                             old=old.constituency.name, new=seat.name))
            if candidacy is None:
                key = (seat.pk, name_key(name))
                hand = [c for c in by_name.get(key, []) if c.pk not in matched]
                if len(hand) > 1 or (hand and in_file[key] > 1):
                    summary.warnings.append(FORWARD_SHARED_NAME.format(
                        file=self.path.name, line=row.line, name=name, seat=seat.name,
                        count=max(len(hand), in_file[key]), dc_id=dc_id))
                    continue
                if hand:
                    candidacy = hand[0]
                    if dc_id in known:  # Democracy Club's id is someone already on record: keep that record
                        candidacy.person = known[dc_id]
                    else:
                        candidacy.person.dc_person_id = dc_id
                        candidacy.person.save(update_fields=["dc_person_id"])
                        known[dc_id] = candidacy.person
            if candidacy is None:
                person = known.get(dc_id) or Person.objects.create(name=name, dc_person_id=dc_id)
                known[dc_id] = person
                party_name = row.text("party_name") if "party_name" in row.cells else ""
                ec_id = row.text("party_id") if EC_PARTY_ID.match(row.text("party_id")) else ""
                party = (Party.objects.filter(ec_id=ec_id).order_by("id").first() if ec_id else None) or (
                    Party.objects.filter(name__iexact=party_name).order_by("id").first() if party_name else None)
                if party is None and party_name:
                    party = Party.objects.create(name=party_name, ec_id=ec_id)
                candidacy = Candidacy.objects.create(
                    election=election, constituency=seat, person=person, person_name=name, party=party,
                    source=source, contact_email=email, recorded_at=now)
            else:
                if candidacy.status != CandidacyStatus.STANDING:
                    summary.warnings.append(FORWARD_LISTED_BUT_MARKED.format(
                        name=name, seat=seat.name, status=candidacy.get_status_display()))
                if email:
                    candidacy.contact_email = email
                candidacy.recorded_at = now
                candidacy.save()
            matched.add(candidacy.pk)
            summary.written += 1
            summary.seats.add(seat.gss_code)
        for c in candidacies:
            if c.pk not in matched and c.status == CandidacyStatus.STANDING and c.person is not None:
                summary.warnings.append(FORWARD_NOT_LISTED.format(name=c.person_name, seat=c.constituency.name,
                                                                  pk=c.pk))
        summary.elections.add(election.pk)
