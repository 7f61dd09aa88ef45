"""Official files with NUL bytes, broken quoting or impossible figures are refused with `FILE:LINE: column X: …` and
exit status 2, writing nothing; a folder where nothing is imported fails; and a property test feeds the importers
arbitrary bytes behind a real header: every outcome is an import or one clear line, never a traceback or a partial
write."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from swingfund.elections import errors
from swingfund.elections.importers.base import MAX_FIGURE

from .test_bad_input import CANDIDATES_2024, SEATS_2024, assert_rejected, rows_of, run_import, snapshot, write_rows

ONE_LINE = re.compile(r"^[^\n:]+:\d+: column [^\n]+: [^\n]+$")


def test_a_nul_byte_is_refused_naming_line_and_column(official_db, data_dir, tmp_path):
    rows = rows_of(data_dir, CANDIDATES_2024)
    column = rows[0].index("Candidate surname")
    rows[8][column] = "Smi\x00th"
    path = write_rows(tmp_path / CANDIDATES_2024, rows)
    assert_rejected(path, f"{CANDIDATES_2024}:9: column Candidate surname: {errors.NUL_BYTE}")


def test_a_quote_closed_in_the_middle_of_a_field_is_refused(official_db, data_dir, tmp_path):
    lines = (data_dir / SEATS_2024).read_text(encoding="utf-8").split("\n")
    lines[5] = lines[5].replace(",", ',"Broken" quote,', 1)  # "…" then more text in the same field
    path = tmp_path / SEATS_2024
    path.write_text("\n".join(lines), encoding="utf-8")
    before = snapshot()
    status, message = run_import(path)
    assert status == 2 and snapshot() == before
    assert message.startswith(f"{SEATS_2024}:6: column -: broken quoting"), message


def test_an_unclosed_quote_is_refused_not_read_to_the_end_of_the_file(official_db, data_dir, tmp_path):
    lines = (data_dir / SEATS_2024).read_text(encoding="utf-8").split("\n")
    cells = lines[7].split(",")
    cells[2] = '"' + cells[2]  # opens a quote that never closes: the csv module would swallow the next lines
    lines[7] = ",".join(cells)
    path = tmp_path / SEATS_2024
    path.write_text("\n".join(lines), encoding="utf-8")
    before = snapshot()
    status, message = run_import(path)
    assert status == 2 and snapshot() == before
    assert re.match(rf"{re.escape(SEATS_2024)}:\d+: column [^:]+: (broken quoting|row has)", message), \
        message


@pytest.mark.parametrize("value", [str(MAX_FIGURE + 1), "9" * 40, "1e999", "nan"])
def test_a_figure_out_of_range_is_refused(official_db, data_dir, tmp_path, value):
    rows = rows_of(data_dir, CANDIDATES_2024)
    rows[10][rows[0].index("Votes")] = value
    path = write_rows(tmp_path / CANDIDATES_2024, rows)
    expected = errors.OUT_OF_RANGE.format(value=value, limit=MAX_FIGURE) if value.isdigit() \
        else errors.NOT_A_NUMBER.format(value=value)
    assert_rejected(path, f"{CANDIDATES_2024}:11: column Votes: {expected}")


def test_a_folder_where_nothing_is_imported_fails(official_db, tmp_path):
    (tmp_path / "notes.txt").write_text("not an official file\n")
    (tmp_path / "other.csv").write_text("a,b\n1,2\n")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("data", "import", str(tmp_path), "--no-progress", stdout=io.StringIO(), stderr=err)
    assert exit_info.value.code == 2
    assert err.getvalue().strip() == f"{tmp_path}: " + errors.NOTHING_IMPORTED.format(skipped=2)


class Rollback(Exception):
    pass


def _import(path) -> tuple[int, str]:
    """`swingfund data import PATH` → (exit status, stderr); 0 when it imported."""
    err = io.StringIO()
    try:
        call_command("data", "import", str(path), "--no-progress", stdout=io.StringIO(), stderr=err)
    except SystemExit as exit_info:
        return exit_info.code, err.getvalue().strip()
    return 0, err.getvalue().strip()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=400), name=st.sampled_from([SEATS_2024, CANDIDATES_2024]))
@example(body=b"\r\x01\x80", name=SEATS_2024)  # a bare carriage return before a bad byte (found by hypothesis)
@example(body=b"\r\x01\x00", name=SEATS_2024)  # ... and before a NUL byte
def test_arbitrary_bytes_behind_a_real_header_import_or_fail_in_one_line(official_db, data_dir, tmp_path, body,
                                                                          name):
    header = (data_dir / name).read_bytes().split(b"\n", 1)[0] + b"\n"
    path = tmp_path / name
    path.write_bytes(header + body)
    before = snapshot()
    try:
        with transaction.atomic():
            status, message = _import(path)  # any exception other than the command's exit fails the test
            if status != 0:
                assert status == 2, message
                assert ONE_LINE.match(message), message
                assert message.startswith(f"{name}:"), message
                assert snapshot() == before, "a refused file must write nothing"
            raise Rollback  # keep the official data as it was for the next example
    except Rollback:
        pass
