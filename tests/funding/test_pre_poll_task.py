"""A task prompts each weekly pre-poll donation report (issue 20): a registered non-party campaigner's gift over
£7,500 from one source (PPERA 2000 Sch 11 para 10), received from dissolution to polling day, is reported in the
week from dissolution it fell in, within 7 days of that week's end (the Commission's 2024 table: 30 May – 5 June,
due 12 June). The dates here are worked by hand from that table, not read from the code."""

from __future__ import annotations

import datetime as dt

import pytest

from swingfund.compliance.services import group_legal_status_set
from swingfund.funding import services
from swingfund.funding.models import ComplianceTask
from tests.funding.conftest import at, make_donor

pytestmark = pytest.mark.django_db
ELECTION = "parl.2024-07-04"


@pytest.fixture
def fund(official_db, figures, organisation):
    from swingfund.elections.models import Election

    return services.campaign_create(
        organisation=organisation, slug="ge2024", title="GE2024", description="d", purpose="Our GE2024 campaign",
        mode="pooled", goal_pence=10_000_000, starts_at=at("2024-01-01"), ends_at=at("07-04"),
        election=Election.objects.get(pk=ELECTION))


def give(campaign, name, pence, day):
    return services.donation_record(campaign=campaign, donor=make_donor(name), amount_pence=pence,
                                    method="bank_transfer", reference=name, received_at=at(day))


def task_for(gift):
    return ComplianceTask.objects.filter(kind=ComplianceTask.Kind.PRE_POLL, donation=gift).first()


def test_each_gift_over_7500_pounds_from_dissolution_prompts_its_weeks_report(fund, organisation):
    group_legal_status_set(organisation=organisation, legal_form="unincorporated_association",
                           non_party_registered_on=dt.date(2024, 1, 10))
    # Parliament was dissolved on 30 May 2024: weeks run 30 May–5 June, 6–12 June, 13–19, 20–26 June, 27 June–3 July,
    # and 4 July (polling day) alone; each report is due 7 days after its week ends.
    expected = {"06-03": (1, dt.date(2024, 6, 12)), "06-20": (4, dt.date(2024, 7, 3)),
                "07-04": (6, dt.date(2024, 7, 11))}
    for n, (day, (week, due)) in enumerate(expected.items()):
        task = task_for(give(fund, f"Big Giver {n}", 800_000, day))
        assert task is not None and task.due_on == due, day
        assert f"week {week} " in task.description and "£8,000.00" in task.description
        assert "Schedule 11 para 10" in task.citation
    assert task_for(give(fund, "At Threshold", 750_000, "06-03")) is None  # £7,500 is not over £7,500
    assert task_for(give(fund, "Before Dissolution", 800_000, "05-29")) is None  # 29 May: before the reports


def test_no_pre_poll_task_for_a_group_not_registered_as_a_non_party_campaigner(fund, organisation):
    group_legal_status_set(organisation=organisation, legal_form="unincorporated_association")
    assert task_for(give(fund, "Big Giver", 800_000, "06-03")) is None
