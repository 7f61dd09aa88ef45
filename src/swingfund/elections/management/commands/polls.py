"""`swingfund polls import FILE` and `swingfund polls list`: opinion polls in, and what is imported.

Parses arguments, calls `elections.services.polls_import` / `elections.selectors.polls_list`, prints. A bad file
prints one line `FILE:LINE: column X: what is wrong` on stderr and exits with status 2, with nothing written. The
file's format is in `swingfund/elections/importers/polls.py` (one row per poll, shares in percent).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.table import Table

from swingfund.elections.errors import ImportFailure
from swingfund.elections.selectors import polls_list
from swingfund.elections.services import polls_import

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = ("Import opinion polls (CSV, one row per poll: pollster, fieldwork_start, fieldwork_end, sample_size, "
            "area GB|Scotland|Wales, illustrative yes|no, then one column per party in percent), or list them.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        imp = sub.add_parser("import", help="Import a poll file (all or nothing; again replaces its polls).")
        imp.add_argument("file", type=Path)
        imp.add_argument("--no-progress", action="store_true", help="No progress bar (for scripts).")
        sub.add_parser("list", help="The imported polls, newest first.")

    def handle(self, *args, **options) -> None:
        if options["action"] == "list":
            self._list()
            return
        try:
            summary = polls_import(path=options["file"], progress=not options["no_progress"])
        except ImportFailure as exc:
            self.stderr.write(str(exc))
            raise SystemExit(EXIT_BAD_INPUT) from None
        polls = polls_list(source_key=summary.source_key)
        invented = sum(p.illustrative for p in polls)
        areas = ", ".join(f"{a} {n}" for a, n in _count(p.get_area_display() for p in polls).items())
        self.stdout.write(f"{summary.file}: imported {len(polls)} polls ({areas})"
                          + (f", {invented} of them illustrative (invented, not real polls)" if invented else "")
                          + ".")
        for warning in summary.warnings:
            self.stdout.write(f"note: {warning}")

    def _list(self) -> None:
        table = Table("pollster", "area", "fieldwork", "sample", "shares", "file", box=None)
        for poll in polls_list():
            shares = ", ".join(f"{s.party_label} {s.share * 100:g}" for s in poll.shares.all())
            name = poll.pollster + (" (illustrative)" if poll.illustrative else "")
            table.add_row(name, poll.area, f"{poll.fieldwork_start}–{poll.fieldwork_end}", f"{poll.sample_size:,}",
                          shares, f"{poll.source.file_name}:{poll.line}")
        Console(file=self.stdout, width=200).print(table)


def _count(values) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out
