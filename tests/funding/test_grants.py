"""Grants from committee decisions, paid with a bank reference; the donation notice for the agent (page and
PDF); spending about a named candidate capped at the local permitted sum unless the agent authorised more."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from swingfund.compliance.checks import ComplianceRefusal
from swingfund.compliance.selectors import figure
from swingfund.compliance.services import agent_authority_record
from swingfund.funding import ledger, notices, selectors, services
from swingfund.funding.models import ComplianceTask, Grant
from swingfund.funding.services import grants
from tests.funding.conftest import GRANT_DAY, approved_decision, at, make_donor

pytestmark = pytest.mark.django_db


def fund(campaign, pence, name="Big Giver"):
    return services.donation_record(campaign=campaign, donor=make_donor(name), amount_pence=pence,
                                    method="bank_transfer", reference="in", received_at=at("06-01"))


def test_decision_becomes_one_payable_grant_and_paying_posts_the_bank_reference(
        pooled, candidacy, organisation, django_user_model):
    pooled.organisation = organisation
    pooled.save(update_fields=["organisation"])
    fund(pooled, 150_000)
    decision = approved_decision(organisation, candidacy, django_user_model)
    grant = services.grant_create_from_decision(decision=decision, created_at=GRANT_DAY)
    assert services.grant_create_from_decision(decision=decision, created_at=GRANT_DAY).pk == grant.pk
    assert (grant.status, grant.amount_pence, grant.campaign_id) == (Grant.Status.PAYABLE, 100_000, pooled.pk)
    assert ledger.account_balance(ledger.account_shared("grants_payable")) == -100_000
    paid = services.grant_pay(grant=grant, bank_reference="FPS 88812", paid_at=at("06-20"))
    assert paid.status == Grant.Status.PAID and paid.payment.kind == "grant_paid"
    assert ledger.account_balance(ledger.account_shared("grants_payable")) == 0
    assert ledger.account_balance(ledger.account_shared("bank")) == 50_000
    with pytest.raises(ValueError, match="already paid"):
        services.grant_pay(grant=grant, bank_reference="another")
    assert selectors.campaign_spendable_pence(pooled) == 50_000
    assert ledger.ledger_verify().ok


def test_grant_refused_beyond_spendable_funds_and_held_gifts_are_not_spendable(pooled, candidacy):
    fund(pooled, 40_000)
    services.donation_record(campaign=pooled, donor=None, amount_pence=90_000, method="cash", reference="env",
                             received_at=at("06-02"))
    message = grants.INSUFFICIENT_FUNDS.format(campaign="pooled", available=40_000, amount=100_000,
                                               held_note=grants.HELD_NOTE.format(held=90_000))
    with pytest.raises(ValueError, match=re.escape(message)):
        services.grant_create(campaign=pooled, candidacy=candidacy, amount_pence=100_000, reason="r",
            created_at=GRANT_DAY)
    assert Grant.objects.count() == 0


def test_a_grant_is_a_donation_not_spending_so_it_is_not_tested_against_the_spending_limit(pooled, candidacy):
    """A grant larger than the candidate's whole spending limit is lawful to give: how the candidate spends it is
    their agent's matter (the candidate's limit is on expenses, not on gifts received)."""
    from swingfund.compliance.checks import candidate_spending_limit
    from swingfund.compliance.selectors import figure_table
    from swingfund.elections.models import Result

    result = Result.objects.get(election=candidacy.election, constituency=candidacy.constituency)
    limit, _, _ = candidate_spending_limit(figures=figure_table(), electorate=result.electorate,
                                           constituency_type=candidacy.constituency.constituency_type,
                                           on=candidacy.election.poll_date)
    fund(pooled, limit + 100_000)
    grant = services.grant_create(campaign=pooled, candidacy=candidacy, amount_pence=limit + 100, reason="large",
        created_at=GRANT_DAY)
    assert grant.amount_pence == limit + 100 > limit


def test_earmarked_grant_passes_on_each_true_donor_and_the_notice_names_them(earmarked, candidacies):
    backed, other = candidacies
    ann, bob = make_donor("Ann Kaur"), make_donor("Bob Evans")
    for donor, pence, who in ((ann, 7_500, backed), (bob, 3_000, backed), (bob, 9_900, other)):
        services.donation_record(campaign=earmarked, donor=donor, amount_pence=pence, method="bank_transfer",
                                 reference="e", received_at=at("06-05"), earmarked_candidacy=who)
    with pytest.raises(ValueError, match="only 10500 pence"):
        services.grant_create(campaign=earmarked, candidacy=backed, amount_pence=10_501, reason="r",
            created_at=GRANT_DAY)
    grant = services.grant_create(campaign=earmarked, candidacy=backed, amount_pence=10_500, reason="passed on",
        created_at=GRANT_DAY)
    assert sorted((a.donation.donor.name, a.amount_pence) for a in grant.allocations.all()) == [
        ("Ann Kaur", 7_500), ("Bob Evans", 3_000)]
    notice = notices.notice_for_grant(grant)
    threshold = figure("candidate_donation_threshold", on=backed.election.poll_date).value
    assert notice.earmarked and notice.total_pence == 10_500 and threshold == 5_000
    assert [(d["name"], d["over_threshold"]) for d in notice.donors] == [
        ("Ann Kaur", True), ("Bob Evans", False)]  # £75 is over the £50 threshold, £30 is not
    assert all(d["address"] and d["permissibility"].startswith("Individual on a UK electoral register")
               for d in notice.donors)
    pdf = notices.notice_pdf(notice)
    assert pdf.startswith(b"%PDF-") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 1


def test_pooled_notice_names_the_group_as_donor(pooled, candidacy):
    fund(pooled, 100_000)
    grant = services.grant_create(campaign=pooled, candidacy=candidacy, amount_pence=100_000, reason="r",
        created_at=GRANT_DAY)
    notice = notices.notice_for_grant(grant)
    assert [(d["name"], d["address"], d["amount_pence"]) for d in notice.donors] == [
        ("Leeds Fair Vote", "3 Briggate, Leeds, LS1 6HD", 100_000)]
    assert (notice.organisation_name, notice.organisation_address) == ("Leeds Fair Vote", "3 Briggate, Leeds, LS1 6HD")


def test_grants_to_candidates_are_not_political_contributions_under_schedule_19a(pooled, candidacies):
    """A grant is a donation to a candidate (RPA 1983 Sch 2A), which is not among Schedule 19A's political
    contributions: grants past the £37,270 registration threshold count nothing and open no registration task."""
    threshold = figure("ua_registration_threshold", on=GRANT_DAY.date()).value
    fund(pooled, threshold + 100_000)
    services.grant_create(campaign=pooled, candidacy=candidacies[0], amount_pence=threshold // 2, reason="r",
                          created_at=GRANT_DAY)
    services.grant_create(campaign=pooled, candidacy=candidacies[1], amount_pence=threshold // 2 + 1, reason="r",
                          created_at=GRANT_DAY)
    assert selectors.political_contributions_pence(organisation=None, year=GRANT_DAY.year) == 0
    assert not ComplianceTask.objects.filter(kind__in=[ComplianceTask.Kind.REGISTER,
                                                       ComplianceTask.Kind.UA_NOTIFY]).exists()


def test_spending_about_a_candidate_is_capped_at_the_permitted_sum_without_written_authority(pooled, candidacy,
                                                                                             organisation):
    fund(pooled, 500_000)
    permitted = figure("local_permitted_sum", on=dt.date(2024, 6, 10))
    services.candidate_spend_record(campaign=pooled, candidacy=candidacy, kind="leaflet", description="5,000 leaflets",
                                    amount_pence=permitted.value, spent_at=at("06-10"))
    with pytest.raises(ComplianceRefusal) as refusal:
        services.candidate_spend_record(campaign=pooled, candidacy=candidacy, kind="advert", description="ads",
                                        amount_pence=1, spent_at=at("06-11"))
    assert permitted.citation in str(refusal.value) and "£700" in str(refusal.value)
    agent_authority_record(organisation=organisation, candidacy=candidacy, agent_name="Pat Agent",
                           agent_address="1 Agent Row, Leeds", authorised_on=dt.date(2024, 6, 11), limit_pence=150_000,
                           document=b"%PDF-1.4 signed letter", document_name="letter.pdf")
    spend = services.candidate_spend_record(campaign=pooled, candidacy=candidacy, kind="advert", description="ads",
                                            amount_pence=80_000, spent_at=at("06-12"))
    assert spend.authority.agent_name == "Pat Agent"
    with pytest.raises(ValueError, match="over the £1,500 their election agent Pat Agent authorised in writing"):
        services.candidate_spend_record(campaign=pooled, candidacy=candidacy, kind="advert", description="more",
                                        amount_pence=1, spent_at=at("06-13"))
    assert selectors.campaign_spendable_pence(pooled) == 500_000 - permitted.value - 80_000
