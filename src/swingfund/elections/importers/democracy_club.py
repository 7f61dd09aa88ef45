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
