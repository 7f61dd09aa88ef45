"""After importing the official files: every seat, result and candidacy equals the House of Commons Library
files, read here independently with the csv module."""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest

from swingfund.elections.models import Candidacy, Constituency, Result

ELECTIONS = {
    "parl.2017-06-08": ("HoC-GE2017-results-by-constituency.csv", "HoC-GE2017-results-by-candidate.csv", "pcon2010"),
    "parl.2019-12-12": ("HoC-GE2019-results-by-constituency.csv", "HoC-GE2019-results-by-candidate.csv", "pcon2010"),
    "parl.2024-07-04": ("HoC-GE2024-results-by-constituency.csv", "HoC-GE2024-results-by-candidate.csv", "pcon2024"),
}
SNAKE = {
    "code": "ons_id",
    "electorate": "electorate",
    "valid": "valid_votes",
    "majority": "majority",
    "first": "firstname",
    "surname": "surname",
    "party": "party_name",
    "votes": "votes",
}
TITLE = {
    "code": "ONS ID",
    "electorate": "Electorate",
    "valid": "Valid votes",
    "majority": "Majority",
    "first": "Candidate first name",
    "surname": "Candidate surname",
    "party": "Party name",
    "votes": "Votes",
}


def read(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("election_id", sorted(ELECTIONS))
def test_650_seats_and_results(official_db, election_id):
    boundary_set = ELECTIONS[election_id][2]
    assert Constituency.objects.filter(boundary_set=boundary_set).count() == 650
    assert Result.objects.filter(election_id=election_id).count() == 650
    assert Result.objects.filter(election_id=election_id, winner=None).count() == 0


@pytest.mark.parametrize("election_id", sorted(ELECTIONS))
def test_every_seat_and_candidacy_matches_the_official_files(official_db, data_dir, election_id):
    seats_file, candidates_file, _ = ELECTIONS[election_id]
    cols = TITLE if election_id.startswith("parl.2024") else SNAKE
    candidates = defaultdict(list)
    for row in read(data_dir / candidates_file):
        name = f"{row[cols['first']].strip()} {row[cols['surname']].strip()}"
        candidates[row[cols["code"]]].append((int(row[cols["votes"]]), name, row[cols["party"]].strip()))

    results = {
        r.constituency.gss_code: r
        for r in Result.objects.filter(election_id=election_id).select_related("constituency", "winner", "runner_up")
    }
    stored = defaultdict(list)
    for c in Candidacy.objects.filter(election_id=election_id).select_related("constituency", "party"):
        stored[c.constituency.gss_code].append((c.votes, c.person_name, c.party.name))

    rows = read(data_dir / seats_file)
    assert len(rows) == 650
    for row in rows:
        code = row[cols["code"]]
        result = results[code]
        assert result.electorate == int(row[cols["electorate"]]), code
        assert result.valid_votes == int(row[cols["valid"]]), code
        assert result.majority == int(row[cols["majority"]]), code
        ranked = sorted(candidates[code], reverse=True)
        assert (result.winner.votes, result.winner.person_name) == ranked[0][:2], code
        assert (result.runner_up.votes, result.runner_up.person_name) == ranked[1][:2], code
        assert ranked[0][0] - ranked[1][0] == result.majority, code
        assert sorted(stored[code]) == sorted(candidates[code]), code
        assert result.winner.elected and not result.runner_up.elected


def test_reference_majorities(official_db):
    islington = Result.objects.get(election_id="parl.2024-07-04", constituency__name="Islington North")
    assert islington.majority == 7247
    assert islington.winner.person_name == "Jeremy Corbyn"
    assert islington.winner.party.name == "Independent"
    assert islington.winner.person.dc_person_id is not None
    chingford = Result.objects.get(election_id="parl.2019-12-12", constituency__name="Chingford and Woodford Green")
    assert chingford.majority == 1262
    assert chingford.winner.person_name == "Iain Duncan Smith"
    assert chingford.runner_up.person_name == "Faiza Shaheen"


def test_constituency_fields(official_db):
    seat = Constituency.objects.get(boundary_set="pcon2024", gss_code="W07000081")
    assert (seat.name, seat.nation, seat.region) == ("Aberafan Maesteg", "W", "Wales")
    assert not Constituency.objects.filter(constituency_type__endswith=" ").exists()
    assert set(Constituency.objects.values_list("constituency_type", flat=True)) == {"Borough", "County", "Burgh"}
    assert Constituency.objects.filter(boundary_set="pcon2024", nation="N").count() == 18
