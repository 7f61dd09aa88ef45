"""One plain headline per seat and per decision (issue 22, part 2), through Django's test client on the demo world:
whom the committee backs and what it paid, whom it voted not to back and why, where it stays out; the home page
lists what the group backs and gave; every seat page ends with give, join and share."""

from __future__ import annotations

import re

import pytest

from swingfund.display import percent
from tests.public.conftest import JOURNEY_SEAT


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_percent_is_one_format_for_every_share():
    assert percent(0.8123) == "81 %"
    assert percent(0.0521) == "5.2 %"
    assert percent(0.0996) == "10 %"  # 9.96 rounds up to whole percents, not "10.0 %"
    assert percent(0.0004) == "under 0.1 %"
    assert percent(0) == "0.0 %"
    assert percent(None) == "—"


def test_a_rejected_grant_reads_as_voted_down_with_its_reason_never_as_backing(world, client):
    rejected = world.rejected_decision
    name = rejected.proposal.candidacy.person_name  # Shockat Adam, Leicester South (the demo's third grant)
    # The demo: members 1 and 2 vote against without a reason; the chair alone is for (committee/demo.py).
    against = sum(1 for b in rejected.ballots if b["choice"] == "against")
    assert against == 2
    seat = text_of(client.get(f"/seats/{rejected.proposal.constituency.gss_code}/").content.decode())
    headline = f"The committee voted not to back {name}: no member gave a reason (2 of 3 voted against)"
    assert headline in seat
    assert "We back" not in seat and "Approved" not in seat
    decision = text_of(client.get(f"/decisions/{rejected.pk}/").content.decode())
    assert headline in decision and "Why it was voted down: no member gave a reason" in decision
    demo = "illustrative coding invented for the demo"
    assert demo in seat and demo in decision


def test_a_paid_grant_reads_as_backing_with_the_amount_paid(world, client):
    grant = world.grant
    assert grant.payment_id is not None and grant.amount_pence == 100_000  # the demo pays £1,000 in Ladywood
    name = grant.candidacy.person_name
    seat = text_of(client.get(f"/seats/{JOURNEY_SEAT}/").content.decode())
    assert f"The committee backs {name}: £1,000 paid" in seat
    html = client.get(f"/seats/{JOURNEY_SEAT}/").content.decode()
    assert "What you can do" in seat and 'href="/outreach/join/"' in html
    assert 'href="/outreach/share/"' in html and ("Give to" in html)
    assert html.index('id="next-step"') > html.index('id="result-h"')  # the next step ends the page


def test_stay_out_reads_we_stay_out_here_with_the_reason(world, client):
    from swingfund.committee.models import Decision

    stay = Decision.objects.filter(proposal__kind="stay_out", outcome="approved").select_related(
        "proposal__constituency").first()
    assert stay is not None
    seat = text_of(client.get(f"/seats/{stay.proposal.constituency.gss_code}/").content.decode())
    assert "We stay out here: " + text_of(stay.proposal.reason).rstrip(".") in seat
    assert "Approved" not in seat


def test_home_lists_whom_the_group_backs_and_what_it_gave(world, client):
    from swingfund.funding.models import Grant

    grants = list(Grant.objects.filter(decision__outcome="approved").select_related("candidacy"))
    total = sum(g.amount_pence for g in grants)
    home = text_of(client.get("/").content.decode())
    pounds = f"£{total // 100:,}"
    assert f"We have given {pounds} to candidates" in home
    for g in grants:
        assert f"The committee backs {g.candidacy.person_name}" in home
    assert "illustrative coding invented for the demo" in home


def test_scottish_seat_names_scotlands_2022_census(world, client):
    from swingfund.elections.models import Constituency

    scottish = Constituency.objects.filter(boundary_set="pcon2024", gss_code__startswith="S").first()
    html = client.get(f"/seats/{scottish.gss_code}/").content.decode()
    assert "Scotland&#x27;s census 2022" in html or "Scotland's census 2022" in html
    assert "(census 2021)" not in html


def test_majority_range_bar_places_the_range_and_the_tie_by_hand():
    from types import SimpleNamespace

    from swingfund.public.selectors import majority_bar

    bar = majority_bar(SimpleNamespace(majority_interval=(-5_634.0, 5_346.0)))
    # axis from −5,634 − 549 (5 % of 10,980) to 5,346 + 549: 12,078 votes wide
    assert bar.left == pytest.approx(100 * 549 / 12_078)
    assert bar.width == pytest.approx(100 * 10_980 / 12_078)
    assert bar.zero == pytest.approx(100 * 6_183 / 12_078)
    assert bar.crosses_zero and (bar.low, bar.high) == (-5_634, 5_346)
    safe = majority_bar(SimpleNamespace(majority_interval=(1_000.0, 3_000.0)))
    assert not safe.crosses_zero and safe.zero == pytest.approx(100 * 150 / 3_300)  # the axis still shows the tie
    assert majority_bar(SimpleNamespace(majority_interval=(float("nan"), float("nan")))) is None


def test_seat_page_explains_the_majority_range(world, client):
    from swingfund.public.selectors import bloc_estimate

    est = bloc_estimate(election_id="parl.2024-07-04", code=JOURNEY_SEAT, bloc="religion:muslim")
    low, high = (round(v) for v in est.row.majority_interval)
    page = text_of(client.get(f"/seats/{JOURNEY_SEAT}/").content.decode())
    assert f"between {low:,} and {high:,} votes" in page
    expected = ("could go either way" if low < 0 < high else "expects the runner-up to win" if high < 0
                else "expects the leader to hold the seat")
    assert expected in page
