"""Targets published as the group's forecast of the next election, stored, and scored by `evaluate` once that
election's result is in: the 2019 notional → 2024 rehearsal on the real files, checked against the official
winners (read here from the results, not from the scorer)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from swingfund.elections.models import Result
from swingfund.targeting.models import StoredForecast

pytestmark = pytest.mark.django_db
BASE, NEXT = "parl.2019-12-12.notional", "parl.2024-07-04"


@pytest.fixture
def demo(official_db):
    from swingfund.committee.demo import demo_run
    from swingfund.scorecards.demo import demo_seed

    org = demo_seed()
    demo_run(organisation=org, election_id=NEXT, bloc="religion:muslim")
    return org


def test_published_targets_are_stored_then_scored_against_the_result(demo):
    out, err = io.StringIO(), io.StringIO()
    call_command("targets", "--election", BASE, "--bloc", "religion:muslim", "--draws", "1000", "--top", "0",
                 "--format", "json", "--publish", NEXT, "--organisation", demo.slug, stdout=out, stderr=err)
    assert "Published: forecast #" in err.getvalue()
    stored = StoredForecast.objects.get(kind="targets", election_id=NEXT)
    assert stored.base_election_id == BASE and stored.inputs["draws"] == 1000
    table = {s["code"]: s for s in json.loads(out.getvalue())["seats"]}
    assert len(stored.seats) > 600
    for seat in stored.seats[:50]:  # what was stored is what was published
        assert seat["p_win"] == pytest.approx(table[seat["gss_code"]]["p_win"], abs=1e-6)

    with pytest.raises(CommandError, match="cannot be made from its own result"):
        call_command("targets", "--election", NEXT, "--bloc", "religion:muslim", "--draws", "200", "--format",
                     "json", "--publish", NEXT, "--organisation", demo.slug, stdout=io.StringIO())

    ev = io.StringIO()
    call_command("evaluate", "--election", NEXT, "--organisation", demo.slug, "--format", "json", stdout=ev)
    (score,) = [f for f in json.loads(ev.getvalue())["stored_forecasts"] if f["kind"] == "targets"]
    winners = {r.constituency.gss_code: r for r in Result.objects.filter(election_id=NEXT)
               .select_related("constituency", "winner__party")}
    p, won = [], []
    for seat in stored.seats:
        w = winners[seat["gss_code"]].winner
        abbr = (w.party.abbreviation or w.party.name) if w.party else ""
        same = abbr == seat["party"] and (abbr not in ("Ind", "") or w.person_name == seat["mp"])
        p.append(seat["p_win"])
        won.append(1.0 if same else 0.0)
    brier = sum((a - b) ** 2 for a, b in zip(p, won, strict=True)) / len(p)
    assert score["seats_scored"] == len(stored.seats) and score["brier"] == pytest.approx(brier, abs=1e-4)
    assert score["won"] == int(sum(won)) and score["made_after_poll"]  # a rehearsal, said so
    assert score["interval_level"] == "10–90 %" and 0 < score["coverage"] < 1
