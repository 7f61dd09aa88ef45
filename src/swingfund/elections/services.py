"""Writes to the elections tables: importing official files.

Each file is imported in one transaction (all or nothing), under a DataSource keyed by the file's kind and
edition, so importing the same file twice replaces or updates its rows instead of duplicating them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from swingfund.elections.errors import ImportFailure
from swingfund.elections.importers import detect, importer_for
from swingfund.elections.importers.base import ImportSummary
from swingfund.elections.models import DataSource

HASH_CHUNK = 1 << 20
SAME_AS_CSV = "the same table as {csv}, which is imported instead (faster to read)"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def progress_ticker(
    *, label: str, total: int | None, enabled: bool, in_bytes: bool = False
) -> Iterator[Callable[[int], None]]:
    """A `tick(n)` callable advancing a rich progress bar on stderr (a no-op when disabled). Streaming
    importers count bytes read (`in_bytes`), the others rows."""
    if not enabled:
        yield lambda n: None
        return
    counter = DownloadColumn() if in_bytes else MofNCompleteColumn()
    columns = [TextColumn("{task.description}"), BarColumn(), counter, TimeElapsedColumn(), TimeRemainingColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        task = progress.add_task(label, total=total)
        pending = 0

        def tick(n: int) -> None:
            nonlocal pending
            pending += n
            if pending >= 500:
                progress.advance(task, pending)
                pending = 0

        yield tick
        progress.advance(task, pending)


def file_import(*, path: Path, progress: bool = True) -> ImportSummary:
    """Import one official file (format recognised from its header) in one transaction; return its summary.

    Raises ImportFailure (`FILE:LINE: column X: …`) and writes nothing when the file is wrong.
    """
    path = Path(path)
    importer = importer_for(path)
    sha256 = file_sha256(path)
    with (
        progress_ticker(
            label=path.name, total=importer.count_rows(), enabled=progress, in_bytes=importer.streaming
        ) as tick,
        transaction.atomic(),
    ):
        source, _ = DataSource.objects.update_or_create(
            key=importer.source_key(),
            defaults={
                **importer.source_defaults(),
                "file_name": path.name,
                "sha256": sha256,
                "imported_at": timezone.now(),
            },
        )
        importer.run(source=source, tick=tick)
        source.rows = importer.summary.rows
        source.save(update_fields=["rows"])
    importer.summary.source_key = source.key
    return importer.summary


def folder_import(*, folder: Path, progress: bool = True) -> list[ImportSummary]:
    """Import every recognised file in a folder, in dependency order (seats and results first, then candidates,
    then Democracy Club, census and postcodes). Unrecognised files come back as summaries with `skipped` set,
    as does a workbook beside its own CSV conversion (`X.xlsx` next to `X.csv`)."""
    folder = Path(folder)
    planned: list[tuple[int, str, Path]] = []
    skipped: list[ImportSummary] = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        if path.suffix.lower() == ".xlsx" and path.with_suffix(".csv").is_file():
            note = SAME_AS_CSV.format(csv=path.with_suffix(".csv").name)
            skipped.append(ImportSummary(file=path.name, importer="", title="", skipped=True, warnings=[note]))
            continue
        try:
            importer, _schema = detect(path)
        except ImportFailure as exc:
            skipped.append(ImportSummary(file=path.name, importer="", title="", skipped=True, warnings=[str(exc)]))
            continue
        planned.append((importer.order, path.name, path))
    summaries = [file_import(path=path, progress=progress) for _, _, path in sorted(planned)]
    return summaries + skipped


NOT_A_POLL_FILE = "not a poll file: its header is {title}, not one row per poll ({columns})"
POLL_PROGRESS_FROM = 200  # rows: a shorter poll file imports without a progress bar


def polls_import(*, path: Path, progress: bool = True) -> ImportSummary:
    """Import a poll file (`importers/polls.py`: one row per poll) in one transaction; return its summary.

    Another official file is refused (use `swingfund data import` for it); a bad row raises ImportFailure
    (`FILE:LINE: column X: …`) with nothing written. The progress bar shows for files of `POLL_PROGRESS_FROM` rows
    or more."""
    from swingfund.elections.importers.polls import FIXED_COLUMNS, OpinionPolls

    path = Path(path)
    importer, _ = detect(path)
    if importer is not OpinionPolls:
        raise ImportFailure(file=path.name, line=1, column="header", message=NOT_A_POLL_FILE.format(
            title=importer.title, columns=", ".join(FIXED_COLUMNS)))
    if progress:
        with path.open("rb") as handle:
            progress = sum(1 for _ in handle) > POLL_PROGRESS_FROM
    return file_import(path=path, progress=progress)
