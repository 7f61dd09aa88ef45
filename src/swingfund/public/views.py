"""The public journey: home → postcode → seat → decision → grant in the ledger; plus helpful 404/500 pages.
Views parse the request, call `selectors.py`, and render. Read-only."""

from __future__ import annotations

import logging
import re
from urllib.parse import quote, urlencode

from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from swingfund.committee.models import Decision
from swingfund.elections.errors import NO_ELECTIONS, LookupFailure
from swingfund.elections.models import Constituency, Result
from swingfund.public import selectors
from swingfund.scorecards.models import StatementVersion
from swingfund.scorecards.rules import NoStatements
from swingfund.targeting.display import LEVERAGE_NOTE

RECOMMENDATIONS_TOP = 25
# What a visitor reads when the box cannot find a seat: plain words and a way on (an example, as a link, that works).
POSTCODE_MISSING = "Type your postcode, or the name of your town or your seat, for example {example}."
POSTCODE_NOT_LISTED = (
    "We don't know which seat {postcode} is in yet: this site's list of postcodes covers only some areas so far. "
    "Type the name of your town or your seat instead, for example {example}."
)
POSTCODE_UNKNOWN = (
    "We can't find the postcode {postcode}. Check it, or type the name of your town or your seat instead, "
    "for example {example}."
)
POSTCODE_PARTIAL = (
    "That looks like the first half of a postcode. Type your whole postcode, or the name of your town or your "
    "seat, for example {example}."
)
OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")  # the first half of a postcode: B16, BD7, SW1A
NOTHING_MATCHES = (
    "No seat or region is called '{text}': check the spelling, or type your postcode or part of your seat's name, "
    "for example {example}."
)

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    org = request.organisation
    statements = (StatementVersion.objects.filter(statement__organisation=org, published_at__isnull=False)
                  .order_by("statement__position", "-number") if org else [])
    current = {}
    for version in statements:
        current.setdefault(version.statement_id, version)
    return render(request, "public/home.html", {
        "org": org, "statements": list(current.values()),
        "campaigns": selectors.campaigns_with_totals(organisation=org),
        "record": selectors.group_record(organisation=org), "bloc": selectors.group_bloc(request),
        "examples": selectors.search_examples(organisation=org),
    })


def postcode(request: HttpRequest) -> HttpResponse:
    """What is happening in my seat: a postcode → that seat's page; a seat's name → that seat; a place or region →
    its seats as links; otherwise a message in plain words with an example that works."""
    text = " ".join(request.GET.get("postcode", "").split())[:100]
    examples = selectors.search_examples(organisation=request.organisation)
    example = format_html('<a href="{}?{}">{}</a>', reverse("public:postcode"), urlencode({"postcode": examples.name}),
                          examples.name)
    context = {"postcode": text, "examples": examples}
    if not text:
        return render(request, "public/postcode.html", {**context, "error": format_html(
            POSTCODE_MISSING, example=example)}, status=400)
    if selectors.looks_like_postcode(text):
        try:
            seat = selectors.seat_for_postcode(text)
        except LookupFailure:
            message = POSTCODE_UNKNOWN if selectors.postcode_lookup_complete() else POSTCODE_NOT_LISTED
            return render(request, "public/postcode.html", {**context, "error": format_html(
                message, postcode=text.upper(), example=example)}, status=404)
        return redirect(reverse("public:seat", args=[seat.gss_code]) + f"?postcode={quote(text.upper())}")
    seats = selectors.seats_named(text)
    if len(seats) == 1:
        return redirect(reverse("public:seat", args=[seats[0].gss_code]))
    if not seats and OUTWARD_CODE.match(text.upper().replace(" ", "")):
        return render(request, "public/postcode.html", {**context, "error": format_html(
            POSTCODE_PARTIAL, example=example)}, status=404)
    if not seats:
        return render(request, "public/postcode.html", {**context, "error": format_html(
            NOTHING_MATCHES, text=text, example=example)}, status=404)
    return render(request, "public/postcode.html", {**context, "seats": seats})


