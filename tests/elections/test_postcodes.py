"""Postcode lookup from the ONS Postcode Directory (the Aberdeen sample) and where official files are found."""

from __future__ import annotations

import csv

import pytest

from swingfund.elections import errors
from swingfund.elections.errors import LookupFailure
from swingfund.elections.models import Postcode
from swingfund.elections.selectors import constituency_for_postcode, official_file
from swingfund.elections.services import file_import

SAMPLE = "onspd-sample-postcodes-aberdeen.csv"


@pytest.fixture
def postcodes(official_db, data_dir):
    return file_import(path=data_dir / SAMPLE, progress=False)


def test_every_sample_postcode_maps_to_its_pcon(postcodes, data_dir):
    with (data_dir / SAMPLE).open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["pcon"] and not r["pcon"].endswith("99999999")]
    assert postcodes.written == len(rows) == Postcode.objects.filter(boundary_set="pcon2024").count()
    for row in rows[::97]:
        assert constituency_for_postcode(row["pcds"], boundary_set="pcon2024").gss_code == row["pcon"]
    assert postcodes.warnings == ["2 rows have no constituency (blank or pseudo pcon code) and were skipped"]


def test_lookup_normalises_and_marks_terminated(postcodes):
    first = constituency_for_postcode("ab10 1aa", boundary_set="pcon2024")
    assert first == constituency_for_postcode("AB101AA", boundary_set="pcon2024")
    assert first.name.startswith("Aberdeen")
    assert Postcode.objects.filter(terminated=True).count() > 3000


def test_unknown_and_invalid_postcodes(postcodes):
    with pytest.raises(LookupFailure) as unknown:
        constituency_for_postcode("SW1A 2AA", boundary_set="pcon2024")
    assert str(unknown.value) == errors.UNKNOWN_POSTCODE.format(postcode="SW1A 2AA", boundary_set="pcon2024")
    with pytest.raises(LookupFailure) as invalid:
        constituency_for_postcode("not a postcode", boundary_set="pcon2024")
    assert str(invalid.value) == errors.INVALID_POSTCODE.format(postcode="not a postcode")


def test_reimport_replaces_the_lookup(postcodes, data_dir):
    again = file_import(path=data_dir / SAMPLE, progress=False)
    assert again.written == postcodes.written == Postcode.objects.count()


def test_duplicate_postcode_is_rejected(official_db, data_dir, tmp_path):
    lines = (data_dir / SAMPLE).read_text(encoding="utf-8").splitlines(keepends=True)
    bad = tmp_path / SAMPLE
    bad.write_text("".join([*lines[:50], lines[10], *lines[50:]]), encoding="utf-8")
    from swingfund.elections.errors import ImportFailure

    with pytest.raises(ImportFailure) as failure:
        file_import(path=bad, progress=False)
    postcode = lines[10].split(",")[2].replace(" ", "")
    assert str(failure.value) == f"{SAMPLE}:51: column pcds: " + errors.DUPLICATE_POSTCODE.format(postcode=postcode)
    assert Postcode.objects.count() == 0


def test_official_file_prefers_swingfund_data(settings, data_dir, tmp_path):
    settings.SWINGFUND_DATA = str(data_dir)
    settings.SWINGFUND_CACHE = tmp_path
    assert official_file(SAMPLE) == data_dir / SAMPLE
    settings.SWINGFUND_DATA = str(tmp_path / "empty")
    (tmp_path / SAMPLE).write_text("cached")
    assert official_file(SAMPLE) == tmp_path / SAMPLE
    with pytest.raises(LookupFailure) as missing:
        official_file("HoC-GE2024-results-by-candidate.csv")
    assert "run `swingfund data fetch`" in str(missing.value)
    with pytest.raises(LookupFailure) as unknown:
        official_file("nonsense.csv")
    assert str(unknown.value) == errors.UNKNOWN_OFFICIAL_FILE.format(name="nonsense.csv")


