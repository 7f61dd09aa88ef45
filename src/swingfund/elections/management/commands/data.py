"""`swingfund data import PATH…` and `swingfund data fetch`: official files in.

Parses arguments, calls `elections.services` / `elections.fetch`, prints summaries. A bad file prints one line
`FILE:LINE: column X: what is wrong` on stderr and exits with status 2, with nothing from that file written.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.table import Table

from swingfund.elections import fetch
from swingfund.elections.errors import NOTHING_IMPORTED, FetchFailure, ImportFailure
from swingfund.elections.selectors import data_sources
from swingfund.elections.services import file_import, folder_import

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = "Import official election files (results, candidates, census, postcodes) or fetch them from publishers."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        imp = sub.add_parser("import", help="Import files or folders (folders in dependency order).")
        imp.add_argument(
            "paths", nargs="*", type=Path, help="Files or folders (default: SWINGFUND_DATA, else the fetch cache)."
        )
        imp.add_argument("--no-progress", action="store_true", help="No progress bars (for scripts).")
        get = sub.add_parser("fetch", help="Download the official files into the cache, verifying checksums.")
        get.add_argument("--base-url", default=None, help="Fetch every file from BASE_URL/<file name> instead.")
        get.add_argument("--dest", type=Path, default=None, help=f"Cache folder (default {settings.SWINGFUND_CACHE}).")
        get.add_argument("--list", action="store_true", help="List the manifest and exit.")
        get.add_argument("--no-progress", action="store_true")
        get.add_argument("--url", default=None, help="For `fetch onspd`: the ONSPD edition's download link.")
        get.add_argument("--sha256", default=None, help="For `fetch onspd`: the archive's expected sha256.")
        get.add_argument("names", nargs="*", help="Only these file names (or `onspd`: the full postcode directory).")
        sub.add_parser("sources", help="List the imported official files: publisher, licence, rows, sha256.")

    def handle(self, *args, **options) -> None:
        try:
            if options["action"] == "import":
                self._import(options["paths"], progress=not options["no_progress"])
            elif options["action"] == "fetch":
                self._fetch(options, progress=not options["no_progress"])
            else:
                self._sources()
        except (ImportFailure, FetchFailure) as exc:
            self.stderr.write(str(exc))
            raise SystemExit(EXIT_BAD_INPUT) from None

    def _import(self, paths: list[Path], *, progress: bool) -> None:
        if not paths:
            paths = [Path(settings.SWINGFUND_DATA or settings.SWINGFUND_CACHE)]
            self.stdout.write(f"Importing the official files in {paths[0]}")
        for path in paths:
            summaries = (
                folder_import(folder=path, progress=progress)
                if path.is_dir()
                else [file_import(path=path, progress=progress)]
            )
            for summary in summaries:
                if summary.skipped:
                    self.stdout.write(f"skipped: {summary.file} — {summary.warnings[0]}")
                else:
                    self.stdout.write(summary.paragraph())
            if path.is_dir() and all(s.skipped for s in summaries):
                self.stderr.write(f"{path}: " + NOTHING_IMPORTED.format(skipped=len(summaries)))
                raise SystemExit(EXIT_BAD_INPUT)

    def _sources(self) -> None:
        table = Table("file", "publisher", "licence", "rows", "imported (UTC)", "sha256", box=None)
        for source in data_sources():
            table.add_row(
                source.file_name, source.publisher, source.licence, f"{source.rows:,}",
                source.imported_at.strftime("%Y-%m-%d %H:%M"), source.sha256[:12],
            )  # fmt: skip
        Console(file=self.stdout, width=200).print(table)

    def _fetch(self, options: dict, *, progress: bool) -> None:
        if options["names"] == ["onspd"]:
            from swingfund.elections.onspd import onspd_fetch

            summary = onspd_fetch(dest=options["dest"] or Path(settings.SWINGFUND_CACHE), url=options["url"],
                                  sha256=options["sha256"], progress=progress)  # fmt: skip
            self.stdout.write(summary.paragraph())
            return
        if options["list"]:
            for entry in fetch.MANIFEST:
                self.stdout.write(f"{entry.name}  {entry.sha256[:12]}…  {entry.url}")
            return
        fetched = fetch.files_fetch(
            dest=options["dest"] or Path(settings.SWINGFUND_CACHE),
            base_url=options["base_url"]
            or getattr(settings, "SWINGFUND_FETCH_BASE_URL", "")
            or os.environ.get("SWINGFUND_FETCH_BASE_URL")
            or None,
            names=options["names"] or None,
            progress=progress,
        )
        for line in fetched:
            self.stdout.write(line)
