"""Bad input that still got through (issue 21, part 6), each attack of the re-probe tried and shown refused: an
integer parameter past any id answered 500; a negative `top` answered every row; the same gift posted twice made
two gifts; the API's docs were blocked by the site's own Content Security Policy."""

from __future__ import annotations

import re

import pytest

from swingfund.funding.models import Donation, LedgerTransaction
from tests.api.test_write import GIFT, URL, pooled_slug

pytestmark = pytest.mark.django_db
HUGE = str(10**23)


@pytest.mark.parametrize("url", [
    "/api/v1/organisations/{org}/evidence?person=" + HUGE,
    "/api/v1/organisations/{org}/evidence?person=-" + HUGE,
    "/api/v1/organisations/{org}/scorecards/" + HUGE,
    "/api/v1/ledger?offset=" + HUGE,
    "/api/v1/elections/parl.2024-07-04/targets?bloc=religion:muslim&draws=10&seed=" + HUGE,
    "/api/v1/elections/parl.2024-07-04/targets?bloc=religion:muslim&draws=10&seed=-1",
    "/api/v1/elections/parl.2024-07-04/targets?bloc=religion:muslim&draws=" + HUGE,
])
def test_an_integer_past_any_id_is_a_4xx_not_a_500(demo_all, client, url):
    response = client.get(url.format(org=demo_all.slug))
    assert 400 <= response.status_code < 500, (url, response.status_code)


@pytest.mark.parametrize("url", [
    "/api/v1/elections/parl.2024-07-04/targets?bloc=religion:muslim&draws=10&top=-5",
    "/api/v1/elections/parl.2024-07-04/targets?bloc=religion:muslim&draws=10&top=0",
    "/api/v1/elections/parl.2024-07-04/recommendations?organisation={org}&top=-5",
])
def test_a_negative_top_is_refused(demo_all, client, url):
    response = client.get(url.format(org=demo_all.slug))
    assert response.status_code in (400, 422), (url, response.status_code)
    assert "top" in response.content.decode()


def test_a_forgotten_gift_for_candidacy_id_past_any_id_is_a_4xx(demo_all, organiser_token, client):
    response = client.post(URL.format(slug=pooled_slug()), {**GIFT, "for_candidacy": 10**23},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {organiser_token}",
                           HTTP_IDEMPOTENCY_KEY="huge-candidacy")
    assert 400 <= response.status_code < 500


def _post(client, token, body, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(URL.format(slug=pooled_slug()), body, content_type="application/json", **headers)


def test_the_same_gift_posted_twice_with_one_key_is_one_gift(demo_all, organiser_token, client):
    before = (Donation.objects.count(), LedgerTransaction.objects.count())
    first = _post(client, organiser_token, {**GIFT, "reference": "TWICE"}, key="gift-7f3a")
    again = _post(client, organiser_token, {**GIFT, "reference": "TWICE"}, key="gift-7f3a")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert (Donation.objects.count(), LedgerTransaction.objects.count()) == (before[0] + 1, before[1] + 1)
    # The key names one request: reused for another body, it is refused and nothing is written.
    other = _post(client, organiser_token, {**GIFT, "reference": "TWICE", "amount": "26"}, key="gift-7f3a")
    assert other.status_code == 422 and "Idempotency-Key" in other.json()["detail"]
    # A new key is a new gift.
    assert _post(client, organiser_token, {**GIFT, "reference": "TWICE"}, key="gift-8b21").status_code == 201
    assert Donation.objects.count() == before[0] + 2


@pytest.mark.parametrize("key", [None, "", "x" * 300, "bad key\n"])
def test_every_api_write_needs_an_idempotency_key(demo_all, organiser_token, client, key):
    before = Donation.objects.count()
    response = _post(client, organiser_token, {**GIFT, "reference": "NO KEY"}, key=key)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["detail"]
    assert Donation.objects.count() == before


def test_the_api_docs_come_from_the_sites_own_static_files(demo_all, client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "cdn" not in csp
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources and all(src.startswith("/static/") for src in sources), sources
    # no inline script the policy would block (a JSON data block is not run)
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        assert "src=" in attrs or 'type="application/json"' in attrs or not body.strip(), attrs
    for src in sources:
        response = client.get(src)
        assert response.status_code == 200, src
        b"".join(response.streaming_content) if response.streaming else response.content
