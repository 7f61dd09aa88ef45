"""Downloading the official files into the cache, each checked against the sha256 of a known-good copy.

The manifest names, for each file, where the exact bytes are published (the public repository snapshot they
were taken from, at a fixed commit) and the publisher's own page. A few files are plain CSV conversions made
for this project (no public URL of their own): they are fetched only from a mirror (`--base-url`,
`SWINGFUND_FETCH_BASE_URL`) or read from `SWINGFUND_DATA`. A download that fails its checksum is not kept.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import requests
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from swingfund.elections.errors import CHECKSUM_MISMATCH, DOWNLOAD_FAILED, UNKNOWN_OFFICIAL_FILE, FetchFailure

CHUNK = 1 << 16
NO_PUBLIC_COPY = (
    "{name}: skipped, no public copy ({note}); fetch it from a mirror with --base-url or use SWINGFUND_DATA"
)
TIMEOUT_SECONDS = 60


def _gh(repo: str, commit: str, path: str) -> str:
    return f"https://raw.githubusercontent.com/{repo}/{commit}/{path}"


PARLITOOLS = ("evanodell/parlitools", "b22d58e7fea6a4a239cfc728206b2b6049f38d31")
COLM = ("InductiveStep/colm-test", "1c74adc233aa8dc96a6ce94a0bceefe1d4c0e1c1")
UKGE24 = ("ralphascott/UKGE24_wpc_census_summaries", "76dc1633b5ed417c2e6ee497231006e386e0c082")
HOC_2024 = "https://commonslibrary.parliament.uk/research-briefings/cbp-10009/"
HOC_2019 = "https://commonslibrary.parliament.uk/research-briefings/cbp-8749/"
HOC_2017 = "https://commonslibrary.parliament.uk/research-briefings/cbp-7979/"
ONS = "https://www.ons.gov.uk/census"
NRS = "https://www.scotlandscensus.gov.uk/"
BES = "https://www.britishelectionstudy.com/data-objects/linked-data/"
DC = "https://candidates.democracyclub.org.uk/data/"
ONSPD = "https://geoportal.statistics.gov.uk/search?q=ONSPD"


@dataclass(frozen=True)
class OfficialFile:
    name: str
    sha256: str
    url: str | None  # where these exact bytes are published; None for conversions made for this project
    publisher_page: str
    note: str = ""


MANIFEST: tuple[OfficialFile, ...] = (
    OfficialFile(
        "HoC-GE2024-results-by-constituency.csv",
        "041e5e52442391d29b38b6d830e7f4a192a098fc1d2824a33243cd0817fc1546",
        _gh(*COLM, "HoC-GE2024-results-by-constituency.csv"),
        HOC_2024,
    ),
    OfficialFile(
        "HoC-GE2024-results-by-candidate.csv",
        "2e06832dbeb5ddbea940ea841211c608950ab9d4819379d5669b6cd583182dc7",
        _gh(*COLM, "HoC-GE2024-results-by-candidate.csv"),
        HOC_2024,
    ),
    OfficialFile(
        "HoC-GE2019-results-by-constituency.csv",
        "2839c297df7e680c2c3e4faad88bdfdb372e67c66538425c4d738dc2096dc340",
        _gh(*PARLITOOLS, "data-raw/hocl-data/HoC-GE2019-results-by-constituency-csv.csv"),
        HOC_2019,
    ),
    OfficialFile(
        "HoC-GE2019-results-by-candidate.csv",
        "5d2fcff442077344a0bdd3e85eafa801186b74da474f228dead7caae95283284",
        _gh(*PARLITOOLS, "data-raw/hocl-data/HoC-GE2019-results-by-candidate.csv"),
        HOC_2019,
    ),
    OfficialFile(
        "HoC-GE2017-results-by-constituency.csv",
        "e41c1281aa2eed011f75022d6b386a3687c4920f0c8f0c9d3c3847836a35f241",
        _gh(*PARLITOOLS, "data-raw/hocl-data/HoC-GE2017-constituency-results.csv"),
        HOC_2017,
    ),
    OfficialFile(
        "HoC-GE2017-results-by-candidate.csv",
        "a84e7cd98180b8c47910a7c3b08aac41fc6c618e773d027429e71b30888d2b33",
        _gh(*PARLITOOLS, "data-raw/hocl-data/HoC-GE2017-results-by-candidate.csv"),
        HOC_2017,
    ),
    OfficialFile(
        "census2021-religion-by-pcon2024-EW.csv",
        "b4b0c32e7ac29dbc622052f5cc575e04e042b5d1e31ca7cfee04a57e6addf3b1",
        _gh(*UKGE24, "data/census/census21_wpc_religion.csv"),
        ONS,
    ),
    OfficialFile(
        "census2021-ethnicity6-by-pcon2024-EW.csv",
        "acdd210adae116589093de822e907e83d8751a3cab949fb2c22e1107c0fa959e",
        _gh(*UKGE24, "data/census/census21_wpc_ethnicity5.csv"),
        ONS,
    ),
    OfficialFile(
        "census2021-ethnicity20-by-pcon2024-EW.csv",
        "fe7b72ab0c5003052a00886049696eb2712bf81be9282fd7686781e232ef4d54",
        _gh(*UKGE24, "data/census/census21_wpc_ethnicity19.csv"),
        ONS,
    ),
    OfficialFile(
        "scotland-census2022-religion-by-pcon2024.xlsx",
        "c1c4121291d5cecb354ed8ff9a6365f226f844ecd458ae7f9eefd47a92ee46ac",
        _gh(*UKGE24, "data/census/scotland/sc_census22_wpc_religion.xlsx"),
        NRS,
    ),
    OfficialFile(
        "scotland-census2022-ethnicity-by-pcon2024.xlsx",
        "8c8e06f44df00eec26983321ea835b45898d8d047f48af7a25c1b35a5718a005",
        _gh(*UKGE24, "data/census/scotland/sc_census22_wpc_ethnicity.xlsx"),
        NRS,
    ),
    OfficialFile(
        "scotland-census2022-religion-by-pcon2024.csv",
        "d23b70d2b9c0b8f5999f92515377ffa14f5dbad95de19c977aba1742944762f3",
        None,
        NRS,
        "CSV conversion of the .xlsx workbook with a pcon24cd column added",
    ),
    OfficialFile(
        "scotland-census2022-ethnicity-by-pcon2024.csv",
        "1c566da6567e31648c48d3fbdcbba2fa1a8f4de89084f11663675f5ae818b9e3",
        None,
        NRS,
        "CSV conversion of the .xlsx workbook with a pcon24cd column added",
    ),
    OfficialFile(
        "GE2024-census-constituency-summaries-GB-v1.1.csv",
        "981cd8b104683c95ffe9b7af5a1dd1a8a2b3e6d728c506212b6b7915a327fe8c",
        _gh(
            UKGE24[0],
            "2065af1d99974fc5649ebc5ae1e3395d96908fee",
            "2024-UK-General-Election-Census-Constituency-Summaries-File-v1.1.csv",
        ),
        ONS,
    ),
    OfficialFile(
        "BES-2019-General-Election-results-file-v1.1.xlsx",
        "9676ff285dac2ea7768eeac862606444a99408d94a36dd7a3da10dbeba379a4a",
        _gh(
            "chrishanretty/pairwise_mps",
            "a11e77efc875abe6d0c62a91d6da04e85d9557fd",
            "data/BES-2019-General-Election-results-file-v1.1.xlsx",
        ),
        BES,
    ),
    OfficialFile(
        "BES-2019-General-Election-results-file-v1.1.csv",
        "4155fdf25b3fa1d39232a3385b99255a696b8eba9e3dcbbeda03d47f5fabe6a8",
        None,
        BES,
        "CSV conversion of sheet 'Data' of the BES workbook",
    ),
    OfficialFile(
        "democracyclub-candidates-parl.2019-12-12.csv",
        "dc45afbe5c4d2504a35fd06ba729b9dbe52f07189a278fbcdbc03c68080a329d",
        _gh(
            "evanodell/parlitools",
            "a332a94d2e29f9ac81cfe3d52c8dac1b7715e4f2",
            "data-raw/candidates-parl.2019-12-12.csv",
        ),
        DC,
    ),
    OfficialFile(
        "democracyclub-candidates-parl.2024-07-04-snapshot-2024-05-22.csv",
        "f21d0415119cb5af8cf2309aec550c491eb79ec67e1f9595e46a2b2c1e366de5",
        _gh(
            "open-innovations/constituencies",
            "6424864197636055c3f0a9215f7df494053e59e8",
            "pipelines/society/ge-2024-candidates.csv",
        ),
        DC,
    ),
    OfficialFile(
        "onspd-sample-postcodes-aberdeen.csv",
        "4cea4bb214c0f6bd94ec155e1caa2153ba546795c0ff36ed133f359bd56a2a56",
        _gh("ideal-postcodes/postcodes.io", "cacbc7f065b0b1f6f66dfb7b946aa27590702bc4", "test/seed/postcode.csv"),
        ONSPD,
    ),
    OfficialFile(
        "hexmap-uk-constituencies-2024.hexjson",
        "7a99cbd2f9574ee7e3fcb55a106189b7342d35c899e96554f51c06b6c73469d0",
        _gh(
            "open-innovations/constituencies",
            "8c28561bc48cf1a8b947b51becf2e4e4ae1162e7",
            "src/_data/hexjson/uk-constituencies-2024.hexjson",
        ),
        "https://open-innovations.org/projects/hexmaps/",
    ),
    OfficialFile(
        "hexmap-uk-constituencies-2010.hexjson",
        "4d0106d5ec6f73b283f55ed4ad93b5a3323cd2374d27d6bcb31bc5d94a642f87",
        _gh(
            "open-innovations/constituencies",
            "8c28561bc48cf1a8b947b51becf2e4e4ae1162e7",
            "src/_data/hexjson/constituencies.hexjson",
        ),
        "https://open-innovations.org/projects/hexmaps/",
    ),
)
# Postcode → 2010-review constituency as regular expressions (one JSON file per first letter), derived from the
# ONSPD February 2021 edition by John Noel.
REGEX_FOLDER = "postcode-regex-pcon2010"
REGEX_REPO = ("johnnoel/uk-parliamentary-constituency-postcode-lookup", "4734ba55232dbfeff1c6de807af74aa244f12886")
REGEX_SHA256 = {
    "A": "6463d1bba083655b33924f3511ecaa7cccc8d5fbe07df3a1cfe4af96e43d2fa1",
    "B": "3e4062914d12ce04264f57a31df210ce71784a693fc0ff825de241e6a16e8e34",
    "C": "3b1071affd32fe41a4503868e262fed53bae10c3a873ea92adb62102807c3dda",
    "D": "c069c7135d3f75f2fc5a0f5cfb7c2ce179262d7b849b27f1c393d0a7921ac0d9",
    "E": "6f7984840f8689f026ef54353515bbc8ffd7cb39581ea28068a71620ae55f676",
    "F": "58bdc1263427e228b0429d0bb1edc97833cdfce2d051c89df51378a87f15d3a3",
    "G": "9f6f83d7cadcbbd0d2e3103ce60eb3a1387cfa37955a63612b76a4e21575d6da",
    "H": "b567039015739f7815261f79fa061138db75771f157389ac4736d072a646fec8",
    "I": "3f038723c144bff046034cb8e754f94da6bd412d923c11c2eed0116a10667f06",
    "J": "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
    "K": "335cc2782613916aa671c054214523e5382dc433f605707b87046521499cac32",
    "L": "fd7fed63c3ce46563d32403e6daf680d010d826257e102f81c77a7eed4c0590b",
    "M": "7b3f14a55ac4bb72b54bd0707f4e4600467eddc7f8dffc014594a84e9c368c0d",
    "N": "8ff24b36cecd226dc18760e5c7e9a535be5bfc5945a957a6d8a5dc804493bc17",
    "O": "ff5d8a16baf88e01a3d501ba097f6d9cb3bd9f23993dba9d4f8fe2dcc68fd283",
    "P": "14c34862b3a36354a08c9306ae574dff2e65e981503f277400c0db03eae598fb",
    "Q": "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
    "R": "6f22be432312f63c115ccd88edd8327a7585d933a8333f84044982c8e8901485",
    "S": "4241a226d7a4aa9bb5fe078443b5cb960528eebce0b2b18ec857dbf40e50d2d4",
    "T": "6dc7677c8a77c738e3d684e6259dfd2a56361752e194b7934c3587442310d6a3",
    "U": "97915bfc403c3bd9f03a81f80a7c0b5956ac295d7ae045d803746afda5f70c3a",
    "V": "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
    "W": "08c43f0b2e2a2ce8ec0392497c0533ee76f6fe9a97e5bb8cbbdb8b6f6ac614b4",
    "X": "ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356",
    "Y": "850beda6b406c5cfc48ea6bd016f35ad7cd1ce4f082633923579da86c5dc51b3",
    "Z": "5aaffbca5f1bdf833c56fdd92a2af55deb88c8515a3cd68f9081cebae245b037",
}
MANIFEST += tuple(
    OfficialFile(f"{REGEX_FOLDER}/{letter}.json", sha, _gh(*REGEX_REPO, f"public/data/{letter}.json"), ONSPD)
    for letter, sha in REGEX_SHA256.items()
)
BY_NAME = {entry.name: entry for entry in MANIFEST}


def entry_url(entry: OfficialFile, *, base_url: str | None) -> str | None:
    if base_url:
        return f"{base_url.rstrip('/')}/{entry.name}"
    return entry.url


def file_fetch(*, entry: OfficialFile, dest: Path, base_url: str | None, progress: Progress | None) -> Path:
    """Download one file into `dest`, verifying its sha256; an existing good copy is kept as is."""
    target = dest / entry.name
    if target.is_file() and _sha256(target) == entry.sha256:
        return target
    url = entry_url(entry, base_url=base_url)
    if url is None:
        raise FetchFailure(
            DOWNLOAD_FAILED.format(
                name=entry.name,
                url="(none)",
                reason=f"no public copy: {entry.note}; use --base-url with a mirror, or SWINGFUND_DATA",
            )
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        try:
            with requests.get(url, stream=True, timeout=TIMEOUT_SECONDS) as response:
                response.raise_for_status()
                total = int(response.headers.get("Content-Length") or 0) or None
                task = progress.add_task(entry.name, total=total) if progress else None
                with os.fdopen(fd, "wb") as out:
                    for chunk in response.iter_content(CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        if progress is not None:
                            progress.advance(task, len(chunk))
        except requests.RequestException as exc:
            raise FetchFailure(DOWNLOAD_FAILED.format(name=entry.name, url=url, reason=exc)) from None
        got = digest.hexdigest()
        if got != entry.sha256:
            raise FetchFailure(CHECKSUM_MISMATCH.format(name=entry.name, got=got, expected=entry.sha256))
        os.replace(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return target


def files_fetch(
    *, dest: Path, base_url: str | None = None, names: list[str] | None = None, progress: bool = True
) -> list[str]:
    """Fetch the manifest's files (or only `names`) into `dest`; returns one line per file."""
    unknown = [n for n in names or [] if n not in BY_NAME]
    if unknown:
        raise FetchFailure(UNKNOWN_OFFICIAL_FILE.format(name=unknown[0]))
    entries = [BY_NAME[n] for n in names] if names else list(MANIFEST)
    lines: list[str] = []
    columns = [TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn()]
    with Progress(*columns, console=Console(stderr=True), disable=not progress) as bar:
        for entry in entries:
            if entry_url(entry, base_url=base_url) is None and not (dest / entry.name).is_file():
                lines.append(NO_PUBLIC_COPY.format(name=entry.name, note=entry.note))
                continue
            path = file_fetch(entry=entry, dest=dest, base_url=base_url, progress=bar)
            lines.append(f"{entry.name}: sha256 ok → {path}")
    return lines


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
