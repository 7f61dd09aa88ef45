"""Organisers' write endpoint: token required (the permission matrix), the page's checks applied, rate-limited."""

from __future__ import annotations

import pytest

from swingfund.api.models import ApiToken
from swingfund.api.services import USER_NOT_ORGANISER, token_create, token_revoke
from swingfund.funding.models import Donation, LedgerTransaction

pytestmark = pytest.mark.django_db
URL = "/api/v1/campaigns/{slug}/gifts"
GIFT = {"amount": "25", "method": "cheque", "reference": "CHQ 1", "name": "Ann Smith", "address": "1 High St",
        "postcode": "LE2 1AB"}


def pooled_slug() -> str:
    from swingfund.funding.models import Campaign

    return Campaign.objects.filter(mode="pooled").values_list("slug", flat=True).first()


def post(client, body: dict, token: str | None = None, slug: str | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(URL.format(slug=slug or pooled_slug()), body, content_type="application/json", **headers)


def test_permission_matrix(demo_all, organiser_token, client, django_user_model):
    django_user_model.objects.create_user("supporter", password="x")
    with pytest.raises(ValueError, match=USER_NOT_ORGANISER.format(name="supporter")):
        token_create(username="supporter", label="x")
    revoked_raw, revoked = token_create(username="api-organiser", label="old")
    token_revoke(token_id=revoked.pk)
    demoted_raw, _ = token_create(username="api-organiser", label="demoted-later")
    matrix = [  # (who, token, status)
        ("anonymous", None, 401),
        ("made-up token", "sf_not-a-token", 401),
        ("revoked token", revoked_raw, 401),
        ("organiser", organiser_token, 201),
    ]
    for who, token, status in matrix:
        assert post(client, {**GIFT, "reference": who}, token).status_code == status, who
    # A token stops working when its holder stops being an organiser.
    django_user_model.objects.filter(username="api-organiser").update(is_staff=False)
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
        ({**GIFT, "method": "card"}, 400, "not an offline method"),
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


def test_writes_are_rate_limited(demo_all, organiser_token, client):
    codes = [post(client, {**GIFT, "reference": f"R{i}"}, organiser_token).status_code for i in range(12)]
    assert codes[:10] == [201] * 10 and codes[10:] == [429, 429]
