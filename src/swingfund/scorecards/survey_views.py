"""The candidate survey's pages: the candidate's (or agent's) answer page behind their link, and the organisers' page
under the workspace (who was sent a link, who answered, send or remind). Views parse, call `survey.py`, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from swingfund.accounts.roles import ORGANISER, organisations_for
from swingfund.elections.models import Candidacy, Election
from swingfund.organisations.selectors import organisation_defaults

from . import survey
from .selectors import current_versions

NOT_ORGANISER = "This page is for the organisers of a group: your account holds no organiser role."
UNKNOWN_CANDIDACY = "No such candidacy in this election."


def _private(response: HttpResponse) -> HttpResponse:
    """A page opened by a secret link: never stored by a cache, never sent in a Referer header to another site,
    never indexed."""
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "same-origin"  # not "no-referrer": the form's POST would carry Origin: null
    response["X-Robots-Tag"] = "noindex"
    return response


def _answer_context(link, *, now) -> dict:
    versions = current_versions(organisation=link.organisation)
    earlier = survey.answered_versions(candidacy=link.candidacy)
    return {
        "link": link,
        "candidacy": link.candidacy,
        "org": link.organisation,
        "items": [{"version": v, "answer": earlier.get(v.pk)} for v in versions],
        "open": sum(1 for v in versions if v.pk not in earlier),
        "stances": survey.ANSWER_STANCES,
        "comment_max": survey.COMMENT_MAX,
        "scorecard_url": reverse("scorecards:scorecard", args=[link.candidacy.person_id])
        + f"?org={link.organisation.slug}",
    }


@require_http_methods(["GET", "POST"])
def survey_answer_page(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    try:
        link = survey.survey_link_for(token=token, now=now)
    except survey.SurveyRefused as refused:
        return _private(render(request, "scorecards/survey_answer.html", {"refused": str(refused)},
                               status=refused.status))
    context, status = {}, 200
    if request.method == "POST":
        given = []
        for version in current_versions(organisation=link.organisation):
            stance = request.POST.get(f"stance-{version.pk}", "").strip()
            if stance:
                given.append(survey.Given(version_id=version.pk, stance=stance,
                                          comment=request.POST.get(f"comment-{version.pk}", "")))
        try:
            recorded = survey.survey_answer(token=token, answers=given, now=now)
            context["thanks"] = len(recorded)
        except survey.SurveyRefused as refused:
            context["error"], status = str(refused), refused.status
    context.update(_answer_context(link, now=now))
    return _private(render(request, "scorecards/survey_answer.html", context, status=status))


@login_required
@require_http_methods(["GET", "POST"])
def survey_dashboard(request: HttpRequest) -> HttpResponse:
    """Organisers see, per candidacy of an election to come, whether a link was sent and how many statements were
    answered, and can send the link, a reminder, or make a link to pass on by hand."""
    organisations = list(organisations_for(user=request.user, role=ORGANISER).order_by("name"))
    if not organisations:
        return render(request, "scorecards/survey_dashboard.html", {"forbidden": NOT_ORGANISER}, status=403)
    wanted = request.POST.get("org") or request.GET.get("org")
    org = next((o for o in organisations if o.slug == wanted), organisations[0])
    today = timezone.now().date()
    elections = list(Election.objects.ahead(today).filter(candidacies__isnull=False).distinct()
                     .order_by("poll_date", "id"))
    known = {e.pk for e in elections}
    default = organisation_defaults(organisation=org).election_id
    election_id = request.POST.get("election") or request.GET.get("election") or ""
    if election_id not in known:
        election_id = default if default in known else (elections[0].pk if elections else "")
    context: dict = {"org": org, "organisations": organisations, "elections": elections, "election_id": election_id,
                     "link_days": survey.SURVEY_LINK_DAYS}
    status = 200
    if request.method == "POST" and election_id:
        status = _act(request, org=org, election_id=election_id, context=context)
    if election_id:
        context["rows"], context["statements"] = survey.survey_rows(organisation=org, election_id=election_id)
    return _private(render(request, "scorecards/survey_dashboard.html", context, status=status))


def _act(request: HttpRequest, *, org, election_id: str, context: dict) -> int:
    action = request.POST.get("action", "")
    try:
        candidacy = Candidacy.objects.select_related("election", "person").get(
            pk=int(request.POST.get("candidacy", "0")), election_id=election_id)
    except (Candidacy.DoesNotExist, ValueError):
        context["error"] = UNKNOWN_CANDIDACY
        return 400
    try:
        if action in ("send", "remind"):
            survey.survey_send(organisation=org, candidacy=candidacy, reminder=action == "remind")
            what = "A reminder" if action == "remind" else "The survey link"
            context["done"] = f"{what} for {candidacy.person_name} is queued for {candidacy.contact_email}."
        elif action == "link":
            _, token = survey.survey_link_issue(organisation=org, candidacy=candidacy, reminder=True)
            context["new_link"] = request.build_absolute_uri(reverse("scorecards:survey-answer", args=[token]))
            context["done"] = (f"A new link for {candidacy.person_name}: pass it on to the candidate or their agent. "
                               "It is shown once; any earlier link no longer works.")
        else:
            context["error"] = f"Unknown action {action!r}."
            return 400
    except survey.SurveyRefused as refused:
        context["error"] = str(refused)
        return refused.status
    return 200
