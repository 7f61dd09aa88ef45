"""Statements are versioned; evidence and scores stay with the version they were made against."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from swingfund.elections.models import Person
from swingfund.scorecards import services
from swingfund.scorecards.models import Dispute, Evidence, Score, Statement, StatementVersion
from swingfund.scorecards.selectors import current_versions, person_scorecard

pytestmark = pytest.mark.django_db


def scores_of(person):
    return {
        (s.statement_version_id, s.method): (s.stance, s.vote_distance, s.band, tuple(s.evidence_ids))
        for s in Score.objects.filter(person=person)
    }


def test_editing_a_published_statement_makes_a_new_version_and_keeps_old_scores(organisation, code_stances):
    ann = Person.objects.create(name="Ann Lee")
    code_stances(ann, ["agree", "agree", "disagree", "agree", "unknown"])
    services.scores_recompute(organisation=organisation)
    before = scores_of(ann)
    statement = Statement.objects.get(organisation=organisation, slug="reform")
    v1 = statement.versions.get()

    v2 = services.statement_edit(
        statement=statement,
        title="Socio-economic reform now",
        text="A sharper wording.",
        agreement="Commits to the reform plan.",
    )

    assert (v1.number, v2.number) == (1, 2)
    v1.refresh_from_db()
    assert v1.title == "Socio-economic reform"  # the published wording is untouched
    assert [v.pk for v in current_versions(organisation=organisation)][2] == v2.pk
    services.scores_recompute(organisation=organisation)
    after = scores_of(ann)
    for key, value in before.items():
        assert after[key] == value  # every old score row is exactly as it was
    # the new version has no evidence yet: unknown, never carried over silently
    assert after[(v2.pk, "twfy2024")][0] == "unknown"
    card = person_scorecard(person=ann, organisation=organisation)
    assert [line.score.stance for line in card.lines] == ["agree", "agree", "unknown", "agree", "unknown"]


def test_carry_evidence_for_an_editorial_change(organisation, code_stances):
    ann = Person.objects.create(name="Ann Lee")
    code_stances(ann, ["agree"] * 5)
    statement = Statement.objects.get(organisation=organisation, slug="media")
    v2 = services.statement_edit(
        statement=statement,
        title="Fair media reporting",
        text="Typo fixed.",
        agreement="Same as before.",
        carry_evidence=True,
    )
    copied = Evidence.objects.get(statement_version=v2, person=ann)
    assert copied.stance == "agree"
    assert "Carried over from v1" in copied.note
    assert Evidence.objects.filter(statement_version__statement=statement).count() == 2


def test_a_draft_is_edited_in_place_until_published(organisation):
    draft = services.statement_create(
        organisation=organisation, slug="new", title="Draft", text="t", agreement="a", publish=False
    )
    assert draft.statement_id not in [v.statement_id for v in current_versions(organisation=organisation)]
    same = services.statement_edit(statement=draft.statement, title="Final", text="t", agreement="a")
    assert same.pk == draft.pk and same.number == 1 and same.published_at is not None


def test_recompute_is_reproducible(organisation, code_stances):
    ann, bo = Person.objects.create(name="Ann"), Person.objects.create(name="Bo")
    code_stances(ann, ["agree", "mixed", "disagree", "unknown", "agree"])
    code_stances(bo, ["agree"] * 5)
    first = services.scores_recompute(organisation=organisation)
    snapshot = (scores_of(ann), scores_of(bo))
    second = services.scores_recompute(organisation=organisation)
    assert first == second == 2 * 5 * 2  # persons × statements × methods
    assert (scores_of(ann), scores_of(bo)) == snapshot
    # the stored scores are exactly what the public scorecard computes from the evidence
    for person in (ann, bo):
        for method in ("publicwhip", "twfy2024"):
            for line in person_scorecard(person=person, organisation=organisation, method=method).lines:
                stored = Score.objects.get(person=person, statement_version=line.version, method=method)
                assert (stored.stance, stored.vote_distance, stored.band, tuple(stored.evidence_ids)) == (
                    line.score.stance,
                    line.score.vote_distance,
                    line.score.band,
                    line.score.evidence_ids,
                )


def test_public_evidence_needs_a_source(organisation):
    ann = Person.objects.create(name="Ann")
    version = current_versions(organisation=organisation)[0]
    with pytest.raises(ValidationError, match=services.ERROR_PUBLIC_NEEDS_SOURCE):
        services.evidence_record(
            statement_version=version, person=ann, kind="pledge", stance="agree", date=dt.date(2024, 1, 1)
        )
    # and the database refuses it whoever writes
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(
            statement_version=version,
            person=ann,
            kind="pledge",
            stance="agree",
            date=dt.date(2024, 1, 1),
            public=True,
            source_url="",
            recorded_at="2024-01-01T00:00Z",
        )
    private = services.evidence_record(
        statement_version=version,
        person=ann,
        kind="pledge",
        stance="agree",
        date=dt.date(2024, 1, 1),
        public=False,
        note="phone call, not published",
    )
    assert private.source_url == ""


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("stance", "maybe", "stance 'maybe' is not one of"),
        ("kind", "tweet", "kind 'tweet' is not one of"),
        ("source_url", "not a url", "is not a valid http(s) URL"),
    ],
)
def test_bad_evidence_is_refused(organisation, field, value, message):
    ann = Person.objects.create(name="Ann")
    args = {
        "statement_version": current_versions(organisation=organisation)[0],
        "person": ann,
        "kind": "pledge",
        "stance": "agree",
        "date": dt.date(2024, 1, 1),
        "source_url": "https://example.org/a",
    }
    args[field] = value
    with pytest.raises(ValidationError, match=re.escape(message)):
        services.evidence_record(**args)
    assert not Evidence.objects.exists()


def test_dispute_upheld_withdraws_the_coding_and_keeps_the_record(organisation, code_stances):
    ann = Person.objects.create(name="Ann")
    code_stances(ann, ["disagree", "agree", "agree", "agree", "agree"])
    evidence = Evidence.objects.get(person=ann, statement_version__statement__slug="sentiment")
    dispute = services.dispute_open(evidence=evidence, candidate_text="I said the opposite; see my leaflet.")
    with pytest.raises(ValidationError, match=services.ERROR_RESPONSE_EMPTY):
        services.dispute_respond(dispute=dispute, status="upheld", response=" ")
    services.dispute_respond(dispute=dispute, status="upheld", response="Checked the leaflet: we were wrong.")
    card = person_scorecard(person=ann, organisation=organisation)
    assert card.lines[0].score.stance == "unknown"  # withdrawn, not flipped to agree
    stored = Score.objects.get(person=ann, statement_version=evidence.statement_version, method="twfy2024")
    assert stored.stance == "unknown" and stored.evidence_ids == [evidence.pk]
    assert card.lines[0].evidence == [evidence]  # still listed, with its dispute
    with pytest.raises(ValidationError, match="already been answered"):
        services.dispute_respond(dispute=dispute, status="rejected", response="changed our mind")


def test_a_closed_dispute_needs_a_response_in_the_database(organisation, code_stances):
    ann = Person.objects.create(name="Ann")
    code_stances(ann, ["agree"] * 5)
    evidence = Evidence.objects.filter(person=ann).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Dispute.objects.create(evidence=evidence, candidate_text="x", status="rejected", opened_at="2024-01-01T00:00Z")


def test_persons_have_no_religion_or_ethnicity_field():
    forbidden = ("religion", "ethnic", "faith", "race", "caste")
    for model in (Person, Evidence, StatementVersion):
        for field in model._meta.get_fields():
            assert not any(word in field.name.lower() for word in forbidden), (model, field.name)
