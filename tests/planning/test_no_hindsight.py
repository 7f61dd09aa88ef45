"""Issue 18 part 5 and issue 19 part 7 on the real 2024 results and a future election forecast from them: a plan
funds only what the committee approved (a what-if is labelled), reads the forecast from the election before and
never its own result, reports its gain over each baseline with the gain's interval, and stores its forecast, which
`evaluate` and /track-record/ score once the result is imported."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from scipy.stats import norm

from swingfund.elections.models import Candidacy, DataSource, Result
from swingfund.targeting.models import StoredForecast, StoredForecastError
from tests.planning.conftest import BLOC, ELECTION, NEXT, NEXT_SEATS

pytestmark = pytest.mark.django_db


def plan(*args: str, election: str = NEXT) -> dict:
    out = io.StringIO()
    call_command("plan", "--election", election, "--bloc", BLOC, "--draws", "2000", *args, "--format", "json",
                 stdout=out)
    return json.loads(out.getvalue())


def votes(pounds: float) -> float:
    """The cited curve, by hand: £26.25 a vote for £2,000, £52.50 for the next £3,000, £105 beyond £5,000."""
    return (min(pounds, 2_000) / 26.25 + min(max(pounds - 2_000, 0), 3_000) / 52.5
            + max(pounds - 5_000, 0) / 105)


def lead_2024(seat: str, name: str) -> int:
    rows = list(Candidacy.objects.filter(election_id=ELECTION, constituency__name=seat).values_list("person_name",
                                                                                                   "votes"))
    own = dict(rows)[name]
    return own - max(v for n, v in rows if n != name)


def test_a_rejected_seat_gets_nothing_and_enters_only_a_labelled_what_if(next_election, client, django_user_model):
    data = plan("--budget", "20000")
    rows = {r["seat"]: r for r in data["allocation"]}
    approved = {s for s, (_, outcome) in NEXT_SEATS.items() if outcome == "approved"}
    assert set(rows) == approved, "the rejected seat (Leicester South) gets nothing, not even a row"
    assert not data["what_if"] and data["label"] == "plan" and data["forecast_from"] == ELECTION
    assert all(r["status"] == "approved" and not r["what_if"] and r["fixed_pence"] == 100_000 for r in rows.values())
    assert 0 < data["allocated_pence"] <= 2_000_000
    # Ilford North forward from 2024: behind by 528. The forecast's spread is targeting's (the 4,621 votes
    # was forecast v2's; v3's bloc term widens the bloc's seats), read here from `targets`' own JSON: the 10–90 %
    # interval of the 2024 majority as an sd with scipy.
    ilford = rows["Ilford North"]
    assert ilford["margin_votes"] == lead_2024("Ilford North", "Leanne Mohamad") == -528
    out = io.StringIO()
    call_command("targets", "--election", ELECTION, "--bloc", BLOC, "--top", "0", "--draws", "2000",
                 "--format", "json", stdout=out)
    interval = next(s for s in json.loads(out.getvalue())["seats"] if s["name"] == "Ilford North")["majority_interval"]
    assert ilford["forecast_sd_votes"] == pytest.approx((interval["p90"] - interval["p10"]) / (2 * norm.ppf(0.9)),
                                                        abs=0.06)  # the plan rounds it to 0.1 vote
    sd = ilford["forecast_sd_votes"]
    assert ilford["p_win_without"] == pytest.approx(norm.cdf((-528 + votes(1_000)) / sd), abs=1e-4)
    # The value of the next £10,000 there, per £1,000 (ΔP, the planner's objective), and pounds per 0.01 seat.
    spent = (ilford["amount_pence"] + ilford["fixed_pence"]) / 100
    gain = norm.cdf((-528 + votes(spent + 10_000)) / sd) - norm.cdf((-528 + votes(spent)) / sd)
    assert ilford["value_per_1000"] == pytest.approx(gain / 10, abs=2e-6)
    assert ilford["pounds_per_hundredth_seat"] == pytest.approx(10_000 * 0.01 / gain, rel=1e-3)
    assert ilford["value_interval"][0] < ilford["value_per_1000"] < ilford["value_interval"][1]
    # The plan's expectation, recomputed here from its own rows with the hand curve.
    expected = sum(norm.cdf((r["margin_votes"] + votes((r["amount_pence"] + r["fixed_pence"]) / 100))
                            / r["forecast_sd_votes"]) for r in rows.values())
    assert data["expected_aligned_elected"]["expected"] == pytest.approx(expected, abs=2e-3)
    for name, b in data["baselines"].items():
        gain = b["gain"]
        assert gain["expected"] == pytest.approx(data["expected_aligned_elected"]["expected"] - b["expected"],
                                                 abs=2e-3), name
        assert gain["expected"] >= -1e-9 and gain["interval"][0] <= gain["interval"][1]
    assert data["baselines"]["no_new_money"]["gain"]["interval"][0] > 0  # the money helps in every draw
    assert data["baselines"]["seed_rule"]["allocated_pence"] == 300_000  # £1,000 × 3 approved seats
    assert any(n.startswith("The seed's rule: spends £3,000 of the £20,000 budget, leaving £17,000 unspent")
               for n in data["notes"])

    what_if = plan("--budget", "20000", "--what-if")
    rows = {r["seat"]: r for r in what_if["allocation"]}
    assert what_if["what_if"] and what_if["label"] == "what-if" and what_if["notes"][0].startswith("WHAT-IF")
    assert rows["Leicester South"]["status"] == "rejected" and rows["Leicester South"]["what_if"]
    assert "Leicester South (rejected)" in what_if["notes"][0]

    from swingfund.accounts.services import role_grant

    organiser = django_user_model.objects.create_user("planner-next", password="x")
    role_grant(user=organiser, organisation=next_election, role="organiser")
    client.force_login(organiser)
    html = client.get(f"/planning/?election={NEXT}&bloc={BLOC}&budget=20000&what_if=1").content.decode()
    assert "What-if, not the committee&#x27;s plan" in html or "What-if, not the committee's plan" in html
    assert "Leicester South" in html and "interval of the gain" in html


def _import_a_result() -> dict[str, bool]:
    """The next election's count in the four seats, written as an import would: who won each."""
    source = DataSource.objects.create(key="next-count", title="Next count (tests)", publisher="tests",
                                       file_name="-", sha256="2" * 64, imported_at="2029-05-04T06:00:00Z")
    outcome = {"Ilford North": True, "Birmingham Ladywood": False, "Dewsbury and Batley": True,
               "Leicester South": False}
    for seat, backed_won in outcome.items():
        cands = list(Candidacy.objects.filter(election_id=NEXT, constituency__name=seat).select_related("constituency"))
        backed = cands[0]
        rival = Candidacy.objects.create(election_id=NEXT, constituency=backed.constituency, person_name="A Rival",
                                         votes=20_000, source=source)
        backed.votes = 21_000 if backed_won else 15_000
        backed.save()
        winner, runner = (backed, rival) if backed_won else (rival, backed)
        Result.objects.create(election_id=NEXT, constituency=backed.constituency, electorate=75_000,
                              valid_votes=backed.votes + rival.votes, majority=abs(backed.votes - rival.votes),
                              winner=winner, runner_up=runner, source=source)
    return outcome


