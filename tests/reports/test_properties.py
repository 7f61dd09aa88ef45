"""A donations report accounts for every penny received exactly once, for any gifts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from swingfund.reports.returns import GiftRecord, donation_rows

POLL = date(2024, 7, 4)
pytestmark = pytest.mark.usefixtures("figures")
fast = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


gift_strategy = st.builds(
    lambda key, amount, offset, status: GiftRecord(
        donor_key=f"d{key}", donor_name=f"Donor {key}", donor_status="Individual", address="", postcode="",
        company_number="", amount_pence=amount, received_on=date(2024, 1, 1) + timedelta(days=offset),
        accepted_on=None, status=status),
    key=st.integers(min_value=0, max_value=5),
    amount=st.integers(min_value=1, max_value=2_000_000),
    offset=st.integers(min_value=0, max_value=180),
    status=st.sampled_from(["accepted", "accepted", "held", "returned", "impermissible"]),
)


@fast
@given(gifts=st.lists(gift_strategy, max_size=25))
def test_donations_report_accounts_for_every_penny_once(gifts):
    report = donation_rows(gifts=gifts, poll_date=POLL)
    t = report.totals
    assert t["received"] == sum(g.amount_pence for g in gifts)
    assert t["itemised"] + t["impermissible"] + t["other"] + t["small"] + t["held"] == t["received"]
    itemised_rows = [r for r in report.rows if r["DonationAction"] == "Accepted"]
    assert all(int(r["Value"].replace(".", "")) > 50_000 for r in itemised_rows)
