"""CSV and JSON downloads beside each public table: targets, recommendations (with the committee's decisions),
decisions and scorecards. Ids appear here (GSS codes, election ids) so the data can be joined; each file names
its source. Read-only."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable

from django.http import Http404, HttpRequest, HttpResponse

from swingfund import caching, csvsafe
from swingfund.committee.models import Decision
from swingfund.elections.models import Person
from swingfund.public import selectors
from swingfund.public.views import RECOMMENDATIONS_TOP
from swingfund.scorecards.models import Evidence
from swingfund.scorecards.selectors import current_versions, stances_by_person
from swingfund.targeting.display import LEVERAGE_NOTE, OWN_LEVERAGE_FIELD

FORMATS = ("csv", "json")
SOURCE_TARGETS = "swingfund targeting over the official results and census files (see `sources`)"
SOURCE_DECISIONS = "this group's committee decision records (append-only)"
SOURCE_SCORECARDS = "this group's published statements and sourced evidence (public items only)"


def _clean(value: object) -> object:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def _respond(*, fmt: str, name: str, columns: list[str], rows: Iterable[dict], meta: dict) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404(f"Downloads come as {' or '.join(FORMATS)}, not {fmt!r}.")
    rows = [{k: _clean(r.get(k)) for k in columns} for r in rows]
    if fmt == "json":
        response = HttpResponse(json.dumps({**meta, "rows": rows}, indent=1, default=str),
                                content_type="application/json")
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csvsafe.dict_writer(response, columns)
        writer.writeheader()
        writer.writerows(rows)
    response["Content-Disposition"] = f'attachment; filename="swingfund-{name}.{fmt}"'
    return response


def targets(request: HttpRequest, fmt: str) -> HttpResponse:
    election = request.GET.get("election") or selectors.group_election(request)
    bloc = request.GET.get("bloc") or selectors.group_bloc(request)
    try:
        table = selectors.targets_cached(election_id=election, bloc=bloc, request=request if request.GET else None)
    except ValueError as err:
        return HttpResponse(str(err), status=400, content_type="text/plain; charset=utf-8")
    except caching.Refused as refused:  # a bloc of the visitor's choosing is a new calculation
        response = HttpResponse(str(refused), status=refused.status, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(refused.retry_after)
        return response
    meta = table.as_dict([])
    meta.pop("seats")
    rows = [r.as_dict() for r in table.rows(sort="leverage")]
    columns = ["code", "name", "region", "nation", "mp", "party", "majority", "population", "bloc_voters",
               "bloc_vote", "leverage", "own_leverage", "seed_flag", "p_swing", "p_own", "has_data"]
    return _respond(fmt=fmt, name=f"targets-{election}", columns=columns, rows=rows,
                    meta={**meta, "source": SOURCE_TARGETS,
                          "fields": {"leverage": LEVERAGE_NOTE, "own_leverage": OWN_LEVERAGE_FIELD}})


def recommendations(request: HttpRequest, fmt: str) -> HttpResponse:
    org = request.organisation
    if org is None:
        raise Http404("No organisation yet.")
    bloc = request.GET.get("bloc") or selectors.group_bloc(request)
    lens = request.GET.get("lens") if request.GET.get("lens") in ("swing", "own") else selectors.group_lens(request)
    try:
        top = min(max(int(request.GET.get("top", RECOMMENDATIONS_TOP)), 1), 650)
    except ValueError:
        top = RECOMMENDATIONS_TOP
    found, notes = selectors.whom_we_back(organisation=org, election_id=selectors.group_election(request), bloc=bloc,
                                          lens=lens, top=top)
    rows = []
    for row in found:
        r, d = row.recommendation, row.decision
        rows.append({"rank": row.rank, "gss_code": r.gss_code, "seat": r.seat_name, "election": r.election_id,
                     "recommendation": r.action, "backed": r.backed_label, "reason": r.reason,
                     "p_decisive": r.p_decisive, "leverage": r.leverage, "majority": r.majority,
                     "decision": d.outcome if d else "", "decision_kind": d.proposal.kind if d else "",
                     "decision_amount_pence": d.proposal.amount_pence if d else None,
                     "decision_id": d.pk if d else None})
    return _respond(fmt=fmt, name="recommendations", columns=list(rows[0]) if rows else ["rank"], rows=rows,
                    meta={"organisation": org.slug, "bloc": bloc, "lens": lens, "top": top, "notes": notes})


def decisions(request: HttpRequest, fmt: str) -> HttpResponse:
    qs = (Decision.objects.select_related("proposal", "proposal__constituency", "proposal__candidacy",
                                          "proposal__candidacy__party", "proposal__organisation")
          .order_by("decided_at", "id"))
    rows = [{"id": d.pk, "organisation": d.proposal.organisation.slug, "decided_at": d.decided_at.isoformat(),
             "election": d.proposal.election_id, "gss_code": d.proposal.constituency.gss_code,
             "seat": d.proposal.constituency.name, "kind": d.proposal.kind, "outcome": d.outcome,
             "candidate": d.proposal.candidacy.person_name if d.proposal.candidacy_id else "",
             "party": str(d.proposal.candidacy.party or "") if d.proposal.candidacy_id else "",
             "amount_pence": d.proposal.amount_pence, "reason": d.proposal.reason,
             "votes_for": d.tally.get("votes_for"), "votes_against": d.tally.get("votes_against"),
             "abstentions": d.tally.get("abstentions"), "eligible": d.tally.get("eligible")} for d in qs]
    columns = ["id", "organisation", "decided_at", "election", "gss_code", "seat", "kind", "outcome", "candidate",
               "party", "amount_pence", "reason", "votes_for", "votes_against", "abstentions", "eligible"]
    return _respond(fmt=fmt, name="decisions", columns=columns, rows=rows, meta={"source": SOURCE_DECISIONS})


def scorecards(request: HttpRequest, fmt: str) -> HttpResponse:
    org = request.organisation
    if org is None:
        raise Http404("No organisation yet.")
    versions = current_versions(organisation=org)
    people_ids = (Evidence.objects.filter(statement_version__in=versions, public=True)
                  .values_list("person_id", flat=True).distinct())
    people = list(Person.objects.filter(pk__in=people_ids).order_by("name"))
    versions, stances = stances_by_person(organisation=org, persons=[p.pk for p in people])
    rows = [{"person_id": p.pk, "name": p.name, "statement": v.statement.slug, "version": v.number,
             "title": v.title, "stance": stance} for p in people for v, stance in zip(versions, stances[p.pk],
                                                                                       strict=True)]
    columns = ["person_id", "name", "statement", "version", "title", "stance"]
    return _respond(fmt=fmt, name="scorecards", columns=columns, rows=rows,
                    meta={"organisation": org.slug, "source": SOURCE_SCORECARDS})
