"""`swingfund recommend --election … --bloc …`: target seats × the intervention rule, by expected impact."""

from __future__ import annotations

import json
import math

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from swingfund import csvsafe
from swingfund.cliargs import SEATS, float_range, int_range
from swingfund.organisations.models import Organisation
from swingfund.scorecards import scoring
from swingfund.scorecards.recommendations import Recommendation, recommendations_with_notes
from swingfund.scorecards.rules import RuleConfig
from swingfund.scorecards.services import organisation_get

COLUMNS = [
    "rank",
    "gss_code",
    "seat",
    "action",
    "backed",
    "expected_impact",
    "p_decisive",
    "leverage",
    "majority",
    "bloc_voters",
    "reason",
    "warnings",
]


def _num(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return "inf" if math.isinf(value) else f"{value:.{digits}f}"


def as_row(rank: int, rec: Recommendation) -> dict:
    return {
        "rank": rank,
        "gss_code": rec.gss_code,
        "seat": rec.seat_name,
        "action": rec.action,
        "backed": rec.backed_label,
        "expected_impact": round(rec.expected_impact, 4),
        "p_decisive": None if rec.p_decisive is None else round(rec.p_decisive, 4),
        "leverage": None if rec.leverage is None or not math.isfinite(rec.leverage) else round(rec.leverage, 3),
        "majority": rec.majority,
        "bloc_voters": None if rec.bloc_voters is None or math.isnan(rec.bloc_voters) else round(rec.bloc_voters),
        "reason": rec.reason,
        "warnings": " ".join(rec.intervention.warnings),
    }


class Command(BaseCommand):
    help = "Recommend, for each target seat, whom to back or to stay out, with the rule's public reason."

    def add_arguments(self, parser):
        parser.add_argument("--election", required=True, help="e.g. parl.2024-07-04")
        parser.add_argument("--bloc", help="e.g. religion:muslim (omit for every seat, without bloc figures)")
        parser.add_argument("--organisation", help="organisation slug (default: the only one)")
        parser.add_argument(
            "--lens",
            choices=["swing", "own"],
            default="swing",
            help="swing: decide between the leading two; own: elect our own candidate",
        )
        parser.add_argument(
            "--project",
            metavar="SHARES",
            help="before the count, place candidates by a national swing projection, e.g. Lab=0.30",
        )
        parser.add_argument("--swing", choices=["uniform", "proportional"], default="uniform")
        parser.add_argument("--top", type=int_range(1, SEATS), help="only the N best target seats")
        parser.add_argument("--min-leverage", type=float_range(0.0, 1e9))
        parser.add_argument("--min-p-decisive", type=float_range(0.0, 1.0))
        parser.add_argument("--competitive", default="2", help="N (top N of the last result) or 'all'")
        parser.add_argument("--min-agree", type=int_range(0, 1000),
                            help="statements a candidate must agree with (default: all)")
        parser.add_argument("--tie-break", choices=["most_likely_to_win", "stay_out"], default="most_likely_to_win")
        parser.add_argument("--split-vote", choices=["stay_out", "warn"], default="stay_out")
        parser.add_argument("--method", choices=sorted(scoring.SCORERS), default=scoring.DEFAULT_METHOD)
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")

    def handle(self, *args, **o):
        if o["competitive"] == "all":
            competitive, top_n = "all", 2
        elif o["competitive"].isdigit() and int(o["competitive"]) >= 1:
            competitive, top_n = "top_n", int(o["competitive"])
        else:
            raise CommandError(f"--competitive must be a number ≥ 1 or 'all', not {o['competitive']!r}", returncode=2)
        config = RuleConfig(
            competitive=competitive,
            top_n=top_n,
            min_agree=o["min_agree"],
            tie_break=o["tie_break"],
            split_vote=o["split_vote"],
        )
        try:
            org = organisation_get(slug=o["organisation"]) if o["organisation"] else Organisation.objects.first()
            if org is None:
                raise ValueError("no organisation yet: run `swingfund demo` or create one in /admin/")
            recs, notes = recommendations_with_notes(
                organisation=org,
                election_id=o["election"],
                bloc=o["bloc"],
                top=o["top"],
                min_leverage=o["min_leverage"],
                min_p_decisive=o["min_p_decisive"],
                config=config,
                method=o["method"],
                lens=o["lens"],
                project_shares=o["project"],
                swing=o["swing"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages), returncode=2) from None
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from None
        rows = [as_row(i + 1, r) for i, r in enumerate(recs)]
        if o["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "organisation": org.slug,
                        "election": o["election"],
                        "bloc": o["bloc"],
                        "notes": notes,
                        "recommendations": rows,
                    },
                    indent=2,
                )
            )
        elif o["format"] == "csv":
            writer = csvsafe.dict_writer(self.stdout, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        else:
            self._table(org, o, recs, notes)

    def _table(self, org, o, recs, notes) -> None:
        console = Console(file=self.stdout, width=160)
        table = Table(
            title=f"{org.name}: recommendations for {o['election']}"
            f"{', bloc ' + o['bloc'] if o['bloc'] else ''} (by expected impact)"
        )
        for col, justify in (
            ("#", "right"),
            ("Seat", "left"),
            ("Action", "left"),
            ("Impact", "right"),
            ("P(dec.)", "right"),
            ("Leverage", "right"),
            ("Majority", "right"),
            ("Reason", "left"),
        ):
            table.add_column(col, justify=justify)
        for i, r in enumerate(recs, 1):
            action = f"[green]back {r.backed_label}[/]" if r.action == "back" else "stay out"
            reason = r.reason + "".join(f"\n[yellow]⚠ {w}[/]" for w in r.intervention.warnings)
            table.add_row(
                str(i),
                f"{r.seat_name}\n[dim]{r.gss_code}[/]",
                action,
                _num(r.expected_impact),
                _num(r.p_decisive),
                _num(r.leverage),
                f"{r.majority:,}" if r.majority is not None else "",
                reason,
            )
        console.print(table)
        if org.demo:
            console.print("[bold red]Demo organisation: stances are illustrative codings, not real assessments.[/]")
        for note in notes:
            console.print(f"[dim]{note}[/]")
        backed = sum(1 for r in recs if r.action == "back")
        console.print(
            f"{len(recs)} seats: back a candidate in {backed}, stay out of {len(recs) - backed}. "
            f"Scores: {scoring.METHOD_NAMES[o['method']]}. Figures from targeting; reasons from the rule."
        )
