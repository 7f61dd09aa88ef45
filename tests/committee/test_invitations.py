"""Invitations by email: sent through Django's SMTP backend to a real SMTP server (aiosmtpd), from the group's own
sender, naming the role; the link is signed, expires, and works once; accepting sets the password (and, for a role
that moves money or hands out roles, an authenticator confirmed by a code) and gives the role."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from swingfund.accounts.roles import user_has_role
from swingfund.committee import invitations
from swingfund.committee.invitations import (
    CODE_WRONG,
    INVITATION_BAD,
    INVITATION_EXPIRED,
    INVITATION_USED,
    InvitationError,
)
from swingfund.committee.models import AuditEvent, CommitteeMember
from swingfund.organisations.services import organisation_create
from swingfund.testing.smtp import SmtpSink
from tests.accounts.helpers import totp_now

PASSWORD = "a-chosen-password-42"


@pytest.fixture
def smtp(settings):
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        yield sink


@pytest.fixture
def group(db):
    return organisation_create(name="Leeds Fair Vote", address="1 Park Row, Leeds", sender_email="hello@lfv.org")


def _link(sink: SmtpSink, to: str) -> str:
    message = next(r.message for r in reversed(sink.received) if to in r.envelope_to)
    body = message.get_content()
    return re.search(r"https?://\S+/group/invitation/\S+/", body).group(0)


def test_the_invitation_email_comes_from_the_group_names_the_role_and_links_to_a_password_page(smtp, group):
    invitations.invitation_send(organisation=group, email="tom@example.org", role="treasurer", invited_by=None,
                                link_base="https://leedsfairvote.org", name="Tom")
    (received,) = smtp.received
    message = received.message
    assert received.envelope_to == ["tom@example.org"]
    assert message["From"] == "hello@lfv.org"
    assert message["Message-ID"].endswith("@lfv.org>")  # the group's domain, never this machine's host name
    assert message["Subject"] == "Leeds Fair Vote: you are invited as treasurer"
    assert "to be treasurer of Leeds Fair Vote" in message.get_content()
    assert _link(smtp, "tom@example.org").startswith("https://leedsfairvote.org/group/invitation/")
    user = get_user_model().objects.get(email="tom@example.org")
    assert not user.has_usable_password()  # nobody can sign in as Tom until he accepts


def test_accepting_sets_the_password_gives_the_role_and_the_link_then_stops_working(smtp, group):
    sent = invitations.invitation_send(organisation=group, email="olu@example.org", role="organiser",
                                       invited_by=None, link_base="http://testserver")
    token = _link(smtp, "olu@example.org").rstrip("/").rsplit("/", 1)[1]
    accepted = invitations.invitation_accept(token=token, password=PASSWORD, password_again=PASSWORD)
    user = accepted.user
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and user == sent.user
    assert user_has_role(user=user, organisation=group, role="organiser")
    with pytest.raises(InvitationError, match=re.escape(INVITATION_USED)):
        invitations.invitation_accept(token=token, password="another-password-77", password_again="another-"
                                      "password-77")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_changed_token_is_refused_and_so_is_an_expired_one(smtp, group, monkeypatch):
    invitations.invitation_send(organisation=group, email="cy@example.org", role="organiser", invited_by=None,
                                link_base="http://testserver")
    token = _link(smtp, "cy@example.org").rstrip("/").rsplit("/", 1)[1]
    payload = signing.loads(token, salt=invitations.SALT)
    forged = signing.dumps(payload | {"r": "administrator"}, salt="another-salt", compress=True)
    for bad in (forged, token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "not-a-token"):
        with pytest.raises(InvitationError, match=re.escape(INVITATION_BAD)):
            invitations.invitation_read(token=bad)
    real = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real() + (invitations.INVITATION_DAYS + 1) * 86400)
    with pytest.raises(InvitationError, match=re.escape(INVITATION_EXPIRED)):
        invitations.invitation_accept(token=token, password=PASSWORD, password_again=PASSWORD)
    assert not user_has_role(user=get_user_model().objects.get(email="cy@example.org"), organisation=group,
                             role="organiser")


def test_a_treasurer_confirms_an_authenticator_before_the_role_is_given(smtp, group):
    invitations.invitation_send(organisation=group, email="tom@example.org", role="treasurer", invited_by=None,
                                link_base="http://testserver")
    token = _link(smtp, "tom@example.org").rstrip("/").rsplit("/", 1)[1]
    key = "3132333435363738393031323334353637383930"
    with pytest.raises(InvitationError, match=re.escape(CODE_WRONG)):
        invitations.invitation_accept(token=token, password=PASSWORD, password_again=PASSWORD, totp_key=key,
                                      totp_code="000000" if totp_now(key) != "000000" else "111111")
    tom = get_user_model().objects.get(email="tom@example.org")
    assert not user_has_role(user=tom, organisation=group, role="treasurer") and not tom.has_usable_password()
    invitations.invitation_accept(token=token, password=PASSWORD, password_again=PASSWORD, totp_key=key,
                                  totp_code=totp_now(key))
    assert user_has_role(user=tom, organisation=group, role="treasurer")
    assert TOTPDevice.objects.get(user=tom).key == key


def test_a_committee_invitation_seats_the_member_on_the_public_change_log(smtp, group):
    invitations.invitation_send(organisation=group, email="mo@example.org", role="committee_member",
                                invited_by=None, link_base="http://testserver")
    token = _link(smtp, "mo@example.org").rstrip("/").rsplit("/", 1)[1]
    accepted = invitations.invitation_accept(token=token, password=PASSWORD, password_again=PASSWORD)
    seat = CommitteeMember.objects.get(organisation=group, user=accepted.user)
    assert seat.active and seat.role == "member"
    assert AuditEvent.objects.filter(action="member.seated", object_id=seat.pk).exists()


def test_the_invitation_page_accepts_signs_in_and_refuses_a_second_use(smtp, group):
    invitations.invitation_send(organisation=group, email="mo@example.org", role="committee_member",
                                invited_by=None, link_base="http://testserver")
    path = _link(smtp, "mo@example.org").replace("http://testserver", "")
    client = Client()
    page = client.get(path)
    assert page.status_code == 200 and "Join Leeds Fair Vote as committee member" in page.content.decode()
    short = client.post(path, {"password": "short", "password_again": "short"})
    assert short.status_code == 400 and "too short" in short.content.decode()
    done = client.post(path, {"password": PASSWORD, "password_again": PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/committee/"
    assert client.get("/committee/").status_code == 200  # signed in as the new member
    again = Client().get(path)
    assert again.status_code == 410 and INVITATION_USED in again.content.decode().replace("&#x27;", "'")
