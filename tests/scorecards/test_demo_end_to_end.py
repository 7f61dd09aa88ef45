"""The demo organisation on the real 2024 results: seed → `swingfund recommend` → `swingfund scorecard`."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from swingfund.elections.models import Person
from swingfund.scorecards.demo import DEMO_CODINGS, DEMO_NOTE, demo_seed
from swingfund.scorecards.models import Evidence, Score

pytestmark = pytest.mark.django_db


def command(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def recommend_muslim_top15(*args: str) -> str:
    """`swingfund recommend` for the demo's bloc and the top 15 target seats of 2024, plus `args`."""
    return command("recommend", "--election", "parl.2024-07-04", "--bloc", "religion:muslim", "--top", "15", *args)


def test_demo_seed_is_idempotent_and_labelled(official_db):
    org = demo_seed()
    counts = (Evidence.objects.count(), Score.objects.count())
    assert counts[0] == len(DEMO_CODINGS) * 5
    assert demo_seed().pk == org.pk
    assert (Evidence.objects.count(), Score.objects.count()) == counts
    assert org.demo and org.standard_grant_pence == 100_000
    # the demo's identity is written to its own row (illustrative), not read from settings
    from swingfund.organisations.selectors import organisation_defaults

    identity = organisation_defaults(organisation=org)
    assert identity.imprint == "Promoted by Demo Community Group, 1 Example Street, London, N1 1AA."
    assert identity.sender_email == "demo@example.org"
    assert set(Evidence.objects.values_list("note", flat=True)) == {DEMO_NOTE}
    assert all(
        url.startswith("https://whocanivotefor.co.uk/person/")
        for url in Evidence.objects.values_list("source_url", flat=True)
    )


@pytest.mark.slow
def test_recommend_for_the_top_target_seats(official_db):
    org = demo_seed()
    data = json.loads(recommend_muslim_top15("--organisation", org.slug, "--format", "json"))
    recs = data["recommendations"]
    assert len(recs) == 15
    # the target figures show their working: targeting's assumptions and the official sources behind them
    assert any(n.startswith("Assumption") for n in data["notes"])
    assert any("House of Commons Library" in n for n in data["notes"] if n.startswith("Source:"))
    by_seat = {r["seat"]: r for r in recs}
    # illustrative codings: the aligned candidate is backed where the leading two differ …
    assert by_seat["Bradford West"]["action"] == "back"
    assert by_seat["Bradford West"]["reason"] == (
        "We back Naz Shah (Labour) in Bradford West: Naz Shah (Labour) agrees with all five statements and "
        "Muhammed Islam (Independent) does not."
    )
    assert by_seat["Ilford North"]["backed"] == "Leanne Mohamad (Independent)"
    # … we stay out where both agree, and wait where we have no evidence
    assert (
        by_seat["Blackburn"]["reason"]
        == "We stay out of Blackburn: both leading candidates agree with all five statements."
    )
    waiting = [r for r in recs if r["reason"].startswith("We stay out of") and "do not yet know" in r["reason"]]
    assert waiting, "seats with no evidence must wait, never count unknown as disagreement"
    impacts = [r["expected_impact"] for r in recs]
    assert impacts == sorted(impacts, reverse=True)
    assert all(r["expected_impact"] == 0 for r in recs if r["action"] == "stay_out")
    # the CSV carries the same rows
    rows = list(csv.DictReader(io.StringIO(recommend_muslim_top15("--organisation", org.slug, "--format", "csv"))))
    assert [r["gss_code"] for r in rows] == [r["gss_code"] for r in recs]
    own = json.loads(recommend_muslim_top15("--lens", "own", "--format", "json"))
    assert "Lens: own." in own["notes"]
    assert [r["gss_code"] for r in own["recommendations"]] != [r["gss_code"] for r in recs]  # another lens, other seats
    table = recommend_muslim_top15()
    assert "Bradford West" in table and "back Naz Shah" in table


def test_recommend_refuses_bad_input(official_db):
    demo_seed()
    with pytest.raises(CommandError, match="religion:nonsense") as err:
        command("recommend", "--election", "parl.2024-07-04", "--bloc", "religion:nonsense")
    assert err.value.returncode == 2
    with pytest.raises(CommandError, match="swingfund data import"):
        command("recommend", "--election", "parl.2030-01-01", "--bloc", "religion:muslim")


def test_scorecard_command(official_db):
    demo_seed()
    text = command("scorecard", "6528", "--organisation", "demo-community-group")
    assert "Naz Shah" in text and "Tackle rising anti-minority sentiment" in text
    data = json.loads(command("scorecard", "Wes Streeting", "--format", "json"))
    assert [s["stance"] for s in data["statements"]] == ["agree", "mixed", "agree", "mixed", "mixed"]
    assert data["statements"][1]["evidence"][0]["source_url"] == "https://whocanivotefor.co.uk/person/4360/"
    with pytest.raises(CommandError, match="no person matches") as err:
        command("scorecard", "Nobody At All Zzz")
    assert err.value.returncode == 2
    shah = Person.objects.filter(name__icontains="Shah").count()
    with pytest.raises(CommandError, match=f"{min(shah, 20)} people match"):
        command("scorecard", "Shah")


def test_recommendations_page_with_a_bloc_has_a_chart(official_db, client):
    org = demo_seed()
    html = client.get(
        f"/scorecards/recommendations/?org={org.slug}&election=parl.2024-07-04&bloc=religion:muslim&top=15"
    ).content.decode()
    svg = re.search(r'<svg[^>]*class="decisions-chart".*?</svg>', html, re.S).group()
    actions = re.findall(r'data-action="(\w+)"', svg)
    assert len(actions) == 15
    # Bradford West: P(pivotal) over the forecast and leverage (bloc voters ÷ majority, 22.4: the census and the 2024
    # majority, whatever the forecast) by its bar; the P shown is the table's for the seat (forecast v3: about 0.6)
    shown = re.search(r"(\d\.\d\d) · leverage 22\.4", svg)
    assert shown and 0.3 < float(shown.group(1)) < 0.95
    assert actions.count("back") == html.count('data-action="back"') - actions.count("back") > 0  # chart = table
    assert "Demo organisation: every stance shown here is an" in html
    assert re.search(r"<ul class=\"source\" data-notes><li>Lens: swing.</li>.*Source: ", html, re.S)
