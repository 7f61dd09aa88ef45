"""Reads for the law by date: the facts about an election and a candidacy (from the elections tables) that the pure
rules of `compliance.bydate` take, and the one-call checks the apps above use (funding calls `grant_date_check`
at the top of the grant path and `candidate_spend_date_check` before spending about a named candidate)."""

from __future__ import annotations

from datetime import date, timedelta

from swingfund.compliance import bydate
from swingfund.compliance.bydate import CandidacyFacts, CountedPeriod, ElectionFacts
from swingfund.compliance.selectors import figure_table
from swingfund.elections.models import Candidacy, Election, ElectionKind


def previous_general_poll(*, before: date) -> date | None:
    """The polling day of the last UK general election held before `before` (imported results, not notional)."""
    return (Election.objects.filter(kind=ElectionKind.GENERAL, notional=False, pk__startswith="parl.",
                                    poll_date__lt=before)
            .order_by("-poll_date").values_list("poll_date", flat=True).first())


def election_facts(election: Election) -> ElectionFacts:
    """An `Election` row as the law by date sees it."""
    return ElectionFacts(
        election_id=election.pk, poll_date=election.poll_date, provisional=election.poll_date_provisional,
        by_election=election.kind == ElectionKind.BY_ELECTION, notional=election.notional,
        date_assumption=election.date_assumption, parliament_first_met=election.parliament_first_met,
        previous_general_poll=previous_general_poll(before=election.poll_date))


def sitting_mp_on(*, candidacy: Candidacy, on: date) -> bool:
    """Whether the person of this candidacy holds a Commons seat on `on`: they won the last poll held in that seat
    on or before `on` (a general election, or a by-election in that seat), by the imported results."""
    wins = Candidacy.objects.filter(elected=True, election__notional=False, election__poll_date__lte=on)
    wins = wins.filter(person_id=candidacy.person_id) if candidacy.person_id else wins.filter(pk=candidacy.pk)
    last = wins.select_related("election").order_by("-election__poll_date").first()
    if last is None:
        return False
    later = Election.objects.filter(notional=False, poll_date__gt=last.election.poll_date)
    dissolved = any(dissolution_day(polling) <= on for polling in
                    later.filter(kind=ElectionKind.GENERAL).values_list("poll_date", flat=True))
    return not (dissolved or later.filter(kind=ElectionKind.BY_ELECTION, seat_id=last.constituency_id,
                                          poll_date__lte=on).exists())


def dissolution_day(polling: date) -> date:
    """The day Parliament is dissolved before a general election on `polling`: 25 working days before the poll
    (Dissolution and Calling of Parliament Act 2022, s.4, with the RPA 1983 Sch 1 timetable), counting Monday to
    Friday only (bank holidays ignored: at most a day or two early). No one is an MP from that day."""
    day, left = polling, 25
    while left:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def became_candidate_on(candidacy: Candidacy) -> date | None:
    """The day the person became a candidate: as recorded; else, for someone whose votes were counted (so who was
    nominated), the close of nominations of that poll (`uk-election-timetables`), the last day they can have become
    one; else None (not shown to be a candidate)."""
    if candidacy.became_candidate_on is not None:
        return candidacy.became_candidate_on
    election = candidacy.election
    if candidacy.votes is None or election.notional or not election.pk.startswith("parl."):
        return None
    from uk_election_timetables.election_ids import from_election_id

    from swingfund.compliance.timetables import COUNTRIES

    nation = candidacy.constituency.nation if candidacy.constituency_id else "E"
    timetable = from_election_id(f"parl.{election.poll_date.isoformat()}", country=COUNTRIES.get(nation))
    return timetable.close_of_nominations


def candidacy_facts(*, candidacy: Candidacy, on: date) -> CandidacyFacts:
    return CandidacyFacts(label=str(candidacy), person=candidacy.person_name or str(candidacy),
                          election=election_facts(candidacy.election),
                          became_candidate_on=became_candidate_on(candidacy),
                          sitting_mp=sitting_mp_on(candidacy=candidacy, on=on))


def grant_date_check(*, candidacy: Candidacy, on: date) -> None:
    """Refuse (`bydate.OutOfTime`, a ValueError naming the law) a grant made on `on` outside the candidacy."""
    bydate.check_grant_date(figures=figure_table(), candidacy=candidacy_facts(candidacy=candidacy, on=on), on=on)


def candidate_spend_date_check(*, candidacy: Candidacy, on: date) -> None:
    """Refuse (`bydate.OutOfTime`) spending about a named candidate on `on` outside their candidacy."""
    bydate.check_candidate_spend_date(candidacy=candidacy_facts(candidacy=candidacy, on=on), on=on)


def counted_period_for(*, election_id: str) -> CountedPeriod:
    """The regulated period spending for `election_id` is counted in (its polling day in force, provisional or
    not), from the Election row; an id not imported falls back to the date in the id."""
    from swingfund.compliance.timetables import poll_date

    election = Election.objects.filter(pk=election_id).first()
    if election is None:
        polling = poll_date(election_id=election_id)
        facts = ElectionFacts(election_id=election_id, poll_date=polling,
                              previous_general_poll=previous_general_poll(before=polling))
    else:
        facts = election_facts(election)
    return bydate.counted_period(figures=figure_table(), election=facts)


def election_poll_date(*, election_id: str) -> date:
    """The polling day in force: the Election row's (which may have moved from the date in its id), else the id's."""
    from swingfund.compliance.timetables import poll_date

    stored = Election.objects.filter(pk=election_id).values_list("poll_date", flat=True).first()
    return stored or poll_date(election_id=election_id)


def election_dates_for(*, election_id: str, nation: str | None = None):
    """The regulated period and statutory timetable of `election_id` from its polling day in force, with the
    counted period (and, while the date is provisional, the note saying spending now may fall inside it)."""
    from swingfund.compliance.timetables import election_dates

    polling = election_poll_date(election_id=election_id)
    dates = election_dates(figures=figure_table(), election_id=election_id, nation=nation, polling=polling,
                           previous_poll=previous_general_poll(before=polling))
    return dates, counted_period_for(election_id=election_id)
