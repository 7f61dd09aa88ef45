"""CSV exports neutralise formula-leading cells (OWASP), through one shared helper that every export uses."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from swingfund import csvsafe

SRC = Path(__file__).resolve().parents[1] / "src" / "swingfund"


@pytest.mark.parametrize("text", ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1",
                                  '=HYPERLINK("http://evil.example","x")'])
def test_formula_cells_are_read_back_as_text(text):
    out = io.StringIO()
    csvsafe.writer(out).writerow([text, 5])
    cell = next(csv.reader(io.StringIO(out.getvalue())))[0]
    assert cell == "'" + text


@pytest.mark.parametrize("value", ["-1250", "+3.5", "-0.25", "Ann Smith", "", None, -5, 12.5, "a=b"])
def test_numbers_and_ordinary_text_are_unchanged(value):
    assert csvsafe.neutralise(value) == value


def test_dict_writer_neutralises_every_value():
    out = io.StringIO()
    writer = csvsafe.dict_writer(out, fieldnames=["name", "pence"], lineterminator="\n")
    writer.writeheader()
    writer.writerows([{"name": "@evil", "pence": -100}])
    assert out.getvalue() == "name,pence\n'@evil,-100\n"


def test_no_module_writes_csv_except_through_the_helper():
    direct = re.compile(r"csv\.(writer|DictWriter)\(")
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "csvsafe.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if direct.search(line) and "not an export" not in line:
                offenders.append(f"{path.relative_to(SRC)}:{number}")
    assert offenders == []
