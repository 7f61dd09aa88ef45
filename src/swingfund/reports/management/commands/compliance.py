"""`swingfund compliance …`: the legal figures in force, an election's dates, and the Electoral Commission returns.

    swingfund compliance figures [--election parl.YYYY-MM-DD | --on YYYY-MM-DD] [--nation E]
    swingfund compliance dates [--election parl.YYYY-MM-DD]
    swingfund compliance report donations|spending --election parl.YYYY-MM-DD --out FILE.csv
    swingfund compliance seed
    swingfund compliance status --organisation SLUG --form unincorporated_association [--registered-on DATE] …
    swingfund compliance spend --organisation SLUG --election parl.YYYY-MM-DD --incurred DATE --supplier NAME
        --amount POUNDS --category material --description TEXT [--nation S | --constituency GSS …] [--party NAME]
    swingfund compliance material --organisation SLUG --incurred DATE --supplier NAME --amount POUNDS
        --description TEXT --constituency GSS … [--election ID] [--candidacy ID …] [--text FILE]
        (a leaflet, advert or share kit: classified and checked before it goes out, s.75 RPA 1983 or PPERA)
    swingfund compliance authority --organisation SLUG --candidacy ID --agent NAME --agent-address TEXT
        --authorised-on DATE --limit POUNDS --document FILE   (the election agent's written authority, s.75 RPA 1983)

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
from rich.text import Text

from swingfund.compliance.limits import VERIFY_FLAG
from swingfund.compliance.models import LegalForm
from swingfund.compliance.selectors import FigureNotInForce, figure_keys_missing, figures_in_force
from swingfund.compliance.selectors_bydate import counted_period_for, election_dates_for, election_poll_date
from swingfund.compliance.services import agent_authority_record, group_legal_status_set, legal_figures_seed
from swingfund.display import money
from swingfund.funding.rules import parse_pounds
from swingfund.organisations.models import Organisation
from swingfund.organisations.selectors import organisation_get
from swingfund.reports.models import SpendCategory
from swingfund.reports.returns_data import REPORTS
from swingfund.reports.services import campaign_spending_record

EXIT_BAD_INPUT = 2
BAD_DATE = "--on {value!r} is not a date in YYYY-MM-DD form"



def default_election() -> str:
    """The group's default election (its organisation's), else the latest imported."""
    from swingfund.organisations.selectors import group_defaults

    return group_defaults().election_id
UNKNOWN_CANDIDACY = "No candidacy with the id {id}."
UNKNOWN_SEATS = "Not constituencies of the 2024 boundaries: {codes}."
CANDIDACY_NOT_REACHED = "Candidacy {ids}: no such candidacy in the constituencies the material reaches."
UNREADABLE_DOCUMENT = "Cannot read the authority's copy {path}: {error}."


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
        report.add_argument("--organisation", default=None,
                            help="The group whose returns these are (slug; default: the only group).")
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
        spend.add_argument("--claim", default="", choices=["unpaid", "disputed"],
                           help="The supplier's claim is not paid yet (unpaid) or is disputed: no money leaves the "
                                "bank until `compliance claim-paid`; the return lists it apart.")
        spend.add_argument("--claimed", default=None, help="YYYY-MM-DD the supplier's claim was made.")
        claim = sub.add_parser("claim-paid", help="Pay an unpaid or disputed claim recorded earlier: the money "
                                                   "leaves the bank on the day paid.")
        claim.add_argument("item", type=int, help="The general-campaign item's number (as `spend` printed it).")
        claim.add_argument("--paid", required=True, help="YYYY-MM-DD the claim was paid.")
        mat = sub.add_parser("material", help="Record material before it goes out: its cost in the seats it reaches "
                                              "is spending about each candidate it names (s.75), else general.")
        mat.add_argument("--organisation", required=True)
        mat.add_argument("--election", default=None, help="Default: the election whose regulated period it is in.")
        mat.add_argument("--incurred", required=True, help="YYYY-MM-DD the group became committed to pay.")
        mat.add_argument("--supplier", required=True)
        mat.add_argument("--amount", required=True, help="Pounds, split equally across the seats.")
        mat.add_argument("--description", required=True)
        mat.add_argument("--constituency", action="append", required=True, help="GSS code; repeat for several.")
        mat.add_argument("--candidacy", action="append", type=int, default=[],
                         help="A candidacy the material names, backs or opposes (its id); repeat for several.")
        mat.add_argument("--text", type=Path, default=None, help="The material's words (candidates' names found).")
        mat.add_argument("--source-ref", default="")
        auth = sub.add_parser("authority", help="Record an election agent's written authority to spend about their "
                                                "candidate beyond the permitted sum, with a copy of the document.")
        auth.add_argument("--organisation", required=True)
        auth.add_argument("--candidacy", required=True, type=int, help="The candidacy's id.")
        auth.add_argument("--agent", required=True, help="The election agent's name.")
        auth.add_argument("--agent-address", required=True, help="Where costs are reported to the agent.")
        auth.add_argument("--authorised-on", required=True, help="YYYY-MM-DD the agent signed it.")
        auth.add_argument("--limit", required=True, help="The total authorised, in pounds (permitted sum included).")
        auth.add_argument("--document", required=True, type=Path, help="The signed authority (PDF or image).")

    def handle(self, *args, **options) -> None:
        try:
            getattr(self, f"_{options['action'].replace('-', '_')}")(options)
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
            on = election_poll_date(election_id=election)
            title = f"Legal figures in force for {election} (polling day {on.isoformat()})"
        table = Table(title=title, show_lines=False)
        for column in ("Figure", "Nation", "Value", "In force", "Citation", "Source"):
            table.add_column(column, overflow="fold")
        rows = [f for f in figures_in_force(on=on) if not options["nation"] or f.nation in {"", options["nation"]}]
        for fig in rows:
            flag = "" if fig.verified else f" {VERIFY_FLAG}"
            period = f"{fig.effective_from.isoformat()} – {fig.effective_to.isoformat() if fig.effective_to else 'now'}"
            # Text, not markup: rich would read "[verify]" (and any bracket in a citation) as a style tag and drop it
            table.add_row(*(Text(cell) for cell in (fig.key, fig.nation or "UK", fig.display + flag, period,
                                                    fig.citation, fig.source_url)))
        console = self._console()
        console.print(table)
        missing = figure_keys_missing(on=on)
        if missing:
            console.print(Text(f"No figure in force for: {', '.join(missing)} (add them in the admin)."))

    def _dates(self, options: dict) -> None:
        dates, counted = election_dates_for(election_id=options["election"] or default_election(),
                                            nation=options["nation"])
        table = Table(title=f"{dates.election_id}: regulated period {dates.regulated_period_start.isoformat()} – "
                            f"{dates.regulated_period_end.isoformat()}")
        for column in ("Date", "Event", "Source"):
            table.add_column(column)
        for row in dates.timetable:
            table.add_row(Text(row.date.isoformat()), Text(row.label), Text(row.source))
        self._console().print(table)
        if counted.provisional:
            self.stdout.write(counted.note)

    def _report(self, options: dict) -> None:
        progress = not options["no_progress"]
        # A return is one group's, never several mixed: the group named, else the only one. With no group set up at
        # all, the deployment's money is one campaigner's (None).
        organisation = self._organisation(options["organisation"]) if options["organisation"] or \
            Organisation.objects.exists() else None
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
        return organisation_get(slug=slug)  # OrganisationError is a ValueError: refused with its message

    def _status(self, options: dict) -> None:
        status = group_legal_status_set(
            organisation=self._organisation(options["organisation"]), legal_form=options["form"],
            uk_based=not options["not_uk_based"], company_number=options["company_number"],
            charity_number=options["charity_number"],
            non_party_registered_on=_date("--registered-on", options["registered_on"]),
            ua_registered_on=_date("--ua-registered-on", options["ua_registered_on"]), recorded_by="command line")
        self.stdout.write(f"Recorded: {status}.")

    def _claim_paid(self, options: dict) -> None:
        from swingfund.reports.models import CampaignSpend
        from swingfund.reports.services import campaign_claim_pay

        spend = CampaignSpend.objects.filter(pk=options["item"]).first()
        if spend is None:
            raise ValueError(f"No general-campaign item #{options['item']}.")
        spend = campaign_claim_pay(spend=spend, paid_on=_date("--paid", options["paid"]))
        self.stdout.write(f"Paid the claim of item #{spend.pk} ({spend.supplier}): "
                          f"{money(spend.amount_pence, short=True)} left the bank on {spend.paid_on.isoformat()}.")

    def _spend(self, options: dict) -> None:
        item = campaign_spending_record(
            organisation=self._organisation(options["organisation"]), election=options["election"],
            incurred_on=_date("--incurred", options["incurred"]), paid_on=_date("--paid", options["paid"]),
            supplier=options["supplier"], amount_pence=parse_pounds(options["amount"]), category=options["category"],
            constituencies=options["constituency"], nation=options["nation"], targets_party=options["party"],
            party_authorised=options["party_authorised"], description=options["description"],
            invoice_reference=options["invoice"], source_ref=options["source_ref"], recorded_by="command line",
            claim_status=options["claim"], claimed_on=_date("--claimed", options["claimed"]))
        self.stdout.write(f"Recorded general-campaign item #{item.pk}: {money(item.amount_pence, short=True)} "
                          f"({item.get_area_display()}), ledger transaction #{item.transaction_id}"
                          + (f"; an {item.claim_status} claim: owed, not paid" if item.claim_status else "") + ".")
        counted = counted_period_for(election_id=options["election"])
        if counted.provisional:
            self.stdout.write(counted.note)

    def _material(self, options: dict) -> None:
        from swingfund.compliance.general import split_pence
        from swingfund.elections.models import Candidacy, Constituency
        from swingfund.reports.services import material_cost_record

        codes = list(dict.fromkeys(options["constituency"]))
        seats = {c.gss_code: c for c in Constituency.objects.filter(gss_code__in=codes, boundary_set="pcon2024")}
        missing = [c for c in codes if c not in seats]
        if missing:
            raise ValueError(UNKNOWN_SEATS.format(codes=", ".join(missing)))
        shares = split_pence(parse_pounds(options["amount"]), dict.fromkeys(codes, 1))
        named = list(Candidacy.objects.filter(pk__in=options["candidacy"]).select_related("person"))
        stray = sorted(set(options["candidacy"]) - {c.pk for c in named if c.constituency_id in
                                                     {s.pk for s in seats.values()}})
        if stray:
            raise ValueError(CANDIDACY_NOT_REACHED.format(ids=", ".join(map(str, stray))))
        try:
            text = options["text"].read_text(encoding="utf-8") if options["text"] else ""
        except OSError as exc:
            raise ValueError(UNREADABLE_DOCUMENT.format(path=options["text"], error=exc.strerror or exc)) from None
        charge = material_cost_record(
            organisation=self._organisation(options["organisation"]), election=options["election"],
            incurred_on=_date("--incurred", options["incurred"]), supplier=options["supplier"],
            description=options["description"], source_ref=options["source_ref"] or "command line",
            seat_costs={seats[code]: shares.get(code, 0) for code in codes},
            texts=[text, *(c.person_name or (c.person.name if c.person_id else "") for c in named)],
            recorded_by="command line")
        where = charge.election_id or "outside any regulated period"
        parts = [f"{c.name}: {money(c.pence, short=True)}, {money(c.left_pence, short=True)} left of "
                 f"{money(c.limit_pence, short=True)}" for c in charge.candidates]
        if charge.general_pence:
            parts.append(f"general campaign: {money(charge.general_pence, short=True)}")
        if charge.outside_pence:
            parts.append(f"not regulated: {money(charge.outside_pence, short=True)}")
        self.stdout.write(f"Recorded for {where}: " + "; ".join(parts) + ".")

    def _authority(self, options: dict) -> None:
        from swingfund.elections.models import Candidacy

        candidacy = Candidacy.objects.filter(pk=options["candidacy"]).select_related("election").first()
        if candidacy is None:
            raise ValueError(UNKNOWN_CANDIDACY.format(id=options["candidacy"]))
        path: Path = options["document"]
        try:
            document = path.read_bytes()
        except OSError as exc:
            raise ValueError(UNREADABLE_DOCUMENT.format(path=path, error=exc.strerror or exc)) from None
        authorised_on = _date("--authorised-on", options["authorised_on"])
        row = agent_authority_record(
            organisation=self._organisation(options["organisation"]), candidacy=candidacy, agent_name=options["agent"],
            agent_address=options["agent_address"], authorised_on=authorised_on,
            limit_pence=parse_pounds(options["limit"]), document=document, document_name=path.name,
            recorded_by="command line")
        self.stdout.write(f"Recorded {row} up to {money(row.limit_pence, short=True)} (copy {path.name}, sha256 "
                          f"{row.document_sha256[:12]}…).")


def _date(flag: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(BAD_DATE.format(value=value).replace("--on", flag)) from None
