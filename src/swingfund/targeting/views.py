"""`/targets/`: the target table for any election and bloc, with a bar chart and a hex map. Read-only."""

from __future__ import annotations

import math
import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

from swingfund import caching
from swingfund.display import election_words, money
from swingfund.elections.errors import NO_ELECTIONS
from swingfund.organisations.selectors import group_defaults
from swingfund.targeting.bloc import BlocError
from swingfund.targeting.charts import HEX_CREDIT, ChartError, hexjson_path, leverage_bars_svg
from swingfund.targeting.display import (
    LEVERAGE_DEFINITION,
    LEVERAGE_NOTE,
    LEVERAGE_TERM,
    leverage_text,
    mp_text,
    probability_text,
    votes_text,
)
from swingfund.targeting.forms import TargetsForm
from swingfund.targeting.hexmap import linked_hex_map_html, map_hexes_load
from swingfund.targeting.selectors import TargetingError, elections_with_results
from swingfund.targeting.simulate import DEFAULT_DRAWS, DEFAULT_SEED
from swingfund.targeting.swing import SwingError
from swingfund.targeting.targets import TargetRow, TargetTable, targets_compute

BAR_SEATS = 20
PAGE_ROWS = 50  # the first 50 seats by leverage; "show all" for the rest (fewer elements: Lighthouse, phones)
MARGINAL_ROWS = 100
# Anonymous runs are bounded: the default number of draws at most (signed-in people may ask for up to the form's cap).
ANONYMOUS_MAX_DRAWS = DEFAULT_DRAWS
ANONYMOUS_DRAWS = "Without signing in, a run takes at most {limit:,} draws."
# The data a target table is computed from (`caching.data_version`): a new or repeated import changes it.
DATA_SCOPES = ("imports",)
# The page's glossary: leverage defined once, in the words of `display.LEVERAGE_DEFINITION`.
GLOSSARY = {"leverage_term": LEVERAGE_TERM, "leverage_definition": LEVERAGE_DEFINITION}


def targets_page(request: HttpRequest) -> HttpResponse:
    """The page. The table is a heavy result (`caching.result`: single flight, compute slots, the anonymous rate
    limit); anonymous visitors get the whole page from `caching.AnonymousPageMiddleware` when it was rendered before
    for the same query and data."""
    elections = [e.id for e in elections_with_results()]
    if not elections:
        return render(request, "targeting/targets.html", {"error": NO_ELECTIONS, **GLOSSARY}, status=200)
    group = group_defaults(host=request.get_host())
    default_election = group.election_id if group.election_id in elections else elections[0]
    if "bloc" not in request.GET and not group.has_census_bloc:
        return _marginality_page(request, election=request.GET.get("election") or default_election,
                                 elections=elections)
    params = request.GET.copy()
    params.setdefault("election", default_election)
    params.setdefault("bloc", group.bloc)
    params.setdefault("draws", str(DEFAULT_DRAWS))
    params.setdefault("seed", str(DEFAULT_SEED))
    form = TargetsForm(params, elections=elections)
    context: dict[str, object] = {"form": form, **GLOSSARY}
    if not form.is_valid():
        return render(request, "targeting/targets.html", context, status=400)
    d = form.cleaned_data
    draws = d["draws"] or DEFAULT_DRAWS
    if draws > ANONYMOUS_MAX_DRAWS and not request.user.is_authenticated:
        form.add_error("draws", ANONYMOUS_DRAWS.format(limit=ANONYMOUS_MAX_DRAWS))
        return render(request, "targeting/targets.html", context, status=400)
    params = {"election": d["election"], "bloc": d["bloc"], "assumptions": repr(d["assumptions"]), "draws": draws,
              "seed": d["seed"] if d["seed"] is not None else DEFAULT_SEED, "swing": d["swing"] or None,
              "shares": d["shares"] or None, "region": d["region"] or "",
              "all_rows": request.GET.get("rows") == "all", "all_rows_href": _all_rows_href(request)}

    def compute() -> str:
        table = targets_compute(election_id=d["election"], bloc=d["bloc"], assumptions=d["assumptions"],
                                draws=draws, seed=params["seed"], swing=params["swing"], shares=params["shares"])
        context = _table_context(table, region=params["region"], all_rows=params["all_rows"])
        return render_to_string("targeting/_results.html", {**context, "all_rows_href": params["all_rows_href"]})

    try:
        results = caching.result(request=_asker(request), name="targets", params=params, compute=compute,
                                 version=caching.data_version(*DATA_SCOPES))
    except (TargetingError, BlocError, SwingError) as exc:
        context["error"] = str(exc)
        return render(request, "targeting/targets.html", context, status=400)
    except caching.Refused as refused:
        context["error"] = str(refused)
        response = render(request, "targeting/targets.html", context, status=refused.status)
        response["Retry-After"] = str(refused.retry_after)
        return response
    context["results"] = mark_safe(results)  # rendered by Django's templates (autoescaped) in compute()
    return render(request, "targeting/targets.html", context)


