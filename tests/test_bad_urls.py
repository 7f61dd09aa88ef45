"""Unknown slugs and ids are a 404, and unknown or malformed parameters a page or a 400 naming the problem: never a
server error, whoever asks."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.accounts.helpers import administrator_client, user_make

pytestmark = pytest.mark.django_db

NOT_FOUND = [
    "/funding/campaigns/no-such-campaign/",
    "/payments/checkout/no-such-campaign/",
    "/payments/checkout/no-such-campaign/thanks/",
    "/scorecards/person/987654321/",
    "/scorecards/seat/parl.1900-01-01/E14999999/",
    "/scorecards/seat/no-such-election/not-a-gss/",
    "/committee/proposals/987654321/",
    "/compliance/reports/nothing.csv",
    "/scorecards/person/99999999999999999999999/",  # past a 64-bit id: the database must never see it
    "/committee/proposals/99999999999999999999999/",
    "/funding/grants/99999999999999999999999/notice/",
    "/funding/grants/99999999999999999999999/notice.pdf",
]
ODD_PARAMETERS = [
    "/scorecards/?organisation=no-such-org",
    "/scorecards/recommendations/?election=no-such-election&bloc=religion:muslim",
    "/scorecards/recommendations/?bloc=not-a-bloc",
    "/targets/?election=no-such-election",
    "/targets/?bloc=nope:nothing&top=-5",
    "/targets/?draws=abc&seed=-1",
    "/committee/decisions/?organisation=no-such-org",
    "/committee/changes/?organisation=no-such-org",
    "/funding/ledger/?campaign=no-such-campaign",
]


def _browser(django_user_model, who: str) -> Client:
    browser = Client(raise_request_exception=False)
    if who == "administrator":  # sees everything, second factor given: a 403 cannot hide a server error behind it
        administrator_client(browser, user_make("probe", is_superuser=True, is_staff=True))
    return browser


@pytest.mark.parametrize("url", NOT_FOUND)
@pytest.mark.parametrize("who", ["anonymous", "administrator"])
def test_unknown_slugs_and_ids_are_not_found(django_user_model, url, who):
    response = _browser(django_user_model, who).get(url)
    expected = (404, 302, 403) if who == "anonymous" else (404,)  # anonymous may be sent to log in first
    assert response.status_code in expected, (url, response.status_code)


@pytest.mark.parametrize("url", ODD_PARAMETERS)
@pytest.mark.parametrize("who", ["anonymous", "administrator"])
def test_odd_parameters_are_never_a_server_error(django_user_model, url, who):
    response = _browser(django_user_model, who).get(url)
    assert response.status_code in (200, 302, 400, 403, 404), (url, response.status_code)
