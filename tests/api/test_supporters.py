"""Supporter sign-up through the API: an organiser's token, the same service and checks as the public sign-up page
(unknown postcode, bad mobile number, no explicit consent: refused with the page's words, nothing stored)."""

from __future__ import annotations

import html as htmllib
import uuid

import pytest

from swingfund.accounts.services import role_grant
from swingfund.api.services import token_create
from swingfund.outreach.models import Consent, Supporter
from tests.outreach.conftest import NORTH, SAMPLE

pytestmark = pytest.mark.django_db
URL = "/api/v1/organisations/{slug}/supporters"
PERSON = {"first_name": "Amina", "last_name": "Khan", "email": "amina@example.org", "postcode": "AB10 1PE",
          "consents": ["email", "special"], "evidence": "paper form at the mosque stall, 3 June 2024"}


@pytest.fixture
def postcodes(official_db, data_dir):
    """The ONSPD Aberdeen sample (postcode → 2024 constituency), as the outreach tests import it."""
    from swingfund.elections.models import Postcode
    from swingfund.elections.services import file_import

    if not Postcode.objects.filter(boundary_set="pcon2024").exists():
        file_import(path=data_dir / SAMPLE, progress=False)


@pytest.fixture
def organiser_token(demo_all, django_user_model):
    user = django_user_model.objects.create_user("api-outreach", password="x")
    role_grant(user=user, organisation=demo_all, role="organiser")
    return token_create(username="api-outreach", label="tests")[0]


def post(client, body: dict, token: str | None, slug: str):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    headers["HTTP_IDEMPOTENCY_KEY"] = uuid.uuid4().hex  # every write names itself
    return client.post(URL.format(slug=slug), body, content_type="application/json", **headers)


def page_error(client, body: dict) -> str:
    """What the public sign-up page says to the same person (the demo group is the page's organisation)."""
    form = {"language": "en", **{k: v for k, v in body.items() if k not in ("consents", "evidence")}}
    form.update({f"consent_{c}": "on" for c in body["consents"]})
    page = client.post("/outreach/join/", form)
    assert page.status_code == 400
    return htmllib.unescape(page.content.decode())


def test_a_sign_up_lands_in_its_constituency_with_its_consent_evidence(postcodes, demo_all, organiser_token, client):
    answer = post(client, PERSON, organiser_token, demo_all.slug)
    assert answer.status_code == 201, answer.content
    assert answer.json()["gss_code"] == NORTH and answer.json()["email_confirmation_sent"] is True
    supporter = Supporter.objects.get(pk=answer.json()["id"])
    assert supporter.constituency.gss_code == NORTH and supporter.organisation == demo_all
    sources = set(Consent.objects.filter(supporter=supporter).values_list("source", flat=True))
    assert sources and all("api:api-outreach" in s and "paper form" in s for s in sources)


@pytest.mark.parametrize(("change", "words"), [
    ({"postcode": "ZZ9 9ZZ"}, "ZZ9 9ZZ"),
    ({"phone": "+44 20 7946 0000", "consents": ["whatsapp", "special"], "email": ""}, "mobile"),
    ({"consents": ["email"]}, "explicit consent"),
])
def test_the_pages_refusals_apply_and_nothing_is_stored(postcodes, demo_all, organiser_token, client, change, words):
    body = {**PERSON, **change}
    answer = post(client, body, organiser_token, demo_all.slug)
    assert answer.status_code == 400, answer.content
    detail = answer.json()["detail"]
    assert words.lower() in detail.lower()
    assert detail in page_error(client, body)  # the same refusal, in the same words, as the page
    assert Supporter.objects.count() == 0 and Consent.objects.count() == 0


def test_without_a_token_or_the_role_nothing_is_stored(postcodes, demo_all, organiser_token, client,
                                                        django_user_model):
    assert post(client, PERSON, None, demo_all.slug).status_code == 401
    treasurer = django_user_model.objects.create_user("api-treasurer", password="x")
    role_grant(user=treasurer, organisation=demo_all, role="treasurer")  # money, not outreach
    refused = post(client, PERSON, token_create(username="api-treasurer", label="t")[0], demo_all.slug)
    assert refused.status_code == 403 and "organiser" in refused.json()["detail"]
    missing = post(client, {**PERSON, "evidence": " "}, organiser_token, demo_all.slug)
    assert missing.status_code == 400 and "evidence" in missing.json()["detail"]
    assert Supporter.objects.count() == 0
