"""The demo organisation on the real 2024 results with its committee and money, and its treasurer's API token."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from swingfund.api.services import token_create


@pytest.fixture
def demo_all(official_db):
    from swingfund.committee.demo import demo_run
    from swingfund.funding.demo import demo_run as funding_demo
    from swingfund.organisations.models import Organisation
    from swingfund.scorecards.demo import DEMO_SLUG, demo_seed
    from tests.fixtures.worlds import world_restore_or_build

    cache.clear()  # the API's throttle lives in the cache

    def build() -> None:
        org = demo_seed()
        demo_run(organisation=org, election_id="parl.2024-07-04", bloc="religion:muslim")
        funding_demo(organisation=org)

    world_restore_or_build("api-demo", build)  # built once per test process, then its rows put back
    return Organisation.objects.get(slug=DEMO_SLUG)


@pytest.fixture
def organiser_token(demo_all, django_user_model):
    """A token of the demo organisation's treasurer (the role that records gifts, on the page as through the API)."""
    from swingfund.accounts.services import role_grant

    user = django_user_model.objects.create_user("api-organiser", password="x")
    role_grant(user=user, organisation=demo_all, role="treasurer")
    raw, _ = token_create(username="api-organiser", label="tests")
    return raw
