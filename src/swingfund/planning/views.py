"""The organisers' planning page: parse the form, call `plan_compute`, render. No rules here."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from swingfund.compliance.selectors import FigureNotInForce
from swingfund.organisations.models import Organisation
from swingfund.organisations.selectors import organisation_defaults
from swingfund.planning.access import plan_refusal, plannable_organisations
from swingfund.planning.caps import CHANNELS
from swingfund.planning.charts import comparison_svg
from swingfund.planning.effect import DEFAULT_COST_TEXT, EffectError, effect_parse
from swingfund.planning.plan import plan_compute
from swingfund.scorecards.recommend_cli import BLOC_NONE, BLOC_SUPPORTERS, bloc_resolve
from swingfund.targeting.bloc import BlocError
from swingfund.targeting.selectors import TargetingError

DEFAULTS = {"election": "", "bloc": "", "budget": "20000", "grant": "",
            "channel": "donation", "cost_per_vote": DEFAULT_COST_TEXT, "organisation": ""}
"""The form's defaults; an empty election or bloc is the organisation's own (`organisation_defaults`)."""
AMOUNT_BAD = "{name} must be an amount in pounds (got {value!r})."


def _pence(value: str, name: str) -> int:
    try:
        return int(Decimal(value.replace("£", "").replace(",", "")) * 100)
    except InvalidOperation:
        raise ValueError(AMOUNT_BAD.format(name=name, value=value)) from None


def _organisation(request: HttpRequest, slug: str) -> Organisation | None:
    """The organisation named in the query, else the first one the signed-in person may plan for."""
    if slug:
        org = Organisation.objects.filter(slug=slug).first()
        if org is None:
            raise Http404(f"No organisation {slug!r}.")
        return org
    if not request.user.is_authenticated:
        return None
    mine = plannable_organisations(user=request.user)
    return mine[0] if mine else None


def plan_page(request: HttpRequest) -> HttpResponse:
    form = {k: request.GET.get(k, v).strip() for k, v in DEFAULTS.items()}
    what_if = request.GET.get("what_if") == "1"
    org = _organisation(request, form["organisation"])
    refused = plan_refusal(request, organisation=org)
    if refused is not None:
        return refused
    form["organisation"] = org.slug
    defaults = organisation_defaults(organisation=org)
    form["election"] = form["election"] or defaults.election_id
    if not form["bloc"]:
        form["bloc"] = defaults.bloc if defaults.has_census_bloc else (
            BLOC_SUPPORTERS if defaults.counts_supporters else BLOC_NONE)
    context: dict[str, object] = {"form": form, "channels": CHANNELS, "what_if": what_if,
                                  "organisations": [o.slug for o in plannable_organisations(user=request.user)]}
    if "budget" in request.GET:
        try:
            bloc, supporters, _ = bloc_resolve(text=form["bloc"], organisation=org, defaults=defaults)
            plan = plan_compute(
                election_id=form["election"], bloc=bloc, supporters=supporters,
                budget_pence=_pence(form["budget"], "Budget"), lens=defaults.lens,
                organisation=org.slug,
                grant_pence=_pence(form["grant"], "Grant") if form["grant"] else None, channel=form["channel"],
                effect=effect_parse(text=form["cost_per_vote"]), what_if=what_if, store=True)
        except (ValueError, EffectError, BlocError, TargetingError, FigureNotInForce) as exc:
            context["error"] = str(exc)
        else:
            data = plan.as_dict()
            e = data["expected_aligned_elected"]
            rows = [("What-if plan" if plan.what_if else "Optimal plan", e["expected"], *e["interval"])]
            rows += [(name.replace("_", " "), b["expected"], *b["interval"]) for name, b in data["baselines"].items()]
            context.update(plan=data, chart=mark_safe(comparison_svg(rows=rows)))  # noqa: S308 (escaped in charts)
    return render(request, "planning/plan.html", context)
