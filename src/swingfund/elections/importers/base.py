"""What every importer shares: reading a CSV strictly (UTF-8, field counts, line numbers), typed cell access
that fails with `FILE:LINE: column X: …`, the importer interface and the summary of one import."""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, TypeVar

from django.db import connection, models

from swingfund.elections import errors
from swingfund.elections.errors import ImportFailure
from swingfund.elections.models import DataSource

GSS_CODE = re.compile(r"^[EWSN][0-9]{8}$")

# The elections swingfund knows by Democracy Club id (built with uk-election-ids, see `elections.py`).
ProgressHook = Callable[[int], None]
N = TypeVar("N", int, float)


@dataclass
class ImportSummary:
    """What one file import did: rows read, seats touched, elections touched and any warnings."""

    file: str
    importer: str
    title: str
    rows: int = 0
    seats: set[str] = field(default_factory=set)
    elections: set[str] = field(default_factory=set)
    written: int = 0
    warnings: list[str] = field(default_factory=list)
    source_key: str = ""
    skipped: bool = False

    def paragraph(self) -> str:
        elections = f" ({', '.join(sorted(self.elections))})" if self.elections else ""
        text = (
            f"{self.file}: read {self.rows:,} rows as {self.title}; created or changed {self.written:,} records "
            f"covering {len(self.seats):,} seats{elections}; {len(self.warnings)} warning(s)."
        )
        if self.warnings:
            shown = self.warnings[:5]
            more = f" … and {len(self.warnings) - 5} more" if len(self.warnings) > 5 else ""
            text += " " + " ".join(shown) + more
        return text


@dataclass
class Row:
    """One CSV record: its line number, its cells by header name, and the table it came from (for errors)."""

    line: int
    cells: dict[str, str]
    table: CsvTable

    def fail(self, column: str, message: str) -> ImportFailure:
        return ImportFailure(file=self.table.display, line=self.line, column=column, message=message)

    def text(self, column: str) -> str:
        return self.cells[column].strip()

    def int(self, column: str, *, blank: int | None = None) -> int:
        value = self.cells[column].strip()
        if value == "" or value == "NA":
            if blank is not None:
                return blank
            raise self.fail(column, errors.BLANK_VALUE)
        return self._non_negative(column, value, int, errors.NOT_A_NUMBER)

    def float(self, column: str) -> float | None:
        """A decimal cell; blank, `NA` or a lone space mean "no value" (None)."""
        value = self.cells[column].strip()
        if value in {"", "NA"}:
            return None
        return self._non_negative(column, value, float, errors.NOT_A_DECIMAL)

    def _non_negative(self, column: str, value: str, parse: Callable[[str], N], not_parsed: str) -> N:
        """`parse(value)`, failing with `not_parsed` (a template with `{value}`) or NEGATIVE."""
        try:
            number = parse(value)
        except ValueError:
            raise self.fail(column, not_parsed.format(value=value)) from None
        if number < 0:
            raise self.fail(column, errors.NEGATIVE.format(value=value))
        if not math.isfinite(number) or number > MAX_FIGURE:
            raise self.fail(column, errors.OUT_OF_RANGE.format(value=value, limit=MAX_FIGURE))
        return number

    def gss(self, column: str) -> str:
        value = self.cells[column].strip()
        if not GSS_CODE.match(value):
            raise self.fail(column, errors.INVALID_GSS.format(value=value))
        return value


# The largest count or figure an official file can hold (well inside a 32-bit integer column): more votes, people
# or postcodes than this in one cell means a corrupt file, refused with FILE:LINE instead of failing in the database.
MAX_FIGURE = 1_000_000_000


def _column_at(data: bytes, offset: int) -> tuple[int, str]:
    """(line number, header column) of a byte offset in a CSV file's bytes."""
    line_no = data[:offset].count(b"\n") + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    try:  # a bare carriage return or a stray quote makes csv refuse the fragment: then only the line is named
        header = next(csv.reader([data.split(b"\n", 1)[0].decode("utf-8", "replace")]), [])
        before = data[line_start:offset].decode("utf-8", "replace")
        index = len(next(csv.reader([before]), [""])) - 1 if before else 0
    except csv.Error:
        return line_no, "-"
    return line_no, header[index] if 0 <= index < len(header) else f"#{index + 1}"


def _decode(path: Path, data: bytes, display: str) -> str:
    """Decode strictly as UTF-8 (a BOM is tolerated); on failure name the line and column of the bad byte. A NUL
    byte is refused too: Python's csv module would read it as text and store it."""
    nul = data.find(b"\x00")
    if nul >= 0:
        line_no, column = _column_at(data, nul)
        raise ImportFailure(file=display, line=line_no, column=column, message=errors.NUL_BYTE)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_no, column = _column_at(data, exc.start)
        raise ImportFailure(
            file=display, line=line_no, column=column, message=errors.NOT_UTF8.format(byte=data[exc.start])
        ) from None