@pytest.mark.parametrize(
    ("postcode", "seat"),
    [
        ("SW1A 2AA", "E14000639"),  # Cities of London and Westminster
        ("W8 4PT", "E14000768"),  # Kensington
        ("BD7 1DP", "E14000589"),  # Bradford West
        ("n7 8db", "E14000763"),  # Islington North
        ("CF10 1EP", "W07000050"),  # Cardiff Central
        ("BT1 5GS", "N06000003"),  # Belfast South
    ],
)
def test_pcon2010_lookup_from_the_regex_files(official_db, settings, data_dir, postcode, seat):
    settings.SWINGFUND_DATA = str(data_dir)
    assert constituency_for_postcode(postcode, boundary_set="pcon2010").gss_code == seat


def test_pcon2010_regex_agrees_with_the_onspd_sample(official_db, settings, data_dir):
    """Aberdeen postcodes live before Feb 2021 fall in the three 2010-review Aberdeen-area seats."""
    settings.SWINGFUND_DATA = str(data_dir)
    with (data_dir / SAMPLE).open(encoding="utf-8") as handle:
        live = [r["pcds"] for r in csv.DictReader(handle) if not r["doterm"] and "196" < r["dointr"] < "202101"]
    found = {constituency_for_postcode(p, boundary_set="pcon2010").gss_code for p in live[::40]}
    assert found == {"S14000001", "S14000002", "S14000058"}


def test_pcon2010_regex_unknown_postcode(official_db, settings, data_dir):
    settings.SWINGFUND_DATA = str(data_dir)
    with pytest.raises(LookupFailure) as failure:
        constituency_for_postcode("ZZ99 9ZZ", boundary_set="pcon2010")
    assert str(failure.value) == errors.UNKNOWN_POSTCODE.format(postcode="ZZ99 9ZZ", boundary_set="pcon2010")


def _sample_head(data_dir, lines: int = 60) -> list[str]:
    return (data_dir / SAMPLE).read_text(encoding="utf-8").splitlines(keepends=True)[:lines]


def test_onspd_truncated_row(official_db, data_dir, tmp_path):
    from swingfund.elections.errors import ImportFailure

    lines = _sample_head(data_dir)
    lines[30] = ",".join(lines[30].split(",")[:19]) + "\n"  # stops just before the pcon column
    (tmp_path / SAMPLE).write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ImportFailure) as failure:
        file_import(path=tmp_path / SAMPLE, progress=False)
    message = errors.TOO_FEW_FIELDS.format(got=19, expected=52)
    assert str(failure.value) == f"{SAMPLE}:31: column pcon: {message}"
    assert Postcode.objects.count() == 0


def test_onspd_wrong_encoding(official_db, data_dir, tmp_path):
    from swingfund.elections.errors import ImportFailure

    lines = _sample_head(data_dir)
    data = "".join(lines).encode("utf-8").replace(lines[40].split(",")[0].encode(), "AB1 0\xe9A".encode("latin-1"), 1)
    (tmp_path / SAMPLE).write_bytes(data)
    with pytest.raises(ImportFailure) as failure:
        file_import(path=tmp_path / SAMPLE, progress=False)
    assert str(failure.value).startswith(f"{SAMPLE}:")
    assert str(failure.value).endswith(errors.NOT_UTF8.format(byte=0xE9))
    assert Postcode.objects.count() == 0


def test_onspd_unknown_constituency_code(official_db, data_dir, tmp_path):
    from swingfund.elections.errors import ImportFailure

    lines = _sample_head(data_dir)
    lines[5] = lines[5].replace(lines[5].split(",")[19], "S14009999", 1)
    (tmp_path / SAMPLE).write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ImportFailure) as failure:
        file_import(path=tmp_path / SAMPLE, progress=False)
    message = errors.UNKNOWN_SEAT.format(code="S14009999", boundary_set="pcon2024")
    assert str(failure.value) == f"{SAMPLE}:6: column pcon: {message}"


def test_onspd_2025_column_names(official_db, data_dir, tmp_path):
    """ONSPD editions from 2025 call the constituency column `pcon24cd`; the same rows import the same way."""
    text = (data_dir / SAMPLE).read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    renamed = tmp_path / "ONSPD_FEB_2025_UK.csv"
    renamed.write_text(header.replace(",pcon,", ",pcon24cd,") + "\n" + rest, encoding="utf-8")
    summary = file_import(path=renamed, progress=False)
    assert summary.written == 8046
    assert constituency_for_postcode("AB10 1AA", boundary_set="pcon2024").name.startswith("Aberdeen")
