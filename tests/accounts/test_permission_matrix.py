"""Every URL pattern × every role × GET and POST, from ONE table (`ACCESS` below), with a second organisation present.

The roles: anonymous; the chair of organisation A's committee; A's organiser; A's treasurer; B's treasurer; A's
administrator; the site administrator; and a staff account holding no role (`is_staff` grants nothing). Every object
in a URL belongs to organisation A, so B's treasurer stands for "another organisation": nobody reads or acts across
organisations. Private strings of A (a held donor's name; a member's interest note) must appear only in the pages of
the roles entitled to them. A URL pattern missing from the table fails `test_every_url_pattern_is_in_the_table`: add it.

The API (`/api/…`) is asked the same way, except that every signed-in role there sends its own API token (issued to
each role in the world, whether or not it may use it): the token, not the session, is the API's credential. A
row's `json` is the body POSTed as JSON (a valid request, so only the role decides the answer).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.accounts.helpers import second_factor, sign_in

ANON, CHAIR_A, ORGANISER_A, TREASURER_A, TREASURER_B, ADMIN_A, ADMIN, STAFF = (
    "anonymous", "committee_member_a", "organiser_a", "treasurer_a", "treasurer_b", "administrator_a",
    "administrator", "staff_no_role")
ROLES = (ANON, CHAIR_A, ORGANISER_A, TREASURER_A, TREASURER_B, ADMIN_A, ADMIN, STAFF)
SIGNED_IN = frozenset(ROLES) - {ANON}
PUBLIC = frozenset(ROLES)
NOT_ALLOWED = "405"  # the method is refused for everyone (405 Method Not Allowed)
NOBODY = frozenset()

HELD_DONOR = "Hermione Heldgift"  # A's held gift, donor did not consent to publication: A's treasurer only
INTEREST_NOTE = "my brother-in-law runs their campaign office"  # a member's private note: the member and the chair
SUPPORTER_EMAIL = "sara@example.org"  # a supporter of A: A's organisers only


@dataclass(frozen=True)
class Rule:
    url: str  # formatted with the world's ids: {proposal}, {grant}, {gift}, {campaign}, {person}, {election}, {gss}
    get: frozenset | str
    post: frozenset | str
    json: dict | None = None


PLANNERS = frozenset({ORGANISER_A, TREASURER_A})  # the organisers and the treasurer of the plan's organisation
API_SUPPORTER = {"first_name": "Mat", "email": "mat@example.org", "postcode": "LS1 1AA",
                 "consents": ["email", "special"], "evidence": "matrix"}
API_GIFT = {"amount": "10", "method": "cash", "reference": "MATRIX 1", "name": "Mat Rix", "address": "2 Open St",
            "postcode": "LS1 2AA"}


GROUP_ADMINS = frozenset({ADMIN_A, ADMIN})  # A's administrator, and the site administrator (every group's)
WORKSPACE = frozenset({CHAIR_A, ORGANISER_A, TREASURER_A, TREASURER_B})  # whoever holds a role in a group
TREASURERS = frozenset({TREASURER_A, TREASURER_B, ADMIN})  # list pages: each sees their own organisation's records

ACCESS: dict[str, Rule] = {
    # Django's admin (one entry for the whole site): the site administrator only.
    "admin": Rule("/admin/accounts/organisationrole/add/", {ADMIN}, {ADMIN}),
    "login": Rule("/accounts/login/", PUBLIC, PUBLIC),
    "logout": Rule("/accounts/logout/", NOT_ALLOWED, PUBLIC),
    "password_change": Rule("/accounts/password_change/", SIGNED_IN, SIGNED_IN),
    "password_change_done": Rule("/accounts/password_change/done/", SIGNED_IN, SIGNED_IN),
    "password_reset": Rule("/accounts/password_reset/", PUBLIC, PUBLIC),
    "password_reset_done": Rule("/accounts/password_reset/done/", PUBLIC, PUBLIC),
    "password_reset_confirm": Rule("/accounts/reset/MQ/set-password/", PUBLIC, PUBLIC),
    "password_reset_complete": Rule("/accounts/reset/done/", PUBLIC, PUBLIC),
    "accounts:two-factor": Rule("/accounts/two-factor/", SIGNED_IN, SIGNED_IN),
    # The group's administration: settings and roles for its administrator; statements for its organisers too; an
    # invitation link is its own credential (a bad one is refused alike for everyone, 410, before any role).
    "group:settings": Rule("/group/settings/?organisation=group-a", GROUP_ADMINS, GROUP_ADMINS),
    "team:roles": Rule("/group/roles/?organisation=group-a", GROUP_ADMINS, GROUP_ADMINS),
    "team:invitation": Rule("/group/invitation/not-a-token/", PUBLIC, PUBLIC),
    "scorecards:statements": Rule("/scorecards/statements/?organisation=group-a", GROUP_ADMINS | {ORGANISER_A},
                                  GROUP_ADMINS | {ORGANISER_A}),
    "scorecards:pledges-template": Rule("/scorecards/pledges-template.csv", PUBLIC, PUBLIC),
    "scorecards:pledges-sample": Rule("/scorecards/pledges-sample.csv", PUBLIC, PUBLIC),
    "funding:grants-from-decisions": Rule("/funding/dashboard/grants/", NOT_ALLOWED, TREASURERS),
    "funding:campaign-new": Rule("/funding/dashboard/campaign/?organisation=group-a", {TREASURER_A, ORGANISER_A},
                                 {TREASURER_A, ORGANISER_A}),
    "funding:campaign-close": Rule("/funding/dashboard/campaign/{campaign}/close/", NOT_ALLOWED,
                                   {TREASURER_A, ORGANISER_A}),
    "public:privacy": Rule("/privacy/", PUBLIC, PUBLIC),
    "targeting:targets": Rule("/targets/", PUBLIC, PUBLIC),
    "targeting:method": Rule("/targets/method/", PUBLIC, PUBLIC),
    "scorecards:index": Rule("/scorecards/", PUBLIC, PUBLIC),
    "scorecards:scorecard": Rule("/scorecards/person/{person}/", PUBLIC, PUBLIC),
    "scorecards:seat": Rule("/scorecards/seat/{election}/{gss}/", PUBLIC, PUBLIC),
    "scorecards:recommendations": Rule("/scorecards/recommendations/", PUBLIC, PUBLIC),
    # A candidate's survey link opens for whoever holds it; this token was never issued: a 404 for everyone.
    "scorecards:survey-answer": Rule("/scorecards/answer/{token}/", NOBODY, NOBODY),
    "committee:proposals": Rule("/committee/", {CHAIR_A}, {CHAIR_A}),
    "committee:proposal": Rule("/committee/proposals/{proposal}/", {CHAIR_A}, {CHAIR_A}),
    "committee:vote": Rule("/committee/proposals/{proposal}/vote/", NOT_ALLOWED, {CHAIR_A}),
    "committee:interest": Rule("/committee/proposals/{proposal}/interest/", NOT_ALLOWED, {CHAIR_A}),
    "committee:edit": Rule("/committee/proposals/{proposal}/edit/", NOT_ALLOWED, {CHAIR_A}),
    "committee:close": Rule("/committee/proposals/{proposal}/close/", NOT_ALLOWED, {CHAIR_A}),
    "committee:withdraw": Rule("/committee/proposals/{proposal}/withdraw/", NOT_ALLOWED, {CHAIR_A}),
    "committee:decisions": Rule("/committee/decisions/", PUBLIC, PUBLIC),
    "committee:changes": Rule("/committee/changes/", PUBLIC, PUBLIC),
    "funding:campaigns": Rule("/funding/", PUBLIC, PUBLIC),
    "funding:campaign": Rule("/funding/campaigns/{campaign}/", PUBLIC, PUBLIC),
    "public:ledger": Rule("/funding/ledger/", PUBLIC, PUBLIC),
    "public:ledger-csv": Rule("/funding/ledger.csv", PUBLIC, PUBLIC),
    "public:ledger-json": Rule("/funding/ledger.json", PUBLIC, PUBLIC),
    "funding:ledger-checkpoints": Rule("/funding/ledger/checkpoints.json", PUBLIC, PUBLIC),
    "funding:dashboard": Rule("/funding/dashboard/", TREASURERS, TREASURERS),
    "funding:gift-new": Rule("/funding/dashboard/gift/", TREASURERS, TREASURERS),
    "funding:held-return": Rule("/funding/dashboard/gifts/{gift}/return/", NOT_ALLOWED, {TREASURER_A}),
    "funding:held-check": Rule("/funding/dashboard/gifts/{gift}/check/", NOT_ALLOWED, {TREASURER_A}),
    "funding:grant-pay": Rule("/funding/grants/{grant}/pay/", NOT_ALLOWED, {TREASURER_A}),
    "funding:grant-answer": Rule("/funding/grants/{grant}/answer/", NOT_ALLOWED, {TREASURER_A}),
    "funding:grant-offer": Rule("/funding/grants/{grant}/offer/", NOT_ALLOWED, {TREASURER_A}),
    "funding:grant-notice": Rule("/funding/grants/{grant}/notice/", {TREASURER_A}, {TREASURER_A}),
    "funding:grant-notice-pdf": Rule("/funding/grants/{grant}/notice.pdf", {TREASURER_A}, {TREASURER_A}),
    "payments:checkout": Rule("/payments/checkout/{campaign}/", PUBLIC, PUBLIC),
    "payments:thanks": Rule("/payments/checkout/{campaign}/thanks/", PUBLIC, PUBLIC),
    "payments:stripe-webhook": Rule("/payments/stripe/webhook/", NOT_ALLOWED, PUBLIC),  # Stripe signs, not roles
    "payments:stripe-events": Rule("/payments/stripe/events/", {ADMIN}, {ADMIN}),
    "compliance:index": Rule("/compliance/", PUBLIC, PUBLIC),
    "compliance:report": Rule("/compliance/reports/donations.csv", {ADMIN}, {ADMIN}),
    "committee:proposal-new": Rule("/committee/proposals/new/", {CHAIR_A}, {CHAIR_A}),
    "planning:plan": Rule("/planning/?organisation=group-a", PLANNERS, PLANNERS),
    "evaluation:track-record": Rule("/track-record/?organisation=group-a", PUBLIC, PUBLIC),
    "api-schema": Rule("/api/schema/", PUBLIC, NOT_ALLOWED),
    "api-v1:api-root": Rule("/api/v1/", NOBODY, NOBODY),  # ninja's root view: 404 for everyone
    # django-ninja's own schema and docs views answer any method with the same public document
    "api-v1:openapi-json": Rule("/api/v1/openapi.json", PUBLIC, PUBLIC),
    "api-v1:openapi-view": Rule("/api/v1/docs", PUBLIC, PUBLIC),
    "api-v1:elections": Rule("/api/v1/elections", PUBLIC, NOT_ALLOWED),
    "api-v1:seats": Rule("/api/v1/elections/{election}/seats", PUBLIC, NOT_ALLOWED),
    # no census in this world: the bloc is refused with 400 for everyone, which is not a refusal of the role
    "api-v1:targets": Rule("/api/v1/elections/{election}/targets?bloc=religion:muslim&draws=10", PUBLIC,
                           NOT_ALLOWED),
    "api-v1:recommendations": Rule("/api/v1/elections/{election}/recommendations?organisation=group-a", PUBLIC,
                                   NOT_ALLOWED),
    "api-v1:organisations": Rule("/api/v1/organisations", PUBLIC, NOT_ALLOWED),
    "api-v1:decisions": Rule("/api/v1/organisations/group-a/decisions", PUBLIC, NOT_ALLOWED),
    "api-v1:statements": Rule("/api/v1/organisations/group-a/statements", PUBLIC, NOT_ALLOWED),
    "api-v1:evidence": Rule("/api/v1/organisations/group-a/evidence", PUBLIC, NOT_ALLOWED),
    "api-v1:scorecard": Rule("/api/v1/organisations/group-a/scorecards/{person}", PUBLIC, NOT_ALLOWED),
    "api-v1:track_record": Rule("/api/v1/organisations/group-a/track-record", PUBLIC, NOT_ALLOWED),
    "api-v1:campaigns": Rule("/api/v1/campaigns", PUBLIC, NOT_ALLOWED),
    "api-v1:ledger": Rule("/api/v1/ledger", PUBLIC, NOT_ALLOWED),
    "api-v1:gift_create": Rule("/api/v1/campaigns/{campaign}/gifts", NOT_ALLOWED, {TREASURER_A}, json=API_GIFT),
    # A's organiser signs supporters up (this world has no postcode lookup: the sign-up itself is refused, 400).
    "api-v1:supporter_create": Rule("/api/v1/organisations/group-a/supporters", NOT_ALLOWED, {ORGANISER_A},
                                    json=API_SUPPORTER),
    "public:home": Rule("/", PUBLIC, PUBLIC),
    "public:postcode": Rule("/postcode/", PUBLIC, PUBLIC),
    "public:seat": Rule("/seats/{gss}/", PUBLIC, PUBLIC),
    "public:decision": Rule("/decisions/{decision}/", NOBODY, NOBODY),  # unknown id: a 404 for everyone
    "public:recommendations": Rule("/recommendations/", PUBLIC, PUBLIC),
    "public:targets-download": Rule("/downloads/targets.csv", PUBLIC, PUBLIC),
    "public:recommendations-download": Rule("/downloads/recommendations.json", PUBLIC, PUBLIC),
    "public:decisions-download": Rule("/downloads/decisions.csv", PUBLIC, PUBLIC),
    "public:scorecards-download": Rule("/downloads/scorecards.json", PUBLIC, PUBLIC),
    # The workspace: money for the treasurers (second factor given), the committee for A's members, drafts for A's
    # organisers.
    "public:workspace": Rule("/workspace/", WORKSPACE, WORKSPACE),
    # The candidate survey's page (who answered; send a link or a reminder): A's organisers.
    "public:workspace-survey": Rule("/workspace/survey/", {ORGANISER_A}, {ORGANISER_A}),
    # API tokens: whoever holds a role that uses them (organiser, treasurer), after their second factor (the matrix
    # gives it to the treasurers; the organiser is sent to the second-factor step).
    "api-tokens": Rule("/workspace/tokens/", {TREASURER_A, TREASURER_B}, {TREASURER_A, TREASURER_B}),
    # Outreach: sign-up, confirm, unsubscribe and the share kit are the public's; the rest A's organiser's.
    "outreach:join": Rule("/outreach/join/", PUBLIC, PUBLIC),
    "outreach:confirm": Rule("/outreach/confirm/{token}/", PUBLIC, PUBLIC),
    "outreach:confirm_phone": Rule("/outreach/confirm-phone/", PUBLIC, PUBLIC),
    "outreach:unsubscribe": Rule("/outreach/unsubscribe/{token}/email/", PUBLIC, PUBLIC),
    # A pledge answers a message the supporter was sent: this one was never sent, so the answer is refused (404).
    "outreach:pledge": Rule("/outreach/pledge/{token}/{message}/", PUBLIC, NOBODY),
    "outreach:share": Rule("/outreach/share/", PUBLIC, PUBLIC),
    "outreach:dashboard": Rule("/outreach/", {ORGANISER_A}, {ORGANISER_A}),
    "outreach:compose": Rule("/outreach/segments/{segment}/compose/", {ORGANISER_A}, {ORGANISER_A}),
    "outreach:message": Rule("/outreach/messages/{message}/", {ORGANISER_A}, {ORGANISER_A}),
    "outreach:export": Rule("/outreach/supporters/{supporter}/export.json", {ORGANISER_A}, {ORGANISER_A}),
    "outreach:whatsapp_webhook": Rule("/outreach/whatsapp/webhook/", NOBODY, NOBODY),  # Meta signs, not roles
    "public:healthz": Rule("/healthz", PUBLIC, PUBLIC),
}

# Private strings of organisation A and who may read them.
PRIVATE = {HELD_DONOR: {TREASURER_A}, INTEREST_NOTE: {CHAIR_A}, SUPPORTER_EMAIL: {ORGANISER_A}}


def url_names() -> set[str]:
    """Every URL pattern's name (namespaced); Django's admin counts as the one entry "admin"."""
    names: set[str] = set()

    def walk(resolver: URLResolver, namespace: str | None) -> None:
        for item in resolver.url_patterns:
            if isinstance(item, URLResolver):
                if item.namespace == "admin":
                    names.add("admin")
                    continue
                walk(item, item.namespace or namespace)
            elif isinstance(item, URLPattern):
                assert item.name, f"URL pattern {item.pattern} has no name: name it and add it to ACCESS"
                names.add(f"{namespace}:{item.name}" if namespace else item.name)

    walk(get_resolver(), None)
    return names


def test_every_url_pattern_is_in_the_table():
    missing = sorted(url_names() - set(ACCESS))
    stale = sorted(set(ACCESS) - url_names())
    assert not missing, f"URL patterns without a row in ACCESS (say who may GET and POST them): {missing}"
    assert not stale, f"Rows in ACCESS for URL patterns that no longer exist: {stale}"


def client_as(role: str, url: str, ids: dict, sessions: dict) -> Client:
    """A client as `role` for `url`: the API's with the role's own token, the site's with the role's session (signed
    in once per test process, `signed_in_world`)."""
    if url.startswith("/api/"):
        token = ids["tokens"].get(role)
        headers = {"HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex}  # every API write names itself
        return Client(**headers, **({"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}))
    client = Client()
    if role != ANON:
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
    return client


def refused(response) -> bool:
    """A refusal: 401 (the API without a valid token), 403, 404 (the record is not yours to know of), or a redirect
    to a sign-in or second-factor step."""
    if response.status_code in (401, 403, 404):
        return True
    if response.status_code == 302:
        target = response["Location"]
        return any(step in target for step in ("/accounts/login/", "/admin/login/", "/accounts/two-factor/"))
    return False


def check(name: str, rule: Rule, method: str, role: str, response) -> list[str]:
    allowed = rule.get if method == "GET" else rule.post
    where = f"{method} {name} as {role}: {response.status_code}"
    if allowed == NOT_ALLOWED:  # nobody gets through: 405, or refused before the method is looked at
        return [] if response.status_code == 405 or refused(response) else [f"{where}, expected 405"]
    if role in allowed and refused(response):
        return [f"{where}, refused but the table allows it"]
    if role not in allowed and not refused(response):
        return [f"{where}, let through but the table refuses it"]
    body = b"".join(response) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    return [f"{where}: shows {secret!r}, which only {sorted(readers)} may read"
            for secret, readers in PRIVATE.items() if secret in text and role not in readers]


# The method page computes its two backtests for the first role that opens it (8 s): slow, as a backtest is.
HEAVY_PAGES = {"targeting:method"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in HEAVY_PAGES else n
                                  for n in sorted(ACCESS)])
def test_each_role_gets_what_the_table_says_and_nothing_across_organisations(signed_in_world, name):
    users, ids, sessions = signed_in_world
    rule = ACCESS[name]
    url = rule.url.format(**ids)
    problems: list[str] = []
    for role in ROLES:
        for method in ("GET", "POST"):
            with transaction.atomic():  # each request starts from the same world: its writes are rolled back
                client = client_as(role, url, ids, sessions)
                if method == "GET":
                    response = client.get(url)
                elif rule.json is not None:
                    response = client.post(url, rule.json, content_type="application/json")
                else:
                    response = client.post(url, {})
                problems += check(name, rule, method, role, response)
                transaction.set_rollback(True)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("url", "role", "secret"), [
    ("/funding/dashboard/", TREASURER_A, HELD_DONOR),
    ("/committee/proposals/{proposal}/", CHAIR_A, INTEREST_NOTE),
])
def test_the_private_strings_do_reach_the_roles_that_need_them(signed_in_world, url, role, secret):
    """The control for the matrix's privacy check: each private string is on a page its readers open."""
    users, ids, sessions = signed_in_world
    url = url.format(**ids)
    assert secret in client_as(role, url, ids, sessions).get(url).content.decode()


