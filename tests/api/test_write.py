"""Organisers' write endpoint: token required (the permission matrix), the page's checks applied, rate-limited."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import uuid

import pytest
from django.test import Client

from swingfund.accounts.services import role_grant, role_revoke
from swingfund.api.models import ApiToken
from swingfund.api.services import USER_NOT_ORGANISER, token_create, token_revoke
from swingfund.funding.models import Donation, LedgerTransaction
from swingfund.organisations.models import Organisation
from tests.accounts.helpers import second_factor, sign_in

pytestmark = pytest.mark.django_db
URL = "/api/v1/campaigns/{slug}/gifts"
GIFT = {"amount": "25", "method": "cheque", "reference": "CHQ 1", "name": "Ann Smith", "address": "1 High St",
        "postcode": "LE2 1AB"}


def pooled_slug() -> str:
    from swingfund.funding.models import Campaign

    return Campaign.objects.filter(mode="pooled").values_list("slug", flat=True).first()


def post(client, body: dict, token: str | None = None, slug: str | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    headers["HTTP_IDEMPOTENCY_KEY"] = uuid.uuid4().hex  # every write names itself
    return client.post(URL.format(slug=slug or pooled_slug()), body, content_type="application/json", **headers)


def test_permission_matrix(demo_all, organiser_token, client, django_user_model):
    staff = django_user_model.objects.create_user("supporter", password="x", is_staff=True)  # staff: no role
    with pytest.raises(ValueError, match=USER_NOT_ORGANISER.format(name="supporter")):
        token_create(username="supporter", label="x")
    # Another organisation's treasurer, and this organisation's organiser, hold tokens but may not record its gifts.
    other = Organisation.objects.create(name="Other Group", slug="other-group")
    outsider = django_user_model.objects.create_user("other-treasurer", password="x")
    role_grant(user=outsider, organisation=other, role="treasurer")
    outsider_raw, _ = token_create(username="other-treasurer", label="x")
    organiser = django_user_model.objects.create_user("demo-organiser", password="x")
    role_grant(user=organiser, organisation=demo_all, role="organiser")
    organiser_raw, _ = token_create(username="demo-organiser", label="x")
    staff.is_superuser = True  # the site administrator holds no organisation's role either
    staff.save()
    role_grant(user=staff, organisation=other, role="organiser")
    admin_raw, _ = token_create(username="supporter", label="x")
    revoked_raw, revoked = token_create(username="api-organiser", label="old")
    token_revoke(token_id=revoked.pk)
    demoted_raw, _ = token_create(username="api-organiser", label="demoted-later")
    before = Donation.objects.count()
    matrix = [  # (who, token, status)
        ("anonymous", None, 401),
        ("made-up token", "sf_not-a-token", 401),
        ("revoked token", revoked_raw, 401),
        ("another organisation's treasurer", outsider_raw, 403),
        ("this organisation's organiser", organiser_raw, 403),
        ("site administrator, organiser elsewhere", admin_raw, 403),
    ]
    for who, token, status in matrix:
        response = post(client, {**GIFT, "reference": who}, token)
        assert response.status_code == status, who
        if status == 403:
            assert f"treasurer of {demo_all}" in response.json()["detail"], who
    assert Donation.objects.count() == before  # nothing was written by a refused request
    assert post(client, {**GIFT, "reference": "treasurer"}, organiser_token).status_code == 201
    # A token stops working when its holder holds neither role any more.
    role_revoke(user=django_user_model.objects.get(username="api-organiser"), organisation=demo_all,
                role="treasurer")
    assert post(client, {**GIFT, "reference": "demoted"}, demoted_raw).status_code == 401
    # Read endpoints need no token.
    assert client.get("/api/v1/campaigns").status_code == 200
    assert ApiToken.objects.filter(key_hash__contains="sf_").count() == 0  # only hashes are stored


def test_a_gift_goes_through_the_same_services_as_the_page(demo_all, organiser_token, client):
    before = LedgerTransaction.objects.count()
    response = post(client, GIFT, organiser_token)
    assert response.status_code == 201, response.content
    body = response.json()
    gift = Donation.objects.get(pk=body["id"])
    assert gift.amount_pence == 2_500 and gift.status == "accepted" and gift.recorded_by == "api:api-organiser"
    assert body["ledger_transaction"] == gift.transaction_id and LedgerTransaction.objects.count() == before + 1
    # A gift no write endpoint may touch gets no CORS header.
    assert "Access-Control-Allow-Origin" not in response


def test_checks_of_the_page_apply(demo_all, organiser_token, client):
    # Over the permissibility threshold from a donor nobody has checked: held, exactly as the page holds it.
    big = post(client, {**GIFT, "amount": "900", "reference": "BIG", "name": "Unchecked Donor"}, organiser_token)
    assert big.status_code == 201 and big.json()["status"] == "held" and big.json()["hold_reason"]
    anon = post(client, {**GIFT, "amount": "600", "reference": "ANON", "name": "", "anonymous": True},
                organiser_token)
    assert anon.json()["status"] == "held"
    cases = [
        ({**GIFT, "amount": "-5"}, 400, "amount"),
        ({**GIFT, "amount": "12.345"}, 400, ""),
        ({**GIFT, "method": "card"}, 422, "'cash', 'cheque' or 'bank_transfer'"),  # the schema names the methods
        ({**GIFT, "method": ""}, 422, "'cash', 'cheque' or 'bank_transfer'"),
        ({**GIFT, "name": ""}, 400, "anonymous"),
        ({**GIFT, "for_candidacy": 7159}, 400, "pooled"),
        ({k: v for k, v in GIFT.items() if k != "reference"}, 422, ""),
    ]
    count = Donation.objects.count()
    for body, status, words in cases:
        response = post(client, body, organiser_token)
        assert response.status_code == status, (body, response.content)
        assert words.lower() in response.content.decode().lower()
    assert Donation.objects.count() == count  # nothing half-written
    assert post(client, GIFT, organiser_token, slug="no-such-campaign").status_code == 404


def test_an_over_limit_gift_is_refused_as_the_page_refuses_it(demo_all, organiser_token, client, django_user_model):
    """A gift over the largest amount the system records: the API's 400 carries the page's own message."""
    from swingfund.funding.rules import MAX_AMOUNT_PENCE

    too_much = f"{MAX_AMOUNT_PENCE // 100 + 1}"
    count = Donation.objects.count()
    api = post(client, {**GIFT, "amount": too_much, "reference": "HUGE"}, organiser_token)
    assert api.status_code == 400
    treasurer = django_user_model.objects.get(username="api-organiser")
    treasurer.set_password("a-long-role-password-7")
    treasurer.save()
    page = Client()
    sign_in(page, treasurer)
    second_factor(page, treasurer)
    form = {**GIFT, "amount": too_much, "reference": "HUGE", "campaign": pooled_slug(),
            "received_on": dt.date.today().isoformat()}
    response = page.post("/funding/dashboard/gift/", form)
    detail = api.json()["detail"]
    assert f"£{MAX_AMOUNT_PENCE // 100:,}" in detail, detail
    assert response.status_code == 400 and detail in htmllib.unescape(response.content.decode()), detail
    assert Donation.objects.count() == count


def test_writes_are_rate_limited(demo_all, organiser_token, client):
    codes = [post(client, {**GIFT, "reference": f"R{i}"}, organiser_token).status_code for i in range(12)]
    assert codes[:10] == [201] * 10 and codes[10:] == [429, 429]


def test_a_gift_through_the_api_carries_its_own_consent_to_publish(demo_all, organiser_token, client):
    answer = post(client, {**GIFT, "reference": "CHQ 77", "consent_publish": True}, organiser_token)
    assert answer.status_code == 201, answer.content
    assert Donation.objects.get(pk=answer.json()["id"]).consent_publish is True  # as the page records it
