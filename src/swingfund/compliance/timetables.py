"""Election dates: the regulated period (from the legal figure, in the table the caller passes) and the statutory
timetable (Democracy Club's `uk-election-timetables`), from a Democracy Club election id such as `parl.YYYY-MM-DD`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from uk_election_ids.election_ids import IdBuilder
from uk_election_timetables.calendars import Country, UnitedKingdomBankHolidays, working_days_before
from uk_election_timetables.election_ids import from_election_id

from swingfund.compliance.limits import FigureTable

BAD_ELECTION_ID = "'{election_id}' is not a Democracy Club election id (for example parl.YYYY-MM-DD): {reason}"
NO_REGULATED_PERIOD = (
    "The regulated period is encoded for UK Parliamentary general elections (parl.YYYY-MM-DD), not '{election_id}'."
)
COUNTRIES = {"E": Country.ENGLAND, "W": Country.WALES, "S": Country.SCOTLAND, "N": Country.NORTHERN_IRELAND}


@dataclass(frozen=True)
class TimetableDate:
    label: str
    date: date
    source: str


@dataclass(frozen=True)
class ElectionDates:
    election_id: str
    poll_date: date
    regulated_period_start: date
    regulated_period_end: date
    timetable: list[TimetableDate] = field(default_factory=list)


def parse_election_id(election_id: str) -> IdBuilder:
    """Validate and parse an id with Democracy Club's `uk-election-ids`; a clear error names the bad id."""
    try:
        return IdBuilder.from_id(election_id)
    except (ValueError, TypeError, KeyError) as exc:
        raise ValueError(BAD_ELECTION_ID.format(election_id=election_id, reason=exc)) from exc


def poll_date(*, election_id: str) -> date:
    built = parse_election_id(election_id)
    return built.date if isinstance(built.date, date) else date.fromisoformat(built.date)


def regulated_period(*, figures: FigureTable, election_id: str, previous_poll: date | None = None,
                     polling: date | None = None) -> tuple[date, date]:
    """First and last day of the non-party regulated period: the `regulated_period_days` days up to and including
    polling day (PPERA 2000 Sch 10 para 3), or from the day after an earlier general election's poll if that was
    more recent (`previous_poll`). `polling` is the polling day in force when it differs from the date in the id
    (an election whose expected date has moved); by default, the id's date."""
    built = parse_election_id(election_id)
    if built.election_type != "parl" or built.contest_type == "by":
        raise ValueError(NO_REGULATED_PERIOD.format(election_id=election_id))
    polling = polling or poll_date(election_id=election_id)
    days = figures.get("regulated_period_days", on=polling)
    start = polling - timedelta(days=days.value - 1)
    if previous_poll is not None and previous_poll >= start:
        start = previous_poll + timedelta(days=1)
    return start, polling


def in_regulated_period(*, figures: FigureTable, election_id: str, on: date) -> bool:
    start, end = regulated_period(figures=figures, election_id=election_id)
    return start <= on <= end


def election_dates(*, figures: FigureTable, election_id: str, nation: str | None = None,
                   polling: date | None = None, previous_poll: date | None = None) -> ElectionDates:
    """The regulated period plus the statutory timetable (notice of election, nominations, registration and
    postal/VAC deadlines) computed by `uk-election-timetables` for the nation's bank holidays. `polling`: the
    polling day in force, when it differs from the id's date."""
    start, end = regulated_period(figures=figures, election_id=election_id, polling=polling,
                                  previous_poll=previous_poll)
    election = from_election_id(f"parl.{end.isoformat()}", country=COUNTRIES.get(nation or "E"))
    source = "uk-election-timetables (Democracy Club), from the Representation of the People Act 1983 timetable"
    timetable = [TimetableDate(label=row["label"], date=row["date"], source=source) for row in election.timetable]
    regulated = "PPERA 2000, Schedule 10 para 3"
    timetable.append(TimetableDate(label="Regulated period begins", date=start, source=regulated))
    timetable.append(TimetableDate(label="Polling day (regulated period ends)", date=end, source=regulated))
    return ElectionDates(election_id=election_id, poll_date=end, regulated_period_start=start,
                         regulated_period_end=end, timetable=sorted(timetable, key=lambda t: t.date))


def dissolution_date(*, figures: FigureTable, election_id: str) -> date:
    """The day Parliament is dissolved before a UK general election: the `dissolution_working_days` working days
    before the poll (RPA 1983 Sch 1 r.1), counted on England and Wales's calendar of bank holidays. From it until
    polling day registered non-party campaigners file weekly pre-poll donation reports."""
    built = parse_election_id(election_id)
    if built.election_type != "parl" or built.contest_type == "by":
        raise ValueError(NO_REGULATED_PERIOD.format(election_id=election_id))
    polling = poll_date(election_id=election_id)
    days = figures.get("dissolution_working_days", on=polling)
    return working_days_before(polling, days.value, UnitedKingdomBankHolidays().england_and_wales())
