"""The candidate survey: candidates answer the group's statements for themselves, through a unique expiring link.

* `survey_link_issue` makes (or, for a reminder, replaces) a candidacy's link and returns the token once: only its
  sha256 is stored. A link is for a candidacy still standing in an election still to come.
* `survey_send` queues the email (the one queue, django-tasks) to the address Democracy Club lists for the
  candidacy; the task (`tasks.survey_email_send`) issues the token and sends it through Django's email (SMTP when
  configured), so the token is never written to the queue or the database.
* `survey_answer` records the answers given through a link: each becomes evidence of kind "the candidate's own
  answer", dated the day it was given, shown on the public scorecard. A candidacy answers each statement *version*
  once: a second answer for the same version is refused, whatever link carries it; an answer to a newer version is
  new evidence, never an overwrite. An unknown or expired link is refused. Nothing is half-written: a refusal
  leaves every answer of the submission unrecorded.

Error messages are module constants (tests import them).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from swingfund.elections.models import Candidacy, CandidacyStatus, Election
from swingfund.organisations.models import Organisation
from swingfund.organisations.selectors import organisation_sender

from .models import Evidence, EvidenceKind, Stance, SurveyAnswer, SurveyLink

SURVEY_LINK_DAYS = 28  # how long a link works after it is issued (a reminder issues a fresh one)
COMMENT_MAX = 1000  # characters of the optional comment per statement
ANSWER_STANCES = (Stance.AGREE, Stance.DISAGREE, Stance.MIXED)

LINK_UNKNOWN = "This link is not valid: it may have been replaced by a newer one. Ask the group for a new link."
LINK_EXPIRED = "This link expired on {date}. Ask the group for a new link."
ALREADY_ANSWERED = (
    "“{title}” (version {number}) was already answered through this candidacy's link on {date}: an answer is given "
    "once per version of a statement, and is never overwritten."
)
NOT_CURRENT = "statement version #{pk} is not one of the group's current statements"
BAD_ANSWER = "the answer to “{title}” must be agree, disagree or mixed, not {value!r}"
COMMENT_TOO_LONG = "the comment on “{title}” is {length} characters long; at most {limit}"
NOTHING_ANSWERED = "Choose agree, disagree or mixed for at least one statement."
NOT_STANDING = "{name} is marked {status}: no survey link is sent to a candidacy that is not standing"
ELECTION_PASSED = "{election} polled on {date}: the survey is for candidates in an election still to come"
NO_PERSON = "candidacy #{pk} names no person"
NO_EMAIL = "Democracy Club lists no email address for {name}: create a link and pass it on by hand"
NO_SENDER = "the group has no sender address: set one in the group's settings (or SWINGFUND_FROM_EMAIL)"
NO_LINK_YET = "{name} has no survey link yet: send one first"


class SurveyRefused(Exception):
    """A survey action refused; `status` is the HTTP status a page shows it with."""

    def __init__(self, message: str, *, status: int = 409) -> None:
        self.status = status
        super().__init__(message)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_candidacy(candidacy: Candidacy, *, today: dt.date) -> None:
    if candidacy.person_id is None:
        raise SurveyRefused(NO_PERSON.format(pk=candidacy.pk))
    if candidacy.status != CandidacyStatus.STANDING:
        raise SurveyRefused(NOT_STANDING.format(name=candidacy.person_name, status=candidacy.get_status_display()))
    if not Election.objects.ahead(today).filter(pk=candidacy.election_id).exists():
        raise SurveyRefused(ELECTION_PASSED.format(election=candidacy.election_id, date=candidacy.election.poll_date))


@transaction.atomic
def survey_link_issue(
    *, organisation: Organisation, candidacy: Candidacy, sent_to: str = "", reminder: bool = False,
    now: dt.datetime | None = None, days: int = SURVEY_LINK_DAYS,
) -> tuple[SurveyLink, str]:
    """The candidacy's link with a new token (returned once, never stored): made on first use, replaced for a
    reminder (the old token stops working). Answers already given stay recorded against the candidacy."""
    now = now or timezone.now()
    _check_candidacy(candidacy, today=now.date())
    token = secrets.token_urlsafe(32)
    link = SurveyLink.objects.select_for_update().filter(organisation=organisation, candidacy=candidacy).first()
    if link is None:
        link = SurveyLink(organisation=organisation, candidacy=candidacy, created_at=now)
    elif reminder:
        link.reminders += 1
        link.reminded_at = now
    link.token_hash = token_hash(token)
    link.created_at = now
    link.expires_at = now + dt.timedelta(days=days)
    if sent_to:
        link.sent_to, link.sent_at = sent_to, now
    link.save()
    return link, token


def survey_send(*, organisation: Organisation, candidacy: Candidacy, reminder: bool = False) -> None:
    """Queue the survey email (or a reminder) to the address Democracy Club lists for the candidacy. Refused,
    with the reason, when there is no address, no sender, or the candidacy cannot be surveyed."""
    from .tasks import survey_email_send

    _check_candidacy(candidacy, today=timezone.now().date())
    if not candidacy.contact_email:
        raise SurveyRefused(NO_EMAIL.format(name=candidacy.person_name))
    if not organisation_sender(organisation=organisation):
        raise SurveyRefused(NO_SENDER)
    if reminder and not SurveyLink.objects.filter(organisation=organisation, candidacy=candidacy).exists():
        raise SurveyRefused(NO_LINK_YET.format(name=candidacy.person_name))
    transaction.on_commit(lambda: survey_email_send.enqueue(
        organisation_id=organisation.pk, candidacy_id=candidacy.pk, reminder=reminder))


def survey_link_for(*, token: str, now: dt.datetime | None = None) -> SurveyLink:
    """The link a token opens; SurveyRefused (404 unknown, 410 expired) otherwise."""
    now = now or timezone.now()
    link = (SurveyLink.objects.select_related("organisation", "candidacy__person", "candidacy__election",
                                              "candidacy__constituency", "candidacy__party")
            .filter(token_hash=token_hash(token)).first())
    if link is None:
        raise SurveyRefused(LINK_UNKNOWN, status=404)
    if link.expires_at <= now:
        raise SurveyRefused(LINK_EXPIRED.format(date=f"{link.expires_at:%-d %B %Y}"), status=410)
    return link


def answered_versions(*, candidacy: Candidacy) -> dict[int, SurveyAnswer]:
    """{statement version id: the answer} of a candidacy's answers so far."""
    return {a.statement_version_id: a for a in SurveyAnswer.objects.filter(candidacy=candidacy)
            .select_related("evidence", "statement_version")}


