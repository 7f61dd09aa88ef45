"""Plain words for people: each case written out by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from swingfund.display import bloc_words, day_words, election_words, money, when_words


@pytest.mark.parametrize(("election_id", "words"), [
    ("parl.2024-07-04", "4 July 2024 general election"),
    ("parl.2019-12-12", "12 December 2019 general election"),
    ("local.leeds.2026-05-07", "7 May 2026 local elections"),
    ("not-an-id", "not-an-id"),
])
def test_election_words(election_id, words):
    assert election_words(election_id) == words


@pytest.mark.parametrize(("bloc", "words"), [
    ("religion:muslim", "Muslim (census 2021)"),
    ("ethnicity:black+ethnicity:mixed", "Black + Mixed (census 2021)"),
    ("census2011/religion:no_religion", "No religion (census 2011)"),
])
def test_bloc_words(bloc, words):
    assert bloc_words(bloc) == words


@pytest.mark.parametrize(("pence", "words"), [
    (100000, "£1,000.00"), (5, "£0.05"), (123456789, "£1,234,567.89"), (-1250, "−£12.50"), (None, "—"),
])
def test_money(pence, words):
    assert money(pence) == words


@pytest.mark.parametrize(("pence", "options", "words"), [
    (100000, {"short": True}, "£1,000"), (1250, {"short": True}, "£12.50"), (-100000, {"short": True}, "−£1,000"),
    (123456, {"symbol": False}, "1,234.56"), (-123456, {"symbol": False, "short": True}, "-1,234.56"),
    (123456, {"symbol": False, "grouping": False}, "1234.56"), (-5, {"symbol": False, "grouping": False}, "-0.05"),
    (None, {"none": ""}, ""),
])
def test_money_forms(pence, options, words):
    assert money(pence, **options) == words


@given(st.integers(min_value=0, max_value=10**13))
def test_money_is_byte_identical_to_the_ledgers_first_form(pence):
    """Hashed ledger descriptions were first written with f"£{p / 100:,.2f}": the chain of existing data verifies
    only while `money` writes every amount a description can hold (positive pence) byte for byte the same."""
    assert money(pence) == f"£{pence / 100:,.2f}"


def test_times_are_uk_time_to_the_minute():
    summer = dt.datetime(2024, 7, 4, 20, 15, 59, 123456, tzinfo=dt.UTC)  # BST: UTC+1
    winter = dt.datetime(2024, 12, 12, 21, 15, tzinfo=dt.UTC)            # GMT: UTC+0
    assert when_words(summer) == "4 Jul 2024 21:15"
    assert when_words(winter) == "12 Dec 2024 21:15"
    assert day_words(dt.date(2024, 7, 4)) == "4 July 2024"