def _asker(request: HttpRequest) -> HttpRequest | None:
    """Who the heavy result is computed for (`caching.result`): the visitor, whose custom runs are limited, or
    nobody for the page's default view (no query), which every visitor shares: it waits for a compute slot and
    counts against no one's rate limit. So are the no-bloc group's table (one per imported election) and the
    method page (no parameters at all)."""
    return request if request.GET else None


def _marginality_page(request: HttpRequest, *, election: str, elections: list[str]) -> HttpResponse:
    """The page of a group without a census bloc: every seat by its chance of changing hands, then majority."""
    if election not in elections:
        return render(request, "targeting/marginality.html", {"election": election, "error": NO_ELECTIONS},
                      status=400)

    def compute() -> str:
        table = targets_compute(election_id=election, bloc=None)
        rows = [{"code": r.code, "name": r.name, "url": _seat_url(r.code), "mp": mp_text(r.mp, r.party),
                 "majority": votes_text(r.majority), "p_change": probability_text(r.p_swing)}
                for r in table.rows(sort="p_swing", top=MARGINAL_ROWS)]
        return render_to_string("targeting/_marginality_results.html", {"rows": rows, "notes": table.notes()})

    try:
        results = caching.result(request=None, name="targets:marginality", params={"election": election},
                                 compute=compute, version=caching.data_version(*DATA_SCOPES))
    except TargetingError as exc:
        return render(request, "targeting/marginality.html", {"election": election, "error": str(exc)},
                      status=400)
    except caching.Refused as refused:
        response = render(request, "targeting/marginality.html", {"election": election, "error": str(refused)},
                          status=refused.status)
        response["Retry-After"] = str(refused.retry_after)
        return response
    return render(request, "targeting/marginality.html",
                  {"election": election, "results": mark_safe(results)})  # autoescaped in compute()


