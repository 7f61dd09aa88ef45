"""The public track record: every election in which the group acted, checkable seat by seat. Thin view."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from swingfund.evaluation.charts import majority_vs_effect_svg
from swingfund.evaluation.selectors import track_record
from swingfund.organisations.models import Organisation
from swingfund.organisations.selectors import organisation_current, organisation_defaults
from swingfund.targeting.bloc import BlocError
from swingfund.targeting.selectors import TargetingError


def track_record_page(request: HttpRequest) -> HttpResponse:
    current = organisation_current(host=request.get_host())
    slug = request.GET.get("organisation") or (current.slug if current else "")
    org = Organisation.objects.filter(slug=slug).first()
    bloc = organisation_defaults(organisation=org).bloc if org else ""
    context: dict[str, object] = {"organisation": slug, "with_effect": bool(bloc),
                                  "organisations": Organisation.objects.order_by("slug").values_list("slug",
                                                                                                     flat=True)}
    try:
        evaluations = [e.as_dict() for e in track_record(organisation=slug, bloc=bloc or None)] if slug else []
    except (ValueError, BlocError, TargetingError) as exc:
        context["error"] = str(exc)
        evaluations = []
    for e in evaluations:
        if bloc:
            e["chart"] = mark_safe(majority_vs_effect_svg(seats=e["seats"]))  # noqa: S308 (escaped in charts)
    context["evaluations"] = evaluations
    return render(request, "evaluation/track_record.html", context)
