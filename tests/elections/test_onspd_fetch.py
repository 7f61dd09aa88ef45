"""`swingfund data fetch onspd` against a local stand-in serving a small archive in the ONSPD layout."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from django.core.management import call_command

from swingfund.elections import onspd
from swingfund.elections.errors import FetchFailure
from swingfund.elections.models import Postcode
from swingfund.elections.selectors import constituency_for_postcode
from swingfund.testing.onspd import OnspdServer, onspd_archive

SAMPLE = "onspd-sample-postcodes-aberdeen.csv"


@pytest.fixture
def archive(data_dir) -> bytes:
    return onspd_archive(csv_path=data_dir / SAMPLE)


def _expected(data_dir) -> dict[str, str]:
    with (data_dir / SAMPLE).open(encoding="utf-8") as handle:
        return {r["pcds"]: r["pcon"] for r in csv.DictReader(handle) if r["pcon"] and not r["pcon"].endswith("9999")}


def test_fetch_onspd_downloads_verifies_and_imports(official_db, data_dir, archive, tmp_path):
    expected = _expected(data_dir)
    out = io.StringIO()
    with OnspdServer(archive) as server:
        call_command("data", "fetch", "onspd", "--url", server.url, "--dest", str(tmp_path), "--no-progress",
                     "--sha256", hashlib.sha256(archive).hexdigest(), stdout=out)  # fmt: skip
    assert server.requests == 1
    assert Postcode.objects.filter(boundary_set="pcon2024").count() == len(expected)
    for pcds, pcon in list(expected.items())[::211]:
        assert constituency_for_postcode(pcds, boundary_set="pcon2024").gss_code == pcon
    assert "ONSPD_NOV_2025_UK.csv" in out.getvalue()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("truncate", "Connection broken|cut short"),
        ("not_zip", "not a zip archive"),
        ("sha", "does not match"),
        ("layout", "no Data/ONSPD_<MON>_<YEAR>_UK.csv inside"),
    ],
)
def test_a_bad_download_is_refused_and_nothing_imported(official_db, archive, tmp_path, damage, message):
    import zipfile

    payload, truncate, sha = archive, None, None
    if damage == "truncate":
        truncate = len(archive) // 2
    elif damage == "not_zip":
        payload = b"<html>Sign in</html>"
    elif damage == "sha":
        sha = "0" * 64
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr("postcodes.csv", "pcds,doterm,pcon\n")
        payload = buffer.getvalue()
    with OnspdServer(payload, truncate_to=truncate) as server, pytest.raises(FetchFailure, match=message):
        onspd.onspd_fetch(dest=tmp_path, url=server.url, sha256=sha, progress=False)
    assert not Postcode.objects.exists()
    assert not (tmp_path / "ONSPD_UK.zip").exists() or damage in {"not_zip", "layout"}
