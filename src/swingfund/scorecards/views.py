"""Public pages: the statements, a candidate's scorecard, a seat's intervention, the recommendations.

Views parse the request, call selectors and the rule, and render. Only public evidence is shown.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from swingfund import caching
from swingfund.elections.models import Candidacy, Election, Person, Result
from swingfund.organisations.models import Organisation
from swingfund.organisations.selectors import organisation_defaults

from . import scoring
from .charts import SeatBar, agreement_chart, bar_for, decisions_chart
from .models import Evidence, StatementVersion
from .recommendations import recommendations_with_notes
from .rules import RuleConfig
from .selectors import (
    candidacy_label,
    current_versions,
    places_with_basis,
    seat_candidacies,
    seat_get,
    seat_intervention,
    seat_view,
    stances_by_person,
)
from .targets import LENSES

DEFAULT_TOP = 25
# What recommendations are computed from (`caching.data_version`); a change to any of these is seen at once, and
# anything else (an edit the version cannot see) within RECOMMENDATIONS_CACHE_SECONDS.
RECOMMENDATION_SCOPES = ("imports", "organisations", "scorecards")
RECOMMENDATIONS_CACHE_SECONDS = 600
MAX_TOP = 650


def _organisation(request: HttpRequest) -> Organisation:
    slug = request.GET.get("org")
    qs = Organisation.objects.order_by("id")
    org = qs.filter(slug=slug).first() if slug else qs.first()
    if org is None:
        raise Http404("No organisation yet: run `swingfund demo`, or create one in the admin.")
    return org


def _method(request: HttpRequest) -> str:
    method = request.GET.get("method", scoring.DEFAULT_METHOD)
    return method if method in scoring.SCORERS else scoring.DEFAULT_METHOD


def index(request: HttpRequest) -> HttpResponse:
    org = _organisation(request)
    versions = current_versions(organisation=org)
    people_ids = (
        Evidence.objects.filter(statement_version__in=versions, public=True)
        .values_list("person_id", flat=True)
        .distinct()
    )
    people = list(Person.objects.filter(pk__in=people_ids).order_by("name"))
    _, stances = stances_by_person(organisation=org, persons=[p.pk for p in people], method=_method(request))
    rows = [{"person": p, "stances": stances[p.pk]} for p in people]
    earlier = StatementVersion.objects.filter(statement__organisation=org, published_at__isnull=False).exclude(
        pk__in=[v.pk for v in versions]
    )
    history: dict[int, list[StatementVersion]] = {}
    for v in earlier.order_by("-number"):
        history.setdefault(v.statement_id, []).append(v)
    statements = [{"version": v, "earlier": history.get(v.statement_id, [])} for v in versions]
    return render(
        request, "scorecards/index.html", {"org": org, "versions": versions, "statements": statements, "rows": rows}
    )


def scorecard(request: HttpRequest, person_id: int) -> HttpResponse:
    from .selectors import person_scorecard

    org = _organisation(request)
    person = get_object_or_404(Person, pk=person_id)
    method = _method(request)
    card = person_scorecard(person=person, organisation=org, method=method, public_only=True)
    chart = agreement_chart(
        bars=[
            bar_for(
                label=line.version.title,
                stance=line.score.stance,
                vote_distance=line.score.vote_distance,
                band=line.score.band,
            )
            for line in card.lines
        ]
    )
    return render(
        request,
        "scorecards/scorecard.html",
        {
            "org": org,
            "card": card,
            "chart": mark_safe(chart),
            "method": method,  # noqa: S308 (built by charts.py)
            "method_name": scoring.METHOD_NAMES[method],
            "methods": scoring.METHOD_NAMES,
            "standing": Candidacy.objects.filter(person=person).select_related("party", "constituency", "election")
            .order_by("-election__poll_date"),
        },
    )


def seat(request: HttpRequest, election_id: str, gss_code: str) -> HttpResponse:
    org = _organisation(request)
    try:
        constituency = seat_get(election_id=election_id, code=gss_code)
        intervention = seat_intervention(
            organisation=org, election_id=election_id, constituency=constituency, method=_method(request)
        )
    except ValueError as exc:
        raise Http404(str(exc)) from None
    candidacies = seat_candidacies(election_id=election_id, constituency=constituency)
    view, _ = seat_view(organisation=org, election_id=election_id, constituency=constituency, method=_method(request))
    by_id = {c.candidacy_id: c for c in view}
    place, basis = places_with_basis(candidacies=candidacies)
    rows = [
        {
            "candidacy": c,
            "label": candidacy_label(c),
            "place": place[c.pk],
            "view": by_id[c.pk],
            "considered": c.pk in intervention.considered,
            "backed": c.pk == intervention.candidacy_id,
        }
        for c in candidacies
    ]
    backed = next((r for r in rows if r["backed"]), None)
    result = Result.objects.filter(election_id=election_id, constituency=constituency).select_related("source").first()
    return render(
        request,
        "scorecards/seat.html",
        {
            "org": org,
            "seat": constituency,
            "election": Election.objects.get(pk=election_id),
            "intervention": intervention,
            "rows": rows,
            "backed": backed,
            "versions": current_versions(organisation=org),
            "result": result,
            "sources": {c.source for c in candidacies},
            "basis": basis,
        },
    )


def recommendations_page(request: HttpRequest) -> HttpResponse:
    """The recommendations are a heavy result (`caching.result`); anonymous visitors get the whole page from
    `caching.AnonymousPageMiddleware` when it was rendered before for the same query and data."""
    org = _organisation(request)
    defaults = organisation_defaults(organisation=org)
    elections = list(Election.objects.filter(results__isnull=False).distinct().order_by("-poll_date"))
    known = {e.pk for e in elections}
    election_id = request.GET.get("election") or (
        defaults.election_id if defaults.election_id in known else (elections[0].pk if elections else ""))
    bloc = request.GET.get("bloc", "").strip() or defaults.bloc or None
    lens = request.GET.get("lens", defaults.lens)
    lens = lens if lens in LENSES else defaults.lens
    try:
        top = min(max(int(request.GET.get("top", DEFAULT_TOP)), 1), MAX_TOP)
    except ValueError:
        top = DEFAULT_TOP
    method = _method(request)

    def compute() -> str:
        recs, notes, error = [], [], ""
        if election_id:
            try:
                recs, notes = recommendations_with_notes(
                    organisation=org,
                    election_id=election_id,
                    bloc=bloc,
                    top=top,
                    lens=lens,
                    config=RuleConfig(),
                    method=method,
                )
            except ValueError as exc:
                error = str(exc)
        chart = (
            decisions_chart(seats=[SeatBar(r.seat_name, r.action, r.p_decisive, r.leverage) for r in recs])
            if bloc and recs
            else ""
        )
        return render_to_string("scorecards/_recommendations_results.html", {
            "chart": mark_safe(chart),  # built by charts.py, every text escaped
            "org": org, "notes": notes, "recs": recs, "error": error, "election_id": election_id,
            "bloc": bloc or "", "lens": lens, "top": top,
            "backed": sum(1 for r in recs if r.action == "back"),
            "stayed": sum(1 for r in recs if r.action != "back"),
        })

    context = {"org": org, "elections": elections, "election_id": election_id, "bloc": bloc or "", "top": top,
               "lens": lens, "census_group": defaults.has_census_bloc or bool(bloc)}
    params = {"org": org.pk, "election": election_id, "bloc": bloc, "lens": lens, "top": top, "method": method}
    try:
        context["results"] = mark_safe(caching.result(  # rendered by Django's templates (autoescaped)
            request=request, name="recommendations", params=params, compute=compute,
            version=caching.data_version(*RECOMMENDATION_SCOPES), timeout=RECOMMENDATIONS_CACHE_SECONDS))
    except caching.Refused as refused:
        context["heavy_error"] = str(refused)
        response = render(request, "scorecards/recommendations.html", context, status=refused.status)
        response["Retry-After"] = str(refused.retry_after)
        return response
    return render(request, "scorecards/recommendations.html", context)
