"""A small committee world: one organisation, a seat with two candidacies, three members and a chair."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from swingfund.committee import services
from swingfund.committee.models import CommitteeMember
from swingfund.elections.models import Candidacy, Constituency, DataSource, Election, Party, Person
from swingfund.organisations.models import Organisation

PASSWORD = "a-long-test-password-1"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Test users need no slow key stretching: the real hasher costs ~0.5 s per user on a loaded machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    source = DataSource.objects.create(
        key="test-seat", title="Test seat", publisher="tests", file_name="none.csv", sha256="0" * 64,
        imported_at=timezone.now(),
    )
    election = Election.objects.create(id="parl.2099-05-07", name="Test general election 2099",
                                       poll_date=dt.date(2099, 5, 7), boundary_set="pcon2024")
    seat = Constituency.objects.create(gss_code="E14999001", boundary_set="pcon2024", name="Testham North",
                                       nation="E", source=source)
    other_seat = Constituency.objects.create(gss_code="E14999002", boundary_set="pcon2024", name="Another Seat",
                                             nation="E", source=source)
    ind = Party.objects.get_or_create(name="Independent", defaults={"abbreviation": "Ind"})[0]
    lab = Party.objects.get_or_create(name="Labour Party", defaults={"abbreviation": "Lab"})[0]
    corbyn = Candidacy.objects.create(
        election=election, constituency=seat, person=Person.objects.create(name="Jeremy Corbyn"),
        person_name="Jeremy Corbyn", party=ind, votes=24120, elected=True, source=source)
    nargund = Candidacy.objects.create(
        election=election, constituency=seat, person=Person.objects.create(name="Praful Nargund"),
        person_name="Praful Nargund", party=lab, votes=16873, source=source)
    org = Organisation.objects.create(name="Test Group", slug="test-group", standard_grant_pence=100_000)
    users = {name: get_user_model().objects.create_user(name, f"{name}@example.org", PASSWORD)
             for name in ("alice", "bob", "carol", "dave", "outsider")}
    members = {
        "alice": services.member_add(organisation=org, user=users["alice"], role=CommitteeMember.Role.CHAIR),
        "bob": services.member_add(organisation=org, user=users["bob"]),
        "carol": services.member_add(organisation=org, user=users["carol"]),
    }
    services.policy_set(organisation=org, quorum=2, approvals_required=2)

    class World:
        pass

    w = World()
    w.election, w.seat, w.other_seat, w.org = election, seat, other_seat, org
    w.corbyn, w.nargund, w.users, w.members = corbyn, nargund, users, members
    return w


@pytest.fixture
def grant(world):
    """An open grant proposal by alice (the chair) for Testham North's winner."""
    return services.proposal_create(
        organisation=world.org, kind="grant", election=world.election, constituency=world.seat,
        candidacy=world.corbyn, reason="We back Jeremy Corbyn: he agrees with all five statements.",
        proposer=world.users["alice"],
    )


@pytest.fixture
def lift_triggers_at_teardown(transactional_db):
    """Tests that commit decisions (live server) must lift the append-only triggers for Django's table flush on
    SQLite, which empties tables with DELETE; PostgreSQL empties them with TRUNCATE, which fires no row trigger but
    needs the owner (the tests run as the application's role): the whole flush runs as the owner, triggers lifted."""
    yield
    from tests.fixtures.official import flush_committed_rows

    flush_committed_rows()
