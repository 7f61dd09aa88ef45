"""The organisers' workspace lists the messages waiting for a second organiser's approval: never the reader's own
draft (they cannot approve it), never another organisation's."""

from __future__ import annotations

import pytest

from swingfund.organisations.models import Organisation
from swingfund.outreach import messaging, segments
from tests.outreach.conftest import _organiser

pytestmark = pytest.mark.django_db

SEAT = "S14000060"  # Aberdeen North (2024 boundaries)


def _draft(organisation, author, title: str):
    segment = segments.segment_create(organisation=organisation, name=f"{title} seats", basis="list",
                                      gss_codes=[SEAT], channel="email")
    return messaging.message_create(segment=segment, title=title, author=author,
                                    translations={"en": ("Polling day", "Hello {first_name}")})


def test_a_draft_waits_in_the_other_organisers_workspace_only(organisation, organisers, client):
    alice, bob = organisers
    other = Organisation.objects.create(name="Other Group", slug="other-group")
    carol = _organiser("carol", other)
    mine = _draft(organisation, alice, "Vote on Thursday")
    theirs = _draft(other, carol, "Another group's call")

    client.force_login(bob)
    page = client.get("/workspace/").content.decode()
    assert "Messages awaiting your approval (1)" in page and f"/outreach/messages/{mine.pk}/" in page
    assert theirs.title not in page

    client.force_login(alice)  # the author: nothing of hers to approve
    page = client.get("/workspace/").content.decode()
    assert "Messages awaiting your approval (0)" in page and mine.title not in page

    messaging.message_approve(message=mine, approver=bob)
    client.force_login(bob)
    assert "Messages awaiting your approval (0)" in client.get("/workspace/").content.decode()
