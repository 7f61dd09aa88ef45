"""The poll average against hand calculations, its uncertainty against an independent one, and `targets` for an
election that has no result yet, centred on the average of the polls imported for it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from swingfund.elections.demo import ILLUSTRATIVE_POLLS
from swingfund.elections.models import Election
from swingfund.elections.services import polls_import
from swingfund.targeting.polls import PollPoint, poll_average

D = dt.date


def point(end: dt.date, n: int, shares: dict[str, float], area: str = "GB", days: int = 0) -> PollPoint:
    return PollPoint(pollster="P", start=end - dt.timedelta(days=days), end=end, sample_size=n, area=area,
                     shares=shares)


def test_the_average_matches_a_hand_calculation():
    # newest poll ends 30 Nov (age 0); one two weeks older with 4,000 people; one four weeks older with 9,000
    # (capped at 5,000). By the stated rule the weights are 1, ½ × √4 = 1 and ¼ × √5.
    polls = [point(D(2026, 11, 30), 1000, {"Lab": 0.30, "Con": 0.20}),
             point(D(2026, 11, 16), 4000, {"Lab": 0.26, "Con": 0.22, "New": 0.05}),
             point(D(2026, 11, 2), 9000, {"Lab": 0.34, "Con": 0.18})]
    avg = poll_average(polls=polls).areas["GB"]
    w = [1.0, 1.0, 0.25 * math.sqrt(5)]
    assert [round(x, 9) for _, x in avg.polls] == [round(x, 9) for x in w]
    assert avg.parties["Lab"].share == pytest.approx((0.30 + 0.26 + 0.34 * w[2]) / (2 + w[2]))
    assert avg.parties["Con"].share == pytest.approx((0.20 + 0.22 + 0.18 * w[2]) / (2 + w[2]))
    # a party only one poll reports is that poll's figure, not diluted by the polls that left it blank
    assert avg.parties["New"].share == pytest.approx(0.05) and avg.parties["New"].polls == 1
    # the middle of the fieldwork counts: a poll in the field 1–29 Nov is 15 days old on 30 Nov
    spread = poll_average(polls=[point(D(2026, 11, 30), 1000, {"Lab": 0.3}),
                                 point(D(2026, 11, 29), 1000, {"Lab": 0.3}, days=28)]).areas["GB"]
    assert spread.polls[1][1] == pytest.approx(0.5 ** (15 / 14))


# The final polls' misses (average of the final polls − GB result, points) as the sources in
# swingfund/targeting/polling_error.py state them, typed here so that module's figures are checked, not trusted.
MISSES = {"Con": [34.0 - 37.7, 44.0 - 43.5, 43.0 - 44.7, 21.0 - 24.4],   # 2015, 2017, 2019, 2024
          "Lab": [34.0 - 31.2, 36.0 - 41.0, 33.0 - 33.0, 39.5 - 34.7]}
MINOR = 0.015  # a party the reviews report at fewer than three elections


def test_the_uncertainty_matches_an_independent_calculation():
    polls = [point(D(2026, 11, 30), 1000, {"Lab": 0.30, "Con": 0.20, "Green": 0.10}),
             point(D(2026, 11, 16), 4000, {"Lab": 0.26, "Con": 0.24, "Green": 0.08}),
             point(D(2026, 11, 9), 2500, {"Lab": 0.33, "Con": 0.21, "Green": 0.09})]
    avg = poll_average(polls=polls).areas["GB"]
    # independently, with numpy: normalised weights a; the weighted mean's standard error with each poll's variance
    # = its squared distance from the mean + its sampling variance; the historical part from the published misses
    n = np.array([1000, 4000, 2500])
    a = 0.5 ** (np.array([0, 14, 21]) / 14) * np.sqrt(n / 1000)
    a = a / a.sum()
    expected = {}
    for party, x in {"Lab": [0.30, 0.26, 0.33], "Con": [0.20, 0.24, 0.21], "Green": [0.10, 0.08, 0.09]}.items():
        x = np.array(x)
        mean = a @ x
        se = np.sqrt(np.sum(a ** 2 * ((x - mean) ** 2 + mean * (1 - mean) / n)))
        h = np.sqrt(np.mean(np.square(MISSES[party]))) / 100 if party in MISSES else MINOR
        expected[party] = (mean, se, h)
        got = avg.parties[party]
        assert (got.share, got.spread_se, got.historical_sd) == pytest.approx((mean, se, h))
        assert got.sd == pytest.approx(np.hypot(se, h))
    assert 0.035 < expected["Lab"][2] < 0.04  # Labour's final-poll miss: about 3.7 points
    # the forecast's covariance: historical (Con–Lab correlated as their misses were) plus the spread on the diagonal
    parties, cov = poll_average(polls=polls).national_cov("GB")
    i = {p: parties.index(p) for p in ("Lab", "Con", "Green")}
    rho = np.corrcoef(MISSES["Con"], MISSES["Lab"])[0, 1]
    assert rho < -0.9
    assert cov[i["Lab"], i["Con"]] == pytest.approx(rho * expected["Lab"][2] * expected["Con"][2])
    assert cov[i["Lab"], i["Green"]] == 0
    for p, (_, se, h) in expected.items():
        assert cov[i[p], i[p]] == pytest.approx(se ** 2 + h ** 2)
    # one poll alone: no spread, but still its own sampling error
    alone = poll_average(polls=[point(D(2026, 11, 30), 1600, {"Lab": 0.36})]).areas["GB"].parties["Lab"]
    assert alone.spread_se == pytest.approx(math.sqrt(0.36 * 0.64 / 1600))


def csv_average(text: str, area: str, party: str) -> float:
    """The stated rule computed straight from the poll file's text (as of the newest poll's end in any area)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    as_of = max(D.fromisoformat(r["fieldwork_end"]) for r in rows)
    num = den = 0.0
    for r in rows:
        if r["area"] != area or not r[party]:
            continue
        start, end = D.fromisoformat(r["fieldwork_start"]), D.fromisoformat(r["fieldwork_end"])
        middle = (start.toordinal() + end.toordinal()) / 2
        weight = 0.5 ** ((as_of.toordinal() - middle) / 14) * math.sqrt(min(int(r["sample_size"]), 5000) / 1000)
        num += weight * float(r[party]) / 100
        den += weight
    return num / den


