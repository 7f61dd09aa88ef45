"""Election dates, named after the real reference elections."""

from __future__ import annotations

from datetime import date

import pytest

from swingfund.compliance.seed import seed_table
from swingfund.compliance.timetables import election_dates, in_regulated_period, regulated_period

# No database: the law is pure functions over the table of LAW.md's figures, passed in.
LAW = seed_table()


def test_parl_2024_07_04_regulated_period_is_6_july_2023_to_4_july_2024():
    assert regulated_period(figures=LAW, election_id="parl.2024-07-04") == (date(2023, 7, 6), date(2024, 7, 4))
    assert in_regulated_period(figures=LAW, election_id="parl.2024-07-04", on=date(2023, 7, 6))
    assert in_regulated_period(figures=LAW, election_id="parl.2024-07-04", on=date(2024, 7, 4))
    assert not in_regulated_period(figures=LAW, election_id="parl.2024-07-04", on=date(2023, 7, 5))
    assert not in_regulated_period(figures=LAW, election_id="parl.2024-07-04", on=date(2024, 7, 5))


def test_parl_2019_12_12_regulated_period_and_a_ballot_id_of_the_same_poll():
    assert regulated_period(figures=LAW, election_id="parl.2019-12-12") == (date(2018, 12, 13), date(2019, 12, 12))
    ballot = "parl.hackney-south-and-shoreditch.2024-07-04"
    assert regulated_period(figures=LAW, election_id=ballot) == (date(2023, 7, 6), date(2024, 7, 4))


def test_an_earlier_general_election_within_365_days_shortens_the_period():
    start, end = regulated_period(figures=LAW, election_id="parl.2017-06-08", previous_poll=date(2016, 12, 1))
    assert (start, end) == (date(2016, 12, 2), date(2017, 6, 8))


def test_timetable_for_parl_2024_07_04_comes_from_uk_election_timetables():
    dates = election_dates(figures=LAW, election_id="parl.2024-07-04")
    by_label = {t.label: t.date for t in dates.timetable}
    assert by_label["Close of Nominations"] == date(2024, 6, 7)
    assert by_label["Register to vote deadline"] == date(2024, 6, 18)
    assert by_label["Regulated period begins"] == date(2023, 7, 6)
    assert [t.date for t in dates.timetable] == sorted(t.date for t in dates.timetable)


@pytest.mark.parametrize(
    ("election_id", "message"),
    [
        ("parl.next-week", "is not a Democracy Club election id"),
        ("general-election", "is not a Democracy Club election id"),
        ("local.2024-05-02", "encoded for UK Parliamentary general elections"),
    ],
)
def test_bad_or_unsupported_election_ids_are_clear_errors(election_id, message):
    with pytest.raises(ValueError, match=message):
        regulated_period(figures=LAW, election_id=election_id)
