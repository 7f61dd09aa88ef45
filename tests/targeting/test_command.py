"""`swingfund targets` as a user runs it: table, CSV and JSON on the real files, and its error messages."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from swingfund.targeting.selectors import ELECTION_NOT_IMPORTED

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("targets", *args, stdout=out)
    return out.getvalue()


def test_top_25_table_for_2024(official_db):
    text = run("--election", "parl.2024-07-04", "--bloc", "religion:muslim", "--top", "25", "--draws", "2000")
    for heading in ("Seat", "MP (party)", "Majority", "Bloc voters", "Leverage", "P(pivotal) swing",
                    "P(pivotal) own", "Majority 10–90 %"):
        assert heading in text
    assert "Bradford West" in text and "Naz Shah (Lab)" in text
    assert "│ 25 │" in text and "│ 26 │" not in text
    # Sources and assumptions under the table.
    assert "Source: House of Commons Library" in text and "Office for National Statistics" in text
    assert "Assumption — cohesion: 0.5 (0.3–0.7)" in text and "counts once" in text
    assert "18 seats have no census figures" in text


def test_all_seats_show_no_data_rows_for_northern_ireland(official_db):
    text = run("--bloc", "religion:muslim", "--top", "0", "--draws", "200", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 650
    ni = [r for r in rows if r["code"].startswith("N")]
    assert len(ni) == 18 and all(r["leverage"] == "" and r["p_swing"] == "" for r in ni)
    assert rows[-1]["code"].startswith("N")  # no data sorts last, never as zero
    # the published Muslim age profile replaces the neutral adult ratio
    assert rows[0]["assumptions"].startswith("adult_ratio=0.81:0.76:0.86;registration=0.85:0.75:0.95;")
    assert "count_twice=0;draws=200;seed=2024;census=census2021+scotland2022" in rows[0]["assumptions"]
    table = run("--bloc", "religion:muslim", "--top", "0", "--draws", "200", "--region", "Northern Ireland")
    assert table.count("no data") >= 18 * 5


def test_json_is_reproducible_by_seed_and_carries_assumptions(official_db):
    args = ["--bloc", "religion:muslim", "--format", "json", "--draws", "3000", "--top", "0",
            "--cohesion", "0.7:0.5:0.9", "--count-twice"]
    first = json.loads(run(*args, "--seed", "42"))
    again = json.loads(run(*args, "--seed", "42"))
    other = json.loads(run(*args, "--seed", "43"))
    assert first == again and first["seats"] != other["seats"]
    assert first["assumptions"]["cohesion"]["central"] == 0.7 and first["assumptions"]["count_twice"] is True
    assert first["draws"] == 3000 and first["seed"] == 42 and first["censuses"] == ["census2021", "scotland2022"]
    assert {s["file"] for s in first["sources"]} >= {"HoC-GE2024-results-by-constituency.csv"}


def test_zero_width_flags_on_the_command_line(official_db):
    fixed = ["--adult-ratio", "0.9", "--registration", "0.85", "--turnout-ratio", "0.95", "--cohesion", "0.5",
             "--other-support", "0.05"]
    fixed += ["--national-sd", "0", "--seat-error", "0", "--allocation", "turnout"]  # no forecast error; k = 1
    data = json.loads(run("--bloc", "religion:muslim", "--format", "json", "--top", "0", "--draws", "50", *fixed))
    assert data["seat_error"]["source"] == "set by the user"
    for seat in data["seats"]:
        if seat["has_data"]:
            assert seat["p_swing"] == float(seat["criteria"]["cohesive_over_majority"])


@pytest.mark.parametrize("election", ["parl.2017-06-08", "parl.2019-12-12"])
def test_2017_and_2019_with_the_2011_census(official_db, election):
    text = run("--election", election, "--bloc", "religion:muslim", "--top", "10", "--draws", "500")
    assert "pcon2010 boundaries" in text and "census2011" in text and "│ 10 │" in text


def test_lens_own_ranks_by_own_candidate_leverage(official_db):
    rows = list(csv.DictReader(io.StringIO(run("--bloc", "religion:muslim", "--lens", "own", "--format", "csv",
                                                "--draws", "200", "--top", "30"))))
    values = [float(r["own_leverage"]) for r in rows]
    assert values == sorted(values, reverse=True)


def test_projection_flags(official_db):
    text = run("--election", "parl.2019-12-12", "--bloc", "religion:muslim", "--swing", "proportional",
               "--shares", "Lab=0.40,Con=0.35", "--draws", "200")
    assert "Projected winner" in text and "proportional projection by nation to GB: Lab=0.4,Con=0.35" in text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--bloc", "religion:nonsense"], "Unknown census category 'religion:nonsense' for pcon2024 seats. "
                                          "Available: ethnicity:asian"),
        (["--bloc", "religion:muslim", "--election", "parl.2005-05-05"],
         ELECTION_NOT_IMPORTED.split("(")[0].format(election="parl.2005-05-05")),
        (["--bloc", "religion:muslim", "--cohesion", "0.9:0.2"], "Assumption cohesion: '0.9:0.2' is not a number"),
        (["--bloc", "religion:muslim", "--census", "census2011"], "Census census2011 is on pcon2010 boundaries"),
        (["--bloc", "religion:muslim", "--swing", "uniform"], "--swing needs --shares"),
        (["--bloc", "religion:muslim", "--draws", "0"], "Draws must be between 1"),
    ],
)
def test_errors_name_the_problem_and_exit_2(official_db, args, expected):
    with pytest.raises(CommandError) as exc:
        run(*args)
    assert expected in str(exc.value)
    assert exc.value.returncode == 2


def test_unknown_category_lists_every_available_category(official_db):
    with pytest.raises(CommandError) as exc:
        run("--bloc", "religion:nonsense")
    for category in ("religion:muslim", "religion:hindu", "religion:sikh", "religion:jewish", "ethnicity:black"):
        assert category in str(exc.value)
    assert "swingfund data import" in str(pytest.raises(CommandError, run, "--bloc", "religion:muslim",
                                                        "--election", "parl.2005-05-05").value)
