"""Fixtures of the access tests: the two-organisation world of `test_permission_matrix`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.accounts.helpers import user_make
from tests.accounts.test_permission_matrix import (
    ADMIN,
    ADMIN_A,
    ANON,
    CHAIR_A,
    HELD_DONOR,
    INTEREST_NOTE,
    ORGANISER_A,
    ROLES,
    STAFF,
    TREASURER_A,
    TREASURER_B,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _token(user, *, organisation, role: str = "treasurer") -> str:
    """An API token for `user` as `role` of `organisation`, issued whatever their roles (the API must refuse the
    ones that may not write), live for 90 days."""
    import hashlib

    from swingfund.api.models import ApiToken

    raw = f"sf_matrix-{user.get_username()}"  # known from the username: the world is read back from its rows
    ApiToken.objects.create(user=user, label="matrix", key_hash=hashlib.sha256(raw.encode()).hexdigest(),
                            organisation=organisation, role=role, created_at=timezone.now(),
                            expires_at=timezone.now() + dt.timedelta(days=90))
    return raw


@pytest.fixture
def world(db):
    """Organisations A and B, each with a campaign; A has a committee with an open grant proposal (one member's
    private interest note on it), a held gift and a grant; one user per role."""
    from tests.fixtures.worlds import world_restore_or_build

    world_restore_or_build("access-matrix", _world_build)  # built once per test process, then its rows put back
    return _world_read()


@pytest.fixture
def signed_in_world(db):
    """The same world, with every role but the anonymous one signed in through the real pages (django-axes in the
    path; the roles that move money have given their second factor): `(users, ids, sessions)`, where `sessions`
    maps each role to its session key. Signing in once per test process instead of once per role per URL; the
    tests whose subject is signing in take `world` and sign in themselves."""
    from django.test import Client

    from tests.accounts.helpers import second_factor, sign_in
    from tests.fixtures.worlds import world_restore_or_build

    def build() -> None:
        _world_build()
        users = _world_read()[0]
        for role, user in users.items():
            client = Client()
            sign_in(client, user)
            if role in (TREASURER_A, TREASURER_B, ADMIN_A, ADMIN):
                second_factor(client, user)

    world_restore_or_build("access-matrix-signed-in", build)
    users, ids = _world_read()
    return users, ids, _sessions_read(users)


def _sessions_read(users: dict) -> dict[str, str]:
    """Each role's session key, read back from the session rows (one per signed-in role)."""
    from django.contrib.sessions.models import Session

    role_of = {str(user.pk): role for role, user in users.items()}
    sessions = {role_of[data["_auth_user_id"]]: session.session_key for session in Session.objects.all()
                if (data := session.get_decoded()).get("_auth_user_id") in role_of}
    assert set(sessions) == set(users), f"a session per signed-in role, found {sorted(sessions)}"
    return sessions


