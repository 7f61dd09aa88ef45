"""`/targets/`: the target table for any election and bloc, with a bar chart and a hex map. Read-only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

from swingfund.targeting.bloc import BlocError
from swingfund.targeting.charts import HEX_CREDIT, ChartError, hexjson_path, leverage_bars_svg
from swingfund.targeting.display import leverage_text, mp_text, probability_text, votes_text
from swingfund.targeting.forms import DEFAULT_BLOC, TargetsForm
from swingfund.targeting.hexmap import linked_hex_map_svg, map_hexes_load
from swingfund.targeting.selectors import TargetingError, elections_with_results
from swingfund.targeting.simulate import DEFAULT_DRAWS, DEFAULT_SEED
from swingfund.targeting.swing import SwingError
from swingfund.targeting.targets import TargetTable, targets_compute

BAR_SEATS = 20
PAGE_ROWS = 100
PREFERRED_ELECTION = "parl.2024-07-04"
NO_ELECTIONS = "No election results are imported yet: run `swingfund data import PATH…` (or `swingfund demo`)."


def targets_page(request: HttpRequest) -> HttpResponse:
    elections = [e.id for e in elections_with_results()]
    if not elections:
        return render(request, "targeting/targets.html", {"error": NO_ELECTIONS}, status=200)
    default_election = PREFERRED_ELECTION if PREFERRED_ELECTION in elections else elections[0]
    params = request.GET.copy()
    params.setdefault("election", default_election)
    params.setdefault("bloc", DEFAULT_BLOC)
    params.setdefault("draws", str(DEFAULT_DRAWS))
    params.setdefault("seed", str(DEFAULT_SEED))
    form = TargetsForm(params, elections=elections)
    context: dict[str, object] = {"form": form}
    if not form.is_valid():
        return render(request, "targeting/targets.html", context, status=400)
    d = form.cleaned_data
    try:
        table = targets_compute(election_id=d["election"], bloc=d["bloc"], assumptions=d["assumptions"],
                                draws=d["draws"] or DEFAULT_DRAWS, seed=d["seed"] if d["seed"] is not None
                                else DEFAULT_SEED, swing=d["swing"] or None, shares=d["shares"] or None)
    except (TargetingError, BlocError, SwingError) as exc:
        context["error"] = str(exc)
        return render(request, "targeting/targets.html", context, status=400)
    context.update(_table_context(table, region=d["region"] or "", all_rows=request.GET.get("rows") == "all"))
    return render(request, "targeting/targets.html", context)


def _seat_url(code: str) -> str:
    try:
        return reverse("public:seat", args=[code])
    except NoReverseMatch:
        return f"#seat-{code}"


def _table_context(table: TargetTable, *, region: str, all_rows: bool = False) -> dict[str, object]:
    """The figures of every seat; the table's default view is the first PAGE_ROWS seats by leverage (or one
    region's seats), the rest on demand (`rows=all`), so the page stays small on a phone."""
    rows = table.rows(sort="leverage")
    top = [r for r in rows if r.has_data][:BAR_SEATS]
    bars = leverage_bars_svg(
        labels=[r.name for r in top], values=[r.leverage for r in top],
        titles=[f"{r.name}: bloc vote {votes_text(r.bloc_vote)} against a majority of {votes_text(r.majority)}"
                for r in top])
    hexmap, hex_error = "", ""
    try:
        hexes = map_hexes_load(path=hexjson_path(boundary_set=table.seats.boundary_set))
        values = {r.code: r.leverage for r in rows}
        titles = {r.code: (f"{r.name}: leverage {leverage_text(r.leverage)}, bloc voters {votes_text(r.bloc_voters)}"
                           f", majority {votes_text(r.majority)}, P(decisive) {probability_text(r.p_swing)}")
                  for r in rows}
        hexmap = linked_hex_map_svg(hexes=hexes, values=values, titles=titles, link=_seat_url)
    except ChartError as exc:
        hex_error = str(exc)
    display = [{
        "row": r, "mp": mp_text(r.mp, r.party), "majority": votes_text(r.majority),
        "bloc_voters": votes_text(r.bloc_voters), "leverage": leverage_text(r.leverage),
        "own_leverage": leverage_text(r.own_leverage), "p_swing": probability_text(r.p_swing),
        "p_own": probability_text(r.p_own), "sort": {k: _sort_value(getattr(r, k)) for k in
                                                      ("majority", "bloc_voters", "leverage", "own_leverage",
                                                       "p_swing", "p_own")},
        "url": _seat_url(r.code),
    } for r in rows]
    total = len(display)
    if region:
        display = [d for d in display if d["row"].region == region]
    paged = not all_rows and not region and total > PAGE_ROWS
    if paged:
        display = display[:PAGE_ROWS]
    return {"table": table, "rows": display, "paged": paged, "total_rows": total,
            "regions": table.regions(), "region": region,
            "bar_chart": mark_safe(bars), "hex_map": mark_safe(hexmap), "hex_error": hex_error,
            "hex_credit": HEX_CREDIT, "notes": table.notes(), "bar_seats": len(top)}


def _sort_value(value: float) -> str:
    """Numbers for the client-side sort: no data sorts below everything, infinity above."""
    if value != value:  # NaN
        return "-1e300"
    if value == float("inf"):
        return "1e300"
    return repr(float(value))
