"""roles.py and `swingfund roles`: roles per organisation, the global administrator, and nothing from is_staff."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from swingfund.accounts.roles import organisations_for, user_has_role
from swingfund.accounts.services import role_grant
from swingfund.organisations.models import Organisation
from tests.accounts.helpers import totp_now, user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs():
    return (Organisation.objects.create(name="Group A", slug="group-a"),
            Organisation.objects.create(name="Group B", slug="group-b"))


def test_a_role_holds_in_its_organisation_only(orgs):
    a, b = orgs
    ann = user_make("ann")
    role_grant(user=ann, organisation=a, role="treasurer")
    assert user_has_role(user=ann, organisation=a, role="treasurer")
    assert not user_has_role(user=ann, organisation=b, role="treasurer")
    assert not user_has_role(user=ann, organisation=a, role="organiser")
    assert list(organisations_for(user=ann, role="treasurer")) == [a]
    ann.is_active = False
    ann.save()
    assert not user_has_role(user=ann, organisation=a, role="treasurer")


def test_staff_is_no_role_and_the_administrator_holds_no_organisation_role(orgs):
    a, _ = orgs
    staff = user_make("staff", is_staff=True)
    admin = user_make("root", is_staff=True, is_superuser=True)
    assert not any(user_has_role(user=staff, organisation=a, role=r)
                   for r in ("treasurer", "organiser", "committee_member", "administrator"))
    assert user_has_role(user=admin, organisation=a, role="administrator")
    assert not user_has_role(user=admin, organisation=a, role="treasurer")
    assert user_has_role(user=admin, organisation=None, role="treasurer")  # records of no organisation: theirs
    assert organisations_for(user=admin, role="administrator").count() == 2
    assert not user_has_role(user=staff, organisation=None, role="treasurer")


def test_a_committee_seat_is_the_committee_member_role(orgs):
    from swingfund.committee import services as committee

    a, b = orgs
    bob = user_make("bob")
    committee.member_add(organisation=a, user=bob)
    assert user_has_role(user=bob, organisation=a, role="committee_member")
    assert not user_has_role(user=bob, organisation=b, role="committee_member")


def test_an_unknown_role_is_refused_by_name(orgs):
    with pytest.raises(ValueError, match="Unknown role 'chair'"):
        user_has_role(user=user_make("x"), organisation=orgs[0], role="chair")


def test_the_roles_command_grants_lists_revokes_and_sets_up_totp(orgs):
    ann = user_make("ann")
    out = io.StringIO()
    call_command("roles", "grant", "--user", "ann", "--organisation", "group-a", "--role", "treasurer", stdout=out)
    call_command("roles", "list", stdout=out)
    assert "group-a\ttreasurer\tann" in out.getvalue()
    call_command("roles", "revoke", "--user", "ann", "--organisation", "group-a", "--role", "treasurer", stdout=out)
    assert not user_has_role(user=ann, organisation=orgs[0], role="treasurer")
    with pytest.raises(CommandError, match="was not treasurer of group-a"):
        call_command("roles", "revoke", "--user", "ann", "--organisation", "group-a", "--role", "treasurer")
    with pytest.raises(CommandError, match="No organisation 'nope'"):
        call_command("roles", "grant", "--user", "ann", "--organisation", "nope", "--role", "treasurer")
    totp = io.StringIO()
    call_command("roles", "totp", "--user", "ann", stdout=totp)
    url = totp.getvalue().splitlines()[0]
    assert url.startswith("otpauth://totp/") and "secret=" in url
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=ann)
    assert device.verify_token(totp_now(device.key))  # the device checks codes computed from the RFC
