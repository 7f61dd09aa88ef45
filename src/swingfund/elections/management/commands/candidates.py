"""`swingfund candidates add | import | status | link | list`: prospective candidates for an election to come.

Parses arguments, calls `elections.candidacies`, prints what was written. Bad input prints every problem on stderr
(one per CSV line for an import) and exits with status 2, with nothing written.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from swingfund.elections.candidacies import (
    CandidacyError,
    candidacies_import,
    candidacy_add,
    candidacy_link,
    candidacy_status_set,
)
from swingfund.elections.models import Candidacy

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = "Prospective candidates: add by hand, import a CSV, mark withdrawn or not nominated, link, list."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        add = sub.add_parser("add", help="Add one prospective candidate by hand.")
        add.add_argument("--election", required=True, help="Democracy Club election id, e.g. parl.2029-05-03")
        add.add_argument("--seat", required=True, help="GSS code (E14001305) or exact seat name")
        add.add_argument("--name", required=True)
        add.add_argument("--party", required=True, help="Party name or abbreviation (Independent for none)")
        add.add_argument("--source", required=True, help="URL of the page announcing the candidacy")
        add.add_argument("--announced", required=True, help="Date announced, YYYY-MM-DD")
        add.add_argument("--dc-person-id", type=int, default=None, help="Democracy Club person id, if known")
        add.add_argument("--email", default="", help="Published contact address (for the candidate survey)")
        add.add_argument("--illustrative", action="store_true", help="Invented (demo) data, labelled so")
        add.add_argument("--declared", default=None,
                         help="Day the person became a candidate in law (declared, RPA 1983 s.118A), YYYY-MM-DD; "
                              "grants are allowed from it")
        imp = sub.add_parser("import", help="Import a CSV: name, party, seat, source URL, date announced.")
        imp.add_argument("file", type=Path)
        imp.add_argument("--election", required=True)
        imp.add_argument("--illustrative", action="store_true")
        status = sub.add_parser("status", help="Mark a candidacy withdrawn or not nominated (never deleted).")
        status.add_argument("candidacy", type=int, help="Candidacy number (see `candidates list`)")
        status.add_argument("status", choices=["standing", "withdrawn", "not-nominated"])
        status.add_argument("--source", default="", help="URL of the page that says so")
        status.add_argument("--on", default=None, help="Date of the change, YYYY-MM-DD (default today)")
        link = sub.add_parser("link", help="Give a hand-entered candidacy its Democracy Club person id.")
        link.add_argument("candidacy", type=int)
        link.add_argument("dc_person_id", type=int)
        listing = sub.add_parser("list", help="The candidacies of an election, with their status and source.")
        listing.add_argument("--election", required=True)

    def handle(self, *args, **options) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except CandidacyError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise SystemExit(EXIT_BAD_INPUT) from None

    def _add(self, o: dict) -> None:
        candidacy, note = candidacy_add(
            election_id=o["election"], seat=o["seat"], name=o["name"], party=o["party"], source_url=o["source"],
            announced=o["announced"], dc_person_id=o["dc_person_id"], email=o["email"],
            illustrative=o["illustrative"], declared=o["declared"],
        )
        self.stdout.write(f"Added candidacy #{candidacy.pk}: {self._line(candidacy)}")
        if candidacy.became_candidate_on:
            self.stdout.write(f"A candidate in law from {candidacy.became_candidate_on.isoformat()} (declared).")
        if note:
            self.stdout.write(note)

    def _import(self, o: dict) -> None:
        report = candidacies_import(path=o["file"], election_id=o["election"], illustrative=o["illustrative"])
        self.stdout.write(
            f"{o['file'].name}: {len(report.created)} candidacies added, {len(report.updated)} updated "
            f"for {o['election']}."
        )
        for note in report.notes:
            self.stdout.write(note)

    def _status(self, o: dict) -> None:
        import datetime as dt

        try:
            on = dt.date.fromisoformat(o["on"]) if o["on"] else None
        except ValueError:
            raise CandidacyError([f"--on: {o['on']!r} is not a date: write it as YYYY-MM-DD"]) from None
        candidacy = candidacy_status_set(candidacy_id=o["candidacy"], status=o["status"], on=on,
                                         source_url=o["source"])
        self.stdout.write(f"Candidacy #{candidacy.pk} is now {candidacy.get_status_display()} "
                          f"(from {candidacy.status_changed_on}): {self._line(candidacy)}")

    def _link(self, o: dict) -> None:
        candidacy = candidacy_link(candidacy_id=o["candidacy"], dc_person_id=o["dc_person_id"])
        self.stdout.write(f"Candidacy #{candidacy.pk} is Democracy Club person {o['dc_person_id']}: "
                          f"{self._line(candidacy)}")

    def _list(self, o: dict) -> None:
        rows = (Candidacy.objects.filter(election_id=o["election"]).select_related("party", "constituency", "person")
                .order_by("constituency__name", "person_name"))
        for c in rows:
            self.stdout.write(f"#{c.pk}  {self._line(c)}  [{c.get_status_display()}]"
                              + (f"  {c.source_url}" if c.source_url else ""))

    @staticmethod
    def _line(c: Candidacy) -> str:
        dc = f", Democracy Club {c.person.dc_person_id}" if c.person and c.person.dc_person_id else ""
        label = " (illustrative)" if c.illustrative else ""
        return f"{c.person_name} ({c.party or 'no party'}{dc}) in {c.constituency.name}, {c.election_id}{label}"
