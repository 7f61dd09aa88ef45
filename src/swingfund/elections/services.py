"""Writes to the elections tables: importing official files.

Each file is imported in one transaction (all or nothing), under a DataSource keyed by the file's kind and
edition, so importing the same file twice replaces or updates its rows instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
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
from swingfund.elections.models import DataSource, Election, ElectionKind

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


# --- elections that have not happened yet ------------------------------------------------------------------

NOT_PARLIAMENTARY = (
    "'{election_id}' is not a UK Parliamentary election id: use parl.YYYY-MM-DD for a general election or "
    "parl.<seat-slug>.by.YYYY-MM-DD (Democracy Club's ballot id) for a by-election."
)
BAD_ID = "'{election_id}' is not a Democracy Club election id: {reason}"
BASELINE_UNKNOWN = "Baseline election '{baseline}' is not imported. Imported elections with results: {known}."
BASELINE_NOT_BEFORE = "The baseline {baseline} (polling day {baseline_poll}) must be polled before {poll}."
BY_SEAT_UNKNOWN = (
    "No {boundary_set} seat of the baseline {baseline} is named '{slug}' (the seat's name as a slug, e.g. "
    "runcorn-and-helsby): give its GSS code with --seat."
)
BY_SEAT_DISAGREES = "The ballot id names '{slug}' but seat {code} is {name} ('{expected}')."
BY_SEAT_NO_RESULT = "The baseline {baseline} has no result in {name} ({code}): choose a baseline that does."
KIND_CHANGED = "{election_id} is already a {kind}; it cannot become a {new}."
ALREADY_POLLED = "{election_id} has imported results: its polling date is a fact and cannot be moved."
NOT_FUTURE = "Polling day {poll} is not after today ({today}): an election added here lies in the future."


def _slug(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text.replace("&", "and"))


def election_add(*, election_id: str, baseline_id: str, today: dt.date, poll_date: dt.date | None = None,
                 provisional: bool = True, date_assumption: str = "", seat_code: str | None = None,
                 parliament_first_met: dt.date | None = None) -> tuple[Election | None, Election]:
    """Add (or, run again, update) an election that has not happened yet: the next general election by its
    Democracy Club id (`parl.YYYY-MM-DD`) on its baseline's boundaries, or a by-election by its ballot id
    (`parl.<seat-slug>.by.YYYY-MM-DD`, one seat). `poll_date` defaults to the id's date; `provisional` marks an
    expected (not announced) date. Returns (the row as it was before, or None; the row now), so the caller can
    say what changed. Bad input raises ValueError naming the problem, and nothing is written."""
    from uk_election_ids.election_ids import IdBuilder

    try:
        built = IdBuilder.from_id(election_id)
    except (ValueError, TypeError, KeyError) as exc:
        raise ValueError(BAD_ID.format(election_id=election_id, reason=exc)) from exc
    by = built.contest_type == "by"
    if built.election_type != "parl" or (not by and built.division) or (by and not built.division):
        raise ValueError(NOT_PARLIAMENTARY.format(election_id=election_id))
    id_date = built.date if isinstance(built.date, dt.date) else dt.date.fromisoformat(built.date)
    polling = poll_date or id_date
    if polling <= today:
        raise ValueError(NOT_FUTURE.format(poll=polling.isoformat(), today=today.isoformat()))
    baseline = Election.objects.filter(pk=baseline_id, results__isnull=False).distinct().first()
    if baseline is None:
        known = ", ".join(Election.objects.filter(results__isnull=False).distinct().values_list("id", flat=True))
        raise ValueError(BASELINE_UNKNOWN.format(baseline=baseline_id, known=known or "none"))
    if baseline.poll_date >= polling:
        raise ValueError(BASELINE_NOT_BEFORE.format(baseline=baseline.pk, baseline_poll=baseline.poll_date,
                                                    poll=polling.isoformat()))
    seat = None
    if by:
        seat = _by_election_seat(slug=built.division, code=seat_code, baseline=baseline)
    kind = ElectionKind.BY_ELECTION if by else ElectionKind.GENERAL
    before = Election.objects.filter(pk=election_id).first()
    if before is not None:
        if before.kind != kind:
            raise ValueError(KIND_CHANGED.format(election_id=election_id, kind=before.get_kind_display(),
                                                 new=ElectionKind(kind).label))
        if before.results.exists():
            raise ValueError(ALREADY_POLLED.format(election_id=election_id))
    name = (f"{seat.name} by-election" if seat else f"UK general election {polling.year}") + (
        " (expected date)" if provisional else "")
    fields = {"name": name, "poll_date": polling, "boundary_set": baseline.boundary_set, "notional": False,
              "kind": kind, "poll_date_provisional": provisional, "baseline": baseline, "seat": seat,
              "date_assumption": (date_assumption or "").strip()[:300] if provisional else ""}
    if parliament_first_met is not None or before is None:
        fields["parliament_first_met"] = parliament_first_met
    with transaction.atomic():
        after, _ = Election.objects.update_or_create(id=election_id, defaults=fields)
    return before, after


def _by_election_seat(*, slug: str, code: str | None, baseline: Election):
    from swingfund.elections.models import Constituency, Result

    seats = Constituency.objects.filter(boundary_set=baseline.boundary_set)
    if code:
        seat = seats.filter(gss_code=code.strip().upper()).first()
        if seat is None:
            raise ValueError(BY_SEAT_UNKNOWN.format(boundary_set=baseline.boundary_set, baseline=baseline.pk,
                                                    slug=code))
        if _slug(seat.name) != slug:
            raise ValueError(BY_SEAT_DISAGREES.format(slug=slug, code=seat.gss_code, name=seat.name,
                                                      expected=_slug(seat.name)))
    else:
        seat = next((s for s in seats if _slug(s.name) == slug), None)
        if seat is None:
            raise ValueError(BY_SEAT_UNKNOWN.format(boundary_set=baseline.boundary_set, baseline=baseline.pk,
                                                    slug=slug))
    if not Result.objects.filter(election=baseline, constituency=seat).exists():
        raise ValueError(BY_SEAT_NO_RESULT.format(baseline=baseline.pk, name=seat.name, code=seat.gss_code))
    return seat


def election_date_set(*, election_id: str, poll_date: dt.date, today: dt.date, provisional: bool | None = None,
                      date_assumption: str | None = None) -> tuple[Election, Election]:
    """Move a future election's polling date (and say whether it is still provisional). Returns (before, after)."""
    before = Election.objects.filter(pk=election_id).first()
    if before is None or before.baseline_id is None:
        known = ", ".join(Election.objects.filter(baseline__isnull=False).values_list("id", flat=True)) or "none"
        raise ValueError(f"'{election_id}' is not an election added with `swingfund election add` ({known}).")
    keep = before.poll_date_provisional if provisional is None else provisional
    _, after = election_add(
        election_id=election_id, baseline_id=before.baseline_id, today=today, poll_date=poll_date,
        provisional=keep, date_assumption=before.date_assumption if date_assumption is None else date_assumption,
        seat_code=before.seat.gss_code if before.seat_id else None)
    return before, after


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
