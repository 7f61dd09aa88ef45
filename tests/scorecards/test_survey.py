"""The candidate survey through Django's test client: answers become dated evidence on the public scorecard; a second
use for the same statement version is refused (and a newer version is new evidence); an expired or replaced link is
refused; the email goes through the one queue; the organisers' page is role-checked."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.core import mail
from django.utils import timezone

from swingfund.accounts.services import role_grant
from swingfund.appendonly import AppendOnlyError
from swingfund.elections.models import Person
from swingfund.scorecards import services, survey
from swingfund.scorecards.models import Evidence, Score, SurveyAnswer, SurveyLink
from swingfund.scorecards.selectors import current_versions
from tests.accounts.helpers import sign_in, user_make

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def standing(make_seat):
    seat = make_seat("E14999901", "Survey Town", [("Asha Patel", "Labour", None, None),
                                                      ("Ben Ode", "Green Party", None, None)])
    seat.candidacies[1].contact_email = "ben@example.org"
    seat.candidacies[1].save()
    return seat


def url(token: str) -> str:
    return f"/scorecards/answer/{token}/"


def post(client, token, org, answers: dict[int, tuple[str, str]]):
    """answers: {statement position: (stance, comment)}"""
    versions = current_versions(organisation=org)
    data = {}
    for position, (stance, comment) in answers.items():
        data[f"stance-{versions[position].pk}"] = stance
        data[f"comment-{versions[position].pk}"] = comment
    return client.post(url(token), data)


def test_answers_become_dated_evidence_on_the_public_scorecard(client, organisation, standing):
    candidacy = standing.candidacies[0]
    link, token = survey.survey_link_issue(organisation=organisation, candidacy=candidacy)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(SurveyLink.objects.values_list()))  # only the hash is stored

    page = client.get(url(token))
    assert page.status_code == 200 and page["Cache-Control"] == "no-store, private"
    assert page.content.decode().count('type="radio"') == 5 * 3
    sent = {0: ("agree", ""), 1: ("disagree", "Not as worded."), 2: ("mixed", ""), 3: ("agree", ""), 4: ("agree", "")}
    response = post(client, token, organisation, sent)
    assert response.status_code == 200 and "5 answers recorded" in response.content.decode()

    today = timezone.now().date()
    versions = current_versions(organisation=organisation)
    rows = Evidence.objects.filter(person=candidacy.person).order_by("statement_version__statement__position")
    assert [(e.statement_version_id, e.kind, e.stance, e.date, e.summary, e.candidacy_id) for e in rows] == [
        (versions[i].pk, "own_answer", stance, today, comment, candidacy.pk) for i, (stance, comment) in sent.items()]
    assert [Score.objects.get(person=candidacy.person, statement_version=v, method="twfy2024").stance
            for v in versions] == ["agree", "disagree", "mixed", "agree", "agree"]

    card = client.get(f"/scorecards/person/{candidacy.person_id}/?org={organisation.slug}").content.decode()
    given = f"the candidate's own answer, given {today:%-d %b %Y}"
    assert card.count(given) == 5
    assert "Not as worded." in card


def test_a_second_use_for_the_same_version_is_refused_and_a_new_version_is_new_evidence(
        client, organisation, standing):
    candidacy = standing.candidacies[0]
    _, token = survey.survey_link_issue(organisation=organisation, candidacy=candidacy)
    assert post(client, token, organisation, {0: ("agree", "Yes.")}).status_code == 200

    again = post(client, token, organisation, {1: ("agree", ""), 0: ("disagree", "Changed my mind")})
    assert again.status_code == 409
    title = current_versions(organisation=organisation)[0].title
    assert f"“{title}” (version 1) was already answered" in again.content.decode()
    # Nothing half-written: the refused submission's answer to the second statement was not kept either.
    kept = Evidence.objects.filter(person=candidacy.person).values_list("stance", "summary")
    assert list(kept) == [("agree", "Yes.")]
    # A reminder's fresh link is the same candidacy: still refused for that version.
    _, fresh = survey.survey_link_issue(organisation=organisation, candidacy=candidacy, reminder=True)
    assert post(client, fresh, organisation, {0: ("disagree", "")}).status_code == 409
    assert client.get(url(token)).status_code == 404  # the replaced link no longer opens

    first = Evidence.objects.get(person=candidacy.person)
    statement = first.statement_version.statement
    services.statement_edit(statement=statement, title=title, text="A sharper wording.", agreement="Says yes.")
    newer = post(client, fresh, organisation, {0: ("disagree", "Not this wording.")})
    assert newer.status_code == 200
    answers = list(Evidence.objects.filter(person=candidacy.person).order_by("id")
                   .values_list("statement_version__number", "stance", "summary"))
    assert answers == [(1, "agree", "Yes."), (2, "disagree", "Not this wording.")]  # never overwritten
    assert SurveyAnswer.objects.filter(candidacy=candidacy).count() == 2
    with pytest.raises(AppendOnlyError):
        SurveyAnswer.objects.filter(candidacy=candidacy).delete()


def test_an_expired_or_unknown_link_is_refused(client, organisation, standing):
    candidacy = standing.candidacies[0]
    issued = timezone.now() - dt.timedelta(days=survey.SURVEY_LINK_DAYS, seconds=1)
    link, token = survey.survey_link_issue(organisation=organisation, candidacy=candidacy, now=issued)
    page = client.get(url(token))
    assert page.status_code == 410
    assert survey.LINK_EXPIRED.format(date=f"{link.expires_at:%-d %B %Y}") in page.content.decode()
    assert post(client, token, organisation, {0: ("agree", "")}).status_code == 410
    assert client.get(url("not-a-token")).status_code == 404
    assert not Evidence.objects.filter(person=candidacy.person).exists()


def test_no_link_for_a_withdrawn_candidacy_and_its_scorecard_says_so(client, organisation, standing):
    from swingfund.elections.candidacies import candidacy_status_set

    candidacy = candidacy_status_set(candidacy_id=standing.candidacies[0].pk, status="withdrawn",
                                     on=dt.date(2026, 12, 1), source_url="https://example.org/withdrawn")
    with pytest.raises(survey.SurveyRefused, match="is marked withdrawn"):
        survey.survey_link_issue(organisation=organisation, candidacy=candidacy)
    other = standing.candidacies[1]
    other.illustrative = True
    other.save()
    card = client.get(f"/scorecards/person/{candidacy.person_id}/?org={organisation.slug}").content.decode()
    marked = '<span class="warning">withdrawn</span> on 1 Dec 2026 (<a class="source" href="https://example.org/withdrawn"'
    assert marked in card
    card = client.get(f"/scorecards/person/{other.person_id}/?org={organisation.slug}").content.decode()
    assert '<strong class="illustrative">(illustrative)</strong>' in card


def test_the_link_is_emailed_through_the_queue_and_opens_the_survey(
        client, organisation, standing, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE_TASKS
    organisation.sender_email = "hello@testgroup.example"
    organisation.save()
    no_email, with_email = standing.candidacies
    with pytest.raises(survey.SurveyRefused, match="lists no email address for Asha Patel"):
        survey.survey_send(organisation=organisation, candidacy=no_email)
    with django_capture_on_commit_callbacks(execute=True):
        survey.survey_send(organisation=organisation, candidacy=with_email)
    assert [(m.to, m.from_email) for m in mail.outbox] == [(["ben@example.org"], "hello@testgroup.example")]
    token = re.search(r"/scorecards/answer/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert SurveyLink.objects.get(candidacy=with_email).token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert client.get(url(token)).status_code == 200


def test_organisers_see_who_answered_and_send_a_reminder(
        client, organisation, standing, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE_TASKS
    organisation.sender_email = "hello@testgroup.example"
    organisation.save()
    assert client.get("/workspace/survey/").status_code == 302  # sign in first
    stranger = user_make("stranger")
    sign_in(client, stranger)
    assert client.get("/workspace/survey/").status_code == 403
    client.logout()
    organiser = user_make("olive")
    role_grant(user=organiser, organisation=organisation, role="organiser")
    sign_in(client, organiser)

    asha, ben = standing.candidacies
    _, token = survey.survey_link_issue(organisation=organisation, candidacy=asha)
    post(client, token, organisation, {0: ("agree", ""), 1: ("agree", "")})
    page = client.get("/workspace/survey/").content.decode()
    rows = dict(re.findall(r'data-candidacy="(\d+)">.*?<td class="answered">(\d+ of \d+)', page, re.S))
    assert rows == {str(asha.pk): "2 of 5", str(ben.pk): "0 of 5"}

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/workspace/survey/", {"candidacy": ben.pk, "action": "send",
                                                  "election": ben.election_id})
    assert sent.status_code == 200 and len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/workspace/survey/", {"candidacy": ben.pk, "action": "remind", "election": ben.election_id})
    assert mail.outbox[1].subject.startswith("Reminder") and "replaces the one we sent before" in mail.outbox[1].body
    assert SurveyLink.objects.get(candidacy=ben).reminders == 1
    handed = client.post("/workspace/survey/", {"candidacy": asha.pk, "action": "link",
                                                "election": asha.election_id}).content.decode()
    new_token = re.search(r'<code id="new-link">[^<]*/scorecards/answer/([^/<]+)/</code>', handed).group(1)
    assert client.get(url(new_token)).status_code == 200 and client.get(url(token)).status_code == 404
    assert Person.objects.filter(pk=asha.person_id).exists()


def test_an_own_answer_is_never_entered_or_edited_by_hand(client, admin_client, organisation, standing):
    from django.core.exceptions import ValidationError

    candidacy = standing.candidacies[0]
    _, token = survey.survey_link_issue(organisation=organisation, candidacy=candidacy)
    post(client, token, organisation, {0: ("agree", "In my words.")})
    answer = Evidence.objects.get(person=candidacy.person)
    with pytest.raises(ValidationError, match="never entered or edited by hand"):
        services.evidence_record(statement_version=answer.statement_version, person=candidacy.person,
                                 kind="own_answer", stance="disagree", date=answer.date)
    answer.stance, answer.summary = "disagree", "Words put in my mouth."
    with pytest.raises(ValidationError, match="never entered or edited by hand"):
        services.evidence_correct(evidence=answer)
    change = f"/admin/scorecards/evidence/{answer.pk}/change/"
    assert admin_client.post(change, {"stance": "disagree"}).status_code == 403
    assert 'value="own_answer"' not in admin_client.get("/admin/scorecards/evidence/add/").content.decode()
    assert Evidence.objects.filter(pk=answer.pk).values_list("stance", "summary").get() == ("agree", "In my words.")
