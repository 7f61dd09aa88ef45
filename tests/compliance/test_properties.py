"""Properties that hold for any amounts: refusal exactly past the limit, warnings from 80 %, the return date."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from swingfund.compliance import checks, general
from swingfund.compliance.seed import seed_table

POLL = date(2024, 7, 4)
LIMIT = 1_755_300  # the seeded constituency limit, £17,553
# No database: the law is pure functions over the table of LAW.md's figures, passed in.
LAW = seed_table()
fast = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
pence = st.integers(min_value=0, max_value=3 * LIMIT)


def seat(pence_: int) -> general.Item:
    return general.Item(amount_pence=pence_, incurred_on=POLL, area="constituencies", seats=((1, "E"),))


@fast
@given(spent=pence, additional=st.integers(min_value=1, max_value=3 * LIMIT))
def test_refused_exactly_when_the_total_passes_the_limit_and_warned_from_80_percent(spent, additional):
    total = spent + additional
    earlier = [seat(spent)] if spent else []
    status = general.Status(recorded=True, eligible=True, registered_on=date(2024, 1, 1))
    try:
        warnings = general.check_item(figures=LAW, item=seat(additional), earlier=earlier, status=status, on=POLL,
                                      seats_per_nation={"E": 543, "S": 57, "W": 32, "N": 18})
    except checks.ComplianceRefusal as refusal:
        assert total > LIMIT and refusal.total_pence == total
        return
    assert total <= LIMIT
    warned = [w for w in warnings if w.code == "non_party_constituency_limit"]
    assert bool(warned) == (total * 100 >= LIMIT * checks.WARN_AT_PERCENT)


@fast
@given(day=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)))
def test_return_is_always_due_on_the_30th_day_counting_the_day_of_receipt(day):
    assert checks.return_due_date(figures=LAW, received_on=day) - day == timedelta(days=29)
