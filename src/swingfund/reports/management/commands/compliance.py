"""`swingfund compliance …`: the legal figures in force, an election's dates, and the Electoral Commission returns.

    swingfund compliance figures [--election parl.YYYY-MM-DD | --on YYYY-MM-DD] [--nation E]
    swingfund compliance dates [--election parl.YYYY-MM-DD]
    swingfund compliance report donations|spending --election parl.YYYY-MM-DD --out FILE.csv
    swingfund compliance seed
    swingfund compliance status --organisation SLUG --form unincorporated_association [--registered-on DATE] …
    swingfund compliance spend --organisation SLUG --election parl.YYYY-MM-DD --incurred DATE --supplier NAME
        --amount POUNDS --category material --description TEXT [--nation S | --constituency GSS …] [--party NAME]

Bad input (an unknown election id, a date in the wrong format, no figure in force) prints one line naming the
problem on stderr and exits with status 2; a report file is written whole or not at all.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.table import Table

from swingfund.compliance.limits import VERIFY_FLAG
from swingfund.compliance.models import LegalForm
from swingfund.compliance.selectors import FigureNotInForce, figure_keys_missing, figure_table, figures_in_force
from swingfund.compliance.services import group_legal_status_set, legal_figures_seed
from swingfund.compliance.timetables import election_dates, poll_date
from swingfund.display import money
from swingfund.funding.rules import parse_pounds
from swingfund.organisations.models import Organisation
from swingfund.reports.models import SpendCategory
from swingfund.reports.returns_data import REPORTS
from swingfund.reports.services import campaign_spending_record

EXIT_BAD_INPUT = 2
BAD_DATE = "--on {value!r} is not a date in YYYY-MM-DD form"



def default_election() -> str:
    """The group's default election (its organisation's), else the latest imported."""
    from swingfund.organisations.selectors import group_defaults

    return group_defaults().election_id
UNKNOWN_ORGANISATION = "No organisation with the slug {slug!r}."


class Command(BaseCommand):
    help = "UK electoral-law figures in force, an election's regulated period and timetable, and the EC returns."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        figs = sub.add_parser("figures", help="Table of the figures in force on a date, with citations.")
        figs.add_argument("--election", default=None, help="Election id (default: the group's election).")
        figs.add_argument("--on", default=None, help="A date YYYY-MM-DD instead of an election's polling day.")
        figs.add_argument("--nation", default=None, choices=["E", "W", "S", "N"], help="Only UK-wide and this nation.")
        dates = sub.add_parser("dates", help="The regulated period and statutory timetable of an election.")
        dates.add_argument("--election", help="Election id (default: the group's election).")
        dates.add_argument("--nation", default=None, choices=["E", "W", "S", "N"])
        report = sub.add_parser("report", help="Write the donations or spending report (CSV) for the regulated period.")
        report.add_argument("kind", choices=list(REPORTS))
        report.add_argument("--election", required=True)
        report.add_argument("--out", required=True, type=Path)
        report.add_argument("--no-progress", action="store_true")
        report.add_argument("--organisation", default=None, help="Only this organisation's general campaign (slug).")
        sub.add_parser("seed", help="Add any figure from LAW.md missing from the table (edits are kept).")
        status = sub.add_parser("status", help="Record the group's legal form and registrations.")
        status.add_argument("--organisation", required=True, help="Organisation slug.")
        status.add_argument("--form", required=True, choices=LegalForm.values)
        status.add_argument("--company-number", default="")
        status.add_argument("--charity-number", default="")
        status.add_argument("--not-uk-based", action="store_true")
        status.add_argument("--registered-on", default=None, help="Date registered as a non-party campaigner.")
        status.add_argument("--ua-registered-on", default=None, help="Date registered as a UA.")
        spend = sub.add_parser("spend", help="Record one item of general-campaign spending (limits checked first).")
        spend.add_argument("--organisation", required=True)
        spend.add_argument("--election", required=True)
        spend.add_argument("--incurred", required=True, help="YYYY-MM-DD the group became committed to pay.")
        spend.add_argument("--paid", default=None)
        spend.add_argument("--supplier", required=True)
        spend.add_argument("--amount", required=True, help="Pounds, e.g. 250 or 1,025.50.")
        spend.add_argument("--category", required=True, choices=SpendCategory.values)
        spend.add_argument("--description", required=True)
        spend.add_argument("--nation", default=None, choices=["E", "W", "S", "N"])
        spend.add_argument("--constituency", action="append", default=[], help="GSS code; repeat for several.")
        spend.add_argument("--party", default=None, help="The party it promotes or opposes (targeted spending).")
        spend.add_argument("--party-authorised", action="store_true")
        spend.add_argument("--invoice", default="")
        spend.add_argument("--source-ref", default="")

    def handle(self, *args, **options) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except (ValueError, FigureNotInForce) as exc:
            self.stderr.write(str(exc))
            raise SystemExit(EXIT_BAD_INPUT) from None

    def _console(self) -> Console:
        return Console(file=self.stdout, width=160, force_terminal=False, color_system=None)

    def _figures(self, options: dict) -> None:
        if options["on"]:
            try:
                on = date.fromisoformat(options["on"])
            except ValueError:
                raise ValueError(BAD_DATE.format(value=options["on"])) from None
            title = f"Legal figures in force on {on.isoformat()}"
        else:
            election = options["election"] or default_election()
            on = poll_date(election_id=election)
            title = f"Legal figures in force for {election} (polling day {on.isoformat()})"
        table = Table(title=title, show_lines=False)
        for column in ("Figure", "Nation", "Value", "In force", "Citation", "Source"):
            table.add_column(column, overflow="fold")
        rows = [f for f in figures_in_force(on=on) if not options["nation"] or f.nation in {"", options["nation"]}]
        for fig in rows:
            flag = "" if fig.verified else f" {VERIFY_FLAG}"
            period = f"{fig.effective_from.isoformat()} – {fig.effective_to.isoformat() if fig.effective_to else 'now'}"
            table.add_row(fig.key, fig.nation or "UK", fig.display + flag, period, fig.citation, fig.source_url)
        console = self._console()
        console.print(table)
        missing = figure_keys_missing(on=on)
        if missing:
            console.print(f"No figure in force for: {', '.join(missing)} (add them in the admin).")

    def _dates(self, options: dict) -> None:
        dates = election_dates(figures=figure_table(), election_id=options["election"] or default_election(),
                               nation=options["nation"])
        table = Table(title=f"{dates.election_id}: regulated period {dates.regulated_period_start.isoformat()} – "
                            f"{dates.regulated_period_end.isoformat()}")
        for column in ("Date", "Event", "Source"):
            table.add_column(column)
        for row in dates.timetable:
            table.add_row(row.date.isoformat(), row.label, row.source)
        self._console().print(table)

    def _report(self, options: dict) -> None:
        progress = not options["no_progress"]
        organisation = self._organisation(options["organisation"]) if options["organisation"] else None
        report = REPORTS[options["kind"]](election_id=options["election"], progress=progress,
                                          organisation=organisation)
        out: Path = options["out"]
        out.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target and rename, so a failure never leaves half a report.
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(report.csv_text())
        os.replace(tmp, out)
        items = sum(1 for r in report.rows if r.get("LedgerTransaction"))
        self.stdout.write(f"Wrote {out} ({len(report.rows)} rows, {items} from the ledger). Figures used:")
        for fig in report.figures:
            self.stdout.write(f"  {fig.label}: {fig.display} ({fig.source})")

    def _seed(self, options: dict) -> None:
        added = legal_figures_seed()
        self.stdout.write(f"Added {added} legal figure(s) from LAW.md; existing rows unchanged.")

    def _organisation(self, slug: str):
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise ValueError(UNKNOWN_ORGANISATION.format(slug=slug))
        return organisation

    def _status(self, options: dict) -> None:
        status = group_legal_status_set(
            organisation=self._organisation(options["organisation"]), legal_form=options["form"],
            uk_based=not options["not_uk_based"], company_number=options["company_number"],
            charity_number=options["charity_number"],
            non_party_registered_on=_date("--registered-on", options["registered_on"]),
            ua_registered_on=_date("--ua-registered-on", options["ua_registered_on"]), recorded_by="command line")
        self.stdout.write(f"Recorded: {status}.")

    def _spend(self, options: dict) -> None:
        item = campaign_spending_record(
            organisation=self._organisation(options["organisation"]), election=options["election"],
            incurred_on=_date("--incurred", options["incurred"]), paid_on=_date("--paid", options["paid"]),
            supplier=options["supplier"], amount_pence=parse_pounds(options["amount"]), category=options["category"],
            constituencies=options["constituency"], nation=options["nation"], targets_party=options["party"],
            party_authorised=options["party_authorised"], description=options["description"],
            invoice_reference=options["invoice"], source_ref=options["source_ref"], recorded_by="command line")
        self.stdout.write(f"Recorded general-campaign item #{item.pk}: {money(item.amount_pence, short=True)} "
                          f"({item.get_area_display()}), ledger transaction #{item.transaction_id}.")


def _date(flag: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(BAD_DATE.format(value=value).replace("--on", flag)) from None
