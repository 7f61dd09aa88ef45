"""`swingfund plan` on the demo organisation before the next election, forecast from the real 2024 results: the law's
caps, the committee's approved grants, baselines."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from swingfund.committee.models import Decision
from swingfund.compliance.models import LegalFigure
from swingfund.elections.models import Result
from tests.planning.conftest import BLOC, ELECTION, NEXT

pytestmark = pytest.mark.django_db

# LAW.md, 2024: candidate limit £11,390 + 8p (borough) or 12p (county) per elector; s.75 permitted sum £700.
BASE, PER_ELECTOR = 1_139_000, {"borough": 8, "burgh": 8, "county": 12}


def plan(*args: str) -> dict:
    out = io.StringIO()
    call_command("plan", "--election", NEXT, "--bloc", BLOC, "--draws", "2000", *args, "--format", "json",
                 stdout=out)
    return json.loads(out.getvalue())


def test_acceptance_fields_and_candidate_limits(next_election):
    data = plan("--budget", "20000")
    assert data["allocation"], "the demo group backs candidates, so money goes somewhere"
    assert sum(r["amount_pence"] for r in data["allocation"]) <= 2_000_000
    for row in data["allocation"]:
        # the electorate of the latest register known before the election: 2024's, the forecast's base
        result = Result.objects.select_related("constituency").get(election_id=ELECTION,
                                                                   constituency__gss_code=row["gss_code"])
        rate = PER_ELECTOR[result.constituency.constituency_type.lower()]
        limit = BASE + rate * result.electorate
        assert row["cap"]["pence"] == limit
        assert row["amount_pence"] + row["fixed_pence"] <= limit
        assert row["candidate"] and row["candidacy_id"]
        assert 0 < row["p_win_without"] <= row["p_win_with"] < 1
    e = data["expected_aligned_elected"]
    assert e["interval"][0] <= e["expected"] <= e["interval"][1]
    assert e["expected"] > e["without_new_money"]
    assert data["marginal_value_next_1000"] >= 0
    low, high = data["marginal_value_next_1000_interval"]
    assert 0 <= low <= high and low < high  # cheaper votes make the next £1,000 worth more
    for baseline in data["baselines"].values():
        assert e["expected"] >= baseline["expected"]
        assert baseline["allocated_pence"] <= 2_000_000
    assert any("Green and Gerber" in n for n in data["notes"])


def test_committee_decisions_are_fixed(next_election):
    decided = {d.proposal.constituency.gss_code: d.proposal.amount_pence
               for d in Decision.objects.filter(outcome="approved", proposal__kind="grant", proposal__election_id=NEXT,
                                                proposal__organisation=next_election)
               .select_related("proposal__constituency")}
    assert decided, "the committee approved grants"
    rows = {r["gss_code"]: r for r in plan("--budget", "20000")["allocation"]}
    assert set(rows) == set(decided)  # new money only where the committee approved a grant, on top of it
    for code, amount in decided.items():
        assert rows[code]["decided"] and rows[code]["fixed_pence"] == amount
        assert rows[code]["amount_pence"] + amount <= rows[code]["cap"]["pence"]


def test_local_channel_respects_the_s75_permitted_sum(next_election):
    data = plan("--budget", "20000", "--channel", "local")
    assert data["allocation"]
    for row in data["allocation"]:
        assert row["cap"]["pence"] == 70_000
        assert row["amount_pence"] <= 70_000  # decided grants are candidate donations, a different pot
    assert any(r["binding_cap"] and "permitted sum" in r["binding_cap"] for r in data["allocation"])


def test_campaign_channel_respects_constituency_limit_and_notification_threshold(next_election):
    # An administrator's edit of a legal figure takes effect in the plan: a £3,000 constituency limit binds.
    LegalFigure.objects.filter(key="non_party_constituency_limit").update(value=300_000)
    data = plan("--budget", "20000", "--channel", "campaign")
    assert all(r["amount_pence"] <= 300_000 for r in data["allocation"])
    assert any(r["binding_cap"] == "non-party constituency limit" for r in data["allocation"])
    LegalFigure.objects.filter(key="non_party_constituency_limit").update(value=1_755_300)
    unregistered = plan("--budget", "20000", "--channel", "campaign", "--not-registered")
    assert unregistered["allocated_pence"] <= 1_000_000
    assert any(r["binding_cap"] == "notification threshold (not registered)" for r in unregistered["allocation"])


def test_fixed_grants_mode_gives_nothing_or_one_grant(next_election):
    data = plan("--budget", "3000", "--grant", "1000")
    assert {r["amount_pence"] for r in data["allocation"]} <= {0, 100_000}
    assert data["allocated_pence"] <= 300_000


def test_bad_input_is_refused_with_a_clear_message(next_election):
    with pytest.raises(CommandError, match="--budget: 'lots' is not an amount in pounds"):
        plan("--budget", "lots")
    with pytest.raises(CommandError, match="No organisation 'nobody'"):
        plan("--budget", "100", "--organisation", "nobody")
    with pytest.raises(CommandError, match="low <= central <= high"):
        plan("--budget", "100", "--cost-per-vote", "40:50:30")


def test_organisers_page_shows_the_plan_and_the_public_is_sent_to_sign_in(next_election, client, django_user_model):
    url = f"/planning/?election={NEXT}&bloc={BLOC}&budget=5000"
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    from swingfund.accounts.services import role_grant
    from swingfund.organisations.models import Organisation

    staff = django_user_model.objects.create_user("staff", password="x", is_staff=True)  # no role: refused
    client.force_login(staff)
    assert client.get(url).status_code == 403
    other = Organisation.objects.create(name="Other Group", slug="other-group")
    outsider = django_user_model.objects.create_user("outsider", password="x")
    role_grant(user=outsider, organisation=other, role="organiser")
    client.force_login(outsider)  # another organisation's organiser may not plan with this one's decisions
    assert client.get(f"{url}&organisation={next_election.slug}").status_code == 403
    organiser = django_user_model.objects.create_user("planner", password="x")
    role_grant(user=organiser, organisation=next_election, role="organiser")
    client.force_login(organiser)
    html = client.get(url).content.decode()
    assert 'id="allocation"' in html and "<svg" in html and "Marginal value of the next £1,000" in html
    assert "candidate spending limit" in html
