"""The registry of official-file importers: given a path, find the importer whose header it matches.

Each format module defines `Importer` subclasses with one `Schema` per edition (column map); `importer_for`
reads the header, picks the importer and schema whose required columns are all present, and otherwise says
which column is missing (when the header is close to a known format) or that the format is unknown.
"""

from __future__ import annotations

import csv
from pathlib import Path

from swingfund.elections import errors
from swingfund.elections.errors import ImportFailure
from swingfund.elections.importers.base import CsvTable, Importer, ImportSummary, Schema
from swingfund.elections.importers.bes import Bes2019Census2011
from swingfund.elections.importers.census import Census2021EW, ScotlandCensus2022
from swingfund.elections.importers.democracy_club import (
    DemocracyClub2019,
    DemocracyClub2024Snapshot,
    DemocracyClubForward,
)
from swingfund.elections.importers.elections import GE2024
from swingfund.elections.importers.ge2024_summary import GbSummaryNotional2019
from swingfund.elections.importers.hoc_candidates import HocCandidateResults
from swingfund.elections.importers.hoc_results import HocConstituencyResults
from swingfund.elections.importers.polls import OpinionPolls
from swingfund.elections.importers.postcodes import OnsPostcodeDirectory
from swingfund.elections.importers.scotland_xlsx import ScotlandCensus2022Workbook
from swingfund.elections.importers.workbooks import Bes2019Workbook, sheet_as_csv_text, workbook_header

IMPORTERS: tuple[type[Importer], ...] = (
    HocConstituencyResults,
    HocCandidateResults,
    GbSummaryNotional2019,
    DemocracyClub2019,
    DemocracyClub2024Snapshot,
    Census2021EW,
    ScotlandCensus2022,
    Bes2019Census2011,
    OnsPostcodeDirectory,
    OpinionPolls,
)
MATCH_THRESHOLD = 0.6  # a header sharing this share of a schema's columns is "that format, with columns missing"

__all__ = ["IMPORTERS", "ImportSummary", "Importer", "detect", "importer_for", "read_header"]


def read_header(path: Path) -> list[str]:
    """The first CSV record of a file, decoded strictly (without reading the rest of a large file)."""
    if not path.is_file():
        raise ImportFailure(file=str(path), line=0, column="-", message=errors.NOT_A_FILE)
    with path.open("rb") as handle:
        first = handle.readline()
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailure(
            file=path.name, line=1, column="header", message=errors.NOT_UTF8.format(byte=first[exc.start])
        ) from None
    return [h.strip() for h in next(csv.reader([text]), [])]


def _match(header: list[str], candidates: tuple[type[Importer], ...]) -> tuple[type[Importer], Schema] | None:
    present = set(header)
    best: tuple[float, type[Importer], Schema] | None = None
    for importer in candidates:
        for schema in importer.schemas:
            if schema.required <= present:
                return importer, schema
            share = len(schema.required & present) / len(schema.required)
            if best is None or share > best[0]:
                best = (share, importer, schema)
    if best and best[0] >= MATCH_THRESHOLD:
        _, importer, schema = best
        ordered = list(schema.columns.values()) or sorted(schema.required)
        missing = next(c for c in ordered if c in schema.required and c not in present)
        raise ImportFailure(
            file="",
            line=1,
            column=missing,
            message=errors.MISSING_COLUMN.format(title=f"{importer.title} ({schema.name})"),
        )
    return None


def detect(path: Path) -> tuple[type[Importer], Schema]:
    """The importer class and schema whose header this file has; ImportFailure names the missing column
    (header close to a known format) or says the format is unknown."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        header, candidates = workbook_header(path)
    else:
        header, candidates = read_header(path), IMPORTERS
    try:
        found = _match(header, candidates)
    except ImportFailure as exc:  # _match does not know the file name
        raise ImportFailure(file=path.name, line=exc.line, column=exc.column, message=exc.message) from None
    if found is None:
        shown = ", ".join(header[:4]) + (", …" if len(header) > 4 else "")
        raise ImportFailure(
            file=path.name, line=1, column="header", message=errors.UNKNOWN_FORMAT.format(columns=shown)
        )
    return found


def importer_for(path: Path) -> Importer:
    """The importer for this file, ready to run."""
    path = Path(path)
    importer, schema = detect(path)
    if importer.streaming or importer is ScotlandCensus2022Workbook:
        return importer(path=path, schema=schema, table=None)
    if importer is Bes2019Workbook:
        return importer(path=path, schema=schema, table=CsvTable(path, text=sheet_as_csv_text(path)))
    if importer is DemocracyClub2024Snapshot:  # the same columns serve every election: the rows say which
        first = next(CsvTable(path).rows(), None)
        election_id = first.text("election_id") if first is not None else GE2024.id
        if election_id != GE2024.id:
            return DemocracyClubForward(path=path, schema=schema, table=CsvTable(path), election_id=election_id)
    return importer(path=path, schema=schema, table=CsvTable(path))
