"""Roles on one page (/group/roles/) and one command (`swingfund roles`): treasurer, organisers, administrators,
committee seats and the committee's voting rule."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from swingfund.accounts.roles import user_has_role
from swingfund.accounts.services import role_grant
from swingfund.committee import selectors
from swingfund.committee.models import AuditEvent, CommitteeMember
from swingfund.organisations.services import organisation_create
from swingfund.testing.smtp import SmtpSink
from tests.accounts.helpers import second_factor, sign_in, user_make

URL = "/group/roles/"


@pytest.fixture
def group(db):
    organisation = organisation_create(name="Leeds Fair Vote", address="1 Park Row, Leeds", sender_email="hi@lfv.org")
    admin = user_make("amina")
    role_grant(user=admin, organisation=organisation, role="administrator")
    client = Client()
    sign_in(client, admin)
    second_factor(client, admin)
    return organisation, client


def test_the_page_invites_gives_takes_back_and_sets_the_voting_rule(group, settings):
    organisation, client = group
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        response = client.post(URL, {"action": "invite", "invite-email": "tom@example.org", "invite-role":
                                     "treasurer", "invite-name": "Tom"})
        assert response.status_code == 302
        assert sink.received[0].envelope_to == ["tom@example.org"]
        assert "http://testserver/group/invitation/" in sink.received[0].message.get_content()
    bad = client.post(URL, {"action": "invite", "invite-email": "not-an-address", "invite-role": "treasurer"})
    assert bad.status_code == 400 and "Enter a valid email address." in bad.content.decode()
    mo = user_make("mo")
    assert client.post(URL, {"action": "give", "give-username": "mo", "give-role": "chair"}).status_code == 302
    seat = CommitteeMember.objects.get(organisation=organisation, user=mo)
    assert seat.role == "chair" and seat.active
    page = client.get(URL).content.decode()
    assert 'data-role="chair" data-user="mo"' in page and 'data-role="administrator" data-user="amina"' in page
    assert client.post(URL, {"action": "take", "user": mo.pk, "role": "chair"}).status_code == 302
    seat.refresh_from_db()
    assert not seat.active  # stood down: the seat and its history stay on the change log
    assert AuditEvent.objects.filter(action="member.changed", object_id=seat.pk).exists()
    assert client.post(URL, {"action": "rule", "rule-quorum": "3", "rule-approvals_required": "2"}).status_code == 302
    rule = selectors.policy_for(organisation=organisation)
    assert (rule.quorum, rule.approvals_required) == (3, 2)
    zero = client.post(URL, {"action": "rule", "rule-quorum": "0", "rule-approvals_required": ""})
    assert zero.status_code == 400 and "greater than or equal to 1" in zero.content.decode()
    assert selectors.policy_for(organisation=organisation).quorum == 3


def test_nobody_but_the_groups_administrator_opens_the_roles_page(group):
    organisation, _ = group
    organiser = user_make("olu")
    role_grant(user=organiser, organisation=organisation, role="organiser")
    client = Client()
    sign_in(client, organiser)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"action": "give", "give-username": "olu", "give-role": "administrator"}).status_code \
        == 403
    assert not user_has_role(user=organiser, organisation=organisation, role="administrator")


def test_the_roles_command_covers_committee_seats_and_the_voting_rule(group):
    organisation, _ = group
    user_make("mo")
    user_make("tom")
    out = io.StringIO()
    call_command("roles", "grant", "--user", "mo", "--organisation", organisation.slug, "--role", "committee_member",
                 stdout=out)
    call_command("roles", "grant", "--user", "tom", "--organisation", organisation.slug, "--role", "treasurer",
                 stdout=out)
    call_command("roles", "rule", "--organisation", organisation.slug, "--quorum", "2", "--approve", "2", stdout=out)
    listing = io.StringIO()
    call_command("roles", "list", "--organisation", organisation.slug, stdout=listing)
    lines = listing.getvalue().splitlines()
    assert "leeds-fair-vote\tcommittee_member\tmo" in lines
    assert "leeds-fair-vote\ttreasurer\ttom" in lines
    assert "leeds-fair-vote\tadministrator\tamina" in lines
    assert "leeds-fair-vote\trule\tquorum 2, approve 2" in lines
    call_command("roles", "rule", "--organisation", organisation.slug, "--quorum", "1", "--approve", "majority",
                 stdout=out)
    assert selectors.policy_for(organisation=organisation).approvals_required is None
    call_command("roles", "revoke", "--user", "mo", "--organisation", organisation.slug, "--role", "committee_member",
                 stdout=out)
    assert not CommitteeMember.objects.get(user__username="mo").active
    with pytest.raises(CommandError, match="mo was not committee_member of leeds-fair-vote"):
        call_command("roles", "revoke", "--user", "mo", "--organisation", organisation.slug, "--role",
                     "committee_member")
    with pytest.raises(CommandError, match="--approve must be a whole number from 1 to 100, or 'majority'"):
        call_command("roles", "rule", "--organisation", organisation.slug, "--quorum", "1", "--approve", "most")