@dataclass(frozen=True)
class Given:
    """One answer as submitted: the statement version, the stance and an optional comment."""

    version_id: int
    stance: str
    comment: str = ""


def survey_answer(*, token: str, answers: list[Given], now: dt.datetime | None = None) -> list[Evidence]:
    """Record the answers given through a link (all or none); returns the new evidence."""
    from .selectors import current_versions
    from .services import scores_recompute

    now = now or timezone.now()
    link = survey_link_for(token=token, now=now)
    candidacy = link.candidacy
    _check_candidacy(candidacy, today=now.date())
    current = {v.pk: v for v in current_versions(organisation=link.organisation)}
    if not answers:
        raise SurveyRefused(NOTHING_ANSWERED, status=400)
    for given in answers:
        version = current.get(given.version_id)
        if version is None:
            raise SurveyRefused(NOT_CURRENT.format(pk=given.version_id), status=400)
        if given.stance not in ANSWER_STANCES:
            raise SurveyRefused(BAD_ANSWER.format(title=version.title, value=given.stance), status=400)
        if len(given.comment) > COMMENT_MAX:
            raise SurveyRefused(COMMENT_TOO_LONG.format(title=version.title, length=len(given.comment),
                                                        limit=COMMENT_MAX), status=400)
    try:
        with transaction.atomic():
            earlier = answered_versions(candidacy=candidacy)
            recorded = []
            for given in answers:
                version = current[given.version_id]
                if version.pk in earlier:
                    raise SurveyRefused(ALREADY_ANSWERED.format(
                        title=version.title, number=version.number,
                        date=f"{earlier[version.pk].answered_at:%-d %B %Y}"))
                evidence = Evidence.objects.create(
                    statement_version=version, person_id=candidacy.person_id, candidacy=candidacy,
                    kind=EvidenceKind.OWN_ANSWER, stance=given.stance, date=now.date(), source_url="", public=True,
                    summary=given.comment.strip(), recorded_via=f"candidate survey (link #{link.pk})",
                    recorded_at=now)
                SurveyAnswer.objects.create(link=link, candidacy=candidacy, statement_version=version,
                                            evidence=evidence, answered_at=now)
                earlier[version.pk] = SurveyAnswer(answered_at=now)
                recorded.append(evidence)
            scores_recompute(organisation=link.organisation, persons=[candidacy.person_id])
    except IntegrityError:  # the same version answered at the same moment through another request
        raise SurveyRefused(ALREADY_ANSWERED.format(title="a statement", number="-", date="just now")) from None
    return recorded


@dataclass(frozen=True)
class Row:
    candidacy: Candidacy
    link: SurveyLink | None
    answered: int
    last_answered: dt.datetime | None


def survey_rows(*, organisation: Organisation, election_id: str, limit: int = 500) -> tuple[list[Row], int]:
    """Who has been sent a link and who has answered, for the organiser's page; and how many statements there are."""
    from django.db.models import Count, Max

    from .selectors import current_versions

    versions = [v.pk for v in current_versions(organisation=organisation)]
    candidacies = list(Candidacy.objects.filter(election_id=election_id, person__isnull=False)
                       .select_related("person", "party", "constituency", "election")
                       .order_by("constituency__name", "person_name")[:limit])
    links = {link.candidacy_id: link for link in SurveyLink.objects.filter(
        organisation=organisation, candidacy__in=candidacies)}
    counts = {r["candidacy"]: r for r in SurveyAnswer.objects.filter(
        candidacy__in=candidacies, statement_version__in=versions).values("candidacy")
        .annotate(n=Count("id"), last=Max("answered_at"))}
    rows = [Row(candidacy=c, link=links.get(c.pk), answered=counts.get(c.pk, {}).get("n", 0),
                last_answered=counts.get(c.pk, {}).get("last")) for c in candidacies]
    return rows, len(versions)
