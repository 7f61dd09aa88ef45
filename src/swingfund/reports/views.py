"""Compliance pages: parse the request, call selectors/computations, render. No rules here."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from swingfund.accounts.access import administrator_required
from swingfund.compliance.checks import WARN_AT_PERCENT
from swingfund.compliance.selectors import FigureNotInForce, figure_keys_missing, figures_in_force
from swingfund.compliance.selectors_bydate import election_dates_for
from swingfund.elections.models import Election
from swingfund.organisations.models import Organisation
from swingfund.organisations.selectors import group_defaults, organisations_visible
from swingfund.reports.charts import gauges_svg
from swingfund.reports.position import organisation_position
from swingfund.reports.returns_data import REPORTS
from swingfund.reports.worked import example_election, worked_example

REPORT_KINDS = tuple(REPORTS)


def _default_election(request: HttpRequest) -> str:
    """The group's default election (its organisation's), else the latest imported."""
    return group_defaults(host=request.get_host()).election_id


def _election_choices(default: str) -> list[str]:
    ids = list(Election.objects.filter(id__startswith="parl.", notional=False).values_list("id", flat=True))
    return sorted({*ids, *([default] if default else [])}, reverse=True)


def compliance_index(request: HttpRequest) -> HttpResponse:
    """Figures in force for an election (with citations and [verify] flags), its dates, and the organisation's
    position against each threshold as SVG gauges."""
    default = _default_election(request)
    election_id = request.GET.get("election") or default
    # The site's own group, unless another is asked for by name; a group with a host of its own is shown on that
    # host only (a site serving several groups never shows one group's position on another's pages).
    own = request.organisation
    if own is None and Organisation.objects.exists():  # every group has a host of its own, and not this one
        raise Http404("No group is served at this address.")
    visible = organisations_visible(own=own)
    chosen = request.GET.get("organisation") or ""
    organisation = (visible.filter(slug=chosen).first() if chosen else None) or own
    context: dict = {"election_id": election_id, "elections": _election_choices(default), "warn_at": WARN_AT_PERCENT,
                     "organisations": visible}
    try:
        dates, counted = election_dates_for(election_id=election_id)
        context["counted"] = counted
        position = organisation_position(election_id=election_id, organisation=organisation)
    except (ValueError, FigureNotInForce) as exc:
        context["error"] = str(exc)
        return render(request, "reports/index.html", context, status=400)
    context.update(
        dates=dates,
        figures=figures_in_force(on=dates.poll_date),
        missing=figure_keys_missing(on=dates.poll_date),
        position=position,
        regimes=[(regime, mark_safe(gauges_svg(regime.gauges, title=regime.title)) if regime.gauges else "")
                 for regime in position.regimes],
        worked=_worked(request, election_id),
    )
    return render(request, "reports/index.html", context)


def _worked(request: HttpRequest, election_id: str):
    """The worked example for the election (built by the real services and rolled back; `reports.worked`), once
    per version of the imported data and the legal figures."""
    from django.utils import timezone

    from swingfund import caching

    election_id = example_election(election_id=election_id, today=timezone.now().date())
    try:
        return caching.result(name="compliance.worked_example", params={"election": election_id},
                              version=caching.data_version("imports", "law"),
                              compute=lambda: worked_example(election_id=election_id), request=request)
    except caching.Refused as refused:
        return {"unavailable": str(refused)}


@administrator_required
def report_csv(request: HttpRequest, kind: str) -> HttpResponse:
    """The donations or spending return as CSV. It carries donors' names and addresses and covers every organisation
    of the instance, so it is the site administrator's (with their second factor)."""
    if kind not in REPORT_KINDS:
        raise Http404(kind)
    election_id = request.GET.get("election") or _default_election(request)
    build = REPORTS[kind]
    try:
        report = build(election_id=election_id, progress=False)
    except (ValueError, FigureNotInForce) as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(report.csv_text(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-{election_id}.csv"'
    return response