def test_changing_the_result_does_not_change_a_plan_made_before_it(next_election, client):
    before = plan("--budget", "20000")
    stored = StoredForecast.objects.get(pk=before["stored_forecast_id"])
    assert stored.election_id == NEXT and stored.base_election_id == ELECTION and stored.made_at.isoformat() == \
        before["made_at"]
    assert stored.inputs["budget_pence"] == 2_000_000 and stored.inputs["bloc"] == BLOC
    assert {s["gss_code"] for s in stored.seats} == {r["gss_code"] for r in before["allocation"]}
    snapshot = (stored.seats, stored.content_hash)

    outcome = _import_a_result()
    after = plan("--budget", "20000")
    assert after["allocation"] == before["allocation"]  # the result of NEXT is never read
    assert after["baselines"] == before["baselines"]
    assert after["stored_forecast_id"] != before["stored_forecast_id"]

    # The stored forecast is final, whoever writes.
    stored.seats = []
    with pytest.raises(StoredForecastError):
        stored.save()
    with pytest.raises(StoredForecastError):
        StoredForecast.objects.filter(pk=stored.pk).update(seats=[])
    with pytest.raises(StoredForecastError):
        StoredForecast.objects.get(pk=stored.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE targeting_storedforecast SET seats = '[]' WHERE id = %s", [stored.pk])
    stored.refresh_from_db()
    assert (stored.seats, stored.content_hash) == snapshot

    # `evaluate` scores the stored forecasts as stored, against the imported result.
    out = io.StringIO()
    call_command("evaluate", "--election", NEXT, "--organisation", next_election.slug, "--format", "json", stdout=out)
    scores = {f["id"]: f for f in json.loads(out.getvalue())["stored_forecasts"]}
    assert set(scores) == {before["stored_forecast_id"], after["stored_forecast_id"]}
    f = scores[before["stored_forecast_id"]]
    won = {r["gss_code"]: outcome[r["seat"]] for r in before["allocation"]}
    p = {r["gss_code"]: r["p_win_with"] for r in before["allocation"]}
    brier = sum((p[c] - won[c]) ** 2 for c in p) / len(p)
    assert f["brier"] == pytest.approx(brier, abs=1e-3)  # the JSON's P(win) is rounded to 4 places
    leads = {r["gss_code"]: (21_000 - 20_000 if won[r["gss_code"]] else 15_000 - 20_000) for r in before["allocation"]}
    covered = [lo <= leads[s["gss_code"]] <= hi for s in snapshot[0] for lo, hi in [s["lead_interval"]]]
    assert f["coverage"] == pytest.approx(sum(covered) / len(covered))
    assert f["seats_scored"] == 3 and not f["made_after_poll"]
    assert {m["gss_code"] for m in f["money_seats"]} == set(won)
    assert f["money_seats_won"] == sum(won.values()) == 2
    html = client.get(f"/track-record/?organisation={next_election.slug}").content.decode()
    assert "Stored forecasts, scored" in html and f"#{before['stored_forecast_id']}" in html
    assert str(f["brier"]) in html
