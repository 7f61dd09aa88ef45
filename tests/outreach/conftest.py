"""Fixtures: the official data with the ONSPD Aberdeen sample, an organisation and two organisers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from swingfund.elections.models import Postcode
from swingfund.elections.services import file_import
from swingfund.organisations.models import Organisation

SAMPLE = "onspd-sample-postcodes-aberdeen.csv"
SOUTH = "S14000061"  # Aberdeen South: AB10 1AB … in the sample
NORTH = "S14000060"  # Aberdeen North: AB10 1PE …
WEST = "S14000111"  # West Aberdeenshire and Kincardine: AB12 3GQ …
ALL_CONSENTS = ("email", "whatsapp", "special")
# The test group's imprint, as every message, share kit and page of it must end (its own name and address).
IMPRINT = "Promoted by Test Group, 2 Test Road, Aberdeen, AB10 1AB."


@pytest.fixture
def postcodes(official_db, data_dir):
    if not Postcode.objects.filter(boundary_set="pcon2024").exists():
        file_import(path=data_dir / SAMPLE, progress=False)


@pytest.fixture
def organisation(official_db):
    return Organisation.objects.create(name="Test Group", slug="test-group", address="2 Test Road\nAberdeen\nAB10 1AB",
                                       sender_email="hello@testgroup.example")


def _organiser(name: str, organisation) -> User:
    from swingfund.accounts.services import role_grant

    user = User.objects.create_user(name, password="pw-" + name + "-long-enough")
    role_grant(user=user, organisation=organisation, role="organiser")
    return User.objects.get(pk=user.pk)


@pytest.fixture
def organisers(official_db, organisation):
    return _organiser("alice", organisation), _organiser("bob", organisation)


def make_supporter(organisation, n: int, *, postcode: str = "AB10 1AB", language: str = "en", tags=(),
                   channels=("email", "whatsapp"), confirm: bool = True):
    """A consenting supporter with a unique email/phone (n) in the postcode's seat."""
    from swingfund.outreach.models import Supporter
    from swingfund.outreach.services import email_confirm, supporter_sign_up

    supporter = supporter_sign_up(
        organisation=organisation, first_name=f"Person{n}", email=f"p{n}@example.org" if "email" in channels else "",
        phone=f"+4479112{n:05d}" if "whatsapp" in channels else "", postcode=postcode, language=language,
        consents={*channels, "special"}, tags=tags,
    )
    if confirm and "email" in channels:
        email_confirm(token=supporter.token)
    if confirm and "whatsapp" in channels:  # as the number's owner does with the code (tests/outreach/test_identity)
        Supporter.objects.filter(pk=supporter.pk).update(phone_confirmed_at=supporter.created_at)
    supporter.refresh_from_db()
    return supporter
