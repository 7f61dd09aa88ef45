"""Shared reading and checking for the evidence importers."""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

NOT_A_FILE = "no such file"
NOT_UTF8 = "not UTF-8 text (byte 0x{byte:02x}); re-save the file as UTF-8"
MISSING_COLUMN = "missing from the header (expected columns: {expected})"
EMPTY_FILE = "the file has a header but no rows"
BLANK = "is blank"
BAD_DATE = "not a date in YYYY-MM-DD form: {value!r}"
BAD_URL = "not an http(s) URL: {value!r}"
BAD_CHOICE = "{value!r} is not one of {choices}"
BAD_NUMBER = "not a whole number: {value!r}"
BAD_GSS = "not a valid GSS code: {value!r}"
FIELD_COUNT = "row has {got} fields but the header has {expected}: the file looks truncated or malformed"
DUPLICATE = "duplicate row: same {what} as line {line}"
UNKNOWN_STATEMENT = "no published statement {value!r} for organisation {org!r} (known: {known})"

GSS_RE = re.compile(r"^[EWSN][0-9]{8}$")
_url = URLValidator(schemes=["http", "https"])


class ImportFailure(Exception):
    """A problem in an evidence file; `str()` is `FILE:LINE: column X: what is wrong`."""

    def __init__(self, *, file: str, line: int, column: str, message: str) -> None:
        self.file, self.line, self.column, self.message = file, line, column, message
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: column {self.column}: {self.message}"


@dataclass
class ImportReport:
    file: str
    rows: int = 0
    written: int = 0
    unmatched: list[str] = field(default_factory=list)
    persons: set[int] = field(default_factory=set)

    def summary(self) -> str:
        text = (
            f"{self.file}: {self.rows} rows read, {self.written} evidence rows written for "
            f"{len(self.persons)} people, {len(self.unmatched)} rows unmatched."
        )
        if self.unmatched:
            text += " Unmatched (not imported, not guessed):\n  " + "\n  ".join(self.unmatched)
        return text


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]


def read_rows(*, path: Path, required: Sequence[str], any_of: Sequence[Sequence[str]] = ()) -> list[Row]:
    """Read a UTF-8 CSV fully, checking the header and field counts. Values are stripped."""
    name = str(path)
    if not path.is_file():
        raise ImportFailure(file=name, line=0, column="-", message=NOT_A_FILE)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFailure(file=name, line=line, column="-", message=NOT_UTF8.format(byte=raw[exc.start])) from None
    reader = csv.reader(text.splitlines(keepends=True))
    header = [h.strip().lower() for h in next(reader, [])]
    expected = ", ".join(required)
    for col in required:
        if col not in header:
            raise ImportFailure(file=name, line=1, column=col, message=MISSING_COLUMN.format(expected=expected))
    for group in any_of:
        if not any(col in header for col in group):
            raise ImportFailure(
                file=name, line=1, column=" or ".join(group), message=MISSING_COLUMN.format(expected=expected)
            )
    rows = []
    for fields in reader:
        line = reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            raise ImportFailure(
                file=name, line=line, column="-", message=FIELD_COUNT.format(got=len(fields), expected=len(header))
            )
        rows.append(Row(line, {h: f.strip() for h, f in zip(header, fields, strict=True)}))
    if not rows:
        raise ImportFailure(file=name, line=2, column="-", message=EMPTY_FILE)
    return rows


class Checker:
    """Field checks that raise `ImportFailure` naming the file, line and column."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, row: Row, column: str, message: str) -> ImportFailure:
        return ImportFailure(file=self.file, line=row.line, column=column, message=message)

    def required(self, row: Row, column: str) -> str:
        value = row.values.get(column, "")
        if not value:
            raise self.fail(row, column, BLANK)
        return value

    def date(self, row: Row, column: str) -> dt.date:
        value = self.required(row, column)
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise self.fail(row, column, BAD_DATE.format(value=value)) from None

    def url(self, row: Row, column: str, *, required: bool = True) -> str:
        value = self.required(row, column) if required else row.values.get(column, "")
        if value:
            try:
                _url(value)
            except ValidationError:
                raise self.fail(row, column, BAD_URL.format(value=value)) from None
        return value

    def choice(self, row: Row, column: str, choices: dict[str, str]) -> str:
        value = self.required(row, column).lower()
        if value not in choices:
            raise self.fail(
                row, column, BAD_CHOICE.format(value=value, choices=", ".join(sorted(k for k in choices if k)))
            )
        return choices[value]

    def integer(self, row: Row, column: str) -> int | None:
        value = row.values.get(column, "")
        if not value:
            return None
        if not value.isdigit():
            raise self.fail(row, column, BAD_NUMBER.format(value=value))
        return int(value)

    def gss(self, row: Row, column: str) -> str:
        value = row.values.get(column, "").upper()
        if value and not GSS_RE.match(value):
            raise self.fail(row, column, BAD_GSS.format(value=value))
        return value


def normalise_name(name: str) -> str:
    """Casefolded, accents removed, punctuation and extra spaces dropped: 'Seamas  O'Neill' → 'seamas oneill'."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w\s-]", "", text.casefold())
    return " ".join(text.replace("-", " ").split())


def progress_rows(rows: Sequence[Row], *, description: str) -> Iterator[Row]:
    """Iterate with a rich progress bar (on stderr, so CSV/JSON output stays clean)."""
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=len(rows))
        for row in rows:
            yield row
            progress.advance(task)
