"""Decisions are final: a decided proposal cannot change (database-enforced), a grant is refused unless the proposal
still matches the hash its decision recorded, and changes to membership and the voting rule reach the public change
log from every screen, the admin included."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction

from swingfund import dbroles
from swingfund.committee import immutability, services
from swingfund.committee.models import AuditEvent, CommitteeMember, CommitteePolicy, Decision, Proposal
from swingfund.funding import services as funding
from swingfund.funding.models import Grant
from swingfund.funding.services.grants import PROPOSAL_CHANGED
from tests.accounts.helpers import admin_verified


@pytest.fixture
def approved(world, grant):
    for name in ("alice", "bob"):
        grant.refresh_from_db()
        services.vote_cast(proposal=grant, user=world.users[name], choice="for", proposal_hash=grant.content_hash)
    return Decision.objects.get(proposal=grant)


@pytest.fixture
def funded(world):
    """A pooled campaign of the organisation holding £20,000 from a checked UK elector."""
    from swingfund.compliance.services import legal_figures_seed

    legal_figures_seed()
    now = dt.datetime.now(dt.UTC)
    # The backed candidate declared a month ago: the law by date allows a grant from that day to polling day.
    world.corbyn.__class__.objects.filter(pk=world.corbyn.pk).update(
        became_candidate_on=(now - dt.timedelta(days=30)).date())
    campaign = funding.campaign_create(
        organisation=world.org, slug="fund", title="Fund", description="d", purpose="p", mode="pooled",
        goal_pence=5_000_000, starts_at=now - dt.timedelta(days=30), ends_at=now + dt.timedelta(days=30))
    donor = funding.donor_get_or_create(name="Ann Elector", address="1 High St", postcode="N1 1AA")
    donor = funding.donor_declare(donor=donor, category="uk_elector", evidence="register N1-0001",
                                  checked_by="treasurer")
    funding.donation_record(campaign=campaign, donor=donor, amount_pence=2_000_000, method="bank_transfer",
                            received_at=now - dt.timedelta(days=1))
    return campaign


def test_a_decided_proposal_cannot_be_changed_in_the_database(approved):
    proposal = approved.proposal
    with pytest.raises(DatabaseError, match=immutability.DECIDED_MESSAGE), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(amount_pence=580_000)
    with pytest.raises(DatabaseError, match="committee_proposal: delete refused"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("DELETE FROM committee_proposal WHERE id = %s", [proposal.pk])
    assert Proposal.objects.get(pk=proposal.pk).amount_pence == 100_000


def test_an_open_proposal_still_changes_through_its_service(world, grant):
    services.proposal_edit(proposal=grant, actor=world.users["alice"], amount_pence=5_000)
    assert Proposal.objects.get(pk=grant.pk).amount_pence == 5_000


def test_a_grant_is_refused_when_the_decided_proposal_was_changed_behind_the_triggers(lift_triggers_at_teardown,
                                                                                     approved, funded):
    # The attack: someone with owner rights lifts the trigger and raises the approved amount £1,000 → £58,000.
    with dbroles.as_owner(), immutability.triggers_lifted(connection):
        Proposal.objects.filter(pk=approved.proposal_id).update(amount_pence=5_800_000)
    with pytest.raises(ValueError) as refused:
        funding.grant_create_from_decision(decision=approved, campaign=funded)
    assert str(refused.value).startswith(PROPOSAL_CHANGED.split("{")[0] + str(approved.proposal_id))
    assert Grant.objects.count() == 0
    Decision.objects.get(pk=approved.pk)  # the decision itself is untouched
    # Put back exactly as decided, the same decision is paid at the amount approved.
    with dbroles.as_owner(), immutability.triggers_lifted(connection):
        Proposal.objects.filter(pk=approved.proposal_id).update(amount_pence=100_000)
    grant = funding.grant_create_from_decision(decision=approved, campaign=funded)
    assert grant.amount_pence == 100_000


@pytest.fixture
def admin_client(client, world):
    admin = get_user_model().objects.create_superuser("site-admin", "admin@example.org", "x-long-admin-password")
    admin_verified(client, admin)
    return client, admin


def test_an_admin_voting_rule_change_is_on_the_public_change_log(world, admin_client):
    client, admin = admin_client
    policy = CommitteePolicy.objects.get(organisation=world.org)
    response = client.post(f"/admin/committee/committeepolicy/{policy.pk}/change/",
                           {"quorum": 1, "approvals_required": 1})
    assert response.status_code == 302, response.content[:500]
    assert CommitteePolicy.objects.get(pk=policy.pk).approvals_required == 1
    event = AuditEvent.objects.filter(organisation=world.org, action="policy.set").first()
    assert event.actor == admin and event.details["approvals_required"] == 1
    assert event.details["before"] == {"quorum": 2, "approvals_required": 2}
    page = client.get("/committee/changes/").content.decode()
    assert "set the voting rule: quorum 1, approvals 1" in page


def test_admin_membership_changes_are_logged_and_a_member_cannot_be_deleted(world, admin_client):
    client, admin = admin_client
    member = CommitteeMember.objects.get(organisation=world.org, user=world.users["carol"])
    response = client.post(f"/admin/committee/committeemember/{member.pk}/change/", {"role": "member"})
    assert response.status_code == 302
    assert CommitteeMember.objects.get(pk=member.pk).active is False
    event = AuditEvent.objects.filter(action="member.changed", object_id=member.pk).get()
    assert event.actor == admin and event.details["before"] == {"role": "member", "active": True}
    response = client.post("/admin/committee/committeemember/add/",
                           {"user": world.users["dave"].pk, "organisation": world.org.pk, "role": "chair",
                            "active": "on"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="member.seated", actor=admin, details__role="chair").exists()
    assert client.post(f"/admin/committee/committeemember/{member.pk}/delete/", {"post": "yes"}).status_code == 403
    assert CommitteeMember.objects.filter(pk=member.pk).exists()


def test_the_change_log_names_the_role_that_changed_the_rule(world, admin_client):
    """Issue 21: the administrator's change of the voting rule was credited to "A committee member"."""
    import re

    client, admin = admin_client
    world.org.publishes_committee_names = False
    world.org.save(update_fields=["publishes_committee_names"])
    policy = CommitteePolicy.objects.get(organisation=world.org)
    assert client.post(f"/admin/committee/committeepolicy/{policy.pk}/change/",
                       {"quorum": 1, "approvals_required": 1}).status_code == 302
    page = client.get("/committee/changes/").content.decode()
    row = next(r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if "set the voting rule" in r)
    assert "The site administrator" in row and "committee member" not in row
    assert AuditEvent.objects.filter(action="policy.set").first().details["acted_as"] == "site_administrator"
