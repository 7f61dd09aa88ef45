"""`swingfund backtest`: forecast a past election from the one before and score it (see `targeting/backtest.py`)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from swingfund.targeting.backtest import AUTO, COMPETITIVE_BELOW, backtest_run
from swingfund.targeting.forecast import SHARED, TAILS
from swingfund.targeting.projection import PROJECTION_METHODS
from swingfund.targeting.selectors import TargetingError

USAGE_ERROR = 2


class Command(BaseCommand):
    help = "Backtest the targeting forecast: coverage of its intervals, Brier score and log loss against baselines."

    def add_arguments(self, parser):
        parser.add_argument("--baseline", required=True, help="The election forecast from (parl.2017-06-08).")
        parser.add_argument("--target", required=True, help="The election forecast (parl.2019-12-12).")
        parser.add_argument("--bloc", help="Accepted for symmetry with `targets`; the forecast does not depend on it.")
        parser.add_argument("--tails", choices=[AUTO, *TAILS], default=AUTO,
                            help="Seat error tails (default auto: chosen on the pairs before the target).")
        parser.add_argument("--method", choices=[AUTO, *PROJECTION_METHODS], default=AUTO,
                            help="Projection by nation (default auto: chosen on the pairs before the target).")
        parser.add_argument("--shared", choices=[AUTO, *SHARED], default=AUTO,
                            help="Errors that seats share besides the national one: by region, or by region and "
                                 "by seat type (default auto: chosen on the pairs before the target).")
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **o):
        try:
            result = backtest_run(baseline_id=o["baseline"], target_id=o["target"], tails=o["tails"],
                                  method=o["method"], shared=o["shared"], seed=o["seed"])
        except (TargetingError, ValueError) as exc:
            raise CommandError(str(exc), returncode=USAGE_ERROR) from exc
        data = result.as_dict()
        if o["bloc"]:
            data["bloc"] = o["bloc"]
        if o["format"] == "json":
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        console = Console(file=self.stdout, width=120, color_system=None)
        console.print(f"Backtest {result.baseline} → {result.target} ({len(result.seats)} seats, {result.method} "
                      f"projection by nation, {result.tails} tails, shared errors by {result.seat_error.shared_words})")
        if result.settings is not None:
            console.print(f"Settings chosen by {result.settings.chosen_by}", markup=False)
            for p in result.settings.pairs:
                console.print(f"  {p['pair']} chose {p['best']['method']}, {p['best']['tails']} tails, shared errors "
                              f"by {p['best']['shared']} (seat error from {p['seat_error_from']}; Brier by setting: "
                              f"{p['brier']}; region-count CRPS: {p['region_crps']})", markup=False)
        console.print(f"Seat error: sd = {result.seat_error.intercept:.4f} + {result.seat_error.slope:.3f} × "
                      f"|national change|, {result.seat_error.source}", markup=False)
        for level, value in result.coverage.items():
            console.print(f"Coverage of the {level:.0%} majority interval: {value:.1%}")
        console.print(f"Wrong winner calls: {result.wrong_calls} of {len(result.seats)}; region coverage (80 % "
                      f"interval of seats won, per region and party): {result.region_coverage:.1%}, their CRPS "
                      f"{result.region_crps:.3f} seats")
        console.print(f"Competitive seats (forecast winner's P < {COMPETITIVE_BELOW:g}): {result.n_competitive}, "
                      f"Brier {result.brier_competitive:.3f}, claimed minus observed "
                      f"{result.calibration_gap_competitive:+.3f}")
        console.print(f"Brier {result.brier:.3f} (same winner {result.brier_same_winner:.3f}, uniform swing "
                      f"{result.brier_uniform_swing:.3f}); log loss {result.log_loss:.3f}")
        grid = Table(title="Reliability")
        for column in ("bin", "count", "mean forecast", "observed"):
            grid.add_column(column)
        for r in result.reliability:
            grid.add_row(r["bin"], str(r["count"]), str(r["mean_forecast"]), str(r["observed"]))
        console.print(grid)
