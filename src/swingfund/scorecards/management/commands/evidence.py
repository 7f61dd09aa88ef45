"""`swingfund evidence import pledges|divisions FILE …`: import sourced evidence about candidates.
`swingfund evidence fetch divisions --division ID… …`: the same, read from the UK Parliament's Commons Votes API.

A malformed file stops with `FILE:LINE: column X: what is wrong`, exit status 2, and nothing written.
Unmatched rows are listed in the summary, never guessed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from swingfund.scorecards.importers.common import ImportFailure
from swingfund.scorecards.importers.commons_votes import fetch_divisions
from swingfund.scorecards.importers.divisions import import_divisions
from swingfund.scorecards.importers.pledges import PLEDGE_SAMPLE, PLEDGE_TEMPLATE, import_pledges
from swingfund.scorecards.services import organisation_get

PLEDGES_HELP = """\
Import pledge-survey answers: one CSV row per candidate × statement.

Columns: statement (the statement's short name; or give --statement), stance (agree, disagree, mixed, unknown;
yes/no), date (YYYY-MM-DD), source_url, and who answered: dc_person_id (Democracy Club person id), or gss_code
and name (as on the ballot). Optional: summary, note.

Template (header row only): pledges-template.csv, at /scorecards/pledges-template.csv on your site or
  {template}
Sample (filled in): pledges-sample.csv, at /scorecards/pledges-sample.csv or
  {sample}
Both are linked from the statements and evidence page (/scorecards/statements/)."""


class Command(BaseCommand):
    help = "Import evidence: pledge-survey answers or Commons division votes."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import an evidence file")
        kinds = imp.add_subparsers(dest="kind", required=True)
        pledges = kinds.add_parser(
            "pledges", help="pledge-survey CSV (one row per candidate × statement)",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            description=PLEDGES_HELP.format(template=PLEDGE_TEMPLATE, sample=PLEDGE_SAMPLE))
        pledges.add_argument("file", type=Path)
        pledges.add_argument("--organisation", required=True, help="organisation slug")
        pledges.add_argument("--election", required=True, help="e.g. parl.YYYY-MM-DD")
        pledges.add_argument("--statement", help="statement slug, when the file has no statement column")
        divisions = kinds.add_parser("divisions", help="Commons division votes CSV (one row per member × division)")
        divisions.add_argument("file", type=Path)
        divisions.add_argument("--organisation", required=True, help="organisation slug")
        divisions.add_argument("--statement", help="statement slug, when the file has no statement column")
        divisions.add_argument("--agree-when", choices=["aye", "no"], help="the vote that counts as agreement")
        divisions.add_argument("--important", default="", help="comma-separated ids of important divisions")
        divisions.add_argument("--all-important", action="store_true", help="treat every division as important")
        fetch = sub.add_parser("fetch", help="fetch evidence from its publisher")
        fetch_kinds = fetch.add_subparsers(dest="kind", required=True)
        votes = fetch_kinds.add_parser("divisions", help="Commons division votes from the Commons Votes API")
        votes.add_argument("--division", nargs="+", required=True, metavar="ID", help="Commons Votes division ids")
        votes.add_argument("--organisation", required=True, help="organisation slug")
        votes.add_argument("--statement", required=True, help="statement slug the divisions bear on")
        votes.add_argument("--agree-when", choices=["aye", "no"], required=True,
                           help="the vote that counts as agreement")
        votes.add_argument("--important", default="", help="comma-separated ids of important divisions")
        votes.add_argument("--all-important", action="store_true", help="treat every division as important")

    def handle(self, *args, action: str, kind: str, organisation: str, file: Path | None = None, **options):
        try:
            org = organisation_get(slug=organisation)
            if action == "fetch":
                report = fetch_divisions(
                    division_ids=options["division"], organisation=org, statement_slug=options["statement"],
                    agree_when=options["agree_when"], all_important=options["all_important"],
                    important=[i.strip() for i in options["important"].split(",") if i.strip()],
                )
            elif kind == "pledges":
                report = import_pledges(
                    path=file, organisation=org, election_id=options["election"], statement_slug=options["statement"]
                )
            else:
                report = import_divisions(
                    path=file,
                    organisation=org,
                    statement_slug=options["statement"],
                    agree_when=options["agree_when"],
                    all_important=options["all_important"],
                    important=[i.strip() for i in options["important"].split(",") if i.strip()],
                )
        except ImportFailure as exc:
            raise CommandError(str(exc), returncode=2) from None
        except (ValueError, ValidationError) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(f"{file or 'Commons Votes API'}: {message}", returncode=2) from None
        self.stdout.write(report.summary())
