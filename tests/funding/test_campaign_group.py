"""A campaign always raises for a group: `funding campaign` without --organisation takes the only group, and refuses
when there are none or several (it used to open a campaign for no group, which the API's campaign list then failed
on with a server error: found by schemathesis against the served demo)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from swingfund.funding.models import Campaign
from swingfund.organisations.models import Organisation

pytestmark = pytest.mark.django_db
ARGS = ("funding", "campaign", "--slug", "open-one", "--title", "Open", "--goal", "100", "--purpose", "Grants",
        "--starts", "2026-12-01", "--ends", "2026-12-31")


def test_without_a_group_named_the_only_group_is_taken_and_several_are_refused(client):
    with pytest.raises(CommandError, match="No organisation is set up yet"):
        call_command(*ARGS)
    only = Organisation.objects.create(slug="only-group", name="Only Group")
    call_command(*ARGS)
    assert Campaign.objects.get(slug="open-one").organisation == only
    Organisation.objects.create(slug="second-group", name="Second Group")
    with pytest.raises(CommandError, match="only-group, second-group"):
        call_command(*ARGS[:3], "open-two", *ARGS[4:])
    with pytest.raises(CommandError, match="No organisation 'nope'"):
        call_command(*ARGS[:3], "open-two", *ARGS[4:], "--organisation", "nope")
    assert not Campaign.objects.filter(slug="open-two").exists()


def test_the_api_lists_an_older_campaign_opened_for_no_group(client):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    Campaign.objects.create(slug="no-group", title="Old", purpose="Grants", goal_pence=100, starts_at=now,
                            ends_at=now + dt.timedelta(days=1))
    answer = client.get("/api/v1/campaigns")
    assert answer.status_code == 200 and answer.json()[0]["organisation"] == ""
