"""Official files published as Excel workbooks (`.xlsx`), read with openpyxl.

* NRS TableBuilder exports (Scotland's Census 2022): sheet "Data Sheet 0", see `scotland_xlsx.py`.
* The BES 2019 results file: sheet "Data" is a plain table (header row + one row per seat). It is converted
  to CSV text exactly as the published CSV conversion was made (numbers as the shortest decimal that
  round-trips, integers as integers, empty cells empty), then imported by the same importer as the CSV.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from swingfund.elections.errors import ImportFailure
from swingfund.elections.importers.base import Importer
from swingfund.elections.importers.bes import Bes2019Census2011
from swingfund.elections.importers.scotland_xlsx import (
    NO_DATA_SHEET,
    NOT_A_WORKBOOK,
    SHEET,
    ScotlandCensus2022Workbook,
    read_workbook_header,
)

TABLE_SHEET = "Data"


class Bes2019Workbook(Bes2019Census2011):
    title = "British Election Study 2019 results file v1.1, Excel workbook (2011 Census by 2010-review constituency)"


def _open(path: Path):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, InvalidFileException, KeyError …: anything that is not a workbook
        raise ImportFailure(file=path.name, line=0, column="-", message=NOT_A_WORKBOOK.format(reason=exc)) from None


def _cell(value: object) -> str:
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def sheet_as_csv_text(path: Path, sheet: str = TABLE_SHEET) -> str:
    """A plain table sheet as CSV text (header row first)."""
    workbook = _open(path)
    try:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")  # not an export: the importer reads this text back
        for row in workbook[sheet].iter_rows(values_only=True):
            writer.writerow([_cell(v) for v in row])
        return out.getvalue()
    finally:
        workbook.close()


def workbook_header(path: Path) -> tuple[list[str], tuple[type[Importer], ...]]:
    """The header of a workbook's data table and the importers that may read it."""
    workbook = _open(path)
    try:
        sheets = workbook.sheetnames
        if SHEET not in sheets and TABLE_SHEET in sheets:
            first = next(workbook[TABLE_SHEET].iter_rows(values_only=True), ())
            return [_cell(v).strip() for v in first], (Bes2019Workbook,)
    finally:
        workbook.close()
    if SHEET not in sheets:
        raise ImportFailure(file=path.name, line=0, column="-", message=NO_DATA_SHEET)
    return read_workbook_header(path), (ScotlandCensus2022Workbook,)
