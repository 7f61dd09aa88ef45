"""`swingfund recommend [--election …] [--bloc …]`: target seats × the intervention rule, by expected impact."""

from __future__ import annotations

import json
import math

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from swingfund import csvsafe
from swingfund.scorecards import scoring
from swingfund.scorecards.recommend_cli import BLOC_NONE, add_recommendation_arguments, recommendation_run
from swingfund.scorecards.recommendations import Recommendation, recommendations_with_notes

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
        add_recommendation_arguments(parser)
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")

    def handle(self, *args, **o):
        try:
            run = recommendation_run(o)
            recs, notes = recommendations_with_notes(organisation=run.organisation, **run.kwargs)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages), returncode=2) from None
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from None
        org = run.organisation
        o = {**o, "election": run.kwargs["election_id"], "bloc": run.bloc_label, "lens": run.kwargs["lens"]}
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
            f"{', bloc ' + o['bloc'] if o['bloc'] != BLOC_NONE else ', by marginality'} (by expected impact)"
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