@pytest.mark.parametrize("role", [ADMIN, ORGANISER_A])
def test_the_admin_is_shut_to_its_roles_until_their_second_factor(world, role):
    """Issue 21: a superuser (or an organiser) signed in with a password alone got into the admin."""
    users, ids = world
    url = ACCESS["admin"].url.format(**ids)
    client = Client()
    sign_in(client, users[role])
    for method in ("GET", "POST"):
        with transaction.atomic():
            response = client.get(url) if method == "GET" else client.post(url, {})
            assert refused(response), f"{method} {url} as {role} without the second factor: {response.status_code}"
            transaction.set_rollback(True)
    second_factor(client, users[role])
    if role == ADMIN:
        assert client.get(url).status_code == 200
    else:  # the organiser's admin is their statements and evidence, not roles
        assert client.get("/admin/scorecards/statement/").status_code == 200


def test_an_expired_or_revoked_token_writes_nothing(world):
    """Every API write, with the token of the role allowed to make it, once that token has expired (or been
    revoked): 401, as with no token."""
    import datetime as dt

    from django.utils import timezone

    from swingfund.api.models import ApiToken

    users, ids = world
    writes = {name: rule for name, rule in ACCESS.items() if rule.json is not None}
    assert writes, "the API's writes are in the table"
    for change in ({"expires_at": timezone.now() - dt.timedelta(seconds=1)}, {"revoked_at": timezone.now()}):
        for name, rule in writes.items():
            (role,) = rule.post
            with transaction.atomic():
                ApiToken.objects.filter(user=users[role]).update(**change)
                url = rule.url.format(**ids)
                response = client_as(role, url, ids, {}).post(url, rule.json, content_type="application/json")
                assert response.status_code == 401, f"{name} as {role} with {change}: {response.status_code}"
                transaction.set_rollback(True)
