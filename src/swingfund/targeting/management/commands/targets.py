"""`swingfund targets`: the seats where a bloc's vote outweighs the majority, for every seat of an election.

    swingfund targets --election parl.YYYY-MM-DD --bloc topic:category --top 25
    swingfund targets --bloc ethnicity:black+ethnicity:mixed --cohesion 0.6:0.4:0.8 --count-twice --format csv
    swingfund targets --election parl.YYYY-MM-DD --bloc none --swing uniform --shares Lab=0.40,Con=0.30

The election and bloc default to the group's own (its organisation's defaults). `--bloc none` ranks every seat by
its chance of changing hands under the forecast; `--bloc supporters` counts the group's consenting supporters per seat.

Each assumption flag takes `central` (fixed) or `central:low:high` (a range for the Monte Carlo draws);
see `swingfund/targeting/bloc.py` for what each means and why its default is what it is.
"""

from __future__ import annotations

import io
import json

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from swingfund import csvsafe
from swingfund.cliargs import SEATS, float_range, int_range
from swingfund.organisations.selectors import group_defaults, organisation_current
from swingfund.targeting.bloc import (
    ASSUMPTION_DEFAULTS,
    SEAT_ADULT_SHARE_DEFAULT,
    BlocError,
    assumptions_build,
    bloc_parse,
)
from swingfund.targeting.display import leverage_text, mp_text, probability_text, votes_text
from swingfund.targeting.forecast import DEFAULT_METHOD, DEFAULT_TAILS, NATIONAL_SD, TAILS, seat_error_parse
from swingfund.targeting.projection import PROJECTION_METHODS
from swingfund.targeting.selectors import TargetingError, forward_election
from swingfund.targeting.simulate import DEFAULT_DRAWS, DEFAULT_SEED
from swingfund.targeting.supporters import supporter_counts
from swingfund.targeting.swing import SwingError
from swingfund.targeting.targets import SORT_KEYS, TargetRow, TargetTable, targets_compute

USAGE_ERROR = 2
LENSES = ("both", "swing", "own")
CSV_COLUMNS = ["code", "name", "region", "mp", "party", "majority", "population", "bloc_voters", "bloc_vote",
               "leverage", "own_leverage", "seed_flag", "p_swing", "p_own", "cohesive_leverage", "p_swing_se",
               "p_own_se", "p_win", "assumptions"]


