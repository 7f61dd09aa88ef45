"""`swingfund polls import FILE`: one row per poll in, every bad row refused by line with nothing written."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from swingfund.elections import errors
from swingfund.elections.demo import ILLUSTRATIVE_POLLS
from swingfund.elections.importers import polls as poll_format
from swingfund.elections.models import DataSource, Poll, PollShare

pytestmark = pytest.mark.django_db

HEADER = "pollster,fieldwork_start,fieldwork_end,sample_size,area,illustrative,Con,Lab,LD,Reform UK,Newco"
GOOD = [
    "Alpha Research,2026-11-01,2026-11-03,1500,GB,no,20,25,12,28,5",
    "Beta Polling,2026-11-10,2026-11-12,2000,Scotland,no,11,19,8,18,",
    "Gamma,2026-11-15,2026-11-16,1000,Wales,no,12,21,6,27,4",
]


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("polls", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def write(tmp_path: Path, lines: list[str], name: str = "polls-nov.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def test_a_good_file_is_stored_with_its_provenance_and_again_replaces_it(db, tmp_path):
    path = write(tmp_path, GOOD)
    code, out, _ = run("import", str(path), "--no-progress")
    assert code == 0 and "imported 3 polls" in out
    # a party no imported party is named like is kept (a new party) and said so; known names are not flagged
    assert "Newco: no imported party has this name or abbreviation" in out and "Reform UK:" not in out
    listed = run("list")[1]
    assert "Alpha Research" in listed and "polls-nov.csv:2" in listed and "Reform UK 28" in listed
    polls = {p.pollster: p for p in Poll.objects.select_related("source")}
    alpha = polls["Alpha Research"]
    assert (alpha.area, alpha.sample_size, str(alpha.fieldwork_start), str(alpha.fieldwork_end)) == (
        "GB", 1500, "2026-11-01", "2026-11-03")
    assert alpha.source.file_name == "polls-nov.csv" and alpha.source.imported_at is not None
    assert alpha.line == 2 and not alpha.illustrative and polls["Beta Polling"].area == "S"
    shares = {s.party_label: s.share for s in alpha.shares.all()}
    assert shares == pytest.approx({"Con": 0.20, "Lab": 0.25, "LD": 0.12, "Reform UK": 0.28, "Newco": 0.05})
    # a blank cell is "not reported", not zero: Beta reports no Newco
    assert not PollShare.objects.filter(poll=polls["Beta Polling"], party_label="Newco").exists()
    # the same file again (one poll changed) replaces its polls instead of adding to them
    write(tmp_path, [GOOD[0].replace(",20,25,", ",21,24,"), *GOOD[1:]])
    assert run("import", str(path), "--no-progress")[0] == 0
    assert Poll.objects.count() == 3 and PollShare.objects.count() == 14
    assert PollShare.objects.get(poll__pollster="Alpha Research", party_label="Con").share == pytest.approx(0.21)


def test_the_demo_file_is_illustrative_and_covers_gb_scotland_and_wales(db):
    assert "illustrative" in ILLUSTRATIVE_POLLS.name
    code, out, _ = run("import", str(ILLUSTRATIVE_POLLS), "--no-progress")
    assert code == 0 and "9 of them illustrative" in out
    rows = list(csv.DictReader(io.StringIO(ILLUSTRATIVE_POLLS.read_text(encoding="utf-8"))))
    assert Poll.objects.count() == len(rows) >= 6 and Poll.objects.filter(illustrative=False).count() == 0
    assert {p.area for p in Poll.objects.all()} == {"GB", "S", "W"}
    assert all("illustrative" in r["pollster"].lower() or "invented" in r["pollster"].lower() for r in rows)


BAD = [
    # (the rows after the header, the expected `FILE:LINE: column X: message`)
    ([GOOD[0], "Beta,2026-11-31,2026-12-01,900,GB,no,20,25,12,28,5"],
     "3: column fieldwork_start: " + poll_format.NOT_A_DATE.format(value="2026-11-31")),
    ([GOOD[0], GOOD[1], "Beta,2026-11-20,2026-11-18,900,GB,no,20,25,12,28,5"],
     "4: column fieldwork_end: " + poll_format.END_BEFORE_START.format(end="2026-11-18", start="2026-11-20")),
    (["Beta,2026-11-20,2026-11-22,900,Ulster,no,20,25,12,28,5"],
     "2: column area: " + poll_format.UNKNOWN_AREA.format(value="Ulster")),
    (["Beta,2026-11-20,2026-11-22,900,GB,no,20,25,12,128,5"],
     "2: column Reform UK: " + poll_format.SHARE_OVER_100.format(value="128")),
    (["Beta,2026-11-20,2026-11-22,900,GB,no,20,25,-2,28,5"],
     "2: column LD: " + errors.NEGATIVE.format(value="-2")),
    (["Beta,2026-11-20,2026-11-22,900,GB,no,30,35,12,28,5"],
     "2: column Newco: " + poll_format.SHARES_OVER_TOTAL.format(total=110, limit=101)),
    (["Beta,2026-11-20,2026-11-22,900,GB,no,,,,,"], "2: column Con: " + poll_format.NO_SHARES),
    (["Beta,2026-11-20,2026-11-22,0,GB,no,20,25,12,28,5"],
     "2: column sample_size: " + poll_format.SAMPLE_TOO_SMALL.format(value=0)),
    (["Beta,2026-11-20,2026-11-22,a thousand,GB,no,20,25,12,28,5"],
     "2: column sample_size: " + errors.NOT_A_NUMBER.format(value="a thousand")),
    ([",2026-11-20,2026-11-22,900,GB,no,20,25,12,28,5"], "2: column pollster: " + errors.BLANK_VALUE),
    (["Beta,2026-11-20,2026-11-22,900,GB,maybe,20,25,12,28,5"],
     "2: column illustrative: " + poll_format.NOT_YES_NO.format(value="maybe")),
    (["Beta,2026-11-20,2099-01-01,900,GB,no,20,25,12,28,5"], "2: column fieldwork_end: 2099-01-01 is after today"),
    ([GOOD[0], GOOD[1], GOOD[0].replace("Alpha Research", "alpha research").replace(",20,", ",19,")],
     "4: column pollster: " + errors.DUPLICATE_ROW.format(what=poll_format.DUPLICATE_POLL, line=2)),
    ([GOOD[0], "Beta,2026-11-20,2026-11-22,900,GB,no,20,25,12,28"],
     "3: column Newco: " + errors.TOO_FEW_FIELDS.format(got=10, expected=11)),
]


@pytest.mark.parametrize(("rows", "expected"), BAD, ids=[e.split(": ", 2)[-1][:40] for _, e in BAD])
def test_a_bad_row_is_refused_by_line_and_nothing_is_written(db, tmp_path, rows, expected):
    earlier = write(tmp_path, GOOD, name="earlier.csv")
    assert run("import", str(earlier), "--no-progress")[0] == 0  # an earlier import must survive untouched
    before = (sorted(Poll.objects.values_list("pollster", "area", "line")), PollShare.objects.count(),
              sorted(DataSource.objects.values_list("key", "sha256", "imported_at")))
    path = write(tmp_path, rows, name="bad.csv")
    code, _, err = run("import", str(path), "--no-progress")
    assert code == 2
    assert err.strip().startswith(f"bad.csv:{expected}"), err
    after = (sorted(Poll.objects.values_list("pollster", "area", "line")), PollShare.objects.count(),
             sorted(DataSource.objects.values_list("key", "sha256", "imported_at")))
    assert after == before


def test_a_bad_row_in_a_second_edition_keeps_the_first_edition_whole(db, tmp_path):
    """Same file name (so the same source) re-imported with a bad last row: the earlier polls stay, unchanged."""
    path = write(tmp_path, GOOD)
    assert run("import", str(path), "--no-progress")[0] == 0
    write(tmp_path, [*GOOD, "Delta,2026-11-20,2026-11-22,900,GB,no,20,25,12,28,55"])
    code, _, err = run("import", str(path), "--no-progress")
    assert code == 2 and err.startswith("polls-nov.csv:5: column Newco:")
    assert sorted(Poll.objects.values_list("pollster", flat=True)) == ["Alpha Research", "Beta Polling", "Gamma"]
    assert PollShare.objects.count() == 14


@pytest.mark.parametrize(("header", "expected"), [
    ("pollster,fieldwork_start,fieldwork_end,sample_size,Con,Lab", "1: column area: "),
    ("pollster,fieldwork_start,fieldwork_end,sample_size,area", "1: column header: " + poll_format.NO_PARTY_COLUMN),
    ("pollster,fieldwork_start,fieldwork_end,sample_size,area,Lab,lab", "1: column lab: "
     + poll_format.DUPLICATE_COLUMN),
])
def test_a_bad_header_is_refused_on_line_one(db, tmp_path, header, expected):
    path = write(tmp_path, ["Beta,2026-11-20,2026-11-22,900,GB,20,25"], header=header)
    code, _, err = run("import", str(path), "--no-progress")
    assert code == 2 and err.startswith(f"polls-nov.csv:{expected}"), err
    assert Poll.objects.count() == 0


def test_another_official_file_is_not_a_poll_file(official_db, data_dir):
    code, _, err = run("import", str(data_dir / "HoC-GE2024-results-by-constituency.csv"), "--no-progress")
    assert code == 2 and "not a poll file" in err


def test_a_long_file_imports_with_a_progress_bar(db, tmp_path, capsys):
    import datetime as dt

    from swingfund.elections.services import POLL_PROGRESS_FROM

    first = dt.date(2025, 1, 1)
    rows = [f"Pollster {i % 7},{first + dt.timedelta(days=i)},{first + dt.timedelta(days=i + 2)},1000,GB,no,"
            f"20,25,12,28,5" for i in range(POLL_PROGRESS_FROM + 50)]
    path = write(tmp_path, rows, name="long.csv")
    code, out, _ = run("import", str(path))
    assert code == 0 and f"imported {len(rows)} polls" in out
    assert "long.csv" in capsys.readouterr().err  # rich's bar, labelled with the file, on stderr
    assert Poll.objects.count() == len(rows) and PollShare.objects.count() == 5 * len(rows)
