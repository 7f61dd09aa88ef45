"""The group's legal situation in the money rules: a registered party may give to a candidate (passed on) but not to
the group's non-party fund; a charity may not make grants; a grant only to someone standing at that election;
the donation notice names the recorded legal form and applies the over-£50 test to each donor's total."""

from __future__ import annotations

import re

import pytest

from swingfund.compliance import gifts as law
from swingfund.compliance.checks import ComplianceRefusal
from swingfund.compliance.services import group_legal_status_set
from swingfund.funding import ledger, notices, services
from swingfund.funding.models import ComplianceTask, Donation, Grant
from swingfund.funding.services import grants
from tests.funding.conftest import GRANT_DAY, at, make_donor

pytestmark = pytest.mark.django_db


def fund(campaign, pence, name="Big Giver"):
    return services.donation_record(campaign=campaign, donor=make_donor(name), amount_pence=pence,
                                    method="bank_transfer", reference="in", received_at=at("06-01"))


def test_a_registered_partys_gift_to_the_non_party_fund_is_held_for_return_not_spendable(pooled):
    party = make_donor("Example Party", category="registered_party")
    gift = services.donation_record(campaign=pooled, donor=party, amount_pence=60_000, method="bank_transfer",
                                    reference="party", received_at=at("06-02"))
    assert gift.status == Donation.Status.HELD and gift.hold_reason == law.HOLD_PARTY
    assert "Sch 11 para 1(6)" in gift.hold_reason
    task = ComplianceTask.objects.get(donation=gift, done_at=None)
    assert task.kind == ComplianceTask.Kind.RETURN
    with pytest.raises(ComplianceRefusal, match="impermissible"):
        services.donation_release(donation=gift, by="treasurer")
    assert ledger.account_balance(ledger.account_for_campaign(pooled, "donations")) == 0
    from swingfund.reports.returns_data import donations_report

    (row,) = [r for r in donations_report(election_id="parl.2024-07-04", progress=False).rows
              if r["DonorName"] == "Example Party"]
    assert (row["DonorStatus"], row["DonationAction"]) == ("Registered political party", "To be returned")


def test_a_registered_party_may_give_to_a_candidate_through_earmarked_gifts(earmarked, candidacy):
    party = make_donor("Example Party", category="registered_party")
    gift = services.donation_record(campaign=earmarked, donor=party, amount_pence=60_000, method="bank_transfer",
                                    reference="party", received_at=at("06-02"), earmarked_candidacy=candidacy)
    assert gift.status == Donation.Status.ACCEPTED


def test_declaring_a_held_donor_a_registered_party_turns_the_check_into_a_return(pooled):
    donor = make_donor("Later Party", checked=False)
    gift = services.donation_record(campaign=pooled, donor=donor, amount_pence=60_000, method="bank_transfer",
                                    reference="p2", received_at=at("06-02"))
    assert ComplianceTask.objects.get(donation=gift, done_at=None).kind == ComplianceTask.Kind.VERIFY
    services.donor_declare(donor=donor, category="registered_party", evidence="EC register PP999",
                           checked_by="treasurer", checked_at=at("06-03"))
    assert ComplianceTask.objects.get(donation=gift, done_at=None).kind == ComplianceTask.Kind.RETURN


def test_a_charity_group_cannot_make_a_grant(pooled, candidacy, organisation):
    pooled.organisation = organisation
    pooled.save(update_fields=["organisation"])
    fund(pooled, 200_000)
    group_legal_status_set(organisation=organisation, legal_form="charity", charity_number="1234567")
    with pytest.raises(ValueError, match=re.escape("is recorded as a charity (no. 1234567)")) as refused:
        services.grant_create(campaign=pooled, candidacy=candidacy, amount_pence=100_000, reason="r",
            created_at=GRANT_DAY)
    assert "CC9" in str(refused.value)
    assert Grant.objects.count() == 0 and not ledger.LedgerTransaction.objects.filter(kind="grant").exists()
    group_legal_status_set(organisation=organisation, legal_form="unincorporated_association")
    assert services.grant_create(campaign=pooled, candidacy=candidacy, amount_pence=100_000, reason="r",
        created_at=GRANT_DAY).pk


def test_a_grant_to_someone_not_standing_at_that_election_is_refused(pooled, candidacy, organisation,
                                                                    django_user_model):
    from swingfund.elections.models import Candidacy, Election

    fund(pooled, 300_000)
    pooled.election = Election.objects.get(pk="parl.2024-07-04")
    pooled.save(update_fields=["election"])
    old = Candidacy.objects.filter(election_id="parl.2019-12-12").select_related("election").first()
    message = grants.NOT_STANDING.format(candidacy=old, election="parl.2024-07-04",
                                         reason="their candidacy is at parl.2019-12-12")
    with pytest.raises(ValueError, match=re.escape(message)):
        services.grant_create(created_at=GRANT_DAY, campaign=pooled, candidacy=old, amount_pence=100_000, reason="r")
    notional = Candidacy.objects.filter(election__notional=True).first()
    if notional is not None:
        with pytest.raises(ValueError, match="notional"):
            services.grant_create(campaign=pooled, candidacy=notional, amount_pence=100_000, reason="r",
                created_at=GRANT_DAY)
    assert Grant.objects.count() == 0
    # A committee decision about a 2024 seat whose candidacy is from another election is refused too.
    pooled.election = None
    pooled.save(update_fields=["election"])
    from swingfund.committee import services as committee

    chair = django_user_model.objects.create_user("chair-old", password="pw-chair-12345")
    voter = django_user_model.objects.create_user("member-old", password="pw-member-12345")
    committee.policy_set(organisation=organisation, quorum=1, approvals_required=1)
    committee.member_add(organisation=organisation, user=chair, role="chair")
    committee.member_add(organisation=organisation, user=voter)
    # A decided proposal can no longer change (its hash is checked), and the committee refuses to propose a
    # candidacy that is not standing at the proposal's election, so no decision can carry one to a grant.
    with pytest.raises(committee.CommitteeError, match=re.escape("does not stand in")):
        committee.proposal_create(organisation=organisation, kind="grant", election=candidacy.election,
                                  constituency=candidacy.constituency, reason="r", proposer=chair,
                                  candidacy=old, amount_pence=100_000)
    assert Grant.objects.count() == 0