class Command(BaseCommand):
    help = "Rank every seat of an election by a bloc's leverage and P(pivotal) (swing and own-candidate lenses)."

    def add_arguments(self, parser):
        parser.add_argument("--election", help="Democracy Club id, parl.YYYY-MM-DD (default: the group's election).")
        parser.add_argument("--bloc", help="topic:category (several joined by +), none or supporters (default: the "
                                           "group's own).")
        parser.add_argument("--census", help="Pin one census (census2021, scotland2022, census2011).")
        parser.add_argument("--top", type=int_range(0, SEATS), default=25, help="How many seats to list (0 = all).")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
        parser.add_argument("--lens", choices=LENSES, default="both",
                            help="Rank by the swing lens, the own-candidate lens, or show both ranked by swing.")
        parser.add_argument("--sort", choices=list(SORT_KEYS), help="Override the ranking column.")
        parser.add_argument("--region", help="Only seats of this region (e.g. 'London').")
        for name, (central, low, high) in ASSUMPTION_DEFAULTS.items():
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, metavar="C[:LOW:HIGH]",
                                help=f"Default {central:g}:{low:g}:{high:g}.")
        parser.add_argument("--adult-share", type=float_range(0.0, 1.0), default=SEAT_ADULT_SHARE_DEFAULT,
                            help="Seat adult share where the census gives none (default %(default)s).")
        twice = parser.add_mutually_exclusive_group()
        twice.add_argument("--count-twice", dest="count_twice", action="store_true",
                           help="A bloc vote switches from the winner to the challenger (closes the gap by 2).")
        twice.add_argument("--count-once", dest="count_twice", action="store_false",
                           help="A bloc vote turns out or stays at home (closes the gap by 1; default).")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--draws", type=int, default=DEFAULT_DRAWS)
        parser.add_argument("--swing", choices=PROJECTION_METHODS,
                            help=f"Projection by nation to --shares (default {DEFAULT_METHOD}, chosen by backtest).")
        parser.add_argument("--shares", help="National shares to project to, e.g. Lab=0.34,Con=0.24 (they land "
                                             "exactly; a party new to a seat enters by the stated rule).")
        parser.add_argument("--share-basis", choices=["gb", "uk"], default="gb",
                            help="National shares over Great Britain (default; polls quote GB) or the UK.")
        parser.add_argument("--national-sd", type=float, default=None,
                            help=f"Standard deviation of each party's national error (default {NATIONAL_SD}; for an "
                                 "election without a result, the poll average's).")
        parser.add_argument("--seat-error", metavar="INTERCEPT[:SLOPE]",
                            help="Override the seat error estimated from the imported history (e.g. 0 for none).")
        parser.add_argument("--tails", choices=list(TAILS), default=DEFAULT_TAILS,
                            help="Seat error distribution (default %(default)s, chosen by backtest).")
        parser.add_argument("--allocation-source", help="Where allocation shares by party come from (required).")
        parser.add_argument("--publish", metavar="ELECTION",
                            help="Publish these targets as the group's forecast of ELECTION (the election after the "
                                 "one whose result they start from): stored with its date and inputs, scored by "
                                 "`swingfund evaluate` once ELECTION's result is imported.")
        parser.add_argument("--organisation", help="With --publish: the group's slug (default: the only one).")
        parser.add_argument("--allocation", default="seat",
                            help="Where the bloc's votes are now: seat (default), turnout, winner, or Lab=0.6,Con=0.1.")

    def handle(self, *args, **o):
        overrides = {name: o[name] for name in ASSUMPTION_DEFAULTS if o.get(name)}
        err = Console(stderr=True)
        group = group_defaults()
        choice = (o["bloc"] or "").strip() or (group.bloc if group.has_census_bloc else (
            "supporters" if group.counts_supporters else "none"))
        supporters = None
        if choice == "supporters":
            organisation = organisation_current()
            supporters = supporter_counts(organisation_id=organisation.pk) if organisation else {}
        election_id = o["election"] or group.election_id
        try:
            bloc = None if choice in ("none", "supporters") else bloc_parse(text=choice, census=o["census"])
            assumptions = assumptions_build(overrides=overrides, count_twice=o["count_twice"],
                                            seat_adult_share_default=o["adult_share"])
            if o["swing"] and not o["shares"] and forward_election(election_id=election_id) is None:
                raise SwingError("--swing needs --shares (e.g. --shares Lab=0.34,Con=0.24).")
            with Progress(TextColumn("Monte Carlo"), BarColumn(), TextColumn("{task.completed}/{task.total} seats"),
                          TimeElapsedColumn(), console=err, transient=True,
                          disable=not err.is_terminal or o["format"] != "table") as bar:
                task = bar.add_task("seats", total=None)
                table = targets_compute(
                    election_id=election_id, bloc=bloc, supporters=supporters,
                    assumptions=assumptions, draws=o["draws"],
                    seed=o["seed"], swing=o["swing"], shares=o["shares"], share_basis=o["share_basis"],
                    national_sd=o["national_sd"], seat_error=seat_error_parse(o["seat_error"]), tails=o["tails"],
                    allocation=o["allocation"], allocation_source=o["allocation_source"] or "",
                    progress=lambda done, total: bar.update(task, completed=done, total=total))
            sort = o["sort"] or ("p_swing" if choice == "none" else "own_leverage" if o["lens"] == "own"
                                 else "leverage")
            rows = table.rows(sort=sort, region=o["region"], top=o["top"] or None,
                              include_no_data=not o["top"] or bool(o["region"]))
        except (BlocError, TargetingError, SwingError, ValueError) as exc:
            raise CommandError(str(exc), returncode=USAGE_ERROR) from exc
        if o["publish"]:
            self._publish(table, election_id=o["publish"], organisation=o["organisation"], options=o)
        if o["format"] == "json":
            self.stdout.write(json.dumps(table.as_dict(rows), indent=2, ensure_ascii=False))
        elif o["format"] == "csv":
            self.stdout.write(self._csv(rows, assumptions=self._assumptions_text(table)), ending="")
        else:
            self.stdout.write(self._table(table, rows, lens=o["lens"], top=o["top"]), ending="")

    def _publish(self, table: TargetTable, *, election_id: str, organisation: str | None, options: dict) -> None:
        """Store the published forecast (targeting.forecasts.targets_publish) and say so on stderr."""
        from swingfund.organisations.selectors import OrganisationError, organisation_get
        from swingfund.targeting.forecasts import targets_publish

        try:
            publisher = organisation_get(slug=organisation)
        except OrganisationError as exc:
            raise CommandError(f"--publish: {exc}", returncode=USAGE_ERROR) from None
        inputs = {k: options[k] for k in ("bloc", "census", "draws", "seed", "swing", "shares", "share_basis",
                                          "national_sd", "seat_error", "tails", "allocation", "allocation_source")}
        inputs["assumptions"] = table.assumptions.as_dict()
        try:
            stored = targets_publish(organisation=publisher, election_id=election_id, table=table, inputs=inputs)
        except ValueError as exc:
            raise CommandError(str(exc), returncode=USAGE_ERROR) from exc
        self.stderr.write(f"Published: forecast #{stored.pk} of {election_id} from {table.seats.election_id}, "
                          f"stored {stored.made_at:%Y-%m-%d %H:%M} UTC.")

    @staticmethod
    def _assumptions_text(table: TargetTable) -> str:
        """Every assumption and setting of the run in one cell, so each CSV row carries what it assumed."""
        a = table.assumptions
        parts = [f"{name}={v.central:g}:{v.low:g}:{v.high:g}" for name, v in
                 ((n, getattr(a, n)) for n in ASSUMPTION_DEFAULTS)]
        parts += [f"seat_adult_share_default={a.seat_adult_share_default:g}", f"count_twice={int(a.count_twice)}",
                  f"draws={table.draws}", f"seed={table.seed}", f"census={'+'.join(table.censuses)}"]
        if table.projection:
            parts.append(f"projection={table.projection}")
        return ";".join(parts)

    @staticmethod
    def _csv(rows: list[TargetRow], *, assumptions: str) -> str:
        out = io.StringIO()
        writer = csvsafe.dict_writer(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({**{k: ("" if v is None else v) for k, v in r.as_dict().items()},
                             "assumptions": assumptions})
        return out.getvalue()

    @staticmethod
    def _table(table: TargetTable, rows: list[TargetRow], *, lens: str, top: int) -> str:
        buffer = io.StringIO()
        console = Console(file=buffer, width=170, force_terminal=False, color_system=None)
        who = f"for bloc {table.bloc}" if table.kind == "census" else (
            "by our supporters" if table.kind == "supporters" else "by their chance of changing hands")
        title = f"{'Top ' + str(top) if top else 'All'} seats {who} — {table.seats.election_id}"
        grid = Table(title=title, title_justify="left")
        grid.add_column("#", justify="right")
        grid.add_column("Seat")
        grid.add_column("Region")
        grid.add_column("MP (party)" if not table.projection else "Projected winner")
        grid.add_column("Majority", justify="right")
        grid.add_column("Bloc voters", justify="right")
        grid.add_column("Majority 10–90 %", justify="right")
        if lens in ("both", "swing"):
            grid.add_column("Leverage", justify="right")
            grid.add_column("P(pivotal) swing", justify="right")
        if lens in ("both", "own"):
            grid.add_column("Own lev.", justify="right")
            grid.add_column("P(pivotal) own", justify="right")
        for i, r in enumerate(rows, 1):
            cells = [str(i), r.name, r.region, mp_text(r.mp, r.party), votes_text(r.majority),
                     votes_text(r.bloc_voters),
                     f"{votes_text(r.majority_interval[0])} to {votes_text(r.majority_interval[1])}"]
            if lens in ("both", "swing"):
                cells += [leverage_text(r.leverage), probability_text(r.p_swing)]
            if lens in ("both", "own"):
                cells += [leverage_text(r.own_leverage), probability_text(r.p_own)]
            grid.add_row(*cells)
        console.print(grid)
        for line in table.notes():
            console.print(line, highlight=False, markup=False)
        return buffer.getvalue()
