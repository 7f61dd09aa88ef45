"""The law by date, as pure functions over dates and LAW.md's figures (no database): each refusal names its law, and
the dates and limits are checked against hand-worked calendars."""

from __future__ import annotations

from datetime import date

import pytest

from swingfund.compliance import bydate
from swingfund.compliance.bydate import CandidacyFacts, ElectionFacts, OutOfTime
from swingfund.compliance.seed import seed_table

FIGURES = seed_table()
GE2024 = ElectionFacts(election_id="parl.2024-07-04", poll_date=date(2024, 7, 4),
                       previous_general_poll=date(2019, 12, 12))
NEXT = ElectionFacts(election_id="parl.2029-05-03", poll_date=date(2029, 5, 3), provisional=True,
                     date_assumption="May 2029, as parties expect", parliament_first_met=date(2024, 7, 9),
                     previous_general_poll=date(2024, 7, 4))
DEC_2026 = date(2026, 12, 6)


def candidacy(election: ElectionFacts, start: date | None, *, sitting: bool = False) -> CandidacyFacts:
    return CandidacyFacts(label="Ann Example — Testford", person="Ann Example", election=election,
                          became_candidate_on=start, sitting_mp=sitting)


def test_a_grant_to_a_2024_candidate_in_december_2026_is_refused_naming_schedule_2a_and_s78():
    with pytest.raises(OutOfTime) as refused:
        bydate.check_grant_date(figures=FIGURES, candidacy=candidacy(GE2024, date(2024, 6, 7)), on=DEC_2026)
    message = str(refused.value)
    # polling day 4 July 2024 + 28 days = 1 August 2024, worked by hand
    assert "2024-08-01" in message and "Schedule 2A" in message and "s.78" in message
    assert refused.value.code == "grant_election_passed"


def test_a_grant_to_a_sitting_mp_outside_a_candidacy_is_refused_with_schedule_7_and_no_agent():
    with pytest.raises(OutOfTime) as refused:
        bydate.check_grant_date(figures=FIGURES, candidacy=candidacy(GE2024, date(2024, 6, 7), sitting=True),
                                on=DEC_2026)
    message = str(refused.value)
    assert refused.value.code == "grant_sitting_mp"
    assert "Schedule 7" in message and "regulated donee" in message and "no agent's notice" in message
    # The same MP declared for the next election: not yet a candidate there, still a regulated donee.
    with pytest.raises(OutOfTime, match="Schedule 7"):
        bydate.check_grant_date(figures=FIGURES, candidacy=candidacy(NEXT, None, sitting=True), on=DEC_2026)


def test_a_grant_inside_the_candidacy_is_allowed_from_the_day_declared_to_the_bills_deadline():
    declared = candidacy(NEXT, date(2026, 11, 1))
    for on in (date(2026, 11, 1), DEC_2026, date(2029, 5, 31)):  # 3 May 2029 + 28 days = 31 May 2029
        assert bydate.check_grant_date(figures=FIGURES, candidacy=declared, on=on) is None
    for on, code in ((date(2026, 10, 31), "grant_not_yet_candidate"), (date(2029, 6, 1), "grant_election_passed")):
        with pytest.raises(OutOfTime) as refused:
            bydate.check_grant_date(figures=FIGURES, candidacy=declared, on=on)
        assert refused.value.code == code and "Representation of the People Act 1983" in str(refused.value)
    with pytest.raises(OutOfTime, match="s.118A"):
        bydate.check_grant_date(figures=FIGURES, candidacy=candidacy(NEXT, None), on=DEC_2026)


def test_s75_spending_before_anyone_was_a_candidate_and_after_polling_day_is_refused_naming_s75():
    nominated = candidacy(GE2024, date(2024, 6, 7))
    for on in (date(2024, 1, 15), DEC_2026):
        with pytest.raises(OutOfTime) as refused:
            bydate.check_candidate_spend_date(candidacy=nominated, on=on)
        assert "s.75" in str(refused.value) and refused.value.code == "spend_outside_candidacy"
    assert bydate.check_candidate_spend_date(candidacy=nominated, on=date(2024, 6, 20)) is None


def test_a_provisional_date_counts_spending_from_the_day_after_the_last_general_election():
    period = bydate.counted_period(figures=FIGURES, election=NEXT)
    # 365 days ending 3 May 2029 start on 4 May 2028 (2028 is a leap year: 3 May 2029 − 364 days)
    assert (period.start, period.end) == (date(2028, 5, 4), date(2029, 5, 3))
    assert period.counted_start == date(2024, 7, 5) and period.provisional
    assert "may fall inside" in period.note and "2024-07-05 – 2029-05-03" in period.note
    announced = bydate.counted_period(figures=FIGURES, election=GE2024)
    assert (announced.counted_start, announced.end) == (date(2023, 7, 6), date(2024, 7, 4))


def test_candidate_limits_cover_the_long_and_the_short_campaign_with_figures_and_citations():
    borough = bydate.candidate_limits(figures=FIGURES, election=NEXT, electorate=70_000, constituency_type="Borough")
    long, short = borough
    # 9 July 2024 + 55 months = 9 February 2029; the long campaign starts the day after
    assert long.name == "long campaign" and long.starts == "2029-02-10"
    assert long.limit_pence == 4_022_000 + 8 * 70_000 and "s.76ZA" in long.citation
    assert short.limit_pence == 1_139_000 + 8 * 70_000 and "s.76" in short.citation
    county = bydate.candidate_limits(figures=FIGURES, election=NEXT, electorate=70_000, constituency_type="County")
    assert [c.limit_pence for c in county] == [4_022_000 + 12 * 70_000, 1_139_000 + 12 * 70_000]
    early = ElectionFacts(election_id="parl.2027-05-06", poll_date=date(2027, 5, 6), provisional=True,
                          parliament_first_met=date(2024, 7, 9))
    assert [c.name for c in bydate.candidate_limits(figures=FIGURES, election=early, electorate=70_000,
                                                    constituency_type="Borough")] == ["short campaign"]


def test_moving_a_provisional_date_changes_the_regulated_period_and_the_limits_in_force():
    early = ElectionFacts(**{**NEXT.__dict__, "election_id": "parl.2029-05-03", "poll_date": date(2027, 5, 6)})
    changed = {label: (old, new) for label, old, new in bydate.what_changed(
        bydate.date_derived(figures=FIGURES, election=NEXT), bydate.date_derived(figures=FIGURES, election=early))}
    assert changed["Regulated period (PPERA 2000 Sch 10)"] == ("2028-05-04 – 2029-05-03", "2026-05-07 – 2027-05-06")
    assert changed["Long campaign"][0].startswith("from 2029-02-10") and changed["Long campaign"][1].startswith("none")
    assert changed["Long campaign limit"][1] == "—"
    assert changed["Last day to make or pay a grant (bills paid)"][1].startswith("2027-06-03")
    assert "Short campaign limit" not in changed  # the same figures are in force on both days


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert bydate.add_months(date(2024, 7, 9), 55) == date(2029, 2, 9)
    assert bydate.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
