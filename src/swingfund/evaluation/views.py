"""The public track record: every election in which the group acted, checkable seat by seat. Thin view."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from swingfund.evaluation.charts import majority_vs_effect_svg
from swingfund.evaluation.selectors import DEFAULT_BLOC, track_record
from swingfund.organisations.models import Organisation
from swingfund.targeting.bloc import BlocError
from swingfund.targeting.selectors import TargetingError


def track_record_page(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("organisation") or (Organisation.objects.order_by("pk").values_list("slug", flat=True)
                                               .first() or "")
    context: dict[str, object] = {"organisation": slug,
                                  "organisations": Organisation.objects.order_by("slug").values_list("slug",
                                                                                                     flat=True)}
    try:
        evaluations = [e.as_dict() for e in track_record(organisation=slug, bloc=DEFAULT_BLOC)] if slug else []
    except (ValueError, BlocError, TargetingError) as exc:
        context["error"] = str(exc)
        evaluations = []
    for e in evaluations:
        e["chart"] = mark_safe(majority_vs_effect_svg(seats=e["seats"]))  # noqa: S308 (escaped in charts)
    context["evaluations"] = evaluations
    return render(request, "evaluation/track_record.html", context)
