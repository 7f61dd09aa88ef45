"""The ONS Postcode Directory (ONSPD; NSPL has the same key columns): postcode → Westminster constituency.

The full file has about 2.7 million rows, so it is streamed: one `csv.reader` pass reading only the columns
needed (`pcds`, `doterm`, `pcon`), rows written in batches of BATCH_SIZE with `executemany` (SQLite) or
`COPY` (PostgreSQL), each batch in a savepoint so a duplicate postcode is reported with its line. Memory stays
bounded by one batch. The whole file is one transaction: a bad row leaves the previous lookup in place.

Taken from Democracy Club's `uk-geo-utils` ONSPD importer: check the header before loading and name the
missing fields; load the whole file into the table and swap it in atomically rather than upserting row by
row; and on PostgreSQL use COPY for the bulk load. Not taken: its all-columns model (we keep the three
columns swingfund needs) and its PostGIS location (swingfund has no map of postcodes).

The `pcon` column holds 2024-boundary codes in editions from 2024 on and 2010-review codes before; the
boundary set is recognised from the first code that belongs to only one set. Rows with a blank `pcon` or a
pseudo-code (`L99999999` Channel Islands, `M99999999` Isle of Man) have no constituency and are counted
as skipped.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from django.db import IntegrityError, connection, transaction

from swingfund.elections import errors
from swingfund.elections.errors import ImportFailure
from swingfund.elections.importers.base import GSS_CODE, CsvTable, Importer, ProgressHook, Schema
from swingfund.elections.models import BoundarySet, Constituency, DataSource, Postcode

BATCH_SIZE = 20_000
SQLITE_CACHE_KIB = 256 * 1024
PEEK_ROWS = 20_000
PSEUDO_CODE = re.compile(r"^[A-Z]99999999$")
SKIPPED_ROWS = "{count:,} rows have no constituency (blank or pseudo pcon code) and were skipped"
COLUMNS = ("postcode", "boundary_set", "constituency_id", "terminated", "source_id")


def normalise_postcode(value: str) -> str:
    """`"sw1a 2aa"` → `"SW1A2AA"` (the stored form: uppercase, no spaces)."""
    return "".join(value.split()).upper()


class OnsPostcodeDirectory(Importer):
    key = "onspd"
    title = "ONS Postcode Directory (postcode → Westminster constituency)"
    publisher = "Office for National Statistics (ONSPD)"
    licence = "Open Government Licence v3.0; contains OS data © Crown copyright and Royal Mail data © Royal Mail"
    url = "https://geoportal.statistics.gov.uk/search?q=ONSPD"
    order = 60
    streaming = True
    schemas: ClassVar[tuple[Schema, ...]] = (
        Schema("onspd", frozenset({"pcd7", "pcds", "dointr", "doterm", "pcon"}), {"pcon": "pcon"}),
        # From 2025 ONSPD names its geography columns with their vintage (uk-geo-utils tracks the same rename).
        Schema("onspd-2025", frozenset({"pcd7", "pcds", "dointr", "doterm", "pcon24cd"}), {"pcon": "pcon24cd"}),
    )

    def __init__(self, *, path: Path, schema: Schema, table: CsvTable | None) -> None:
        super().__init__(path=path, schema=schema, table=table)
        self.codes = {
            bs: {c.gss_code: c.pk for c in Constituency.objects.filter(boundary_set=bs)}
            for bs in (BoundarySet.PCON2024, BoundarySet.PCON2010)
        }
        self.boundary_set = self._recognise_boundary_set()

    def _records(self) -> Iterator[tuple[int, list[str], int]]:
        """(line, record, bytes read so far) for every data record, decoding strictly."""
        with self.path.open("rb") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            reader = csv.reader(text, strict=True)
            try:
                self.header = next(reader)
                start = reader.line_num + 1
                for record in reader:
                    yield start, record, raw.tell()
                    start = reader.line_num + 1
            except csv.Error as exc:
                raise self._fail(reader.line_num, "-", errors.BAD_QUOTING.format(detail=exc)) from None
            except UnicodeDecodeError as exc:
                raise ImportFailure(
                    file=self.path.name,
                    line=reader.line_num + 1,
                    column="-",
                    message=errors.NOT_UTF8.format(byte=exc.object[exc.start]),
                ) from None

    def _recognise_boundary_set(self) -> str:
        only24 = self.codes[BoundarySet.PCON2024].keys() - self.codes[BoundarySet.PCON2010].keys()
        only10 = self.codes[BoundarySet.PCON2010].keys() - self.codes[BoundarySet.PCON2024].keys()
        for _line, record, _pos in itertools.islice(self._records(), PEEK_ROWS):
            code = record[self.header.index(self.schema.col("pcon"))] if len(record) == len(self.header) else ""
            if code in only24:
                return BoundarySet.PCON2024
            if code in only10:
                return BoundarySet.PCON2010
        return BoundarySet.PCON2024

    def source_key(self) -> str:
        return f"{self.key}-{self.boundary_set}"

    def count_rows(self) -> int | None:
        return self.path.stat().st_size

    def _fail(self, line: int, column: str, message: str) -> ImportFailure:
        return ImportFailure(file=self.path.name, line=line, column=column, message=message)

    def run(self, *, source: DataSource, tick: ProgressHook) -> None:
        if connection.vendor != "sqlite":
            self._load(source=source, tick=tick)
            return
        # SQLite's default page cache (2 MB) is far smaller than the postcode indexes of a full ONSPD; a fixed,
        # larger cache for the duration of the load keeps index inserts in memory (bounded: SQLITE_CACHE_KIB).
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            previous = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        try:
            self._load(source=source, tick=tick)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(previous)}")

    def _load(self, *, source: DataSource, tick: ProgressHook) -> None:
        summary, boundary_set, source_id = self.summary, self.boundary_set, source.pk
        codes = self.codes[boundary_set]
        Postcode.objects.filter(boundary_set=boundary_set).delete()
        batch: list[tuple] = []
        lines: list[int] = []
        skipped = position = 0
        with self.path.open("rb") as raw:
            reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""), strict=True)
            try:
                header = next(reader)
                i_pcon, i_pcds, i_doterm = (header.index(c) for c in (self.schema.col("pcon"), "pcds", "doterm"))
                width = len(header)
                for record in reader:
                    summary.rows += 1
                    if not summary.rows & 0x1FFF:
                        tick(raw.tell() - position)
                        position = raw.tell()
                    if len(record) != width:
                        if record:
                            self._wrong_width(reader.line_num, record, header)
                        continue
                    if reader.line_num - summary.rows > 1:  # a record over several lines: an unclosed quote
                        raise self._fail(reader.line_num, "-", errors.RUNAWAY_QUOTE.format(
                            line=summary.rows + 1, lines=reader.line_num - summary.rows))
                    pcon = record[i_pcon]
                    if "\x00" in pcon or "\x00" in record[i_pcds] or "\x00" in record[i_doterm]:
                        raise self._fail(reader.line_num, "-", errors.NUL_BYTE)
                    constituency_id = codes.get(pcon)
                    if constituency_id is None:
                        if self._no_constituency(reader.line_num, pcon.strip(), boundary_set):
                            skipped += 1
                            continue
                        constituency_id = codes[pcon.strip()]
                    postcode = record[i_pcds].replace(" ", "").upper()
                    if not 5 <= len(postcode) <= 7:
                        raise self._fail(
                            reader.line_num, "pcds", errors.INVALID_POSTCODE.format(postcode=record[i_pcds])
                        )
                    batch.append((postcode, boundary_set, constituency_id, record[i_doterm] != "", source_id))
                    lines.append(reader.line_num)
                    if len(batch) >= BATCH_SIZE:
                        summary.written += self._write(batch, lines)
                        batch, lines = [], []
            except csv.Error as exc:
                raise self._fail(reader.line_num, "-", errors.BAD_QUOTING.format(detail=exc)) from None
            except UnicodeDecodeError as exc:
                raise self._fail(reader.line_num + 1, "-", errors.NOT_UTF8.format(byte=exc.object[exc.start])) from None
        summary.written += self._write(batch, lines)
        summary.seats.update(
            Constituency.objects.filter(
                pk__in=Postcode.objects.filter(source=source).values("constituency")
            ).values_list("gss_code", flat=True)
        )
        tick(self.path.stat().st_size - position)
        if skipped:
            summary.warnings.append(SKIPPED_ROWS.format(count=skipped))

    def _wrong_width(self, line: int, record: list[str], header: list[str]) -> None:
        width = len(header)
        column = header[len(record)] if len(record) < width else f"#{width + 1}"
        template = errors.TOO_FEW_FIELDS if len(record) < width else errors.TOO_MANY_FIELDS
        raise self._fail(line, column, template.format(got=len(record), expected=width))

    def _no_constituency(self, line: int, pcon: str, boundary_set: str) -> bool:
        """True for a row to skip (blank or pseudo code); raises for a malformed or unknown code."""
        if not pcon or PSEUDO_CODE.match(pcon):
            return True
        if not GSS_CODE.match(pcon):
            raise self._fail(line, self.schema.col("pcon"), errors.INVALID_GSS.format(value=pcon))
        if pcon not in self.codes[boundary_set]:
            raise self._fail(
                line, self.schema.col("pcon"), errors.UNKNOWN_SEAT.format(code=pcon, boundary_set=boundary_set)
            )
        return False

    def _write(self, batch: list[tuple], lines: list[int]) -> int:
        """Insert one batch in a savepoint; a duplicate postcode is reported with the line it is on."""
        if not batch:
            return 0
        table = Postcode._meta.db_table
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    # psycopg's COPY, wrapped so its errors arrive as Django's IntegrityError like executemany's.
                    with (
                        connection.wrap_database_errors,
                        cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy,
                    ):
                        for row in batch:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(COLUMNS))
                    cursor.executemany(f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({marks})", batch)
        except IntegrityError:
            first_seen: dict[str, int] = {}
            stored = set(
                Postcode.objects.filter(boundary_set=self.boundary_set, postcode__in=[r[0] for r in batch]).values_list(
                    "postcode", flat=True
                )
            )
            for row, line in zip(batch, lines, strict=True):
                if row[0] in stored or row[0] in first_seen:
                    raise self._fail(line, "pcds", errors.DUPLICATE_POSTCODE.format(postcode=row[0])) from None
                first_seen[row[0]] = line
            raise
        return len(batch)
