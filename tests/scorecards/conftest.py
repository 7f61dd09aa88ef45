"""Hand-built seats, people and an organisation with statements, for scorecards tests that need no official files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from swingfund.elections.models import Candidacy, Constituency, DataSource, Election, Party, Person, Result
from swingfund.scorecards import services

STATEMENTS = [
    ("sentiment", "Tackle rising anti-minority sentiment"),
    ("rights", "Stand up for minority rights"),
    ("reform", "Socio-economic reform"),
    ("media", "Fair media reporting of minorities"),
    ("review", "An independent review of a government programme"),
]


TEST_ELECTION = "parl.2029-05-03"


@dataclass
class Seat:
    constituency: Constituency
    election: Election
    candidacies: list[Candidacy]
    result: Result


@pytest.fixture
def source(db) -> DataSource:
    return DataSource.objects.create(
        key="test-hand-built",
        title="Hand-built test rows",
        publisher="tests",
        file_name="-",
        sha256="0" * 64,
        imported_at=timezone.now(),
    )


@pytest.fixture
def election(source) -> Election:
    # A future poll, so hand-built rows never collide with the official files the session may have imported.
    return Election.objects.create(
        id=TEST_ELECTION,
        name="Hypothetical UK general election (tests)",
        poll_date=dt.date(2029, 5, 3),
        boundary_set="pcon2024",
        source=source,
    )


@pytest.fixture
def make_seat(source, election):
    """make_seat(code, name, [(person name, party, votes, dc id), …]) → Seat with a result."""

    def make(code: str, name: str, people: list[tuple[str, str, int | None, int | None]]) -> Seat:
        seat = Constituency.objects.create(gss_code=code, boundary_set="pcon2024", name=name, nation="E", source=source)
        candidacies = []
        for person_name, party_name, votes, dc_id in people:
            person = Person.objects.create(name=person_name, dc_person_id=dc_id)
            party, _ = Party.objects.get_or_create(name=party_name)
            candidacies.append(
                Candidacy.objects.create(
                    election=election,
                    constituency=seat,
                    person=person,
                    person_name=person_name,
                    party=party,
                    votes=votes,
                    source=source,
                )
            )
        counted = sorted((c for c in candidacies if c.votes is not None), key=lambda c: -c.votes)
        result = None
        if len(counted) >= 2:
            result = Result.objects.create(
                election=election,
                constituency=seat,
                electorate=70_000,
                valid_votes=sum(c.votes for c in counted),
                majority=counted[0].votes - counted[1].votes,
                winner=counted[0],
                runner_up=counted[1],
                source=source,
            )
        return Seat(seat, election, candidacies, result)

    return make


@pytest.fixture
def organisation(db):
    org = services.organisation_create(name="Test Group", slug="test-group")
    for i, (slug, title) in enumerate(STATEMENTS):
        services.statement_create(
            organisation=org,
            slug=slug,
            title=title,
            text=f"We ask candidates to {title.lower()}.",
            agreement="Says yes in the survey, or votes for it.",
            position=i,
        )
    return org


@pytest.fixture
def code_stances(organisation):
    """code_stances(person, [stance per statement]) — pledge evidence, one per statement, with a source."""

    def code(person: Person, stances: list[str]) -> None:
        versions = services_current(organisation)
        for version, stance in zip(versions, stances, strict=True):
            services.evidence_record(
                statement_version=version,
                person=person,
                kind="pledge",
                stance=stance,
                date=dt.date(2024, 6, 1),
                source_url=f"https://example.org/survey/{person.pk}",
            )

    return code


def services_current(organisation):
    from swingfund.scorecards.selectors import current_versions

    return current_versions(organisation=organisation)
