"""`swingfund plan`: how best to spend a fixed fund across the seats the group backs, within the law.

    swingfund plan --election parl.YYYY-MM-DD --budget 20000 --format json
    swingfund plan --bloc none --campaign library --variable --channel campaign
    swingfund plan --bloc topic:category --budget 5000 --grant 1000 --cost-per-vote 26.25:17.5:35

The election, bloc and lens default to the group's own (its organisation's defaults); `--bloc none` ranks seats by
marginality, `--bloc supporters` by the group's own consenting supporters per seat.

A plan funds only the seats whose grant the committee approved, on the forecast from the election before (never the
election's own result), and stores that forecast with its date and inputs for `swingfund evaluate` to score.
`--what-if` adds the seats the committee rejected or has not decided, and labels the whole plan a what-if.

Amounts are in pounds on the command line and in pence in the JSON. See `swingfund/planning/` for the model.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from swingfund import csvsafe
from swingfund.compliance.selectors import FigureNotInForce
from swingfund.display import money
from swingfund.funding.models import Campaign
from swingfund.funding.selectors import campaign_spendable_pence
from swingfund.organisations.selectors import organisation_defaults, organisation_get
from swingfund.planning.caps import CHANNELS
from swingfund.planning.effect import DEFAULT_COST_TEXT, EffectError, effect_parse
from swingfund.planning.plan import DEFAULT_STEP, plan_compute
from swingfund.scorecards.recommend_cli import bloc_resolve
from swingfund.targeting.bloc import BlocError
from swingfund.targeting.selectors import TargetingError

POUNDS_BAD = "{flag}: {text!r} is not an amount in pounds (e.g. 20000 or 1000.50)."
CAMPAIGN_UNKNOWN = "No campaign {slug!r}. Campaigns: {known}."
CSV_COLUMNS = ["gss_code", "seat", "candidate", "party", "status", "what_if", "amount_pence", "fixed_pence",
               "binding_cap", "p_win_without", "p_win_with", "value_per_1000", "pounds_per_hundredth_seat",
               "p_pivotal", "leverage"]


def pounds_to_pence(text: str, *, flag: str) -> int:
    try:
        value = Decimal(text.replace("£", "").replace(",", ""))
    except InvalidOperation:
        raise CommandError(POUNDS_BAD.format(flag=flag, text=text)) from None
    return int(value * 100)


class Command(BaseCommand):
    help = "Allocate a fund across the backed seats to maximise the expected number of aligned candidates elected."

    def add_arguments(self, parser):
        parser.add_argument("--election", help="Democracy Club id, parl.YYYY-MM-DD (default: the group's election).")
        parser.add_argument("--bloc", help="topic:category (several joined by +), none or supporters (default: the "
                                           "group's own).")
        parser.add_argument("--organisation", help="The group's slug (default: the only organisation).")
        fund = parser.add_mutually_exclusive_group(required=True)
        fund.add_argument("--budget", help="The fund in pounds.")
        fund.add_argument("--campaign", help="Use this campaign's spendable ledger balance as the fund.")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--grant", help="Fixed grants of this many pounds (nothing or one grant per seat).")
        mode.add_argument("--variable", action="store_true",
                          help=f"Any multiple of --step pounds per seat (default £{DEFAULT_STEP // 100}).")
        parser.add_argument("--step", default=str(DEFAULT_STEP // 100), help="Step in pounds with --variable.")
        parser.add_argument("--channel", choices=CHANNELS, default="donation",
                            help="donation (grants to candidates), local (s.75 spending), campaign (PPERA Part VI).")
        parser.add_argument("--agent-authorised", action="store_true",
                            help="local: the candidates' agents authorised spending above the permitted sum.")
        parser.add_argument("--not-registered", action="store_true",
                            help="campaign: the group has not notified the Commission (notification threshold).")
        parser.add_argument("--cost-per-vote", metavar="C[:LOW:HIGH]",
                            help=f"Pounds per extra vote for a seat's first £2,000 (default {DEFAULT_COST_TEXT}).")
        parser.add_argument("--lens", choices=["swing", "own"], help="Default: the group's lens.")
        parser.add_argument("--draws", type=int, default=20_000, help="Targeting's Monte Carlo draws per seat.")
        parser.add_argument("--what-if", action="store_true",
                            help="Also seats the committee rejected or has not decided: a what-if, labelled as one.")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")

    def handle(self, *args, **o):
        if o["campaign"]:
            campaign = Campaign.objects.filter(slug=o["campaign"]).first()
            if campaign is None:
                known = ", ".join(Campaign.objects.values_list("slug", flat=True)) or "none"
                raise CommandError(CAMPAIGN_UNKNOWN.format(slug=o["campaign"], known=known))
            budget = campaign_spendable_pence(campaign)
        else:
            budget = pounds_to_pence(o["budget"], flag="--budget")
        grant = pounds_to_pence(o["grant"], flag="--grant") if o["grant"] else None
        try:
            org = organisation_get(slug=o["organisation"])
            defaults = organisation_defaults(organisation=org)
            bloc, supporters, _ = bloc_resolve(text=o["bloc"], organisation=org, defaults=defaults)
            plan = plan_compute(
                election_id=o["election"] or defaults.election_id, bloc=bloc, supporters=supporters,
                budget_pence=budget, organisation=org.slug,
                grant_pence=grant, step_pence=pounds_to_pence(o["step"], flag="--step"), channel=o["channel"],
                agent_authorised=o["agent_authorised"], registered=not o["not_registered"],
                effect=effect_parse(text=o["cost_per_vote"]), lens=o["lens"] or defaults.lens, draws=o["draws"],
                what_if=o["what_if"], store=True)
        except (ValueError, EffectError, BlocError, TargetingError, FigureNotInForce) as exc:
            raise CommandError(str(exc)) from exc
        data = plan.as_dict()
        if o["format"] == "json":
            self.stdout.write(json.dumps(data, indent=2, default=str))
        elif o["format"] == "csv":
            buf = io.StringIO()
            writer = csvsafe.dict_writer(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(data["allocation"])
            self.stdout.write(buf.getvalue(), ending="")
        else:
            self._table(data)

    def _table(self, data: dict) -> None:
        console = Console(file=self.stdout, width=160)
        bloc = f", bloc {data['bloc']}" if data["bloc"] else ""
        kind = "WHAT-IF (not the committee's plan)" if data["what_if"] else "Plan"
        table = Table(title=f"{kind} for {data['organisation']}: {money(data['budget_pence'], short=True)}, "
                            f"{data['election']}{bloc} ({data['channel']}), forecast from {data['forecast_from']}")
        for col in ("Seat", "Candidate", "Committee", "Amount", "Binding cap", "P(win) without → with",
                    "ΔP per £1,000 (range)", "£ per 0.01 seat", "P(pivotal)"):
            table.add_column(col)
        for row in data["allocation"]:
            fixed = f" (+{money(row['fixed_pence'], short=True)} approved)" if row["fixed_pence"] else ""
            pivotal = "—" if row["p_pivotal"] is None else f"{row['p_pivotal']:.0%}"
            lo, hi = row["value_interval"]
            per = row["pounds_per_hundredth_seat"]
            table.add_row(row["seat"], f"{row['candidate']} ({row['party']})",
                          row["status"] + (" (what-if)" if row["what_if"] else ""), row["amount"] + fixed,
                          row["binding_cap"] or "—", f"{row['p_win_without']:.1%} → {row['p_win_with']:.1%}",
                          f"{row['value_per_1000']:.4f} ({lo:.4f}–{hi:.4f})",
                          "—" if per is None else money(per * 100, short=True), pivotal)
        console.print(table)
        e = data["expected_aligned_elected"]
        console.print(f"Expected aligned candidates elected: {e['expected']:.2f} "
                      f"({e['interval_level']} interval {e['interval'][0]:g}–{e['interval'][1]:g}; "
                      f"{e['without_new_money']:.2f} without this money)")
        lo, hi = data["marginal_value_next_1000_interval"]
        console.print(f"Marginal value of the next £1,000: {data['marginal_value_next_1000']:+.3f} candidates "
                      f"({lo:+.3f} to {hi:+.3f} across the effect assumption's range)")
        for key, b in data["baselines"].items():
            g = b["gain"]
            console.print(f"Baseline {key}: {b['expected']:.3f} expected (seat count {b['interval'][0]:g}–"
                          f"{b['interval'][1]:g}), spends {money(b['allocated_pence'], short=True)} — "
                          f"{b['description']}. Gain of the plan over it: {g['expected']:+.4f} seats "
                          f"({g['interval_level']} interval of the gain {g['interval'][0]:+.4f} to "
                          f"{g['interval'][1]:+.4f})")
        if data["stored_forecast_id"]:
            console.print(f"Forecast stored (#{data['stored_forecast_id']}, {data['made_at']}): "
                          "`swingfund evaluate` scores it once the result is imported.")
        for note in data["notes"]:
            console.print(f"[dim]{note}[/dim]")
