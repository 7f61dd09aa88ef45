"""`swingfund evaluate`: after polling day, what the group's money and votes did in each seat where it acted.

    swingfund evaluate --election parl.YYYY-MM-DD --organisation SLUG --format json

The election and bloc default to the group's own (its organisation's defaults). Without a census bloc the table
has no effect column: outcomes, money and the forecast only.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from swingfund.display import money
from swingfund.evaluation.selectors import evaluate
from swingfund.organisations.selectors import organisation_defaults, organisation_get
from swingfund.targeting.bloc import BlocError
from swingfund.targeting.selectors import TargetingError


class Command(BaseCommand):
    help = "Evaluate an election for an organisation: outcomes, its possible vote effect, money, forecast score."

    def add_arguments(self, parser):
        parser.add_argument("--election", help="Democracy Club id, parl.YYYY-MM-DD (default: the group's election).")
        parser.add_argument("--organisation", required=True)
        parser.add_argument("--bloc", help="A census bloc, topic:category, or none (default: the group's own).")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **o):
        try:
            defaults = organisation_defaults(organisation=organisation_get(slug=o["organisation"]))
            bloc = o["bloc"] if o["bloc"] is not None else defaults.bloc
            result = evaluate(election_id=o["election"] or defaults.election_id, organisation=o["organisation"],
                              bloc=None if bloc in ("", "none", "supporters") else bloc)
        except (ValueError, BlocError, TargetingError) as exc:
            raise CommandError(str(exc)) from exc
        data = result.as_dict()
        if o["format"] == "json":
            self.stdout.write(json.dumps(data, indent=2))
            return
        console = Console(file=self.stdout, width=160)
        table = Table(title=f"{data['organisation']} at {data['election']}")
        with_effect = bool(data["bloc"])
        columns = ("Seat", "Backed", "Won", "Majority", *(("Bloc effect", "Pivotal?") if with_effect else ()),
                   "Money", "Forecast P(win)")
        for col in columns:
            table.add_column(col)
        for s in data["seats"]:
            effect = s["bloc_effect_interval"]
            forecast = s["forecast"]
            cells = ("—" if effect is None else f"{effect[0]:,}–{effect[1]:,}", s["pivotal"]) if with_effect else ()
            table.add_row(s["seat"], f"{s['candidate']} ({s['party']})", "yes" if s["won"] else "no",
                          f"{s['majority']:,}", *cells, s["money"]["paid"],
                          "—" if forecast is None else f"{forecast['p_win']:.0%}")
        console.print(table)
        summary = data["summary"]
        per = summary["money_per_aligned_elected_pence"]
        pivotal = f"; plausibly pivotal in {summary['plausibly_pivotal']}" if with_effect else ""
        console.print(f"Backed candidates won {summary['backed_won']} of {summary['acted_seats']}{pivotal}; "
                      f"money paid {money(summary['money_paid_pence'], short=True)}"
                      f"{'' if per is None else f', {money(per, short=True)} per aligned MP elected'}.")
        if summary["forecast"]:
            f = summary["forecast"]
            console.print(f"Forecast from {f['prior_election']}: Brier {f['brier']}, coverage of its "
                          f"{f['interval_level']} interval {f['coverage']:.0%} ({f['seats']} seats).")
        for f in data["stored_forecasts"]:
            when = "made after polling day (a rehearsal)" if f["made_after_poll"] else "made before polling day"
            score = ("not scored yet" if f["brier"] is None else
                     f"Brier {f['brier']}, coverage of its {f['interval_level']} interval {f['coverage']:.0%} "
                     f"({f['seats_scored']} seats)")
            console.print(f"Stored {f['kind']} forecast #{f['id']} of {f['made_at'][:10]} from {f['forecast_from']}, "
                          f"{when}: {score}; money went to {len(f['money_seats'])} seats, "
                          f"{f['money_seats_won']} won.")
        for note in data["notes"]:
            console.print(f"[dim]{note}[/dim]")