class CsvTable:
    """A whole (small) CSV file read strictly: UTF-8, one header row, every record the header's width."""

    def __init__(self, path: Path, *, text: str | None = None) -> None:
        """Read `path`, or take `text` as its CSV content (a workbook sheet converted to CSV)."""
        self.path = path
        self.display = path.name
        if text is None:
            if not path.is_file():
                raise ImportFailure(file=str(path), line=0, column="-", message=errors.NOT_A_FILE)
            text = _decode(path, path.read_bytes(), self.display)
        self.text = text
        if "\x00" in text:  # a workbook sheet's text (files are checked byte-wise in _decode)
            line_no = text[: text.index("\x00")].count("\n") + 1
            raise ImportFailure(file=self.display, line=line_no, column="-", message=errors.NUL_BYTE)
        # strict: a quote closed in the middle of a field, or never closed, is an error, not a guess.
        reader = csv.reader(self.text.splitlines(keepends=True), strict=True)
        try:
            self.header = [h.strip() for h in next(reader)]
        except StopIteration:
            self.header = []
        except csv.Error as exc:
            raise ImportFailure(file=self.display, line=reader.line_num, column="header",
                                message=errors.BAD_QUOTING.format(detail=exc)) from None
        self._reader = reader

    def _records(self) -> Iterator[list[str]]:
        """The records after the header; broken quoting raises `FILE:LINE`."""
        reader = self._reader
        while True:
            try:
                yield next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ImportFailure(file=self.display, line=reader.line_num, column="-",
                                    message=errors.BAD_QUOTING.format(detail=exc)) from None

    def rows(self) -> Iterator[Row]:
        reader = self._reader
        expected = len(self.header)
        start = reader.line_num + 1
        for record in self._records():
            line = start
            start = reader.line_num + 1
            if not record or (len(record) == 1 and not record[0].strip()):
                continue
            if len(record) < expected:
                raise ImportFailure(
                    file=self.display,
                    line=line,
                    column=self.header[len(record)],
                    message=errors.TOO_FEW_FIELDS.format(got=len(record), expected=expected),
                )
            if len(record) > expected:
                raise ImportFailure(
                    file=self.display,
                    line=line,
                    column=f"#{expected + 1}",
                    message=errors.TOO_MANY_FIELDS.format(got=len(record), expected=expected),
                )
            yield Row(line=line, cells=dict(zip(self.header, record, strict=True)), table=self)

    def fail(self, line: int, column: str, message: str) -> ImportFailure:
        return ImportFailure(file=self.display, line=line, column=column, message=message)


@dataclass(frozen=True)
class Schema:
    """One edition's header: the columns it must have (`required`) and canonical name → column name."""

    name: str
    required: frozenset[str]
    columns: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    def col(self, canonical: str) -> str:
        return self.columns.get(canonical, canonical)


class Importer:
    """One official format. Subclasses list their schemas; `run` writes inside the caller's transaction."""

    key: ClassVar[str]
    title: ClassVar[str]
    publisher: ClassVar[str]
    licence: ClassVar[str]
    url: ClassVar[str] = ""
    order: ClassVar[int] = 50  # dependency order in a folder import: lower runs first
    schemas: ClassVar[tuple[Schema, ...]]
    streaming: ClassVar[bool] = False

    def __init__(self, *, path: Path, schema: Schema, table: CsvTable | None) -> None:
        self.path = path
        self.schema = schema
        self.table = table
        self.summary = ImportSummary(file=path.name, importer=self.key, title=self.title)

    def source_key(self) -> str:
        """The stable DataSource key of this file's edition; a re-import replaces rows under the same key."""
        return self.key

    def source_defaults(self) -> dict[str, object]:
        return {"title": self.title, "publisher": self.publisher, "licence": self.licence, "url": self.url}

    def count_rows(self) -> int | None:
        return None

    def run(self, *, source: DataSource, tick: ProgressHook) -> None:  # pragma: no cover - interface
        raise NotImplementedError


def assign(obj: models.Model, fields: dict[str, object]) -> bool:
    """Set `fields` on a model instance; True if any value changed (so unchanged rows skip the UPDATE)."""
    changed = False
    for attr, value in fields.items():
        field = obj._meta.get_field(attr)
        if field.is_relation:
            new = value.pk if isinstance(value, models.Model) else value
            if getattr(obj, field.attname) != new:
                setattr(obj, attr, value)
                changed = True
        elif getattr(obj, attr) != value:
            setattr(obj, attr, value)
            changed = True
    return changed


def rows_update(model: type[models.Model], objs: list[models.Model], fields: list[str]) -> int:
    """UPDATE `fields` of each instance by primary key with one `executemany` (Django's bulk_update builds a
    CASE expression per field per row, which is much slower for thousands of rows)."""
    if not objs:
        return 0
    meta = model._meta
    columns = [meta.get_field(f).column for f in fields]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(c)} = %s" for c in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(meta.pk.column)} = %s"
    params = [
        [meta.get_field(f).get_db_prep_save(getattr(o, meta.get_field(f).attname), connection) for f in fields] + [o.pk]
        for o in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(objs)


def election_year_hint(path: Path) -> int | None:
    """The general-election year named in a file name (`HoC-GE2019-…` → 2019), if any."""
    match = re.search(r"(?:GE|parl\.)[-_ ]?(20\d\d)", path.name, re.IGNORECASE)
    return int(match.group(1)) if match else None
