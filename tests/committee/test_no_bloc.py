"""A group without a census bloc: `committee propose --top N` proposes exactly the seats `recommend` lists with the
same arguments, ranked by marginality (the chance each seat changes hands)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from swingfund.committee.models import Proposal

ELECTION = "parl.2024-07-04"


@pytest.fixture
def issue_group(official_db, django_user_model):
    """The demo's statements and codings, for a group that has no census bloc and no default election."""
    from swingfund.scorecards.demo import demo_seed

    org = demo_seed()
    org.bloc_kind, org.bloc, org.default_election = "none", "", ""
    org.save()
    django_user_model.objects.create_user("chair", password="x-long-password-1")
    call_command("committee", "member", "--organisation", org.slug, "--user", "chair", "--role", "chair",
                 stdout=io.StringIO())
    return org


def recommended(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("recommend", *args, "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    return [row["gss_code"] for row in data["recommendations"]]


@pytest.mark.parametrize("args", [
    ("--election", ELECTION, "--top", "3"),
    ("--election", ELECTION, "--top", "5", "--bloc", "none"),
    ("--election", ELECTION, "--top", "6", "--min-agree", "1", "--competitive", "all", "--min-p-decisive", "0.3"),
])
def test_propose_proposes_the_seats_recommend_lists(issue_group, args):
    listed = recommended("--organisation", issue_group.slug, *args)
    assert len(listed) >= 3
    call_command("committee", "propose", "--organisation", issue_group.slug, *args, "--proposer", "chair",
                 stdout=io.StringIO())
    proposed = list(Proposal.objects.filter(organisation=issue_group).order_by("pk")
                    .values_list("constituency__gss_code", flat=True))
    assert proposed == listed


def test_without_a_bloc_seats_are_ranked_by_their_chance_of_changing_hands(issue_group):
    out = io.StringIO()
    call_command("recommend", "--organisation", issue_group.slug, "--election", ELECTION, "--top", "10",
                 "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["bloc"] == "none"
    rows = data["recommendations"]
    assert all(r["bloc_voters"] is None and r["leverage"] is None for r in rows)
    assert all(0 < r["p_decisive"] <= 1 for r in rows)  # the chance the seat changes hands
    assert any("changes hands" in note for note in data["notes"])
    assert not any("census" in note.lower() and "no census" not in note.lower() for note in data["notes"])
