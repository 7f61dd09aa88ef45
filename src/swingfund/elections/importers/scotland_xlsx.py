"""Scotland's Census 2022 TableBuilder workbooks (`.xlsx`, NRS tables UV205 religion and UV201 ethnic group),
read with openpyxl. Sheet "Data Sheet 0": title rows, then the header row (first data column "All people"),
one row per 2024 constituency named but not coded, and a footer ("Data has been perturbed", copyright).

Seats are matched by exact name to the imported 2024 Scottish constituencies; a name that matches none stops
the import. The statistics are the same as from the CSV conversions (`census.scotland_stats`) and are stored
under the same source key, so importing either form replaces the other."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from swingfund.elections import errors
from swingfund.elections.errors import ImportFailure
from swingfund.elections.importers.base import ProgressHook
from swingfund.elections.importers.census import ScotlandCensus2022, scotland_stats, stats_replace
from swingfund.elections.models import BoundarySet, Constituency, DataSource, DemographicStat, Nation

SHEET = "Data Sheet 0"
HEADER_SEARCH_ROWS = 30
NOT_A_WORKBOOK = "not a readable .xlsx workbook ({reason})"
NO_DATA_SHEET = f"no sheet named {SHEET!r} with an 'All people' header row (is this an NRS TableBuilder export?)"
UNKNOWN_SEAT_NAME = "{name!r} is not the name of a 2024 Scottish constituency in the database"
NAME_COLUMN = "constituency_name"
CODE_COLUMN = "pcon24cd"


def _rows(path: Path):
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, InvalidFileException, KeyError …: anything that is not a workbook
        raise ImportFailure(file=path.name, line=0, column="-", message=NOT_A_WORKBOOK.format(reason=exc)) from None
    try:
        if SHEET not in workbook.sheetnames:
            raise ImportFailure(file=path.name, line=0, column="-", message=NO_DATA_SHEET)
        yield from enumerate(workbook[SHEET].iter_rows(values_only=True), start=1)
    finally:
        workbook.close()


def _find_header(path: Path) -> tuple[int, list[str]]:
    for number, row in _rows(path):
        if number > HEADER_SEARCH_ROWS:
            break
        if len(row) > 2 and str(row[2] or "").strip().lower() == "all people":
            return number, [str(c).strip() for c in row[2:] if c is not None]
    raise ImportFailure(file=path.name, line=0, column="-", message=NO_DATA_SHEET)


def read_workbook_header(path: Path) -> list[str]:
    """The workbook's categories, presented like the CSV conversion's header (name and code columns first)."""
    _, categories = _find_header(path)
    return [NAME_COLUMN, CODE_COLUMN, *categories]


class ScotlandCensus2022Workbook(ScotlandCensus2022):
    title = "Scotland's Census 2022 (NRS TableBuilder workbook) by 2024 constituency"
    schemas: ClassVar = ScotlandCensus2022.schemas

    def count_rows(self) -> int | None:
        return None

    def run(self, *, source: DataSource, tick: ProgressHook) -> None:
        header_line, categories = _find_header(self.path)
        seats = {
            c.name: c for c in Constituency.objects.filter(boundary_set=BoundarySet.PCON2024, nation=Nation.SCOTLAND)
        }
        stats: list[DemographicStat] = []
        seen: dict[str, int] = {}
        for number, row in _rows(self.path):
            if number <= header_line + 1:
                continue
            if row and row[0] is not None:  # the footer ("INFO", copyright) starts in column A: the table has ended
                break
            name = str(row[1] or "").strip() if len(row) > 1 else ""
            if not name:
                continue
            self.summary.rows += 1
            tick(1)
            seat = seats.get(name)
            if seat is None:
                raise self._fail(number, NAME_COLUMN, UNKNOWN_SEAT_NAME.format(name=name))
            if name in seen:
                raise self._fail(number, NAME_COLUMN, errors.DUPLICATE_ROW.format(what="seat", line=seen[name]))
            seen[name] = number
            values = {}
            for label, cell in zip(categories, row[2 : 2 + len(categories)], strict=False):
                if not isinstance(cell, int | float) or cell < 0 or cell != int(cell):
                    raise self._fail(number, label, errors.NOT_A_NUMBER.format(value=cell))
                values[label] = int(cell)
            if len(values) != len(categories):
                missing = categories[len(values)]
                raise self._fail(
                    number, missing, errors.TOO_FEW_FIELDS.format(got=len(values), expected=len(categories))
                )
            stats.extend(scotland_stats(seat=seat, values=values, kind=self.schema.name, source=source))
            self.summary.seats.add(seat.gss_code)
        if not seen:
            raise self._fail(header_line + 1, NAME_COLUMN, errors.EMPTY_FILE)
        self.summary.written = stats_replace(source=source, stats=stats)

    def _fail(self, line: int, column: str, message: str) -> ImportFailure:
        return ImportFailure(file=self.path.name, line=line, column=column, message=message)
