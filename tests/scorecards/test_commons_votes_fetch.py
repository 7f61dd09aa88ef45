"""`swingfund evidence fetch divisions`: votes from a local Commons Votes API stand-in become sourced evidence."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from swingfund.scorecards.importers.commons_votes import BASE_URL_ENV
from swingfund.scorecards.models import Evidence
from swingfund.testing.commons_votes import commons_votes_standin, division, recorded_member

pytestmark = pytest.mark.django_db
PUBLIC = "https://votes.parliament.uk/votes/commons/division/{id}"


@pytest.fixture
def two_mps(make_seat, organisation):
    seat = make_seat("E99000101", "Fetchville", [("Alice Example", "Labour", 20_000, 990001),
                                                 ("Bob Sample", "Conservative", 15_000, 990002)])
    alice, bob = (c.person for c in seat.candidacies)
    alice.mnis_id = 994409  # matched by member id
    alice.save()
    return alice, bob  # Bob is matched by name ("Mr Bob Sample" in the API)


def divisions():
    alice = recorded_member(member_id=994409, name="Ms Alice Example", party="Labour", list_as="Example, Alice")
    bob = recorded_member(member_id=995501, name="Mr Bob Sample", party="Conservative", list_as="Sample, Bob")
    stranger = recorded_member(member_id=997777, name="Carol Nobody", party="Independent", list_as="Nobody, Carol")
    return [
        division(division_id=1701, date="2023-11-15", title="King's Speech amendment", ayes=[alice],
                 noes=[bob, stranger]),
        division(division_id=1702, date="2024-02-21", title="Opposition day motion", ayes=[alice, bob], noes=[]),
    ]


def fetch(base: str, monkeypatch, *ids: str) -> str:
    monkeypatch.setenv(BASE_URL_ENV, base)
    out = io.StringIO()
    call_command("evidence", "fetch", "divisions", "--division", *ids, "--organisation", "test-group",
                 "--statement", "rights", "--agree-when", "aye", "--important", "1701", stdout=out)
    return out.getvalue()


def test_two_divisions_become_sourced_evidence_on_the_scorecard(two_mps, monkeypatch, client):
    alice, bob = two_mps
    with commons_votes_standin(divisions()) as base:
        summary = fetch(base, monkeypatch, "1701", "1702")
    assert "4 evidence rows written for 2 people, 1 rows unmatched" in summary
    assert "Carol Nobody" in summary
    votes = {(e.person_id, e.division.division_id): (e.vote, e.source_url) for e in Evidence.objects.all()}
    assert votes == {
        (alice.pk, "1701"): ("aye", PUBLIC.format(id=1701)), (alice.pk, "1702"): ("aye", PUBLIC.format(id=1702)),
        (bob.pk, "1701"): ("no", PUBLIC.format(id=1701)), (bob.pk, "1702"): ("aye", PUBLIC.format(id=1702)),
    }
    html = client.get(f"/scorecards/person/{alice.pk}/?organisation=test-group").content.decode()
    for division_id in ("1701", "1702"):
        assert PUBLIC.format(id=division_id) in html
    api = client.get("/api/v1/organisations/test-group/evidence", {"person": bob.pk}).json()
    assert {e["division"]["url"] for e in api} == {PUBLIC.format(id=1701), PUBLIC.format(id=1702)}
    assert {e["division"]["title"] for e in api} == {"King's Speech amendment", "Opposition day motion"}
    # Fetching again changes nothing: the importer is idempotent.
    with commons_votes_standin(divisions()) as base:
        fetch(base, monkeypatch, "1701", "1702")
    assert Evidence.objects.count() == 4


def test_a_missing_division_stops_everything(two_mps, monkeypatch):
    with commons_votes_standin(divisions()) as base, pytest.raises(CommandError, match="Division 9999 was not found"):
        fetch(base, monkeypatch, "1701", "9999")
    assert Evidence.objects.count() == 0
    with pytest.raises(CommandError, match="whole numbers"):
        fetch("http://127.0.0.1:9", monkeypatch, "17x")
