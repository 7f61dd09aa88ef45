"""`plan` and `/planning/` for a group without a census bloc: seats ranked by marginality, defaults from the group."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from swingfund.planning.sources import NON_VOTER_HEADROOM
from tests.planning.conftest import NEXT

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue_group(next_election):
    next_election.bloc_kind, next_election.bloc, next_election.default_election = "none", "", NEXT
    next_election.save()
    return next_election


def test_plan_runs_without_a_census_bloc_on_the_groups_defaults(issue_group):
    out = io.StringIO()
    call_command("plan", "--budget", "20000", "--draws", "2000", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["election"] == NEXT and data["bloc"] == ""
    assert data["allocation"], "money goes somewhere"
    assert sum(row["amount_pence"] for row in data["allocation"]) <= 2_000_000
    assert NON_VOTER_HEADROOM in data["notes"]
    others = [n for n in data["notes"] if n != NON_VOTER_HEADROOM and "no census categories" not in n]
    assert not [n for n in others if "census" in n.lower()]


def test_planning_page_opens_on_the_groups_own_defaults(issue_group, client, django_user_model):
    from swingfund.accounts.services import role_grant

    organiser = django_user_model.objects.create_user("planner", password="x")
    role_grant(user=organiser, organisation=issue_group, role="organiser")
    client.force_login(organiser)
    html = client.get("/planning/?budget=5000").content.decode()
    assert 'id="allocation"' in html, html[:3000]
    assert "A bloc needs at least one census category" not in html
    assert f'value="{NEXT}"' in html and 'value="none"' in html
