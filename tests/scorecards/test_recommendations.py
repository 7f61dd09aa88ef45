"""Recommendations: target seats × the rule, by expected impact; and the rule's blindness to names and demographics."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from swingfund.elections.models import Candidacy, Constituency, DemographicStat, Election, Party, Person, Result
from swingfund.scorecards import services
from swingfund.scorecards.places import places_detail
from swingfund.scorecards.recommendations import recommendations, recommendations_with_notes
from swingfund.scorecards.rules import RuleConfig
from swingfund.scorecards.selectors import places_with_basis, seat_intervention
from swingfund.scorecards.targets import TargetRow

from .conftest import TEST_ELECTION

pytestmark = pytest.mark.django_db
ALL = ["agree"] * 5
SOME = ["agree", "disagree", "agree", "mixed", "agree"]


@pytest.fixture
def three_seats(make_seat, code_stances):
    a = make_seat("E14009011", "Alpha", [("Ann One", "Party A", 20_000, None), ("Bo Two", "Party B", 19_000, None)])
    b = make_seat("E14009012", "Beta", [("Cy Three", "Party A", 15_000, None), ("Di Four", "Party B", 9_000, None)])
    c = make_seat("E14009013", "Gamma", [("Ed Five", "Party A", 30_000, None), ("Flo Six", "Party C", 2_000, None)])
    for seat, stances in ((a, (SOME, ALL)), (b, (ALL, SOME)), (c, (ALL, ALL))):
        for candidacy, s in zip(seat.candidacies, stances, strict=True):
            code_stances(candidacy.person, s)
    return a, b, c


def rows(a, b, c):
    return [
        TargetRow(a.constituency.pk, "E14009011", "Alpha", 1_000, 3_000.0, 3.0, 0.9),
        TargetRow(b.constituency.pk, "E14009012", "Beta", 6_000, 2_400.0, 0.4, 0.4),
        TargetRow(c.constituency.pk, "E14009013", "Gamma", 28_000, 140_000.0, 5.0, 0.95),
    ]


def test_sorted_by_expected_impact(organisation, three_seats):
    a, b, c = three_seats
    recs = recommendations(organisation=organisation, election_id=TEST_ELECTION, targets=rows(a, b, c))
    assert [(r.seat_name, r.action, r.expected_impact) for r in recs] == [
        ("Alpha", "back", 0.9),
        ("Beta", "back", 0.4),
        ("Gamma", "stay_out", 0.0),
    ]
    assert recs[0].intervention.candidacy_id == a.candidacies[1].pk
    assert recs[0].backed_label == "Bo Two (Party B)"
    assert recs[2].reason == "We stay out of Gamma: both leading candidates agree with all five statements."


def test_top_takes_the_best_target_seats_before_the_rule(organisation, three_seats):
    a, b, c = three_seats
    recs = recommendations(organisation=organisation, election_id=TEST_ELECTION, targets=rows(a, b, c), top=2)
    assert [r.seat_name for r in recs] == ["Alpha", "Gamma"]  # Gamma is a top target even though we stay out
    recs = recommendations(
        organisation=organisation, election_id=TEST_ELECTION, targets=rows(a, b, c), min_p_decisive=0.5
    )
    assert {r.seat_name for r in recs} == {"Alpha", "Gamma"}
    recs = recommendations(
        organisation=organisation, election_id=TEST_ELECTION, targets=rows(a, b, c), min_leverage=1.0
    )
    assert {r.seat_name for r in recs} == {"Alpha", "Gamma"}


def test_every_seat_by_marginality_without_a_bloc(organisation, three_seats):
    recs = recommendations(organisation=organisation, election_id=TEST_ELECTION)
    assert {r.seat_name for r in recs} == {"Alpha", "Beta", "Gamma"}
    # no bloc: the chance the seat changes hands under the forecast; nothing is counted
    assert all(0 <= r.p_decisive <= 1 and r.leverage is None and r.bloc_voters is None for r in recs)
    assert all(r.expected_impact == (r.p_decisive if r.action == "back" else 0.0) for r in recs)
    by_name = {r.seat_name: r for r in recs}
    assert by_name["Alpha"].p_decisive > by_name["Gamma"].p_decisive  # 1,000 votes in it against 28,000
    assert [r.action for r in recs] == ["back", "back", "stay_out"]


def test_unknown_election_says_how_to_import_it(organisation):
    with pytest.raises(ValueError, match="swingfund data import"):
        recommendations(organisation=organisation, election_id="parl.1900-01-01")


def test_stand_down_changes_the_decision(organisation, make_seat, code_stances):
    seat = make_seat(
        "E14009021", "Delta", [("Al", "P1", 9_000, None), ("Bea", "P2", 8_000, None), ("Cas", "P3", 7_000, None)]
    )
    for candidacy, s in zip(seat.candidacies, (SOME, ALL, ALL), strict=True):
        code_stances(candidacy.person, s)
    assert (
        seat_intervention(
            organisation=organisation, election_id=TEST_ELECTION, constituency=seat.constituency
        ).candidacy_id
        == seat.candidacies[1].pk
    )
    services.stand_down_record(
        candidacy=seat.candidacies[0],
        announced=dt.date(2024, 6, 1),
        source_url="https://example.org/news/al-stands-down",
    )
    out = seat_intervention(organisation=organisation, election_id=TEST_ELECTION, constituency=seat.constituency)
    assert out.action == "stay_out"
    assert out.reason == "We stay out of Delta: both leading candidates agree with all five statements."
    assert out.warnings == ("Al (P1) has stood down and is not considered.",)


@pytest.mark.parametrize("change", ["person_name", "candidacy_name", "party_name", "seat_name", "demographics"])
def test_decision_does_not_depend_on_names_or_demographics(organisation, three_seats, change):
    a, b, c = three_seats
    for seat in (a, b, c):
        for topic, category, value in (("religion", "muslim", 12.0), ("ethnicity", "black", 7.5)):
            DemographicStat.objects.create(
                constituency=seat.constituency,
                census="census2021",
                topic=topic,
                category=category,
                value=value,
                unit="percent",
                source=seat.result.source,
            )
    config = RuleConfig(competitive="all", split_vote="warn")

    def decide():
        return [
            seat_intervention(
                organisation=organisation, election_id=TEST_ELECTION, constituency=s.constituency, config=config
            )
            for s in (a, b, c)
        ]

    before = decide()
    renames: dict[str, str] = {}
    if change == "person_name":
        for p in Person.objects.filter(candidacies__election_id=TEST_ELECTION):
            renames[p.name] = p.name[::-1]
            p.name = p.name[::-1]
            p.save()
    elif change == "candidacy_name":
        for cand in Candidacy.objects.filter(election_id=TEST_ELECTION):
            renames[cand.person_name] = "Zed " + cand.person_name
            cand.person_name = "Zed " + cand.person_name
            cand.save()
    elif change == "party_name":
        for party in Party.objects.filter(candidacies__election_id=TEST_ELECTION).distinct():
            renames[party.name] = "The " + party.name + " Alliance"
            party.name = "The " + party.name + " Alliance"
            party.save()
    elif change == "seat_name":
        for seat in Constituency.objects.filter(gss_code__startswith="E1400901"):
            renames[seat.name] = seat.name + " and District"
            seat.name = seat.name + " and District"
            seat.save()
    else:
        DemographicStat.objects.filter(constituency__gss_code__startswith="E1400901").update(value=99.0)
        DemographicStat.objects.filter(topic="ethnicity", constituency__gss_code__startswith="E1400901").delete()
    after = decide()
    for old, new in zip(before, after, strict=True):
        assert (old.action, old.candidacy_id, old.considered, len(old.warnings)) == (
            new.action,
            new.candidacy_id,
            new.considered,
            len(new.warnings),
        )
        reason = new.reason
        for was, now in renames.items():
            reason = reason.replace(now, was)
        assert reason == old.reason  # the sentence differs only by the renamed words


def test_recorded_at_is_utc(organisation, make_seat, code_stances):
    seat = make_seat("E14009031", "Eps", [("Al", "P1", 9_000, None), ("Bea", "P2", 8_000, None)])
    code_stances(seat.candidacies[0].person, ALL)
    from swingfund.scorecards.models import Evidence

    ev = Evidence.objects.first()
    assert ev.recorded_at.utcoffset() == dt.timedelta(0)
    assert abs((timezone.now() - ev.recorded_at).total_seconds()) < 60


def stand(
    election: Election,
    seat: Constituency,
    name: str,
    party: Party | None,
    *,
    votes: int | None = None,
    person: Person | None = None,
) -> Candidacy:
    """`name` stands for `party` in `seat` at `election` (a new Person unless `person` is given)."""
    return Candidacy.objects.create(
        election=election,
        constituency=seat,
        person=person or Person.objects.create(name=name),
        person_name=name,
        party=party,
        votes=votes,
        source=election.source,
    )


@pytest.fixture
def later(source) -> Election:
    """A future general election on the 2024 boundaries, with no votes yet."""
    return Election.objects.create(
        id="parl.2034-05-04",
        name="Later poll (tests)",
        poll_date=dt.date(2034, 5, 4),
        boundary_set="pcon2024",
        source=source,
    )


def test_places_before_the_count_come_from_the_last_result(organisation, source, election, later, code_stances):
    """A future poll with no votes yet: places come from the seat's last result (own votes, else the party's)."""
    seat = Constituency.objects.create(
        gss_code="E14009051", boundary_set="pcon2024", name="Zeta", nation="E", source=source
    )
    red = Party.objects.create(name="Red (tests)", ec_id="PP9001")
    blue = Party.objects.create(name="Blue (tests)", ec_id="PP9002")
    ind, _ = Party.objects.get_or_create(name="Independent", defaults={"ec_id": ""})
    old = {}
    for name, party, votes in (("Old Red", red, 20_000), ("Old Blue", blue, 5_000), ("Indie", ind, 12_000)):
        old[name] = stand(election, seat, name, party, votes=votes)
    Result.objects.create(
        election=election,
        constituency=seat,
        electorate=70_000,
        valid_votes=37_000,
        majority=8_000,
        winner=old["Old Red"],
        runner_up=old["Indie"],
        source=source,
    )
    new = {}
    for name, party, person in (
        ("New Red", red, None),
        ("New Blue", blue, None),
        ("Indie", ind, old["Indie"].person),
        ("Other Ind", ind, None),
    ):
        new[name] = stand(later, seat, name, party, person=person)
    places, basis = places_with_basis(candidacies=list(new.values()))
    assert basis == f"the last result in the seat ({TEST_ELECTION})"
    assert {name: places[c.pk] for name, c in new.items()} == {"New Red": 1, "Indie": 2, "New Blue": 3, "Other Ind": 4}
    code_stances(new["New Red"].person, SOME)
    code_stances(old["Indie"].person, ALL)
    out = seat_intervention(organisation=organisation, election_id=later.pk, constituency=seat)
    assert (out.action, out.candidacy_id) == ("back", new["Indie"].pk)


def test_projection_places_candidates_before_the_count(organisation, source, election, later, code_stances):
    """Last time Red won Omega 20,000 to Blue's 17,000; a uniform swing of 5 points from Red to Blue reverses it."""
    seat = Constituency.objects.create(
        gss_code="E14009061", boundary_set="pcon2024", name="Omega", nation="E", source=source
    )
    red = Party.objects.create(name="Red (tests)", abbreviation="RedT", ec_id="PP9001")
    blue = Party.objects.create(name="Blue (tests)", abbreviation="BlueT", ec_id="PP9002")
    old = [
        stand(election, seat, n, p, votes=v)
        for n, p, v in (("Old Red", red, 20_000), ("Old Blue", blue, 17_000), ("Old Other", None, 3_000))
    ]
    Result.objects.create(
        election=election,
        constituency=seat,
        electorate=60_000,
        valid_votes=40_000,
        majority=3_000,
        winner=old[0],
        runner_up=old[1],
        source=source,
    )
    new_red, new_blue, new_green = (
        stand(later, seat, n, p) for n, p in (("New Red", red), ("New Blue", blue), ("New Green", None))
    )
    code_stances(new_red.person, ALL)
    code_stances(new_blue.person, SOME)
    rows = [TargetRow(seat.pk, "E14009061", "Omega", 3_000, 4_000.0, 1.3, 0.7)]
    by_last = recommendations(organisation=organisation, election_id=later.pk, targets=rows)[0]
    assert by_last.intervention.considered == (new_red.pk, new_blue.pk)  # places from the last result
    # national shares last time: Red 50%, Blue 42.5%; project Red 45%, Blue 47.5%
    recs, notes = recommendations_with_notes(
        organisation=organisation, election_id=later.pk, targets=rows, project_shares="RedT=0.45,blue (tests)=0.475"
    )
    assert recs[0].intervention.considered == (new_blue.pk, new_red.pk)  # Blue now leads
    assert (recs[0].action, recs[0].intervention.candidacy_id) == ("back", new_red.pk)
    assert (
        notes[-1] == f"Places before the count: a uniform swing projection from {TEST_ELECTION} to "
        "RedT=0.45,blue (tests)=0.475."
    )
    with pytest.raises(ValueError, match="no party 'purple'"):
        recommendations(organisation=organisation, election_id=later.pk, targets=rows, project_shares="Purple=0.2")
    with pytest.raises(ValueError, match="national shares must look like"):
        recommendations(organisation=organisation, election_id=later.pk, targets=rows, project_shares="Red:0.2")


