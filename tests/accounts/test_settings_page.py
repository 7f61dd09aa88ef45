"""`/group/settings/`: the group's administrator keeps its profile and defaults through `organisation_update`, sees
each refusal beside its field, and nobody else opens or posts it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from swingfund.accounts.services import role_grant
from swingfund.organisations.services import ADDRESS_REQUIRED, SENDER_LOCALHOST, organisation_create
from tests.accounts.helpers import second_factor, sign_in, user_make

URL = "/group/settings/"


@pytest.fixture
def group(db):
    organisation = organisation_create(name="Leeds Fair Vote", address="1 Park Row\nLeeds\nLS1 5AB",
                                       sender_email="hello@leedsfairvote.org")
    admin = user_make("amina")
    role_grant(user=admin, organisation=organisation, role="administrator")
    client = Client()
    sign_in(client, admin)
    second_factor(client, admin)
    return organisation, client


def _form(**changes) -> dict:
    data = {"organisation": "leeds-fair-vote", "name": "Leeds Fair Vote", "address": "1 Park Row\nLeeds\nLS1 5AB",
            "sender_email": "hello@leedsfairvote.org", "lens": "swing", "bloc_kind": "none",
            "standard_grant_pounds": "1000"}
    data.update(changes)
    return data


def _field_errors(html: str, field: str) -> str:
    block = re.search(rf'<div class="field" id="field-{field}">(.*?)</div>\s*(?=<div class="field"|<h2|<button)',
                      html, re.S)
    assert block, f"no field {field} on the page"
    return block.group(1)


def test_the_administrator_changes_the_profile(group):
    organisation, client = group
    page = client.get(URL)
    assert page.status_code == 200 and "Leeds Fair Vote" in page.content.decode()
    response = client.post(URL, _form(legal_name="Leeds Fair Vote Ltd", sender_email="news@leedsfairvote.org",
                                      standard_grant_pounds="750", bank_sort_code="123456"))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.legal_name == "Leeds Fair Vote Ltd"
    assert organisation.sender_email == "news@leedsfairvote.org"
    assert organisation.standard_grant_pence == 75_000 and organisation.bank_sort_code == "12-34-56"


def test_refusals_show_beside_their_fields_and_nothing_is_saved(group):
    organisation, client = group
    response = client.post(URL, _form(address="", sender_email="group@localhost", legal_name="Changed Ltd"))
    assert response.status_code == 400
    html = response.content.decode()
    assert ADDRESS_REQUIRED in _field_errors(html, "address")
    assert SENDER_LOCALHOST.format(value="group@localhost").replace("'", "&#x27;") in _field_errors(html,
                                                                                                    "sender_email")
    assert "Changed Ltd" in html  # what was typed stays in the form
    organisation.refresh_from_db()
    assert organisation.legal_name == "" and organisation.sender_email == "hello@leedsfairvote.org"


def test_only_the_groups_administrator_may_open_or_post_it(group):
    organisation, _ = group
    other = organisation_create(name="Bradford Fair Vote", address="2 Hall Ings, Bradford")
    for role, where in (("organiser", organisation), ("treasurer", organisation), ("administrator", other)):
        user = user_make(f"{role}-{where.slug}")
        role_grant(user=user, organisation=where, role=role)
        client = Client()
        sign_in(client, user)
        second_factor(client, user)
        assert client.get(f"{URL}?organisation=leeds-fair-vote").status_code == 403, (role, where)
        assert client.post(URL, _form(name="Taken over")).status_code == 403, (role, where)
    assert Client().get(URL).status_code == 302  # anonymous: to the sign-in page
    organisation.refresh_from_db()
    assert organisation.name == "Leeds Fair Vote"


def test_the_administrator_gives_a_second_factor_first(db):
    organisation = organisation_create(name="Leeds Fair Vote", address="1 Park Row, Leeds")
    admin = user_make("amina")
    role_grant(user=admin, organisation=organisation, role="administrator")
    client = Client()
    sign_in(client, admin)
    assert "/accounts/two-factor/" in client.get(URL)["Location"]


def test_a_post_without_the_csrf_token_is_refused(group):
    organisation, client = group
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    assert strict.post(URL, _form(name="Forged")).status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "Leeds Fair Vote"
