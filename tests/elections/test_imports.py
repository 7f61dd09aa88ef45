"""Importers beyond the HoC results: census, notional 2019, BES 2011, Democracy Club, re-import, sources."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict

import pytest
from django.core.management import call_command

from swingfund.elections.importers import IMPORTERS, detect
from swingfund.elections.importers.hoc_candidates import HocCandidateResults
from swingfund.elections.importers.hoc_results import HocConstituencyResults
from swingfund.elections.models import Candidacy, DataSource, DemographicStat, Election, Person, Result
from swingfund.elections.services import file_import, folder_import


def stat(code: str, census: str, topic: str, category: str, unit: str = "count") -> float:
    return DemographicStat.objects.get(
        constituency__gss_code=code, census=census, topic=topic, category=category, unit=unit
    ).value


def share(code: str, census: str, category: str) -> float:
    return stat(code, census, "religion", category) / stat(code, census, "population", "all") * 100


def test_census2021_religion_matches_published_percentages(official_db):
    bradford_west = Result.objects.get(election_id="parl.2024-07-04", constituency__name="Bradford West").constituency
    leicester_east = Result.objects.get(election_id="parl.2024-07-04", constituency__name="Leicester East").constituency
    assert round(share(bradford_west.gss_code, "census2021", "muslim"), 1) == 58.7
    assert round(share(leicester_east.gss_code, "census2021", "hindu"), 1) == 37.6
    assert not DemographicStat.objects.filter(label="Does not apply").exists()
    total = sum(DemographicStat.objects.filter(census="census2021", topic="population").values_list("value", flat=True))
    assert total == 59_597_533  # README: the perturbed E&W total


def test_census2021_every_row_of_the_official_table(official_db, data_dir):
    expected = {}
    with (data_dir / "census2021-ethnicity6-by-pcon2024-EW.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Ethnic group (6 categories) Code"] != "-8":
                key = (
                    row["Post-2019 Westminster Parliamentary constituencies Code"],
                    row["Ethnic group (6 categories)"],
                )
                expected[key] = int(row["Observation"])
    stored = {
        (code, label): value
        for code, label, value in DemographicStat.objects.filter(census="census2021", topic="ethnicity").values_list(
            "constituency__gss_code", "label", "value"
        )
    }
    assert stored == expected
    assert set(
        DemographicStat.objects.filter(census="census2021", topic="ethnicity").values_list("category", flat=True)
    ) == {"asian", "black", "mixed", "white", "other"}


def test_scotland2022_religion_and_aggregated_christian(official_db):
    values = {
        s.category: s.value
        for s in DemographicStat.objects.filter(constituency__gss_code="S14000021", census="scotland2022")
        if s.topic in {"religion", "population"}
    }
    assert values["all"] == 96817
    assert values["church_of_scotland"] == 20371
    assert values["christian"] == 20371 + 19980 + 3756
    assert values["muslim"] == 5290
    eth = DemographicStat.objects.filter(constituency__gss_code="S14000021", census="scotland2022", topic="ethnicity")
    assert {s.category: s.value for s in eth}["black"] == 451 + 56  # African + Caribbean or Black
    assert DemographicStat.objects.filter(census="scotland2022", topic="population").count() == 57


def test_bes_2011_percentages_population_and_adult_share(official_db):
    bradford_west = "E14000589"
    assert stat(bradford_west, "census2011", "religion", "muslim", "percent") == pytest.approx(51.3, abs=0.05)
    assert stat("E14000768", "census2011", "population", "all") > 100_000  # Kensington, a count
    adult = stat(bradford_west, "census2011", "age", "adult_share", "percent")
    assert 60 < adult < 80
    assert DemographicStat.objects.filter(census="census2011", topic="age").count() == 632
    assert DemographicStat.objects.filter(census="census2011", topic="population", unit="count").count() == 632


def test_notional_2019_election(official_db):
    election = Election.objects.get(id="parl.2019-12-12.notional")
    assert (election.notional, election.boundary_set) == (True, "pcon2024")
    assert Result.objects.filter(election=election).count() == 632
    islington = Result.objects.get(election=election, constituency__name="Islington North")
    assert islington.winner.party.name == "Labour" and islington.winner.person is None
    assert islington.majority == islington.winner.votes - islington.runner_up.votes
    chorley = Result.objects.get(election=election, constituency__name="Chorley")
    assert chorley.winner.person_name == "Other candidates (combined)"
    assert chorley.majority == round(43.62 * chorley.valid_votes / 100)


def test_democracy_club_2019_links_people(official_db):
    chingford = Candidacy.objects.get(election_id="parl.2019-12-12", person_name="Iain Duncan Smith")
    assert chingford.person is not None and chingford.person.dc_person_id
    linked = Candidacy.objects.filter(election_id="parl.2019-12-12").exclude(person=None).count()
    assert linked > 3200  # 3,293 of 3,320 match by name; the rest are reported, never guessed


def test_democracy_club_2024_snapshot_never_guesses(official_db, data_dir):
    before = Person.objects.count()
    summary = file_import(
        path=data_dir / "democracyclub-candidates-parl.2024-07-04-snapshot-2024-05-22.csv", progress=False
    )
    assert summary.rows == 2570
    assert summary.written + int(summary.warnings[0].split()[0]) == 2570
    assert Person.objects.count() == before  # matches only: creates nobody


@pytest.mark.slow  # every official file imported again: 5 s
def test_reimport_is_idempotent(official_db, data_dir):
    def state():
        return (
            sorted(Candidacy.objects.values_list("pk", "votes", "person_id", "elected")),
            Result.objects.count(),
            DemographicStat.objects.count(),
            DataSource.objects.count(),
        )

    before = state()
    for name in (
        "HoC-GE2024-results-by-constituency.csv",
        "HoC-GE2024-results-by-candidate.csv",
        "census2021-religion-by-pcon2024-EW.csv",
        "BES-2019-General-Election-results-file-v1.1.csv",
    ):
        file_import(path=data_dir / name, progress=False)
    assert state() == before


def test_every_row_keeps_its_source(official_db):
    source = DataSource.objects.get(key="hoc-results-by-candidate-parl.2024-07-04")
    assert source.sha256 == "2e06832dbeb5ddbea940ea841211c608950ab9d4819379d5669b6cd583182dc7"
    assert source.rows == 4515 and source.publisher == "House of Commons Library"
    assert "cbp-10009" in source.url
    assert Candidacy.objects.filter(source=source).count() == 4515
    assert not DemographicStat.objects.filter(source=None).exists()


def test_detect_picks_one_importer_per_kind(data_dir):
    assert detect(data_dir / "HoC-GE2017-results-by-candidate.csv")[0] is HocCandidateResults
    assert detect(data_dir / "HoC-GE2024-results-by-candidate.csv")[0] is HocCandidateResults
    assert detect(data_dir / "HoC-GE2019-results-by-constituency.csv")[0] is HocConstituencyResults
    assert len({cls.key for cls in IMPORTERS}) == len(IMPORTERS)


def test_folder_import_orders_files_and_reports_skipped(official_db, data_dir, tmp_path):
    names = (
        "HoC-GE2024-results-by-candidate.csv",
        "HoC-GE2024-results-by-constituency.csv",
        "README.md",
        "scotland-census2022-religion-by-pcon2024.csv",
        "scotland-census2022-religion-by-pcon2024.xlsx",
    )
    for name in names:
        (tmp_path / name).write_bytes((data_dir / name).read_bytes())
    summaries = folder_import(folder=tmp_path, progress=False)
    assert [s.file for s in summaries if not s.skipped] == [
        "HoC-GE2024-results-by-constituency.csv",
        "HoC-GE2024-results-by-candidate.csv",
        "scotland-census2022-religion-by-pcon2024.csv",
    ]
    assert [s.file for s in summaries if s.skipped] == ["README.md", "scotland-census2022-religion-by-pcon2024.xlsx"]
    out = io.StringIO()
    call_command("data", "import", str(tmp_path), "--no-progress", stdout=out)
    text = out.getvalue()
    assert "skipped: README.md — README.md:1: column header: not a recognised official file" in text
    assert "skipped: scotland-census2022-religion-by-pcon2024.xlsx — the same table as" in text
    assert "read 4,515 rows" in text and "650 seats (parl.2024-07-04)" in text


def test_seat_totals_by_party_2024(official_db):
    winners = defaultdict(int)
    for result in Result.objects.filter(election_id="parl.2024-07-04").select_related("winner__party"):
        winners[result.winner.party.name] += 1
    assert winners["Independent"] == 6
    assert winners["Labour"] + winners["Labour and Co-operative"] == 411


def test_official_db_fixture_reimports_after_a_flush(transactional_db, official_db):
    # Transactional: a whole-database flush is the owner's job (on PostgreSQL the tests' own role cannot TRUNCATE),
    # done on its own connection, which cannot happen inside a test's rolled-back transaction.
    from tests.fixtures.official import official_import, official_loaded

    call_command("flush", interactive=False, verbosity=0)
    assert not official_loaded()
    official_import()
    assert official_loaded()
    assert Result.objects.filter(election_id="parl.2019-12-12").count() == 650


def test_after_a_transactional_test_the_official_rows_are_back_committed(transactional_db):
    """Runs right after the transactional test above, whose teardown flushed every table (pytest-django runs a
    file's transactional tests after its others, in file order): the official rows are already back, committed,
    before this test starts (tests/conftest.py: pytest_runtest_teardown), so `official_db` does not copy them again
    inside every later test's rolled-back transaction. It asks for no `official_db`, which would restore them."""
    from tests.fixtures.official import official_loaded

    assert official_loaded(), "the official rows were left flushed after a transactional test"
    assert Result.objects.filter(election_id="parl.2019-12-12").count() == 650


def test_official_restore_after_a_flush_gives_back_exactly_the_imported_rows(transactional_db, official_db):
    """The fast path of `official_db` after a flush: the session's rows copied back, every elections table the same,
    and new rows still get fresh ids (the sequences moved past the restored ones)."""
    from django.apps import apps

    from swingfund.elections.models import DataSource
    from tests.fixtures.official import official_loaded, official_restore

    models = list(apps.get_app_config("elections").get_models())
    before = {m: sorted(m.objects.values_list(*(f.attname for f in m._meta.concrete_fields))) for m in models}
    call_command("flush", interactive=False, verbosity=0)
    assert not official_loaded()
    official_restore()
    assert {m: sorted(m.objects.values_list(*(f.attname for f in m._meta.concrete_fields))) for m in models} == before
    DataSource.objects.create(key="after-restore", title="t", publisher="p", file_name="f.csv", sha256="0" * 64,
                              imported_at=dt.datetime(2024, 7, 5, tzinfo=dt.UTC))


def _official_rows() -> dict:
    from django.apps import apps

    return {m: sorted(m.objects.values_list(*(f.attname for f in m._meta.concrete_fields)))
            for m in apps.get_app_config("elections").get_models()}


_OFFICIAL_BEFORE: list[dict] = []


def test_a_transactional_test_changes_one_official_row_and_adds_others(transactional_db, official_db):
    """With the next test: the flush that ends a transactional test must not keep an official row the test changed,
    nor one it added (on PostgreSQL it keeps the official tables when their rows are intact and deletes only the
    added ones: tests/fixtures/official.py, `official_kept`)."""
    _OFFICIAL_BEFORE[:] = [_official_rows()]
    result = Result.objects.filter(election_id="parl.2024-07-04").order_by("pk").first()
    Result.objects.filter(pk=result.pk).update(majority=result.majority + 1)
    source = DataSource.objects.create(key="added-by-a-test", title="t", publisher="p", file_name="f.csv",
                                       sha256="0" * 64, imported_at=dt.datetime(2024, 7, 5, tzinfo=dt.UTC))
    Election.objects.create(id="parl.2099-05-07", name="A test's election", poll_date=dt.date(2099, 5, 7),
                            boundary_set="pcon2024", source=source)
    assert _official_rows() != _OFFICIAL_BEFORE[0]


def test_after_it_every_official_row_is_as_imported(transactional_db):
    assert _OFFICIAL_BEFORE, "runs after the test above (same file, same process)"
    assert _official_rows() == _OFFICIAL_BEFORE[0]


def test_a_transactional_test_only_adds_official_rows(transactional_db, official_db):
    _OFFICIAL_BEFORE[:] = [_official_rows()]
    source = DataSource.objects.create(key="added-by-a-test", title="t", publisher="p", file_name="f.csv",
                                       sha256="0" * 64, imported_at=dt.datetime(2024, 7, 5, tzinfo=dt.UTC))
    Election.objects.create(id="parl.2099-05-07", name="A test's election", poll_date=dt.date(2099, 5, 7),
                            boundary_set="pcon2024", source=source)


def test_after_it_the_added_rows_are_gone_and_the_others_are_as_imported(transactional_db):
    assert _OFFICIAL_BEFORE, "runs after the test above (same file, same process)"
    assert _official_rows() == _OFFICIAL_BEFORE[0]


def test_import_without_paths_reads_swingfund_data(official_db, settings, data_dir, tmp_path):
    (tmp_path / "HoC-GE2017-results-by-constituency.csv").write_bytes(
        (data_dir / "HoC-GE2017-results-by-constituency.csv").read_bytes()
    )
    settings.SWINGFUND_DATA = str(tmp_path)
    out = io.StringIO()
    call_command("data", "import", "--no-progress", stdout=out)
    assert out.getvalue().splitlines()[0] == f"Importing the official files in {tmp_path}"
    assert "read 650 rows" in out.getvalue() and "(parl.2017-06-08)" in out.getvalue()


def test_candidate_file_without_a_year_is_matched_by_its_totals(official_db, data_dir, tmp_path):
    from swingfund.elections import errors
    from swingfund.elections.errors import ImportFailure

    renamed = tmp_path / "results-by-candidate.csv"
    renamed.write_bytes((data_dir / "HoC-GE2017-results-by-candidate.csv").read_bytes())
    assert file_import(path=renamed, progress=False).elections == {"parl.2017-06-08"}
    lines = renamed.read_text(encoding="utf-8").splitlines(keepends=True)
    renamed.write_text("".join(lines[:-1]), encoding="utf-8")  # totals now match no imported election
    with pytest.raises(ImportFailure) as failure:
        file_import(path=renamed, progress=False)
    assert str(failure.value) == f"{renamed.name}:1: column -: {errors.ELECTION_UNKNOWN}"


def test_data_sources_command_lists_every_imported_file(official_db):
    out = io.StringIO()
    call_command("data", "sources", stdout=out)
    text = out.getvalue()
    for source in DataSource.objects.all():
        assert source.file_name in text and source.sha256[:12] in text
    assert "House of Commons Library" in text and "4,515" in text
