"""`swingfund scorecard PERSON`: a person's scorecard (Democracy Club id, `mnis:ID`, or name)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from swingfund.organisations.models import Organisation
from swingfund.scorecards import scoring
from swingfund.scorecards.selectors import person_find, person_scorecard
from swingfund.scorecards.services import organisation_get

ERROR_NO_PERSON = "no person matches {query!r} (give a Democracy Club id, mnis:ID, or a name)"
ERROR_MANY = "{count} people match {query!r}: {names}. Use the Democracy Club id."
DEMO_WARNING = "Demo organisation: these stances are illustrative codings invented for the demo, not real assessments."
ERROR_NO_ORGANISATION = "no organisation yet: run `swingfund demo` or create one in /admin/"


class Command(BaseCommand):
    help = "Print a person's scorecard: stance on each statement, score and band, and the evidence behind it."

    def add_arguments(self, parser):
        parser.add_argument("person", help="Democracy Club person id, mnis:ID, or name")
        parser.add_argument("--organisation", help="organisation slug (default: the only one)")
        parser.add_argument("--method", choices=sorted(scoring.SCORERS), default=scoring.DEFAULT_METHOD)
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, person: str, organisation: str | None, method: str, format: str, **options):
        people = person_find(query=person)
        if not people:
            raise CommandError(ERROR_NO_PERSON.format(query=person), returncode=2)
        if len(people) > 1:
            names = ", ".join(f"{p.name} (DC {p.dc_person_id})" for p in people[:10])
            raise CommandError(ERROR_MANY.format(count=len(people), query=person, names=names), returncode=2)
        if organisation:
            org = organisation_get(slug=organisation)
        else:
            org = Organisation.objects.order_by("id").first()
            if org is None:
                raise CommandError(ERROR_NO_ORGANISATION, returncode=2)
        card = person_scorecard(person=people[0], organisation=org, method=method)
        if format == "json":
            self.stdout.write(json.dumps(card_json(card), indent=2))
            return
        console = Console(file=self.stdout, width=140)
        console.print(f"[bold]{card.person.name}[/] — scorecard of {org.name} ({scoring.METHOD_NAMES[method]})")
        table = Table(show_lines=True)
        for col in ("Statement", "Stance", "Votes", "By evidence type", "Evidence (date, kind, stance, source)"):
            table.add_column(col)
        for line in card.lines:
            evidence = (
                "\n".join(
                    f"{e.date} {e.get_kind_display()}: {e.stance}{' (disputed)' if e.disputes.all() else ''} "
                    f"{e.source_url or '(no public source)'}"
                    for e in line.evidence
                )
                or "none"
            )
            by_kind = ", ".join(f"{k}: {v}" for k, v in line.score.by_kind.items()) or "—"
            distance = (
                f"{line.score.vote_distance:.2f} — {line.score.band}"
                if line.score.vote_distance is not None
                else line.score.band
            )
            table.add_row(
                f"{line.version.title} (v{line.version.number})", line.score.stance, distance, by_kind, evidence
            )
        console.print(table)
        if org.demo:
            console.print(f"[bold red]{DEMO_WARNING}[/]")
        counts = card.counts
        console.print(", ".join(f"{k}: {v}" for k, v in counts.items()))


def card_json(card) -> dict:
    return {
        "person": {"name": card.person.name, "dc_person_id": card.person.dc_person_id},
        "organisation": card.organisation.slug,
        "method": card.method,
        "statements": [
            {
                "statement": line.version.statement.slug,
                "version": line.version.number,
                "title": line.version.title,
                "stance": line.score.stance,
                "by_kind": line.score.by_kind,
                "vote_distance": line.score.vote_distance,
                "band": line.score.band,
                "evidence": [
                    {
                        "id": e.pk,
                        "kind": e.kind,
                        "stance": e.stance,
                        "date": e.date.isoformat(),
                        "source_url": e.source_url,
                        "vote": e.vote,
                        "note": e.note,
                    }
                    for e in line.evidence
                ],
            }
            for line in card.lines
        ],
    }
