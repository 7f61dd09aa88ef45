"""Opinion polls of Westminster voting intention: one row per poll (`swingfund polls import FILE`).

Columns (header names exact, any order):

* `pollster` — who ran it (as published);
* `fieldwork_start`, `fieldwork_end` — ISO dates (YYYY-MM-DD), end on or after start, neither after today;
* `sample_size` — respondents, a whole number ≥ 1;
* `area` — `GB` (Great Britain), `Scotland` or `Wales`;
* `illustrative` (optional) — `yes` for an invented poll (a demo), `no` or blank for a real one;
* every other column is a party, headed by its name or abbreviation as the pollster prints it (`Con`, `Lab`,
  `Reform UK`, a new party's name: a party that did not stand last time is allowed). A cell is that party's share
  **in percent** (0–100, as published); blank means the poll did not report it.

A row must report at least one party, and its shares may add up to at most `MAX_TOTAL_PERCENT` (published figures
are rounded to whole points, so a full row can add up to a little over 100). Two rows with the same pollster,
area and fieldwork dates are refused. Any error refuses the whole file with `FILE:LINE: column X: what is wrong`,
and nothing is written. Importing the same file again replaces the polls it brought the last time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from django.utils import timezone
from django.utils.text import slugify

from swingfund.elections import errors
from swingfund.elections.carriers import carrier_name
from swingfund.elections.importers.base import Importer, ProgressHook, Row, Schema
from swingfund.elections.models import DataSource, Party, Poll, PollArea, PollShare

MAX_TOTAL_PERCENT = 101.0
"""Rounded published shares of one poll may add up to this much (each of ~8 parties rounded by up to half a point
would allow more, but a row over 101 is far likelier a typing slip or a column shifted by one)."""
FIXED_COLUMNS = ("pollster", "fieldwork_start", "fieldwork_end", "sample_size", "area")
OPTIONAL_COLUMNS = ("illustrative",)
AREAS = {"gb": PollArea.GB, "great britain": PollArea.GB, "scotland": PollArea.SCOTLAND,
         "wales": PollArea.WALES}
OTHER_LABELS = frozenset({"other", "others", "oth", "all others", "other parties"})
"""Column labels that are the rest of the field, not a party: kept, averaged, never projected as a party."""
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}

NOT_A_DATE = "not a date in the form YYYY-MM-DD: {value!r}"
DATE_IN_FUTURE = "{value} is after today ({today}): a poll's fieldwork cannot end in the future"
END_BEFORE_START = "fieldwork ends ({end}) before it starts ({start})"
UNKNOWN_AREA = "unknown area {value!r} (expected GB, Scotland or Wales)"
SAMPLE_TOO_SMALL = "sample size must be at least 1 (got {value})"
SHARE_OVER_100 = "share {value!r} is over 100 (shares are in percent, 0–100)"
NO_SHARES = "the poll reports no party's share"
SHARES_OVER_TOTAL = "shares add up to {total:g} %, more than {limit:g} %: a slip or a shifted column?"
NOT_YES_NO = "expected yes or no, got {value!r}"
NO_PARTY_COLUMN = "the header has no party column (one column per party, e.g. Con, Lab, LD)"
BLANK_HEADER = "a party column has no name in the header"
DUPLICATE_COLUMN = "appears twice in the header (one column per party)"
DUPLICATE_POLL = "pollster, area and fieldwork dates"


@dataclass(frozen=True)
class PollRow:
    """One poll as read from the file, checked, before anything is written."""

    line: int
    pollster: str
    start: dt.date
    end: dt.date
    sample_size: int
    area: str
    illustrative: bool
    shares: dict[str, float]  # party label → share (0–1)


def party_lookup() -> dict[str, Party]:
    """Label (name or abbreviation, any case) → the imported Party; a party whose name is its own carrier wins
    over a joint description sharing its abbreviation (`Lab` is Labour, not Labour and Co-operative)."""
    out: dict[str, Party] = {}
    parties = sorted(Party.objects.all(), key=lambda p: (carrier_name(p.name) != p.name, p.name))
    for party in parties:
        for label in (party.name, party.abbreviation):
            if label:
                out.setdefault(label.strip().casefold(), party)
    return out


class OpinionPolls(Importer):
    key = "polls"
    title = "opinion polls (one row per poll)"
    publisher = "the pollsters named in each row"
    licence = ""
    order = 70
    schemas: ClassVar[tuple[Schema, ...]] = (Schema("one row per poll", frozenset(FIXED_COLUMNS)),)

    def source_key(self) -> str:
        """One DataSource per poll file (by name): importing it again replaces the polls it brought."""
        return f"polls-{slugify(self.path.stem)[:100] or 'file'}"

    def source_defaults(self) -> dict[str, object]:
        return {**super().source_defaults(), "title": f"Opinion polls ({self.path.name})"}

    def count_rows(self) -> int | None:
        return max(self.table.text.count("\n") - 1, 0)

    def party_columns(self) -> list[str]:
        columns = [c for c in self.table.header if c not in FIXED_COLUMNS and c not in OPTIONAL_COLUMNS]
        if any(not c for c in columns):
            raise self.table.fail(1, "header", BLANK_HEADER)
        if not columns:
            raise self.table.fail(1, "header", NO_PARTY_COLUMN)
        seen: set[str] = set()
        for column in self.table.header:
            if column.casefold() in seen:
                raise self.table.fail(1, column, DUPLICATE_COLUMN)
            seen.add(column.casefold())
        return columns

    def read(self, *, tick: ProgressHook) -> list[PollRow]:
        """Every row checked (see the module docstring); the first problem raises `FILE:LINE: column X: …`."""
        parties = self.party_columns()
        today = timezone.now().date()
        seen: dict[tuple, int] = {}
        out = []
        for row in self.table.rows():
            self.summary.rows += 1
            tick(1)
            poll = self._poll(row, parties=parties, today=today)
            key = (poll.pollster.casefold(), poll.area, poll.start, poll.end)
            if key in seen:
                raise row.fail("pollster", errors.DUPLICATE_ROW.format(what=DUPLICATE_POLL, line=seen[key]))
            seen[key] = row.line
            out.append(poll)
        if not out:
            raise self.table.fail(2, "-", errors.EMPTY_FILE)
        return out

    def _poll(self, row: Row, *, parties: list[str], today: dt.date) -> PollRow:
        pollster = row.text("pollster")
        if not pollster:
            raise row.fail("pollster", errors.BLANK_VALUE)
        start, end = _date(row, "fieldwork_start", today), _date(row, "fieldwork_end", today)
        if end < start:
            raise row.fail("fieldwork_end", END_BEFORE_START.format(end=end, start=start))
        sample = row.int("sample_size")
        if sample < 1:
            raise row.fail("sample_size", SAMPLE_TOO_SMALL.format(value=sample))
        area = AREAS.get(row.text("area").casefold())
        if area is None:
            raise row.fail("area", UNKNOWN_AREA.format(value=row.text("area")))
        flag = row.text("illustrative").casefold() if "illustrative" in row.cells else ""
        if flag not in YES | NO:
            raise row.fail("illustrative", NOT_YES_NO.format(value=row.text("illustrative")))
        shares: dict[str, float] = {}
        for column in parties:
            value = row.float(column)
            if value is None:
                continue
            if value > 100:
                raise row.fail(column, SHARE_OVER_100.format(value=row.text(column)))
            shares[column] = value / 100.0
        if not shares:
            raise row.fail(parties[0], NO_SHARES)
        total = sum(shares.values()) * 100
        if total > MAX_TOTAL_PERCENT + 1e-9:
            raise row.fail(parties[-1], SHARES_OVER_TOTAL.format(total=round(total, 2), limit=MAX_TOTAL_PERCENT))
        return PollRow(line=row.line, pollster=pollster, start=start, end=end, sample_size=sample, area=area,
                       illustrative=flag in YES, shares=shares)

    def run(self, *, source: DataSource, tick: ProgressHook) -> None:
        polls = self.read(tick=tick)
        Poll.objects.filter(source=source).delete()  # the file's earlier import (its shares cascade)
        known = set(party_lookup())
        created = Poll.objects.bulk_create([
            Poll(pollster=p.pollster, fieldwork_start=p.start, fieldwork_end=p.end, sample_size=p.sample_size,
                 area=p.area, illustrative=p.illustrative, line=p.line, source=source)
            for p in polls
        ])
        shares = [PollShare(poll=row, party_label=label, share=share)
                  for row, p in zip(created, polls, strict=True) for label, share in p.shares.items()]
        PollShare.objects.bulk_create(shares)
        self.summary.written = len(created) + len(shares)
        unknown = sorted({s.party_label for s in shares} - {s.party_label for s in shares
                                                             if s.party_label.casefold() in known | OTHER_LABELS})
        if known and unknown:
            self.summary.warnings.append(
                f"{', '.join(unknown)}: no imported party has this name or abbreviation (kept as a new party).")


def _date(row: Row, column: str, today: dt.date) -> dt.date:
    value = row.text(column)
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise row.fail(column, NOT_A_DATE.format(value=value)) from None
    if len(value) != 10:
        raise row.fail(column, NOT_A_DATE.format(value=value))
    if day > today:
        raise row.fail(column, DATE_IN_FUTURE.format(value=value, today=today))
    return day
