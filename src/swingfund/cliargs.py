"""Argument types for the `swingfund` commands that refuse out-of-range values before anything runs.

argparse turns an `ArgumentTypeError` into `error: argument --top: must be a whole number from 1 to 650, got -5` and
exit status 2, so `committee propose --top -5` or `funding gift --received 9999-12-31` stop at the command line
instead of creating 630 proposals or a ledger entry dated 9999.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable

NOT_IN_RANGE = "must be a whole number from {low:,} to {high:,}, got {value!r}"
NOT_A_FRACTION = "must be a number from {low} to {high}, got {value!r}"
BAD_MOMENT = "must be a date (YYYY-MM-DD) or an ISO date-time, got {value!r}"
MOMENT_OUT_OF_RANGE = "must be between {low} and now (UTC), got {value!r}"
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
CLOCK_SLACK = dt.timedelta(hours=1)  # another machine's clock (Stripe's, a treasurer's laptop) may run a little fast
SEATS = 650  # seats in the House of Commons: no list of seats is longer


def int_range(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number in [low, high]."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(NOT_IN_RANGE.format(low=low, high=high, value=text)) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(NOT_IN_RANGE.format(low=low, high=high, value=text))
        return value

    parse.__name__ = "whole number"
    return parse


def float_range(low: float, high: float) -> Callable[[str], float]:
    """An argparse type: a finite number in [low, high]."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(NOT_A_FRACTION.format(low=low, high=high, value=text)) from None
        if not low <= value <= high:  # also refuses nan and inf
            raise argparse.ArgumentTypeError(NOT_A_FRACTION.format(low=low, high=high, value=text))
        return value

    parse.__name__ = "number"
    return parse


def past_moment(text: str, *, now: dt.datetime | None = None) -> dt.datetime:
    """An argparse type: a date or date-time (UTC when naive) from 2000 up to now — money is received in the past."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(BAD_MOMENT.format(value=text)) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    latest = (now or dt.datetime.now(dt.UTC)) + CLOCK_SLACK
    if not EARLIEST <= moment <= latest:
        raise argparse.ArgumentTypeError(MOMENT_OUT_OF_RANGE.format(low=EARLIEST.date(), value=text))
    return moment.astimezone(dt.UTC)


past_moment.__name__ = "date"
positive_id = int_range(1, 2**63 - 1)
