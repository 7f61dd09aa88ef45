"""`swingfund evaluate`: after polling day, what the group's money and votes did in each seat where it acted.

    swingfund evaluate --election parl.2024-07-04 --organisation demo-community-group --format json
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from swingfund.display import money
from swingfund.evaluation.selectors import DEFAULT_BLOC, evaluate
from swingfund.targeting.bloc import BlocError
from swingfund.targeting.selectors import TargetingError


class Command(BaseCommand):
    help = "Evaluate an election for an organisation: outcomes, the bloc's possible effect, money, forecast score."

    def add_arguments(self, parser):
        parser.add_argument("--election", required=True)
        parser.add_argument("--organisation", required=True)
        parser.add_argument("--bloc", default=DEFAULT_BLOC, help=f"The group's bloc (default {DEFAULT_BLOC}).")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **o):
        try:
            result = evaluate(election_id=o["election"], organisation=o["organisation"], bloc=o["bloc"])
        except (ValueError, BlocError, TargetingError) as exc:
            raise CommandError(str(exc)) from exc
        data = result.as_dict()
        if o["format"] == "json":
            self.stdout.write(json.dumps(data, indent=2))
            return
        console = Console(file=self.stdout, width=160)
        table = Table(title=f"{data['organisation']} at {data['election']}")
        for col in ("Seat", "Backed", "Won", "Majority", "Bloc effect", "Pivotal?", "Money", "Forecast P(win)"):
            table.add_column(col)
        for s in data["seats"]:
            effect = s["bloc_effect_interval"]
            forecast = s["forecast"]
            table.add_row(s["seat"], f"{s['candidate']} ({s['party']})", "yes" if s["won"] else "no",
                          f"{s['majority']:,}", "—" if effect is None else f"{effect[0]:,}–{effect[1]:,}",
                          s["pivotal"], s["money"]["paid"], "—" if forecast is None else f"{forecast['p_win']:.0%}")
        console.print(table)
        summary = data["summary"]
        per = summary["money_per_aligned_elected_pence"]
        console.print(f"Backed candidates won {summary['backed_won']} of {summary['acted_seats']}; plausibly pivotal "
                      f"in {summary['plausibly_pivotal']}; money paid {money(summary['money_paid_pence'], short=True)}"
                      f"{'' if per is None else f', {money(per, short=True)} per aligned MP elected'}.")
        if summary["forecast"]:
            f = summary["forecast"]
            console.print(f"Forecast from {f['prior_election']}: Brier {f['brier']}, coverage of its "
                          f"{f['interval_level']} interval {f['coverage']:.0%} ({f['seats']} seats).")
        for note in data["notes"]:
            console.print(f"[dim]{note}[/dim]")