def _world_build() -> None:
    """Build the world through the product's services only (the world kit keeps the rows it writes)."""
    from swingfund.accounts.services import role_grant
    from swingfund.committee import services as committee
    from swingfund.compliance.services import legal_figures_seed
    from swingfund.elections.models import Candidacy, Constituency, DataSource, Election, Party, Person, Result
    from swingfund.funding import services as funding
    from swingfund.organisations.models import Organisation
    from swingfund.scorecards import services as scorecards

    legal_figures_seed()
    source = DataSource.objects.create(key="matrix", title="Matrix seat", publisher="tests", file_name="none.csv",
                                       sha256="0" * 64, imported_at=timezone.now())
    election = Election.objects.create(id="parl.2099-05-07", name="Test general election 2099",
                                       poll_date=dt.date(2099, 5, 7), boundary_set="pcon2024")
    seat = Constituency.objects.create(gss_code="E14999001", boundary_set="pcon2024", name="Testham North",
                                       nation="E", source=source)
    party = Party.objects.get_or_create(name="Independent", defaults={"abbreviation": "Ind"})[0]
    person = Person.objects.create(name="Pat Candidate")
    candidacy = Candidacy.objects.create(election=election, constituency=seat, person=person,
                                         person_name="Pat Candidate", party=party, votes=24120, elected=True,
                                         became_candidate_on=timezone.now().date() - dt.timedelta(days=30),
                                         source=source)
    runner_up = Candidacy.objects.create(election=election, constituency=seat, person=Person.objects.create(
        name="Sam Second"), person_name="Sam Second", party=party, votes=16873, source=source)
    Result.objects.create(election=election, constituency=seat, electorate=70_000, valid_votes=40_993,
                          majority=24120 - 16873, winner=candidacy, runner_up=runner_up, source=source)
    org_a = Organisation.objects.create(name="Group A", slug="group-a", address="1 A Street\nLeeds\nLS1 1AA",
                                        sender_email="hello@group-a.example")
    org_b = Organisation.objects.create(name="Group B", slug="group-b", address="2 B Street\nBristol\nBS1 1AA",
                                        sender_email="hello@group-b.example")
    for org in (org_a, org_b):
        scorecards.statement_create(organisation=org, slug="fair-votes", title="Fair votes",
                                    text="Proportional representation for Westminster.", agreement="Agrees")
    users = {role: user_make(role) for role in ROLES if role != ANON}
    users[ADMIN].is_superuser = users[ADMIN].is_staff = True
    users[ADMIN].save()
    users[STAFF].is_staff = True
    users[STAFF].save()
    role_grant(user=users[ORGANISER_A], organisation=org_a, role="organiser")
    role_grant(user=users[TREASURER_A], organisation=org_a, role="treasurer")
    role_grant(user=users[TREASURER_B], organisation=org_b, role="treasurer")
    role_grant(user=users[ADMIN_A], organisation=org_a, role="administrator")
    bob = user_make("bob")
    committee.member_add(organisation=org_a, user=users[CHAIR_A], role="chair")
    committee.member_add(organisation=org_a, user=bob)
    committee.member_add(organisation=org_a, user=user_make("carol"))  # with bob recused the vote stays open
    committee.member_add(organisation=org_b, user=user_make("member_b"), role="chair")
    committee.policy_set(organisation=org_a, quorum=2, approvals_required=2)
    committee.policy_set(organisation=org_b, quorum=1, approvals_required=1)
    proposal = committee.proposal_create(organisation=org_a, kind="grant", election=election, constituency=seat,
                                         candidacy=candidacy, reason="Backs our statements.",
                                         proposer=users[CHAIR_A])
    committee.interest_declare(proposal=proposal, user=bob, note=INTEREST_NOTE)

    now = timezone.now()
    campaigns = {org.slug: funding.campaign_create(
        organisation=org, slug=f"fund-{org.slug}", title=f"Fund of {org.name}", description="Gifts for grants.",
        purpose="Grants to the candidates our committee backs.", mode="pooled", goal_pence=2_000_000,
        starts_at=now - dt.timedelta(days=30), ends_at=now + dt.timedelta(days=30)) for org in (org_a, org_b)}
    campaign = campaigns["group-a"]
    donor = funding.donor_get_or_create(name=HELD_DONOR, email="hermione@example.org",
                                        address="9 Hidden Row, Leeds", postcode="LS1 9ZZ", consent_publish=False)
    gift = funding.donation_record(campaign=campaign, donor=donor, amount_pence=90_000, method="cheque",
                                   reference="CHQ 1", received_at=now - dt.timedelta(days=2))
    assert gift.status == "held", "a £900 gift from an unchecked donor is held"
    checked = funding.donor_get_or_create(name="Ann Checked", email="ann@example.org", address="1 Open St, Leeds",
                                          postcode="LS1 1AA", consent_publish=False)
    checked = funding.donor_declare(donor=checked, category="uk_elector", evidence="electoral register",
                                    checked_by="t", checked_at=now - dt.timedelta(days=3))
    funding.donation_record(campaign=campaign, donor=checked, amount_pence=200_000, method="bank_transfer",
                            reference="BT 1", received_at=now - dt.timedelta(days=1))
    funding.grant_create(campaign=campaign, candidacy=candidacy, amount_pence=100_000, reason="backed")
    # Each role's token claims its own role where it has one; those with no such role claim A's treasurer.
    scopes = {ORGANISER_A: (org_a, "organiser"), TREASURER_B: (org_b, "treasurer")}
    for role, user in users.items():
        org, claimed = scopes.get(role, (org_a, "treasurer"))
        _token(user, organisation=org, role=claimed)
    # Outreach of A: a supporter in the seat, a segment of the seat, a message to it.
    from swingfund.outreach import messaging, segments
    from swingfund.outreach.models import Supporter

    Supporter.objects.create(organisation=org_a, first_name="Sara", email="sara@example.org", postcode="LS11AA",
                             constituency=seat, token="t" * 43, referral_code="ref-matrix", created_at=now)
    segment = segments.segment_create(organisation=org_a, name="Testham", basis="list", gss_codes=[seat.gss_code],
                                      channel="email")
    messaging.message_create(segment=segment, title="Vote", author=users[ORGANISER_A],
                             translations={"en": ("Polling day", "Hello {first_name}")})


def _world_read() -> tuple[dict, dict]:
    """The users and the ids of the matrix's world, read back from its rows."""
    from django.contrib.auth import get_user_model

    from swingfund.committee.models import Proposal
    from swingfund.elections.models import Election
    from swingfund.funding.models import Donation, Grant
    from swingfund.outreach.models import Message, Segment, Supporter

    users = {u.get_username(): u for u in get_user_model().objects.filter(username__in=ROLES)}
    proposal = Proposal.objects.get(organisation__slug="group-a")
    supporter = Supporter.objects.get(organisation__slug="group-a")
    tokens = {role: f"sf_matrix-{role}" for role in users}  # as `_token` issued them
    decision_id = 0  # no decision yet in this world: its page is a 404 for everyone
    ids = {"proposal": proposal.pk, "grant": Grant.objects.get(campaign__slug="fund-group-a").pk,
           "gift": Donation.objects.get(status="held", campaign__slug="fund-group-a").pk, "campaign": "fund-group-a",
           "person": proposal.candidacy.person_id, "election": Election.objects.get(id="parl.2099-05-07").pk,
           "gss": proposal.constituency.gss_code, "supporter": supporter.pk,
           "segment": Segment.objects.get(organisation__slug="group-a").pk,
           "message": Message.objects.get(segment__organisation__slug="group-a").pk, "token": supporter.token,
           "decision": decision_id, "tokens": tokens}
    return users, ids
