"""The organisers' planning page: parse the form, call `plan_compute`, render. No rules here."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from swingfund.compliance.selectors import FigureNotInForce
from swingfund.planning.access import can_plan
from swingfund.planning.caps import CHANNELS
from swingfund.planning.charts import comparison_svg
from swingfund.planning.effect import EffectError, effect_parse
from swingfund.planning.plan import plan_compute
from swingfund.targeting.bloc import BlocError
from swingfund.targeting.selectors import TargetingError

DEFAULTS = {"election": "parl.2024-07-04", "bloc": "religion:muslim", "budget": "20000", "grant": "",
            "channel": "donation", "cost_per_vote": "40:20:80", "organisation": ""}
AMOUNT_BAD = "{name} must be an amount in pounds (got {value!r})."


def _pence(value: str, name: str) -> int:
    try:
        return int(Decimal(value.replace("£", "").replace(",", "")) * 100)
    except InvalidOperation:
        raise ValueError(AMOUNT_BAD.format(name=name, value=value)) from None


def plan_page(request: HttpRequest) -> HttpResponse:
    if not can_plan(request.user):
        return redirect_to_login(request.get_full_path())
    form = {k: request.GET.get(k, v).strip() for k, v in DEFAULTS.items()}
    context: dict[str, object] = {"form": form, "channels": CHANNELS}
    if "budget" in request.GET:
        try:
            plan = plan_compute(
                election_id=form["election"], bloc=form["bloc"], budget_pence=_pence(form["budget"], "Budget"),
                organisation=form["organisation"] or None,
                grant_pence=_pence(form["grant"], "Grant") if form["grant"] else None, channel=form["channel"],
                effect=effect_parse(text=form["cost_per_vote"]))
        except (ValueError, EffectError, BlocError, TargetingError, FigureNotInForce) as exc:
            context["error"] = str(exc)
        else:
            data = plan.as_dict()
            e = data["expected_aligned_elected"]
            rows = [("Optimal plan", e["expected"], *e["interval"])]
            rows += [(name.replace("_", " "), b["expected"], *b["interval"]) for name, b in data["baselines"].items()]
            context.update(plan=data, chart=mark_safe(comparison_svg(rows=rows)))  # noqa: S308 (escaped in charts)
    return render(request, "planning/plan.html", context)
