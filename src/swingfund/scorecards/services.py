"""Writes for scorecards: organisations, statements and their versions, evidence, disputes, stored scores.

Every function is keyword-only and atomic. Error messages are module constants so tests can import them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from swingfund.elections.models import Candidacy, Person
from swingfund.organisations.models import Organisation

from . import scoring
from .disputes import (  # noqa: F401  (re-exported: services.py is where writes are found)
    ERROR_DISPUTE_CLOSED,
    ERROR_DISPUTE_EMPTY,
    ERROR_DISPUTE_STATUS,
    ERROR_RESPONSE_EMPTY,
    dispute_open,
    dispute_respond,
    stand_down_record,
)
from .models import (
    Division,
    DivisionMapping,
    Evidence,
    EvidenceKind,
    Score,
    Stance,
    Statement,
    StatementVersion,
    Vote,
)

ERROR_PUBLIC_NEEDS_SOURCE = "evidence shown publicly needs a source URL"
ERROR_BAD_URL = "source URL {url!r} is not a valid http(s) URL"
ERROR_BAD_STANCE = "stance {value!r} is not one of agree, disagree, mixed, unknown"
ERROR_BAD_KIND = "kind {value!r} is not one of pledge, division, public_statement, manifesto"
ERROR_BAD_VOTE = "vote {value!r} is not one of aye, no, abstain, absent"
ERROR_DIVISION_EVIDENCE = "use evidence_record_vote for Commons division votes"
ERROR_CANDIDACY_PERSON = "candidacy {candidacy} is not a candidacy of {person}"
ERROR_NOT_MAPPED = "division {division} is not mapped to statement '{statement}' version {version}"
ERROR_NO_PUBLISHED = "statement '{slug}' has no published version"
ERROR_UNKNOWN_STATEMENT = "organisation '{org}' has no statement '{slug}'"
ERROR_UNKNOWN_ORGANISATION = "no organisation '{slug}'"
ERROR_EMPTY_TEXT = "a statement needs a title, a text and what counts as agreement"
ERROR_OWN_ANSWER = (
    "the candidate's own answer is kept as they gave it through their survey link: it is never entered or edited "
    "by hand (a miscoding is disputed; a new version of the statement gets a new answer)"
)

_url = URLValidator(schemes=["http", "https"])


def check_url(url: str) -> None:
    try:
        _url(url)
    except ValidationError as exc:
        raise ValidationError(ERROR_BAD_URL.format(url=url)) from exc


@transaction.atomic
def organisation_create(
    *, name: str, slug: str | None = None, publishes_committee_names: bool = False, standard_grant_pence: int = 100_000
) -> Organisation:
    return Organisation.objects.create(
        name=name,
        slug=slug or slugify(name),
        publishes_committee_names=publishes_committee_names,
        standard_grant_pence=standard_grant_pence,
    )


def organisation_get(*, slug: str) -> Organisation:
    try:
        return Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist:
        raise ValidationError(ERROR_UNKNOWN_ORGANISATION.format(slug=slug)) from None


def _check_text(title: str, text: str, agreement: str) -> None:
    if not (title.strip() and text.strip() and agreement.strip()):
        raise ValidationError(ERROR_EMPTY_TEXT)


@transaction.atomic
def statement_create(
    *,
    organisation: Organisation,
    slug: str,
    title: str,
    text: str,
    agreement: str,
    position: int = 0,
    publish: bool = True,
) -> StatementVersion:
    """A new statement with its first version (published now unless `publish=False`)."""
    _check_text(title, text, agreement)
    statement = Statement.objects.create(organisation=organisation, slug=slug, position=position)
    return StatementVersion.objects.create(
        statement=statement,
        number=1,
        title=title,
        text=text,
        agreement=agreement,
        published_at=timezone.now() if publish else None,
    )


@transaction.atomic
def statement_edit(
    *,
    statement: Statement,
    title: str,
    text: str,
    agreement: str,
    publish: bool = True,
    carry_evidence: bool = False,
) -> StatementVersion:
    """Change a statement's wording. A draft (unpublished) latest version is edited in place; a published one is
    never touched: a new version is made, and scores and evidence of the old version stay as they were.
    `carry_evidence=True` (for purely editorial changes) copies the old version's evidence and division
    mappings to the new version, marking each copy with where it came from."""
    _check_text(title, text, agreement)
    latest = StatementVersion.objects.select_for_update().filter(statement=statement).order_by("-number").first()
    if latest is not None and latest.published_at is None:
        latest.title, latest.text, latest.agreement = title, text, agreement
        if publish:
            latest.published_at = timezone.now()
        latest.save()
        return latest
    version = StatementVersion.objects.create(
        statement=statement,
        number=(latest.number + 1) if latest else 1,
        title=title,
        text=text,
        agreement=agreement,
        published_at=timezone.now() if publish else None,
    )
    if carry_evidence and latest is not None:
        for mapping in DivisionMapping.objects.filter(statement_version=latest):
            DivisionMapping.objects.create(
                statement_version=version,
                division=mapping.division,
                agree_when=mapping.agree_when,
                important=mapping.important,
            )
        for ev in Evidence.objects.filter(statement_version=latest).order_by("id"):
            original = ev.pk
            ev.pk = None
            ev.statement_version = version
            ev.note = (
                ev.note + "\n" if ev.note else ""
            ) + f"Carried over from v{latest.number} (evidence #{original})."
            ev.save()
    return version


def statement_current(*, organisation: Organisation, slug: str) -> StatementVersion:
    statement = Statement.objects.filter(organisation=organisation, slug=slug).first()
    if statement is None:
        raise ValidationError(ERROR_UNKNOWN_STATEMENT.format(org=organisation.slug, slug=slug))
    version = statement.versions.filter(published_at__isnull=False).order_by("-number").first()
    if version is None:
        raise ValidationError(ERROR_NO_PUBLISHED.format(slug=slug))
    return version


def _check_evidence(*, person: Person, candidacy: Candidacy | None, stance: str, source_url: str, public: bool) -> None:
    if stance not in Stance.values:
        raise ValidationError(ERROR_BAD_STANCE.format(value=stance))
    if public and not source_url:
        raise ValidationError(ERROR_PUBLIC_NEEDS_SOURCE)
    if source_url:
        check_url(source_url)
    if candidacy is not None and candidacy.person_id != person.pk:
        raise ValidationError(ERROR_CANDIDACY_PERSON.format(candidacy=candidacy.pk, person=person))


@transaction.atomic
def evidence_record(
    *,
    statement_version: StatementVersion,
    person: Person,
    kind: str,
    stance: str,
    date: dt.date,
    source_url: str = "",
    candidacy: Candidacy | None = None,
    public: bool = True,
    summary: str = "",
    note: str = "",
    recorded_by: AbstractBaseUser | None = None,
    recorded_via: str = "",
    replace_same_source: bool = False,
) -> Evidence:
    """Record a pledge answer, public statement or manifesto commitment (votes: `evidence_record_vote`).

    With `replace_same_source=True` (importers), evidence of the same kind from the same source URL about the
    same person on the same statement version is updated instead of duplicated, so re-importing is safe."""
    if kind == EvidenceKind.DIVISION:
        raise ValidationError(ERROR_DIVISION_EVIDENCE)
    if kind == EvidenceKind.OWN_ANSWER:
        raise ValidationError(ERROR_OWN_ANSWER)
    if kind not in EvidenceKind.values:
        raise ValidationError(ERROR_BAD_KIND.format(value=kind))
    _check_evidence(person=person, candidacy=candidacy, stance=stance, source_url=source_url, public=public)
    fields = {
        "candidacy": candidacy,
        "stance": stance,
        "date": date,
        "public": public,
        "summary": summary,
        "note": note,
        "recorded_by": recorded_by,
        "recorded_via": recorded_via,
        "recorded_at": timezone.now(),
    }
    if replace_same_source and source_url:
        existing = (
            Evidence.objects.filter(
                statement_version=statement_version, person=person, kind=kind, source_url=source_url
            )
            .order_by("id")
            .first()
        )
        if existing is not None:
            for key, value in fields.items():
                setattr(existing, key, value)
            existing.save()
            return existing
    return Evidence.objects.create(
        statement_version=statement_version, person=person, kind=kind, source_url=source_url, **fields
    )


@transaction.atomic
def division_map(
    *,
    statement_version: StatementVersion,
    division_id: str,
    date: dt.date,
    agree_when: str,
    important: bool,
    title: str = "",
    url: str = "",
) -> DivisionMapping:
    """Make sure the division exists and is mapped to the statement version with this direction and weight."""
    if agree_when not in (Vote.AYE, Vote.NO):
        raise ValidationError(ERROR_BAD_VOTE.format(value=agree_when))
    division, _ = Division.objects.get_or_create(
        division_id=division_id, defaults={"date": date, "title": title, "url": url}
    )
    mapping, _ = DivisionMapping.objects.update_or_create(
        statement_version=statement_version,
        division=division,
        defaults={"agree_when": agree_when, "important": important},
    )
    return mapping


def vote_stance(*, vote: str, agree_when: str) -> str:
    """The stance a single vote shows: with the agreeing direction → agree; against → disagree; else unknown."""
    if vote in (Vote.ABSTAIN, Vote.ABSENT):
        return Stance.UNKNOWN
    return Stance.AGREE if vote == agree_when else Stance.DISAGREE


@transaction.atomic
def evidence_record_vote(
    *,
    statement_version: StatementVersion,
    person: Person,
    division: Division,
    vote: str,
    source_url: str,
    candidacy: Candidacy | None = None,
    note: str = "",
    recorded_by: AbstractBaseUser | None = None,
    recorded_via: str = "",
) -> Evidence:
    """Record (or correct) how a person voted in a division mapped to the statement version."""
    if vote not in Vote.values:
        raise ValidationError(ERROR_BAD_VOTE.format(value=vote))
    mapping = DivisionMapping.objects.filter(statement_version=statement_version, division=division).first()
    if mapping is None:
        raise ValidationError(
            ERROR_NOT_MAPPED.format(
                division=division.division_id,
                statement=statement_version.statement.slug,
                version=statement_version.number,
            )
        )
    stance = vote_stance(vote=vote, agree_when=mapping.agree_when)
    _check_evidence(person=person, candidacy=candidacy, stance=stance, source_url=source_url, public=True)
    evidence, _ = Evidence.objects.update_or_create(
        statement_version=statement_version,
        person=person,
        division=division,
        defaults={
            "kind": EvidenceKind.DIVISION,
            "stance": stance,
            "vote": vote,
            "date": division.date,
            "source_url": source_url,
            "public": True,
            "candidacy": candidacy,
            "note": note,
            "recorded_by": recorded_by,
            "recorded_via": recorded_via,
            "recorded_at": timezone.now(),
            "summary": f"Voted {Vote(vote).label} on “{division.title or division.division_id}”.",
        },
    )
    return evidence


@transaction.atomic
def scores_recompute(
    *,
    organisation: Organisation,
    persons: Iterable[int] | None = None,
    method: scoring.Method | None = None,
) -> int:
    """Store every person's score on every *current* published statement version (one row per method).

    Only current versions are written, so the scores of an older version are never touched. Recomputing with
    the same evidence rewrites identical numbers. Returns the number of rows written."""
    from .selectors import current_versions, evidence_items

    methods = [method] if method else list(scoring.SCORERS)
    now = timezone.now()
    written = 0
    versions = current_versions(organisation=organisation)
    if persons is None:
        persons = Evidence.objects.filter(statement_version__in=versions).values_list("person_id", flat=True)
    persons = sorted(set(persons))
    for version in versions:
        items_by_person = evidence_items(statement_version=version, persons=persons)
        for person_id in persons:
            items = items_by_person.get(person_id, [])
            for m in methods:
                result = scoring.statement_score(items=items, method=m)
                Score.objects.update_or_create(
                    person_id=person_id,
                    statement_version=version,
                    method=m,
                    defaults={
                        "stance": result.stance,
                        "vote_distance": result.vote_distance,
                        "band": result.band,
                        "evidence_ids": list(result.evidence_ids),
                        "computed_at": now,
                    },
                )
                written += 1
    return written


@transaction.atomic
def evidence_correct(*, evidence: Evidence, recorded_by: AbstractBaseUser | None = None) -> Evidence:
    """Save an organiser's correction of a (non-vote) evidence row, re-checking it and recording who and when."""
    if evidence.kind == EvidenceKind.DIVISION:
        raise ValidationError(ERROR_DIVISION_EVIDENCE)
    stored_answer = Evidence.objects.filter(pk=evidence.pk, kind=EvidenceKind.OWN_ANSWER).exists()
    if evidence.kind == EvidenceKind.OWN_ANSWER or stored_answer:
        raise ValidationError(ERROR_OWN_ANSWER)
    if evidence.kind not in EvidenceKind.values:
        raise ValidationError(ERROR_BAD_KIND.format(value=evidence.kind))
    _check_evidence(
        person=evidence.person,
        candidacy=evidence.candidacy,
        stance=evidence.stance,
        source_url=evidence.source_url,
        public=evidence.public,
    )
    evidence.recorded_by, evidence.recorded_at = recorded_by, timezone.now()
    evidence.save()
    return evidence
