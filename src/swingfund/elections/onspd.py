"""`swingfund data fetch onspd`: download the ONS Postcode Directory, verify it, import postcode → constituency.

The ONS publishes each ONSPD edition (February, May, August, November) on the Open Geography Portal as a zip:
`Data/ONSPD_<MON>_<YEAR>_UK.csv` (the whole UK in one CSV), `Data/multi_csv/…` (the same by postcode area),
`Documents/…` and a user guide. The address is configurable (`SWINGFUND_ONSPD_URL` or `--url`), since each
edition has its own download link.

Verification, as the ONS publishes no checksum: the download's size matches its Content-Length, every member
of the zip passes its CRC (`ZipFile.testzip`), the UK CSV is present and its header has the columns the importer
needs (`pcds`, `doterm`, and `pcon` or `pcon24cd`), and — when given (`--sha256`) — the archive's sha256 matches.
Then the existing ONSPD importer (`importers/postcodes.py`) loads the CSV in one transaction, with progress.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

import requests
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from swingfund.elections.errors import CHECKSUM_MISMATCH, DOWNLOAD_FAILED, FetchFailure
from swingfund.elections.importers.base import ImportSummary

# The ONS Open Geography Portal item of the ONSPD (its "Download" link); set SWINGFUND_ONSPD_URL for an edition.
DEFAULT_URL = "https://www.arcgis.com/sharing/rest/content/items/b8923135b24b42c0a9c0e5acdd1a462b/data"
UK_CSV = re.compile(r"^(?:.*/)?Data/ONSPD_[A-Z]{3}_\d{4}_UK\.csv$")
NEEDED = ({"pcds", "doterm", "pcon"}, {"pcds", "doterm", "pcon24cd"})
NOT_A_ZIP = "{name}: not a zip archive (is the URL the edition's download link?)"
BAD_MEMBER = "{name}: member {member} fails its CRC check: the download is damaged"
NO_UK_CSV = "{name}: no Data/ONSPD_<MON>_<YEAR>_UK.csv inside: not the ONSPD layout"
BAD_HEADER = "{name}: {member} lacks the columns pcds, doterm and pcon (or pcon24cd): not an ONSPD file"
SHORT = "{name}: received {got:,} bytes but the server announced {expected:,}: the download was cut short"
TIMEOUT_SECONDS = 120


def onspd_url() -> str:
    return os.environ.get("SWINGFUND_ONSPD_URL") or DEFAULT_URL


def onspd_download(*, url: str, dest: Path, progress: bool = True, sha256: str | None = None) -> Path:
    """Download the archive into `dest` (kept only once verified); returns its path."""
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / "ONSPD_UK.zip"
    digest, size = hashlib.sha256(), 0
    fd, tmp = tempfile.mkstemp(dir=dest, prefix=".onspd.")
    columns = [TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn()]
    try:
        with Progress(*columns, console=Console(stderr=True), disable=not progress) as bar:
            try:
                with requests.get(url, stream=True, timeout=TIMEOUT_SECONDS) as response:
                    response.raise_for_status()
                    total = int(response.headers.get("Content-Length") or 0) or None
                    task = bar.add_task("ONSPD (download)", total=total)
                    with os.fdopen(fd, "wb") as out:
                        for chunk in response.iter_content(1 << 16):
                            out.write(chunk)
                            digest.update(chunk)
                            size += len(chunk)
                            bar.advance(task, len(chunk))
            except requests.RequestException as exc:
                raise FetchFailure(DOWNLOAD_FAILED.format(name="ONSPD", url=url, reason=exc)) from None
        if total is not None and size != total:
            raise FetchFailure(SHORT.format(name="ONSPD", got=size, expected=total))
        if sha256 and digest.hexdigest() != sha256.lower():
            raise FetchFailure(CHECKSUM_MISMATCH.format(name="ONSPD", got=digest.hexdigest(), expected=sha256))
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def onspd_extract(*, archive: Path, dest: Path) -> Path:
    """Verify the archive and extract its UK CSV into `dest`; returns the CSV's path."""
    name = archive.name
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile:
        raise FetchFailure(NOT_A_ZIP.format(name=name)) from None
    with zf:
        bad = zf.testzip()
        if bad is not None:
            raise FetchFailure(BAD_MEMBER.format(name=name, member=bad))
        members = [m for m in zf.namelist() if UK_CSV.match(m)]
        if not members:
            raise FetchFailure(NO_UK_CSV.format(name=name))
        member = members[0]
        with zf.open(member) as raw:
            header = set(next(csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig"))))
        if not any(need <= header for need in NEEDED):
            raise FetchFailure(BAD_HEADER.format(name=name, member=member))
        out = dest / Path(member).name
        with zf.open(member) as src, out.open("wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
    return out


def onspd_fetch(*, dest: Path, url: str | None = None, sha256: str | None = None,
                progress: bool = True) -> ImportSummary:  # fmt: skip
    """Download, verify and import the ONSPD's postcode → constituency columns."""
    from swingfund.elections.services import file_import

    archive = onspd_download(url=url or onspd_url(), dest=dest, progress=progress, sha256=sha256)
    path = onspd_extract(archive=archive, dest=dest)
    return file_import(path=path, progress=progress)
