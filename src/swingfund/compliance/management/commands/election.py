"""`swingfund election …`: elections that have not happened yet, and the dates that follow from their polling day.

    swingfund election add parl.2029-05-03 --baseline parl.2024-07-04 [--date YYYY-MM-DD] [--announced]
                           [--assumption TEXT] [--parliament-met YYYY-MM-DD]
    swingfund election add parl.<seat-slug>.by.YYYY-MM-DD --baseline parl.2024-07-04 [--seat GSS] [--announced]
    swingfund election date ID YYYY-MM-DD [--announced | --provisional]
    swingfund election show ID

Adding an election prints every date-derived figure (regulated period, timetable, the last day for grants, the
long and short campaign limits in force); running `add` again or `date` moves the polling date, recomputes them
all and prints what changed. Bad input prints one line naming the problem and writes nothing.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from swingfund.compliance.bydate import date_derived, what_changed
from swingfund.compliance.limits import FigureNotInForce
from swingfund.compliance.selectors import figure_table
from swingfund.compliance.selectors_bydate import election_facts
from swingfund.elections.models import Election
from swingfund.elections.services import election_add, election_date_set

BAD_DATE = "{flag} {value!r} is not a date in YYYY-MM-DD form"
NO_ELECTION = "No election '{election_id}'."
NOTHING_CHANGED = "No date-derived figure changed."


def _date(flag: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(BAD_DATE.format(flag=flag, value=value)) from None


class Command(BaseCommand):
    help = "Add a future general election or a by-election; move its polling date and see what changes."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add (or update) an election that has not happened yet.")
        add.add_argument("election_id", help="parl.YYYY-MM-DD, or a by-election's parl.<seat-slug>.by.YYYY-MM-DD")
        add.add_argument("--baseline", required=True, help="The imported election it is forecast from.")
        add.add_argument("--date", default=None, help="Polling day, if not the id's date (YYYY-MM-DD).")
        add.add_argument("--announced", action="store_true", help="The date is announced (default: provisional).")
        add.add_argument("--assumption", default="", help="What a provisional date assumes, in words.")
        add.add_argument("--seat", default=None, help="A by-election's seat, by GSS code.")
        add.add_argument("--parliament-met", default=None,
                         help="The day the outgoing parliament first met (for the long campaign).")
        add.add_argument("--today", default=None, help=HIDDEN_TODAY)
        move = sub.add_parser("date", help="Move an election's polling date; print what changed.")
        move.add_argument("election_id")
        move.add_argument("poll_date")
        state = move.add_mutually_exclusive_group()
        state.add_argument("--announced", action="store_true", help="The new date is announced.")
        state.add_argument("--provisional", action="store_true", help="The new date is still expected.")
        move.add_argument("--assumption", default=None)
        move.add_argument("--today", default=None, help=HIDDEN_TODAY)
        show = sub.add_parser("show", help="Print an election's date-derived figures.")
        show.add_argument("election_id")

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, f"_{action}")(options)
        except (ValueError, FigureNotInForce) as exc:
            raise CommandError(str(exc)) from None

    def _today(self, options: dict) -> date:
        return _date("--today", options.get("today")) or timezone.now().date()

    def _lines(self, election: Election) -> list[tuple[str, str]]:
        return date_derived(figures=figure_table(), election=election_facts(election))

    def _add(self, options: dict) -> None:
        before, after = election_add(
            election_id=options["election_id"], baseline_id=options["baseline"], today=self._today(options),
            poll_date=_date("--date", options["date"]), provisional=not options["announced"],
            date_assumption=options["assumption"], seat_code=options["seat"],
            parliament_first_met=_date("--parliament-met", options["parliament_met"]))
        self._report(before, after)

    def _date(self, options: dict) -> None:
        provisional = True if options["provisional"] else False if options["announced"] else None
        before, after = election_date_set(
            election_id=options["election_id"], poll_date=_date("poll_date", options["poll_date"]),
            today=self._today(options), provisional=provisional, date_assumption=options["assumption"])
        self._report(before, after)

    def _show(self, options: dict) -> None:
        election = Election.objects.filter(pk=options["election_id"]).first()
        if election is None:
            raise CommandError(NO_ELECTION.format(election_id=options["election_id"]))
        self._print(election)

    def _print(self, election: Election) -> None:
        seat = f", one seat: {election.seat.name} ({election.seat.gss_code})" if election.seat_id else ""
        self.stdout.write(f"{election.pk}: {election.name}, forecast from {election.baseline_id}{seat}")
        for label, value in self._lines(election):
            self.stdout.write(f"  {label}: {value}")

    def _report(self, before: Election | None, after: Election) -> None:
        if before is None:
            self.stdout.write(f"Added {after.pk}.")
            self._print(after)
            return
        changes = what_changed(self._lines(before), self._lines(after))
        self.stdout.write(f"Updated {after.pk}.")
        if not changes:
            self.stdout.write(NOTHING_CHANGED)
        for label, old, new in changes:
            self.stdout.write(f"  Changed {label}: {old} → {new}")


HIDDEN_TODAY = "Count from this day instead of today (YYYY-MM-DD; for rehearsals and tests)."
