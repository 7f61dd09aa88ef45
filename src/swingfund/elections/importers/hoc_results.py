"""House of Commons Library general election results by constituency (GE2017, GE2019: snake_case headers;
GE2024: Title Case). One importer, one column map per schema. Creates the seats (Constituency), the
Election and one Result per seat; the candidate file then adds the candidacies, winner and runner-up."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from swingfund.elections import errors
from swingfund.elections.importers.base import (
    CsvTable,
    Importer,
    ProgressHook,
    Row,
    Schema,
    assign,
    election_year_hint,
    rows_update,
)
from swingfund.elections.importers.elections import BY_YEAR, GE2024, KnownElection, election_ensure
from swingfund.elections.models import Constituency, DataSource, Result

HOC_PUBLISHER = "House of Commons Library"
HOC_LICENCE = "Open Parliament Licence v3.0"
HOC_URLS = {
    2017: "https://commonslibrary.parliament.uk/research-briefings/cbp-7979/",
    2019: "https://commonslibrary.parliament.uk/research-briefings/cbp-8749/",
    2024: "https://commonslibrary.parliament.uk/research-briefings/cbp-10009/",
}

SEAT_COLUMNS_2024 = {
    "code": "ONS ID",
    "region_code": "ONS region ID",
    "name": "Constituency name",
    "region": "Region name",
    "country": "Country name",
    "type": "Constituency type",
}
SEAT_COLUMNS_SNAKE = {
    "code": "ons_id",
    "region_code": "ons_region_id",
    "name": "constituency_name",
    "region": "region_name",
    "country": "country_name",
    "type": "constituency_type",
}
RESULT_COLUMNS_2024 = {
    **SEAT_COLUMNS_2024,
    "result": "Result",
    "electorate": "Electorate",
    "valid": "Valid votes",
    "invalid": "Invalid votes",
    "majority": "Majority",
}
RESULT_COLUMNS_SNAKE = {
    **SEAT_COLUMNS_SNAKE,
    "result": "result",
    "electorate": "electorate",
    "valid": "valid_votes",
    "invalid": "invalid_votes",
    "majority": "majority",
}


def seat_fields(row: Row, schema: Schema) -> dict[str, str]:
    """The seat's descriptive fields from a HoC row (nation from the code's first letter; 'County ' stripped)."""
    code = row.gss(schema.col("code"))
    return {
        "name": row.text(schema.col("name")),
        "nation": code[0],
        "region_code": row.text(schema.col("region_code")),
        "region": row.text(schema.col("region")),
        "constituency_type": row.text(schema.col("type")),
    }


class HocImporter(Importer):
    """What the two HoC Library importers share: the election a file is for (by the year in its name, its
    edition, or else `_election_from_content`), its per-election source key and its citation."""

    publisher = HOC_PUBLISHER
    licence = HOC_LICENCE

    def __init__(self, *, path: Path, schema: Schema, table: CsvTable | None) -> None:
        super().__init__(path=path, schema=schema, table=table)
        self.known = self._election()

    def _election(self) -> KnownElection:
        year = election_year_hint(self.path)
        if year in BY_YEAR:
            return BY_YEAR[year]
        if self.schema.name == "ge2024":
            return GE2024
        return self._election_from_content()

    def _election_from_content(self) -> KnownElection:  # pragma: no cover - interface
        raise NotImplementedError

    def source_key(self) -> str:
        return f"{self.key}-{self.known.id}"

    def source_defaults(self) -> dict[str, object]:
        return {
            **super().source_defaults(),
            "url": HOC_URLS[self.known.year],
            "title": f"{self.title} {self.known.year}",
        }


class HocConstituencyResults(HocImporter):
    key = "hoc-results-by-constituency"
    title = "House of Commons Library general election results by constituency"
    publisher = HOC_PUBLISHER
    licence = HOC_LICENCE
    order = 10
    schemas: ClassVar[tuple[Schema, ...]] = (
        Schema("ge2024", frozenset(RESULT_COLUMNS_2024.values()), RESULT_COLUMNS_2024),
        Schema("ge2017-2019", frozenset(RESULT_COLUMNS_SNAKE.values()), RESULT_COLUMNS_SNAKE),
    )

    def _election_from_content(self) -> KnownElection:
        header = set(self.table.header)
        if "brexit" in header:
            return BY_YEAR[2019]
        if "ukip" in header:
            return BY_YEAR[2017]
        raise self.table.fail(1, "-", errors.ELECTION_UNKNOWN)

    def count_rows(self) -> int | None:
        return max(self.table.text.count("\n") - 1, 0)

    def run(self, *, source: DataSource, tick: ProgressHook) -> None:
        schema, summary = self.schema, self.summary
        parsed: list[tuple[Row, str, dict[str, str], dict[str, int | str | None]]] = []
        seen: dict[str, int] = {}
        for row in self.table.rows():
            code = row.gss(schema.col("code"))
            if code in seen:
                raise row.fail(schema.col("code"), errors.DUPLICATE_ROW.format(what="seat", line=seen[code]))
            seen[code] = row.line
            numbers = {
                "electorate": row.int(schema.col("electorate")),
                "valid_votes": row.int(schema.col("valid")),
                "invalid_votes": row.int(schema.col("invalid"), blank=-1),
                "majority": row.int(schema.col("majority")),
                "result_text": row.text(schema.col("result"))[:100],
            }
            if numbers["invalid_votes"] == -1:
                numbers["invalid_votes"] = None
            if numbers["majority"] > numbers["valid_votes"]:
                raise row.fail(schema.col("majority"), f"majority {numbers['majority']} exceeds the valid votes")
            parsed.append((row, code, seat_fields(row, schema), numbers))
            summary.rows += 1
            tick(1)
        if not parsed:
            raise self.table.fail(2, schema.col("code"), errors.EMPTY_FILE)

        election = election_ensure(self.known, source=source)
        summary.elections.add(election.id)
        boundary_set = self.known.boundary_set
        existing = {c.gss_code: c for c in Constituency.objects.filter(boundary_set=boundary_set)}
        to_create, to_update = [], []
        for _row, code, fields, _numbers in parsed:
            seat = existing.get(code)
            if seat is None:
                to_create.append(Constituency(gss_code=code, boundary_set=boundary_set, source=source, **fields))
            elif assign(seat, {**fields, "source": source}):
                to_update.append(seat)
        Constituency.objects.bulk_create(to_create, batch_size=500)
        fields_to_update = ["name", "nation", "region_code", "region", "constituency_type", "source"]
        rows_update(Constituency, to_update, fields_to_update)
        seats = {c.gss_code: c for c in Constituency.objects.filter(boundary_set=boundary_set)}

        results = {
            r.constituency.gss_code: r for r in Result.objects.filter(election=election).select_related("constituency")
        }
        new_results, changed = [], []
        for _row, code, _fields, numbers in parsed:
            result = results.pop(code, None)
            if result is None:
                new_results.append(Result(election=election, constituency=seats[code], source=source, **numbers))
            elif assign(result, {**numbers, "source": source}):
                changed.append(result)
            summary.seats.add(code)
        Result.objects.filter(pk__in=[r.pk for r in results.values()]).delete()
        Result.objects.bulk_create(new_results, batch_size=500)
        rows_update(Result, changed, [*parsed[0][3].keys(), "source"])
        summary.written = len(to_create) + len(to_update) + len(new_results) + len(changed)