@pytest.mark.parametrize(("form", "number", "expected"), [
    ("company", "01234567", "Company registered in the UK"),
    ("unincorporated_association", "", "Unincorporated association based and carrying on"),
])
def test_the_pooled_notice_states_the_recorded_legal_form(pooled, candidacy, organisation, form, number, expected):
    pooled.organisation = organisation
    pooled.save(update_fields=["organisation"])
    fund(pooled, 100_000)
    group_legal_status_set(organisation=organisation, legal_form=form, company_number=number)
    grant = services.grant_create(campaign=pooled, candidacy=candidacy, amount_pence=100_000, reason="r",
        created_at=GRANT_DAY)
    (line,) = notices.notice_for_grant(grant).donors
    assert line["permissibility"].startswith(expected)
    assert (f"company no. {number}" in line["evidence"]) == bool(number)


def test_the_notice_without_a_recorded_form_says_so(pooled, candidacy):
    fund(pooled, 100_000)
    grant = services.grant_create(campaign=pooled, candidacy=candidacy, amount_pence=100_000, reason="r",
        created_at=GRANT_DAY)
    assert notices.notice_for_grant(grant).donors[0]["permissibility"] == notices.FORM_NOT_RECORDED


def test_the_over_50_test_is_on_each_donors_total_to_the_candidate(earmarked, candidacy):
    """Ann gives £30 and later £30 for the same candidate, passed on by two grants: neither line is over £50, but
    her total to the candidate (£60) is, so the second notice flags her; Bob's single £40 is not flagged."""
    ann, bob = make_donor("Ann Kaur"), make_donor("Bob Evans")
    for donor, pence, day in ((ann, 3_000, "06-05"), (bob, 4_000, "06-05")):
        services.donation_record(campaign=earmarked, donor=donor, amount_pence=pence, method="bank_transfer",
                                 reference="e", received_at=at(day), earmarked_candidacy=candidacy)
    first = services.grant_create(campaign=earmarked, candidacy=candidacy, amount_pence=7_000, reason="one",
        created_at=GRANT_DAY)
    assert [(d["name"], d["over_threshold"]) for d in notices.notice_for_grant(first).donors] == [
        ("Ann Kaur", False), ("Bob Evans", False)]
    services.donation_record(campaign=earmarked, donor=ann, amount_pence=3_000, method="bank_transfer",
                             reference="e2", received_at=at("06-09"), earmarked_candidacy=candidacy)
    second = services.grant_create(campaign=earmarked, candidacy=candidacy, amount_pence=3_000, reason="two",
        created_at=GRANT_DAY)
    (line,) = notices.notice_for_grant(second).donors
    assert (line["name"], line["amount_pence"], line["total_to_candidate_pence"], line["over_threshold"]) == (
        "Ann Kaur", 3_000, 6_000, True)


def test_a_charity_group_cannot_spend_about_a_candidate(pooled, candidacy, organisation):
    """A charity may not spend to promote or oppose a candidate (Charity Commission CC9): £100 of leaflets about a
    candidate, well inside the £700 permitted sum (RPA 1983 s.75), is refused, and nothing is written."""
    from swingfund.funding.models import CandidateSpend

    pooled.organisation = organisation
    pooled.save(update_fields=["organisation"])
    fund(pooled, 200_000)
    group_legal_status_set(organisation=organisation, legal_form="charity", charity_number="1234567")
    spent_before = ledger.LedgerTransaction.objects.filter(kind="candidate_spend").count()
    with pytest.raises(ValueError, match=re.escape("is recorded as a charity (no. 1234567)")) as refused:
        services.candidate_spend_record(campaign=pooled, candidacy=candidacy, kind="leaflet", description="Leaflets",
                                        amount_pence=10_000, spent_at=GRANT_DAY)
    assert "CC9" in str(refused.value) and "promote or oppose a candidate" in str(refused.value)
    assert not CandidateSpend.objects.exists()
    assert ledger.LedgerTransaction.objects.filter(kind="candidate_spend").count() == spent_before
    group_legal_status_set(organisation=organisation, legal_form="unincorporated_association")
    assert services.candidate_spend_record(campaign=pooled, candidacy=candidacy, kind="leaflet",
                                           description="Leaflets", amount_pence=10_000, spent_at=GRANT_DAY).pk