def _all_rows_href(request: HttpRequest) -> str:
    """This page's query with `rows=all` (the link to the whole table when the default view is paged)."""
    query = request.GET.copy()
    query["rows"] = "all"
    return "?" + query.urlencode()


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
    bar_args = {"labels": [r.name for r in top], "values": [r.leverage for r in top],
                "titles": [f"{r.name}: bloc vote {votes_text(r.bloc_vote)} against a majority of "
                           f"{votes_text(r.majority)}" for r in top]}
    bars = leverage_bars_svg(**bar_args) + leverage_bars_svg(**bar_args, narrow=True)  # the stylesheet shows one
    hexmap, hex_error = "", ""
    try:
        hexes = map_hexes_load(path=hexjson_path(boundary_set=table.seats.boundary_set))
        values = {r.code: r.cohesive_leverage for r in rows}  # moves with every assumption, cohesion included
        titles = {r.code: (f"{r.name}: leverage {leverage_text(r.leverage)}, bloc voters {votes_text(r.bloc_voters)}"
                           f", majority {votes_text(r.majority)}, P(pivotal) {probability_text(r.p_swing)}")
                  for r in rows}
        hexmap = linked_hex_map_html(hexes=hexes, values=values, titles=titles, link=_seat_url,
                                     legend_title="Cohesive leverage", legend_href="#leverage")
    except ChartError as exc:
        hex_error = str(exc)
    display = [{
        "row": r, "mp": mp_text(r.mp, r.party), "majority": votes_text(r.majority),
        "interval": "" if not r.has_data else
        f"{votes_text(r.majority_interval[0])} to {votes_text(r.majority_interval[1])}",
        "se_swing": _se_text(r.p_swing_se), "se_own": _se_text(r.p_own_se),
        "bloc_voters": votes_text(r.bloc_voters), "leverage": leverage_text(r.leverage),
        "own_leverage": leverage_text(r.own_leverage), "p_swing": probability_text(r.p_swing),
        "p_own": probability_text(r.p_own), "sort": {k: _sort_value(getattr(r, k)) for k in
                                                      ("majority", "bloc_voters", "leverage", "own_leverage",
                                                       "p_swing", "p_own", "value_per_1000")},
        "value": _value_text(r),
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
            "hex_credit": HEX_CREDIT, "bar_seats": len(top),
            "notes": [line for line in table.notes() if line != LEVERAGE_NOTE]}  # defined once: the glossary


def _value_text(r: TargetRow) -> str:
    """ΔP per £1,000 with its range, and pounds per 0.01 expected seat (value.py)."""
    if not math.isfinite(r.value_per_1000):
        return "—"
    low, high = r.value_interval
    per = r.pounds_per_hundredth_seat
    cost = f"; {money(int(round(per)) * 100, short=True)} per 0.01 seat" if math.isfinite(per) else ""
    return f"{r.value_per_1000:.4f} ({low:.4f}–{high:.4f}){cost}"


def _se_text(se: float) -> str:
    return "" if se != se else f" ± {se * 100:.2f} pt"


def _sort_value(value: float) -> str:
    """Numbers for the client-side sort: no data sorts below everything, infinity above."""
    if value != value:  # NaN
        return "-1e300"
    if value == float("inf"):
        return "1e300"
    return repr(float(value))


def _backtests() -> tuple[tuple[str, str], ...]:
    """The method page's backtests: on each boundary set in the data, the latest pair of consecutive elections (a
    forecast of the later from the earlier), by the later one's polling day."""
    by_set: dict[str, list] = {}
    for e in sorted(elections_with_results(), key=lambda e: (e.poll_date, e.id)):
        by_set.setdefault(e.boundary_set, []).append(e)
    pairs = [(elections[-2], elections[-1]) for elections in by_set.values()
             if len(elections) > 1 and elections[-1].poll_date > elections[-2].poll_date]
    return tuple((a.id, b.id) for a, b in sorted(pairs, key=lambda pair: pair[1].poll_date))


def method_page(request: HttpRequest) -> HttpResponse:
    """`/targets/method/`: the model in plain words, its backtests and the calibration chart. The backtests (two
    full forecasts of past elections) depend only on the imported data: their part of the page is computed once per
    import and then served from the result cache (`caching.result`), and anonymous visitors get the whole page from
    `caching.AnonymousPageMiddleware`."""
    group = group_defaults(host=request.get_host())
    census_group = group.has_census_bloc
    bloc = group.bloc if census_group else ""
    try:
        results = caching.result(request=None, name="method",
                                 params={"backtests": _backtests(), "census_group": census_group, "bloc": bloc},
                                 version=caching.data_version(*DATA_SCOPES),
                                 compute=lambda: _method_results(census_group=census_group, bloc=bloc))
    except caching.Refused as refused:
        response = render(request, "targeting/method.html", {"error": str(refused)}, status=refused.status)
        response["Retry-After"] = str(refused.retry_after)
        return response
    return render(request, "targeting/method.html", {"results": mark_safe(results)})  # autoescaped in compute


def _method_results(*, census_group: bool = True, bloc: str = "") -> str:
    """The data-dependent part of the method page, rendered (see `method_page`)."""
    from swingfund.targeting.backtest import COMPETITIVE_BELOW, backtest_run
    from swingfund.targeting.calibration import calibration_svg
    from swingfund.targeting.forecast import (
        DEFAULT_METHOD,
        DEFAULT_TAILS,
        NATIONAL_SD,
        REGION_AND_TYPE,
        SHARED_WORDS,
        seat_error_or_default,
    )
    from swingfund.targeting.polling_error import FINAL_POLL_SOURCES, party_error_sd
    from swingfund.targeting.polls import method_context as poll_method_context

    seat_error = seat_error_or_default()
    results, error = [], ""
    for baseline, target in _backtests():
        try:
            results.append(backtest_run(baseline_id=baseline, target_id=target))
        except (TargetingError, ValueError) as exc:
            error = str(exc)
    rows = [{"name": _backtest_name(b.baseline, b.target), "n_seats": len(b.seats), "brier": b.brier,
             "brier_same_winner": b.brier_same_winner, "brier_uniform_swing": b.brier_uniform_swing,
             "log_loss": b.log_loss, "wrong_calls": b.wrong_calls, "brier_competitive": b.brier_competitive,
             "gap": b.calibration_gap_competitive, "n_competitive": b.n_competitive,
             "region_coverage": f"{b.region_coverage:.0%}",
             "settings": f"{b.method}, {b.tails} tails, errors shared by {b.seat_error.shared_words}"
                         + (f" ({_election_years(b.settings.chosen_by)})" if b.settings else ""),
             "pairs": [{**p, "pair": _pair_words(str(p["pair"])), "shared_words": SHARED_WORDS[p["best"]["shared"]]}
                       for p in (b.settings.pairs if b.settings else [])],
             **{f"c{round(k * 100)}": f"{v:.0%}" for k, v in b.coverage.items()}}
            for b in results]
    c80 = {b.target: f"{b.coverage[0.8]:.0%}" for b in results}
    polls = poll_method_context()
    polls["misses"] = [{**m, "election": _election_years(m["election"])} for m in polls.get("misses", [])]
    context = {
        "seat_error": seat_error, "seat_error_source": _election_years(seat_error.source),
        "intercept_points": f"{seat_error.intercept * 100:.1f}",
        "region_share": f"{seat_error.region_share:.0%}", "type_share": f"{seat_error.type_share:.0%}",
        "with_type": seat_error.shared == REGION_AND_TYPE,
        "method": DEFAULT_METHOD, "tails": DEFAULT_TAILS,
        "national_sd_points": f"{NATIONAL_SD * 100:g}", "backtests": rows,
        "poll_error": {"con": f"{party_error_sd('Con') * 100:.1f}", "lab": f"{party_error_sd('Lab') * 100:.1f}",
                       "sources": sorted(set(FINAL_POLL_SOURCES.values()))},
        "backtest_error": error or "Import the 2015 (BES), 2017, 2019 and 2024 results to run the backtests.",
        "competitive_below": f"{COMPETITIVE_BELOW:g}",
        "chart": mark_safe(calibration_svg(series=[(_backtest_name(b.baseline, b.target), b.reliability_competitive)
                                                   for b in results])),
        "census_group": census_group, "ordinary_c80": next(iter(c80.values()), "—") if len(c80) > 1 else "—",
        "volatile_c80": list(c80.values())[-1] if c80 else "—", "polls": polls,
        "own_check": _own_check(bloc) if census_group and bloc else None,
    }
    return render_to_string("targeting/_method_results.html", context)


def _backtest_name(baseline: str, target: str) -> str:
    """A backtest in words: "UK general election 2019, forecast from 2017" (notional results named as such)."""
    elections = {e.id: e for e in elections_with_results()}
    before, after = elections.get(baseline), elections.get(target)
    if before is None or after is None:
        return f"{target}, forecast from {baseline}"
    return (f"{after.name}, forecast from {before.poll_date.year}"
            + (" (notional results on the new boundaries)" if before.notional else ""))


_ELECTION_ID_IN_TEXT = re.compile(r"\bparl\.(\d{4})-\d{2}-\d{2}(\.notional)?\b")


def _election_years(text: str) -> str:
    """The method page's readers see years, not ids: "parl.2015-05-07 → parl.2019-12-12.notional" becomes "2015 →
    2019 (notional)" (the ids stay in `swingfund backtest`'s JSON and the CLI)."""
    return _ELECTION_ID_IN_TEXT.sub(lambda m: m[1] + (" (notional)" if m[2] else ""), str(text))


def _pair_words(pair: str) -> str:
    """A pair of elections the settings were chosen on ("parl.2015-05-07→parl.2017-06-08") in words: "2017 from
    2015"."""
    before, _, after = pair.partition("→")
    return f"{_election_years(after)} from {_election_years(before)}"


OWN_CHECK_WITHIN = 0.10
"""The own lens's in-sample check lists the seats where the bloc's own candidate came within 10 % of the winner."""


def _own_check(bloc_text: str) -> dict[str, object] | None:
    """In-sample: P(own) forward from the latest election, in the seats where an own candidate came close there."""
    from swingfund.targeting.bloc import bloc_parse
    from swingfund.targeting.targets import targets_compute

    latest = max(elections_with_results(), key=lambda e: e.poll_date, default=None)
    if latest is None:
        return None
    try:
        table = targets_compute(election_id=latest.id, bloc=bloc_parse(text=bloc_text), draws=20_000)
    except (TargetingError, ValueError):
        return None
    evidence = table.own_evidence or {}
    code_index = {c: i for i, c in enumerate(table.seats.codes)}
    rows = []
    for c in evidence.get("candidacies", []):
        i = code_index[c["code"]]
        winner = float(table.seats.winner_votes[i])
        if c["won"] or c["votes"] >= (1 - OWN_CHECK_WITHIN) * winner:
            rows.append({"seat": c["seat"], "candidate": c["candidate"], "won": c["won"],
                         "behind": 0 if c["won"] else round(winner - c["votes"]), "p_own": f"{table.p_own[i]:.2f}"})
    return {"election": election_words(latest.id), "rows": rows, "note": evidence.get("note", "")}
