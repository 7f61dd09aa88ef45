"""House of Commons Library general election results by candidate (GE2017/GE2019 snake_case, GE2024 Title Case).

Needs the constituency results of the same election. Checks, per seat, that the candidates' votes add up to
the constituency file's valid votes and that winner minus runner-up equals its majority; then sets the
Result's winner and runner-up. Re-importing updates candidacies in place (their ids stay stable)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import ClassVar

from swingfund.elections import errors
from swingfund.elections.importers.base import (
    CsvTable,
    ProgressHook,
    Row,
    Schema,
    assign,
    rows_update,
)
from swingfund.elections.importers.elections import BY_YEAR, KnownElection
from swingfund.elections.importers.hoc_results import HocImporter
from swingfund.elections.models import Candidacy, Constituency, DataSource, Election, Party, Person, Result

CANDIDATE_COLUMNS_2024 = {
    "code": "ONS ID",
    "party": "Party name",
    "abbreviation": "Party abbreviation",
    "ec_id": "Electoral Commission party ID",
    "first": "Candidate first name",
    "surname": "Candidate surname",
    "sitting": "Sitting MP",
    "former": "Former MP",
    "mnis": "Member MNIS ID",
    "votes": "Votes",
    "dc_id": "DC Person ID",
}
CANDIDATE_COLUMNS_SNAKE = {
    "code": "ons_id",
    "party": "party_name",
    "abbreviation": "party_abbreviation",
    "first": "firstname",
    "surname": "surname",
    "sitting": "sitting_mp",
    "former": "former_mp",
    "votes": "votes",
}


def parties_ensure(rows: list[tuple[str, str, str]]) -> dict[str, Party]:
    """Party rows by name, created when new; fills a blank abbreviation or Electoral Commission id."""
    # Field widths of Party: some files use a long name as the "abbreviation".
    rows = [(name[:200], abbreviation[:40], ec_id[:40]) for name, abbreviation, ec_id in rows]
    by_name = {p.name: p for p in Party.objects.filter(name__in={name for name, _, _ in rows})}
    for name, abbreviation, ec_id in rows:
        party = by_name.get(name)
        if party is None:
            by_name[name] = Party.objects.create(name=name, abbreviation=abbreviation, ec_id=ec_id)
        elif (not party.abbreviation and abbreviation) or (not party.ec_id and ec_id):
            party.abbreviation = party.abbreviation or abbreviation
            party.ec_id = party.ec_id or ec_id
            party.save(update_fields=["abbreviation", "ec_id"])
    return by_name


def party_for(parties: dict[str, Party], name: str) -> Party:
    return parties[name[:200]]


class HocCandidateResults(HocImporter):
    key = "hoc-results-by-candidate"
    title = "House of Commons Library general election results by candidate"
    order = 20
    schemas: ClassVar[tuple[Schema, ...]] = (
        Schema("ge2024", frozenset(CANDIDATE_COLUMNS_2024.values()), CANDIDATE_COLUMNS_2024),
        Schema("ge2017-2019", frozenset(CANDIDATE_COLUMNS_SNAKE.values()), CANDIDATE_COLUMNS_SNAKE),
    )

    def __init__(self, *, path: Path, schema: Schema, table: CsvTable | None) -> None:
        self.rows = list(table.rows())  # a CSV importer: always given its table
        super().__init__(path=path, schema=schema, table=table)

    def _election_from_content(self) -> KnownElection:
        # No year in the name: pick the imported 2010-boundary election whose valid votes these rows add up to.
        col_code, col_votes = self.schema.col("code"), self.schema.col("votes")
        totals: dict[str, int] = defaultdict(int)
        for row in self.rows:
            totals[row.text(col_code)] += row.int(col_votes)
        for known in (BY_YEAR[2017], BY_YEAR[2019]):
            valid = dict(
                Result.objects.filter(election_id=known.id).values_list("constituency__gss_code", "valid_votes")
            )
            if valid and valid == dict(totals):
                return known
        raise self.table.fail(1, "-", errors.ELECTION_UNKNOWN)

    def count_rows(self) -> int | None:
        return len(self.rows)

    def _validate(self, election: Election) -> tuple[dict[str, Result], dict[str, list[tuple[Row, int]]]]:
        s = self.schema
        col_code, col_votes = s.col("code"), s.col("votes")
        results = {
            r.constituency.gss_code: r for r in Result.objects.filter(election=election).select_related("constituency")
        }
        seats = set(Constituency.objects.filter(boundary_set=election.boundary_set).values_list("gss_code", flat=True))
        by_seat: dict[str, list[tuple[Row, int]]] = defaultdict(list)
        seen: dict[tuple[str, str, str], int] = {}
        for row in self.rows:
            code = row.gss(col_code)
            if code not in results:
                message = errors.NO_RESULT if code in seats else errors.UNKNOWN_SEAT
                raise row.fail(
                    col_code, message.format(code=code, election=election.id, boundary_set=election.boundary_set)
                )
            votes = row.int(col_votes)
            key = (
                code,
                f"{row.text(s.col('first'))} {row.text(s.col('surname'))}".casefold(),
                row.text(s.col("party")),
            )
            if key in seen:
                raise row.fail(col_votes, errors.DUPLICATE_ROW.format(what="seat, candidate and party", line=seen[key]))
            seen[key] = row.line
            by_seat[code].append((row, votes))
        missing = sorted(set(results) - set(by_seat))
        if missing:
            last = self.rows[-1].line if self.rows else 1
            raise self.table.fail(
                last, col_code, errors.SEAT_MISSING.format(count=len(missing), election=election.id, code=missing[0])
            )
        for code, entries in by_seat.items():
            total, result = sum(v for _, v in entries), results[code]
            if total != result.valid_votes:
                raise entries[-1][0].fail(
                    col_votes, errors.SEAT_TOTAL_MISMATCH.format(code=code, got=total, expected=result.valid_votes)
                )
            ranked = sorted(entries, key=lambda e: -e[1])
            margin = ranked[0][1] - (ranked[1][1] if len(ranked) > 1 else 0)
            if margin != result.majority:
                raise ranked[0][0].fail(
                    col_votes, errors.MAJORITY_MISMATCH.format(code=code, got=margin, expected=result.majority)
                )
        return results, by_seat

    def _persons(self) -> dict[int, Person]:
        """Persons by Democracy Club id (GE2024 file), created or renamed; UK Parliament ids filled in."""
        s = self.schema
        people: dict[int, tuple[str, int | None]] = {}
        for row in self.rows:
            dc_id = row.int(s.col("dc_id"))
            mnis = row.int(s.col("mnis"), blank=0) or None
            people[dc_id] = (f"{row.text(s.col('first'))} {row.text(s.col('surname'))}", mnis)
        existing = {p.dc_person_id: p for p in Person.objects.filter(dc_person_id__in=people)}
        taken_mnis = set(Person.objects.exclude(mnis_id=None).values_list("mnis_id", flat=True))
        new, changed = [], []
        for dc_id, (name, mnis) in people.items():
            person = existing.get(dc_id)
            if person is None:
                person = Person(name=name, dc_person_id=dc_id, mnis_id=mnis if mnis not in taken_mnis else None)
                new.append(person)
            else:
                fields: dict[str, object] = {"name": name}
                if mnis and person.mnis_id is None and mnis not in taken_mnis:
                    fields["mnis_id"] = mnis
                if assign(person, fields):
                    changed.append(person)
            if mnis:
                taken_mnis.add(mnis)
        Person.objects.bulk_create(new, batch_size=500)
        rows_update(Person, changed, ["name", "mnis_id"])
        return {p.dc_person_id: p for p in Person.objects.filter(dc_person_id__in=people)}

    def run(self, *, source: DataSource, tick: ProgressHook) -> None:
        s, summary = self.schema, self.summary
        try:
            election = Election.objects.get(id=self.known.id)
        except Election.DoesNotExist:
            raise self.table.fail(
                1, s.col("code"), errors.ELECTION_NOT_IMPORTED.format(election=self.known.id)
            ) from None
        results, by_seat = self._validate(election)
        if not self.rows:
            raise self.table.fail(2, s.col("code"), errors.EMPTY_FILE)
        parties = parties_ensure(
            [
                (
                    r.text(s.col("party")),
                    r.text(s.col("abbreviation")),
                    r.text(s.col("ec_id")) if "ec_id" in s.columns else "",
                )
                for r in self.rows
            ]
        )
        persons = self._persons() if "dc_id" in s.columns else {}
        existing = {
            (c.constituency_id, c.person_name, c.party_id): c
            for c in Candidacy.objects.filter(election=election, source__key=source.key)
        }
        winners: dict[str, tuple[Candidacy, Candidacy | None]] = {}
        to_create, to_update = [], []
        for code, entries in by_seat.items():
            result = results[code]
            ranked = sorted(entries, key=lambda e: -e[1])
            placed: list[Candidacy] = []
            for position, (row, votes) in enumerate(ranked):
                name = f"{row.text(s.col('first'))} {row.text(s.col('surname'))}"
                party = party_for(parties, row.text(s.col("party")))
                fields: dict[str, object] = {
                    "votes": votes,
                    "elected": position == 0,
                    "sitting_mp": row.text(s.col("sitting")).lower() == "yes",
                    "former_mp": row.text(s.col("former")).lower() == "yes",
                    "source": source,
                }
                if persons:  # the GE2024 file names people by Democracy Club id; older files leave links alone
                    fields["person"] = persons.get(row.int(s.col("dc_id")))
                candidacy = existing.pop((result.constituency_id, name, party.pk), None)
                if candidacy is None:
                    candidacy = Candidacy(
                        election=election,
                        constituency_id=result.constituency_id,
                        person_name=name,
                        party=party,
                        **fields,
                    )
                    to_create.append(candidacy)
                elif assign(candidacy, fields):
                    to_update.append(candidacy)
                placed.append(candidacy)
                summary.rows += 1
                tick(1)
            winners[code] = (placed[0], placed[1] if len(placed) > 1 else None)
            summary.seats.add(code)
        Candidacy.objects.filter(pk__in=[c.pk for c in existing.values()]).delete()
        Candidacy.objects.bulk_create(to_create, batch_size=500)
        rows_update(Candidacy, to_update, ["person", "votes", "elected", "sitting_mp", "former_mp", "source"])
        changed_results = [
            results[code]
            for code, (winner, runner_up) in winners.items()
            if assign(
                results[code],
                {
                    "winner": winner,
                    "runner_up": runner_up,
                    "winner_party": winner.party,
                    "runner_up_party": runner_up.party if runner_up else None,
                },
            )
        ]
        rows_update(Result, changed_results, ["winner", "runner_up", "winner_party", "runner_up_party"])
        summary.elections.add(election.id)
        summary.written = len(to_create) + len(to_update)
