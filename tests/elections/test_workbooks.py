"""Official Excel workbooks (Scotland 2022 TableBuilder, BES 2019) give the statistics of their CSV conversions."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from swingfund.elections.errors import ImportFailure
from swingfund.elections.importers.scotland_xlsx import NOT_A_WORKBOOK
from swingfund.elections.models import DemographicStat
from swingfund.elections.services import file_import


def scotland_stats() -> set[tuple]:
    """The Scottish census tables' statistics (the adult shares come from the GB summary file, not these)."""
    return set(
        DemographicStat.objects.filter(census="scotland2022").exclude(topic="age").values_list(
            "constituency__gss_code", "topic", "category", "value", "unit"
        )
    )


@pytest.mark.parametrize("kind", ["religion", "ethnicity"])
def test_workbook_matches_csv_conversion(official_db, data_dir, kind):
    from_csv = scotland_stats()
    assert len(from_csv) == 798 + 1368
    summary = file_import(path=data_dir / f"scotland-census2022-{kind}-by-pcon2024.xlsx", progress=False)
    assert summary.rows == 57 and len(summary.seats) == 57
    assert scotland_stats() == from_csv


def test_a_csv_renamed_xlsx_is_refused(official_db, data_dir, tmp_path):
    fake = tmp_path / "scotland-census2022-religion-by-pcon2024.xlsx"
    fake.write_bytes((data_dir / "scotland-census2022-religion-by-pcon2024.csv").read_bytes())
    before = scotland_stats()
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("data", "import", str(fake), "--no-progress", stderr=err)
    assert exit_info.value.code == 2
    assert err.getvalue().startswith(f"{fake.name}:0: column -: " + NOT_A_WORKBOOK.split("(")[0])
    assert scotland_stats() == before
    with pytest.raises(ImportFailure):
        file_import(path=fake, progress=False)


def test_bes_workbook_matches_its_csv_conversion(official_db, data_dir):
    def census2011() -> set[tuple]:
        return set(
            DemographicStat.objects.filter(census="census2011").values_list(
                "constituency__gss_code", "topic", "category", "value", "unit"
            )
        )

    from_csv = census2011()
    assert len(from_csv) == 10_112
    summary = file_import(path=data_dir / "BES-2019-General-Election-results-file-v1.1.xlsx", progress=False)
    assert summary.rows == 632
    assert census2011() == from_csv