def targets_json(*args: str) -> dict:
    out = io.StringIO()
    call_command("targets", "--bloc", "none", "--format", "json", "--top", "0", "--draws", "200", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def next_election(official_db):
    return Election.objects.create(id="parl.2029-05-03", name="UK general election (provisional date)",
                                   poll_date=D(2029, 5, 3), boundary_set="pcon2024")


def test_targets_for_an_election_without_a_result_uses_the_poll_average(next_election, tmp_path):
    text = ILLUSTRATIVE_POLLS.read_text(encoding="utf-8")
    # a poll from before the 2024 election is in the file too: it must not count for the next one
    old = tmp_path / "with-an-old-poll.csv"
    old.write_text(text + "Old Pollster,2024-06-01,2024-06-03,2000,GB,no,70,10,5,5,5,3,1,1\n", encoding="utf-8")
    polls_import(path=old, progress=False)
    data = targets_json("--election", "parl.2029-05-03")
    assert data["election"] == "parl.2029-05-03" and data["baseline"] == "parl.2024-07-04"
    nations = data["poll_average"]["nations"]
    assert set(nations) == {"GB", "S", "W"} and data["poll_average"]["illustrative"] is True
    for area, parties in {"GB": ("Con", "Lab", "RUK", "LD", "Green"), "S": ("SNP", "Lab"), "W": ("PC", "RUK")}.items():
        code = {"GB": "GB", "S": "Scotland", "W": "Wales"}[area]
        for party in parties:
            assert nations[area]["shares"][party] == pytest.approx(csv_average(text, code, party), abs=1e-5)
    assert len(nations["GB"]["polls"]) == 5  # the 2024 poll is left out
    # SNP and Plaid Cymru take their targets from their own nation's average; every GB-wide party from the GB one
    assert set(data["shares"]["asked"]["GB"]) == {"RUK", "Lab", "Con", "LD", "Green"}
    # the average moved the seats: Reform UK (5 seats in 2024) leads the GB average and wins many more seats
    won = [s["party"] for s in data["seats"]]
    assert len(won) == 650 and won.count("RUK") > 100
    # the projection lands on the averages asked, by nation, within 0.2 points (asked and achieved from the JSON)
    shares = data["shares"]
    for area in ("GB", "S", "W"):
        left_out = {"Other", "SNP", "PC"} if area == "GB" else {"Other"}
        asked = {p: v for p, v in nations[area]["shares"].items() if p not in left_out}
        assert shares["asked"][area] == pytest.approx(asked, abs=1e-5)
        for party, v in asked.items():
            assert abs(shares["achieved"][area][party] - v) < 0.002
    # ... and independently: each area's achieved share recomputed from every seat's projected votes in the JSON.
    # A GB poll measures all of Great Britain, so "GB" lands on England, Scotland and Wales together (Scotland's and
    # Wales's own averages land on their own seats, and England's target is derived so that both hold).
    areas_of = {"E": ("GB",), "S": ("GB", "S"), "W": ("GB", "W")}
    totals: dict[str, dict[str, float]] = {}
    for code, votes in shares["projected_votes"].items():
        for area in areas_of.get(shares["nation_of_seat"][code], ()):
            for party, v in votes.items():
                totals.setdefault(area, {}).setdefault(party, 0.0)
                totals[area][party] += v
    for area, parties in shares["asked"].items():
        whole = sum(totals[area].values())
        for party, v in parties.items():
            assert abs(totals[area][party] / whole - v) < 0.002, (area, party, totals[area][party] / whole, v)
    # the national error is the average's uncertainty (spread + final polls' history), not the fixed 2 points
    assert any("poll average's uncertainty" in line for line in data["notes"])
    assert any("no result yet" in line for line in data["notes"])


def test_an_election_without_a_result_or_polls_says_so_plainly(next_election, client):
    data = targets_json("--election", "parl.2029-05-03")  # answered from the baseline unchanged, and said so
    assert data["baseline"] == "parl.2024-07-04" and data["poll_average"] is None
    assert any("has no result yet and no polls" in line and "2024-07-04 result unchanged" in line
               for line in data["notes"])
    # the API answers the same, never a server error
    answer = client.get("/api/v1/elections/parl.2029-05-03/targets", {"bloc": "religion:muslim", "draws": "10"})
    assert answer.status_code == 200, answer.content.decode()[:300]
    # shares typed by hand still work without polls
    data = targets_json("--election", "parl.2029-05-03", "--shares", "Lab=0.30,Con=0.25")
    assert data["baseline"] == "parl.2024-07-04" and data["poll_average"] is None


@pytest.mark.slow  # the method page's two backtests: 6 s
def test_the_method_page_explains_the_poll_average_with_its_sources(official_db, client):
    html = client.get("/targets/method/").content.decode()
    section = html[html.index('id="polls"'):]
    assert "halves for every 14 days" in section and "square root of the sample" in section
    assert "Samples over 5,000" in section and "polls' spread" in section
    # each party's historical part in points, computed independently from the published misses
    for party, misses in MISSES.items():
        assert f"{party} {np.sqrt(np.mean(np.square(misses))):.1f} points" in section
    assert "1.5 points for any other party" in section
    assert len(re.findall(r'<li>20\d\d (Con|Lab|LD|RUK|Green): [+-]', section)) == 11  # the misses: 2 + 2 + 2 + 5
    for source in ("Sturgis", "britishpollingcouncil.org/?p=1239"):
        assert source in section


def test_which_average_moves_which_seats(next_election, tmp_path):
    text = ILLUSTRATIVE_POLLS.read_text(encoding="utf-8").splitlines()
    header, rows = text[0], text[1:]
    # Scottish and Welsh polls alone cannot move England: refused, naming what is missing
    only_nations = tmp_path / "nations.csv"
    only_nations.write_text("\n".join([header, *[r for r in rows if ",GB," not in r]]) + "\n", encoding="utf-8")
    polls_import(path=only_nations, progress=False)
    with pytest.raises(CommandError, match="no Great Britain poll"):
        targets_json("--election", "parl.2029-05-03")
    # GB polls alone move every GB seat, SNP and Plaid Cymru included (there is no nation's own average to use)
    gb_only = tmp_path / "nations.csv"  # the same file again: its polls are replaced
    gb_only.write_text("\n".join([header, *[r for r in rows if ",GB," in r]]) + "\n", encoding="utf-8")
    polls_import(path=gb_only, progress=False)
    data = targets_json("--election", "parl.2029-05-03")
    assert set(data["shares"]["asked"]) == {"GB"} and {"SNP", "PC"} <= set(data["shares"]["asked"]["GB"])
    assert set(data["poll_average"]["nations"]) == {"GB"}