def seat(request: HttpRequest, gss_code: str) -> HttpResponse:
    constituency = (Constituency.objects.filter(gss_code=gss_code.upper()).order_by("-boundary_set").first())
    if constituency is None:
        raise Http404(f"No constituency with the code {gss_code} is imported.")
    election = selectors.latest_election_for(constituency)
    result = (Result.objects.filter(election=election, constituency=constituency).select_related("source").first()
              if election else None)
    bloc = selectors.group_bloc(request)
    estimate = (selectors.bloc_estimate(election_id=election.pk, code=constituency.gss_code, bloc=bloc)
                if election else None)
    org = request.organisation
    decisions = list(selectors.seat_decisions(seat=constituency, organisation=org))
    grants = list(selectors.seat_grants(seat=constituency, organisation=org))
    return render(request, "public/seat.html", {
        "seat": constituency, "election": election, "result": result,
        "lines": selectors.result_lines(result=result) if result else [],
        "estimate": estimate, "bloc": bloc, "bloc_words": selectors.seat_bloc_words(seat=constituency, bloc=bloc),
        "decisions": [(d, selectors.decision_headline(d, next((g for g in grants if g.decision_id == d.pk), None)))
                      for d in decisions],
        "headline": selectors.seat_headline(decisions=decisions, grants=grants),
        "majority_bar": selectors.majority_bar(estimate.row) if estimate else None,
        "rejected_latest": bool(decisions) and decisions[0].outcome == Decision.Outcome.REJECTED,
        "grants": grants, "give": selectors.give_link(organisation=org),
        "postcode": request.GET.get("postcode", ""), "org": org,
    })


def decision(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = selectors.decision_get(pk=pk)
    except Decision.DoesNotExist:
        raise Http404(f"No committee decision #{pk}.") from None
    grant = selectors.grant_for(item)
    return render(request, "public/decision.html", {
        "decision": item, "proposal": item.proposal, "grant": grant, "org": item.proposal.organisation,
        "headline": selectors.decision_headline(item, grant), "rejection": selectors.rejection_words(item),
    })


def recommendations(request: HttpRequest) -> HttpResponse:
    """Whom we back: opens on the group's own bloc and lens; each recommendation beside the committee's decision."""
    org = request.organisation
    if org is None:
        raise Http404("No organisation yet: run `swingfund demo`, or create one in the admin.")
    election = request.GET.get("election") or selectors.group_election(request)
    bloc = request.GET.get("bloc", "").strip() or selectors.group_bloc(request)
    bloc = "" if bloc.lower() in ("none", "supporters") else bloc
    lens = request.GET.get("lens", "") or selectors.group_lens(request)
    lens = lens if lens in ("swing", "own") else selectors.group_lens(request)
    try:
        top = min(max(int(request.GET.get("top", RECOMMENDATIONS_TOP)), 1), 650)
    except ValueError:
        top = RECOMMENDATIONS_TOP
    if not election:  # no default and nothing imported: a plain sentence, not an error about an empty id
        return render(request, "public/recommendations.html", {"error": NO_ELECTIONS, "org": org, "bloc": bloc,
                                                                "lens": lens, "top": top, "election": election})
    try:
        rows, notes = selectors.whom_we_back(organisation=org, election_id=election, bloc=bloc, lens=lens, top=top)
    except ValueError as err:
        # A group that has not published its statements yet is in a state, not in error: the page says so (200).
        # A bad query (an unknown election or bloc) is the visitor's error (400).
        quiet = isinstance(err, NoStatements)
        return render(request, "public/recommendations.html", {
            "error": "" if quiet else str(err), "no_statements": quiet, "org": org, "bloc": bloc, "lens": lens,
            "top": top, "election": election}, status=200 if quiet else 400)
    return render(request, "public/recommendations.html", {
        "map": mark_safe(selectors.backed_map_svg(election_id=election, bloc=bloc, organisation=org)),  # escaped
        "org": org, "rows": rows, "bloc": bloc, "lens": lens, "top": top, "election": election,
        "notes": [n for n in notes if n != LEVERAGE_NOTE],  # defined once: the page links to /targets/#leverage
        "backed": sum(1 for r in rows if r.recommendation.action == "back"),
        "decided": sum(1 for r in rows if r.decision is not None),
        "rejected": sum(1 for r in rows if r.decision is not None and r.decision.outcome == "rejected"),
    })


def healthz(request: HttpRequest) -> JsonResponse:
    """For a load balancer or uptime check: 200 when the site can reach its database, 503 when it cannot. The
    error itself goes to the log, never to the response (it can name hosts, users and files)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("health check: the database cannot be reached")
        return JsonResponse({"ok": False, "database": "unreachable"}, status=503)
    return JsonResponse({"ok": True, "database": connection.vendor})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception.args[0]) if exception is not None and exception.args and isinstance(
        exception.args[0], str) else ""
    return render(request, "404.html", {"message": message, "path": request.path}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)



