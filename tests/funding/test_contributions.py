"""An unincorporated association's political contributions (PPERA 2000 Schedule 19A) through the money side: only
contributions over £500 to parties, registered campaigners or regulated donees count towards the £37,270 threshold
(a grant to a candidate does not), and crossing it opens the 30-day notice task."""

from __future__ import annotations

import datetime as dt

import pytest

from swingfund.compliance.services import group_legal_status_set
from swingfund.funding import selectors, services
from swingfund.funding.models import ComplianceTask
from tests.funding.conftest import at, make_donor

pytestmark = pytest.mark.django_db


def test_crossing_the_registration_threshold_opens_the_notice_task_and_grants_do_not_count(
        pooled, candidacy, organisation):
    group_legal_status_set(organisation=organisation, legal_form="unincorporated_association")
    services.donation_record(campaign=pooled, donor=make_donor("Big Giver"), amount_pence=5_000_000,
                             method="bank_transfer", reference="in", received_at=at("02-01"))
    services.political_contribution_record(campaign=pooled, recipient_kind="non_party_campaigner",
                                           recipient_name="Fair Votes Now", amount_pence=3_700_000,
                                           made_on=dt.date(2024, 2, 10))
    services.grant_create(campaign=pooled, candidacy=candidacy, amount_pence=500_000, reason="backed",
                          created_at=at("06-10"))  # a donation to a candidate: not a political contribution
    services.political_contribution_record(campaign=pooled, recipient_kind="registered_party",
                                           recipient_name="A Party", amount_pence=50_000,
                                           made_on=dt.date(2024, 4, 1))  # £500: not over £500, not counted
    assert selectors.political_contributions_pence(organisation=organisation, year=2024) == 3_700_000
    assert not ComplianceTask.objects.filter(kind=ComplianceTask.Kind.UA_NOTIFY).exists()
    services.political_contribution_record(campaign=pooled, recipient_kind="elective_office_holder",
                                           recipient_name="A Councillor", amount_pence=50_100,
                                           made_on=dt.date(2024, 4, 20))  # £37,501 > £37,270
    task = ComplianceTask.objects.get(kind=ComplianceTask.Kind.UA_NOTIFY)
    assert task.due_on == dt.date(2024, 5, 19)  # 30 days beginning with 20 April
    assert "£37,501" in task.description and "Schedule 19A" in task.citation


def test_a_candidate_is_not_a_political_contribution_recipient(pooled):
    with pytest.raises(ValueError, match="Unknown recipient kind 'candidate'"):
        services.political_contribution_record(campaign=pooled, recipient_kind="candidate", recipient_name="C",
                                               amount_pence=100, made_on=dt.date(2024, 4, 1))