def test_a_cooperative_newcomer_carries_labours_votes_before_the_count(source, election, later):
    """Labour won last time; the new candidate stands as Labour and Co-operative: same carrier, so first place."""
    seat = Constituency.objects.create(
        gss_code="E14009071", boundary_set="pcon2024", name="Kappa", nation="E", source=source
    )
    lab, _ = Party.objects.get_or_create(name="Labour", defaults={"ec_id": "PP53"})
    coop, _ = Party.objects.get_or_create(name="Labour and Co-operative", defaults={"ec_id": "joint-party:53-119"})
    blue = Party.objects.create(name="Blue (tests)", ec_id="PP9002")
    old = [stand(election, seat, n, p, votes=v) for n, p, v in (("Old Lab", lab, 20_000), ("Old Blue", blue, 15_000))]
    Result.objects.create(election=election, constituency=seat, electorate=60_000, valid_votes=35_000,
                          majority=5_000, winner=old[0], runner_up=old[1], source=source)
    new_coop, new_blue = (stand(later, seat, n, p) for n, p in (("New Co-op", coop), ("New Blue", blue)))
    newcomer = stand(later, seat, "New Indie", None)
    places, _ = places_with_basis(candidacies=[new_coop, new_blue, newcomer])
    assert places == {new_coop.pk: 1, new_blue.pk: 2, newcomer.pk: 3}
    _, _, newcomers = places_detail(candidacies=[new_coop, new_blue, newcomer])
    assert newcomers == {newcomer.pk}  # what the own-candidate lens lets the rule consider
