"""Bad official files: one line `FILE:LINE: column X: what is wrong`, exit status 2, database unchanged."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Sum

from swingfund.elections import errors
from swingfund.elections.models import (
    Candidacy,
    Constituency,
    DataSource,
    DemographicStat,
    Election,
    Party,
    Person,
    Postcode,
    Result,
)

CANDIDATES_2024 = "HoC-GE2024-results-by-candidate.csv"
SEATS_2024 = "HoC-GE2024-results-by-constituency.csv"


def snapshot() -> dict:
    """Everything an import could touch, to compare before and after a failed import."""
    return {
        "counts": [m.objects.count() for m in (Constituency, Result, Candidacy, Person, Party, Election, Postcode)],
        "stats": DemographicStat.objects.count(),
        "votes": Candidacy.objects.aggregate(total=Sum("votes"))["total"],
        "majorities": Result.objects.aggregate(total=Sum("majority"))["total"],
        "sources": sorted(DataSource.objects.values_list("key", "sha256", "rows", "imported_at")),
    }


def run_import(path: Path) -> tuple[int, str]:
    """Run `swingfund data import PATH`; return (exit status, stderr)."""
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("data", "import", str(path), "--no-progress", stdout=io.StringIO(), stderr=err)
    return exit_info.value.code, err.getvalue().strip()


def rows_of(data_dir: Path, name: str) -> list[list[str]]:
    with (data_dir / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


def assert_rejected(path: Path, expected: str) -> None:
    before = snapshot()
    status, message = run_import(path)
    assert message == expected
    assert "\n" not in message
    assert status == 2
    assert snapshot() == before


def test_missing_column(official_db, data_dir, tmp_path):
    rows = rows_of(data_dir, CANDIDATES_2024)
    drop = rows[0].index("Votes")
    path = write_rows(tmp_path / CANDIDATES_2024, [r[:drop] + r[drop + 1 :] for r in rows])
    title = "House of Commons Library general election results by candidate (ge2024)"
    assert_rejected(path, f"{CANDIDATES_2024}:1: column Votes: " + errors.MISSING_COLUMN.format(title=title))


def test_non_numeric_vote_count(official_db, data_dir, tmp_path):
    rows = rows_of(data_dir, CANDIDATES_2024)
    rows[10][rows[0].index("Votes")] = "1,2O4"
    path = write_rows(tmp_path / CANDIDATES_2024, rows)
    assert_rejected(path, f"{CANDIDATES_2024}:11: column Votes: " + errors.NOT_A_NUMBER.format(value="1,2O4"))


def test_duplicated_candidate_row(official_db, data_dir, tmp_path):
    rows = rows_of(data_dir, CANDIDATES_2024)
    rows.insert(6, rows[4])  # the candidate on line 5 appears again on line 7
    path = write_rows(tmp_path / CANDIDATES_2024, rows)
    message = errors.DUPLICATE_ROW.format(what="seat, candidate and party", line=5)
    assert_rejected(path, f"{CANDIDATES_2024}:7: column Votes: {message}")


def test_unknown_gss_code(official_db, data_dir, tmp_path):
    rows = rows_of(data_dir, CANDIDATES_2024)
    rows[20][0] = "E14099999"
    path = write_rows(tmp_path / CANDIDATES_2024, rows)
    message = errors.UNKNOWN_SEAT.format(code="E14099999", boundary_set="pcon2024")
    assert_rejected(path, f"{CANDIDATES_2024}:21: column ONS ID: {message}")


def test_malformed_gss_code(official_db, data_dir, tmp_path):
    rows = rows_of(data_dir, SEATS_2024)
    rows[3][0] = "E1400108"
    path = write_rows(tmp_path / SEATS_2024, rows)
    assert_rejected(path, f"{SEATS_2024}:4: column ONS ID: " + errors.INVALID_GSS.format(value="E1400108"))


def test_wrong_encoding(official_db, data_dir, tmp_path):
    text = (data_dir / CANDIDATES_2024).read_text(encoding="utf-8")
    lines = text.split("\n")
    line_no = next(i for i, line in enumerate(lines, start=1) if "ñ" in line)
    record = next(csv.reader([lines[line_no - 1]]))
    column = rows_of(data_dir, CANDIDATES_2024)[0][next(i for i, f in enumerate(record) if "ñ" in f)]
    path = tmp_path / CANDIDATES_2024
    path.write_bytes(text.encode("latin-1", errors="replace"))
    assert_rejected(path, f"{CANDIDATES_2024}:{line_no}: column {column}: " + errors.NOT_UTF8.format(byte=0xF1))


def test_truncated_row(official_db, data_dir, tmp_path):
    text = (data_dir / SEATS_2024).read_text(encoding="utf-8")
    cut = text[: text.index("\n", len(text) // 2) - 40]  # the file stops in the middle of a record
    path = tmp_path / SEATS_2024
    path.write_text(cut, encoding="utf-8")
    line_no = cut.count("\n") + 1
    got = len(next(csv.reader([cut.rsplit("\n", 1)[1]])))
    header = rows_of(data_dir, SEATS_2024)[0]
    message = errors.TOO_FEW_FIELDS.format(got=got, expected=len(header))
    assert_rejected(path, f"{SEATS_2024}:{line_no}: column {header[got]}: {message}")


def test_truncated_candidate_file_seat_totals(official_db, data_dir, tmp_path):
    rows = rows_of(data_dir, CANDIDATES_2024)
    last_code = rows[-1][0]
    kept = rows[:-1]  # the last candidate of the last seat is lost
    path = write_rows(tmp_path / CANDIDATES_2024, kept)
    total = sum(int(r[rows[0].index("Votes")]) for r in kept[1:] if r[0] == last_code)
    valid = Result.objects.get(election_id="parl.2024-07-04", constituency__gss_code=last_code).valid_votes
    message = errors.SEAT_TOTAL_MISMATCH.format(code=last_code, got=total, expected=valid)
    assert_rejected(path, f"{CANDIDATES_2024}:{len(kept)}: column Votes: {message}")


def test_majority_mismatch(official_db, data_dir, tmp_path):
    rows = rows_of(data_dir, SEATS_2024)
    col = rows[0].index("Majority")
    rows[1][col] = str(int(rows[1][col]) + 1)
    write_rows(tmp_path / SEATS_2024, rows)
    (tmp_path / CANDIDATES_2024).write_bytes((data_dir / CANDIDATES_2024).read_bytes())
    call_command("data", "import", str(tmp_path / SEATS_2024), "--no-progress", stdout=io.StringIO())
    code = rows[1][0]
    candidates = rows_of(data_dir, CANDIDATES_2024)
    votes = candidates[0].index("Votes")
    winner_line = max((int(r[votes]), i) for i, r in enumerate(candidates, start=1) if r[0] == code)[1]
    message = errors.MAJORITY_MISMATCH.format(code=code, got=int(rows[1][col]) - 1, expected=rows[1][col])
    assert_rejected(tmp_path / CANDIDATES_2024, f"{CANDIDATES_2024}:{winner_line}: column Votes: {message}")


def test_unknown_format(official_db, data_dir):
    status, message = run_import(data_dir / "publicwhip-commons-divisions-1997-2014-totals.csv")
    assert status == 2
    assert message.startswith("publicwhip-commons-divisions-1997-2014-totals.csv:1: column header: not a recognised")


@pytest.mark.slow
def test_real_command_exit_status(data_dir, tmp_path, migrated_sqlite_file):
    """The entry point, in its own process on a fresh database (of the current schema, in SWINGFUND_HOME):
    candidates before their seats → status 2."""
    migrated_sqlite_file(tmp_path / "home" / "swingfund.sqlite3")
    env = {**os.environ, "SWINGFUND_HOME": str(tmp_path / "home"), "DATABASE_URL": ""}
    proc = subprocess.run(
        [sys.executable, "-m", "swingfund", "data", "import", str(data_dir / CANDIDATES_2024), "--no-progress"],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    message = errors.ELECTION_NOT_IMPORTED.format(election="parl.2024-07-04")
    assert proc.stderr.strip().splitlines() == [f"{CANDIDATES_2024}:1: column ONS ID: {message}"]
