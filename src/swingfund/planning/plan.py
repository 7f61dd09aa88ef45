"""One plan: the fund, the backed seats and the law's caps in; the optimal allocation, its baselines, the gain over
each baseline with its interval, and the forecast it rests on (stored when the plan is made) out. The entry point of
the CLI (`swingfund plan`), the organisers' page and the API.

A plan for an election reads the forecast from the election before (`sources.forecast_base`), never its own result;
it funds only the seats whose grant the committee approved unless a what-if is asked for, and a what-if is labelled
as one in every output (the JSON's `what_if`, each seat's `status`, the title of the table and page, the notes)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from swingfund.display import money
from swingfund.elections.models import Election
from swingfund.organisations.models import Organisation
from swingfund.organisations.selectors import organisation_get
from swingfund.planning import caps as legal
from swingfund.planning.effect import EffectCurve
from swingfund.planning.optimise import (
    INTERVAL,
    NATIONAL_SHARE,
    Problem,
    SharedLimit,
    expected_interval,
    fill_in_order,
    gain_interval,
    solve,
    with_budget,
)
from swingfund.planning.sources import FORECAST_SD_SHARE, SeatPlanInput, plan_seats
from swingfund.targeting.bloc import Assumptions
from swingfund.targeting.forecasts import stored_forecast_record
from swingfund.targeting.value import PER_PENCE, REFERENCE_PENCE, delta_p

NEXT = 100_000
"""The marginal value is reported for the next £1,000 (in pence)."""
DEFAULT_STEP = 50_000
"""With `--variable`, amounts are multiples of £500."""
BUDGET_NEGATIVE = "The budget must be a positive amount of money (got {value})."
GRANT_NEGATIVE = "The grant must be a positive amount of money (got {value})."
WHAT_IF_LABEL = ("WHAT-IF, not the committee's plan: it includes seats the committee rejected or has not decided "
                 "({seats}). Nothing here may be paid until the committee approves it.")
NOTHING_APPROVED = ("The committee has approved no grant for {election}: there is nothing to fund. Propose grants "
                    "to the committee, or ask for a what-if (--what-if) to see where money would go.")
UNSPENT_NOTE = ("{name}: spends {spent} of the {budget} budget, leaving {left} unspent ({why}).")
UNSPENT_SHARE = 0.5
"""A plan or baseline that leaves more than this share of the budget unspent says so, and why."""
NEGLIGIBLE_GAIN = 1e-6
"""Where £10,000 moves P(win) by less than one in a million, pounds per 0.01 seat is shown as none (—)."""
MODEL_NAME = "swingfund planner: Φ((lead + votes bought) ÷ forecast sd), forecast from the election before"


@dataclass(frozen=True)
class Plan:
    election_id: str
    bloc: str
    organisation: str
    channel: str
    budget_pence: int
    grant_pence: int | None
    step_pence: int
    seats: list[SeatPlanInput]
    problem: Problem
    amounts_pence: np.ndarray
    caps: list[legal.Cap]
    limits: list[tuple[SharedLimit, legal.Cap]]
    expected: float
    interval: tuple[float, float]
    expected_without: float
    marginal_next_1000: float
    marginal_interval: tuple[float, float]
    baselines: dict[str, dict[str, object]]
    notes: list[str] = field(default_factory=list)
    solver: dict[str, object] = field(default_factory=dict)
    base_election: str = ""
    what_if: bool = False
    stored_forecast_id: int | None = None
    made_at: str = ""

    def seat_values(self) -> list[dict[str, object]]:
        """Per seat: ΔP per £1,000 of the next £10,000 on top of what the seat already has (targeting/value.py),
        its range over the effect assumption, and pounds per 0.01 expected seat."""
        p = self.problem
        out = []
        for s in range(p.n):
            start = p.fixed[s] + int(self.amounts_pence[s])
            ends = []
            for cost in (p.effect.cost_per_vote, p.effect.cost_high, p.effect.cost_low):
                now = min(float(p.effect.votes(start, cost_per_vote=cost)), p.headroom[s])
                more = min(float(p.effect.votes(start + REFERENCE_PENCE, cost_per_vote=cost)), p.headroom[s])
                ends.append(float(delta_p(margin=p.margin[s] + now, sigma=p.sigma[s], votes=more - now))
                            / (REFERENCE_PENCE / PER_PENCE))
            gain = ends[0] * REFERENCE_PENCE / PER_PENCE
            per = (REFERENCE_PENCE / 100) * 0.01 / gain if gain > NEGLIGIBLE_GAIN else None
            out.append({"value_per_1000": round(ends[0], 6), "value_interval": [round(ends[1], 6), round(ends[2], 6)],
                        "pounds_per_hundredth_seat": None if per is None else round(per),
                        "per_hundredth_seat": money(None if per is None else round(per) * 100, short=True)})
        return out

    def binding_cap(self, s: int) -> str | None:
        """The cap that stops this seat getting more: its own cap, a shared limit, or the budget; None if none."""
        amount = int(self.amounts_pence[s])
        if amount <= 0:
            return None
        if amount >= self.problem.cap_pence[s]:
            return self.caps[s].name
        for lim, cap in self.limits:
            if s in set(lim.seats.tolist()) and self.amounts_pence[lim.seats].sum() > lim.limit_pence - self.step_pence:
                return cap.name
        if self.amounts_pence.sum() > self.budget_pence - self.step_pence:
            return "budget"
        return None

    def allocation(self) -> list[dict[str, object]]:
        after = self.problem.win_probability(self.amounts_pence)
        before = self.problem.win_probability(np.zeros(self.problem.n, dtype=np.int64))
        values = self.seat_values()
        out = []
        for s, seat in enumerate(self.seats):
            amount = int(self.amounts_pence[s])
            out.append({
                **values[s], "status": seat.status, "what_if": seat.what_if, "gss_code": seat.gss_code,
                "seat": seat.seat_name, "candidacy_id": seat.candidacy_id,
                "candidate": seat.candidate, "party": seat.party, "amount_pence": amount,
                "amount": money(amount, short=True), "fixed_pence": seat.fixed_pence, "decided": seat.decided,
                "cap": self.caps[s].as_dict(), "binding_cap": self.binding_cap(s),
                "p_win_without": round(float(before[s]), 4), "p_win_with": round(float(after[s]), 4),
                "p_pivotal": seat.p_pivotal, "leverage": seat.leverage, "margin_votes": seat.margin,
                "forecast_sd_votes": round(seat.sigma, 1), "base_votes": seat.base_votes,
            })
        out.sort(key=lambda r: (-int(r["amount_pence"]), str(r["gss_code"])))
        return out

    def as_dict(self) -> dict[str, object]:
        return {
            "election": self.election_id, "forecast_from": self.base_election, "what_if": self.what_if,
            "label": "what-if" if self.what_if else "plan", "made_at": self.made_at,
            "stored_forecast_id": self.stored_forecast_id,
            "bloc": self.bloc, "organisation": self.organisation, "channel": self.channel,
            "budget_pence": self.budget_pence, "grant_pence": self.grant_pence,
            "step_pence": self.step_pence, "backed_seats": len(self.seats),
            "allocated_pence": int(self.amounts_pence.sum()),
            "unspent_pence": self.budget_pence - int(self.amounts_pence.sum()),
            "budget": money(self.budget_pence, short=True),
            "allocated": money(int(self.amounts_pence.sum()), short=True),
            "unspent": money(self.budget_pence - int(self.amounts_pence.sum()), short=True),
            "allocation": self.allocation(),
            "expected_aligned_elected": {
                "expected": round(self.expected, 3), "interval": [self.interval[0], self.interval[1]],
                "interval_level": f"{int(INTERVAL[0] * 100)}–{int(INTERVAL[1] * 100)} %",
                "interval_of": "the number of aligned candidates elected (a seat count, not the gain)",
                "without_new_money": round(self.expected_without, 3),
            },
            "marginal_value_next_1000": round(self.marginal_next_1000, 4),
            "marginal_value_next_1000_interval": [round(self.marginal_interval[0], 4),
                                                  round(self.marginal_interval[1], 4)],
            "baselines": self.baselines,
            "limits": [{**cap.as_dict(), "seats": len(lim.seats), "remaining_pence": lim.limit_pence}
                       for lim, cap in self.limits],
            "solver": self.solver,
            "notes": self.notes,
        }


def _problem_caps(*, seats: list[SeatPlanInput], channel: str, on, agent_authorised: bool, registered: bool,
                  notes: list[str]) -> tuple[list[legal.Cap], list[tuple[SharedLimit, legal.Cap]]]:
    if channel not in legal.CHANNELS:
        raise ValueError(legal.CHANNEL_UNKNOWN.format(channel=channel))
    caps, limits = [], []
    for seat in seats:
        if channel == "campaign":
            caps.append(legal.constituency_cap(nation=seat.nation, on=on))
        elif channel == "local" and not agent_authorised:
            caps.append(legal.local_cap(on=on))
        else:
            cap, unknown = legal.candidate_cap(electorate=seat.electorate, constituency_type=seat.constituency_type,
                                               on=on)
            if unknown:
                notes.append(legal.TYPE_UNKNOWN_NOTE.format(seat=seat.seat_name))
            caps.append(cap)
    if channel == "campaign":
        groups: dict[tuple[str, str], list[int]] = {}
        nations: dict[str, list[int]] = {}
        for s, seat in enumerate(seats):
            if seat.party != "Independent":
                groups.setdefault((seat.nation, seat.party), []).append(s)
            nations.setdefault(seat.nation, []).append(s)
        for (nation, party), idx in sorted(groups.items()):
            cap = legal.targeted_cap(nation=nation, on=on)
            cap = legal.Cap(name=f"{cap.name}: {party}", pence=cap.pence, source=cap.source)
            limits.append((_shared(cap, idx, seats), cap))
        for nation, idx in sorted(nations.items()):
            cap = legal.national_cap(nation=nation, on=on)
            if cap is not None:
                limits.append((_shared(cap, idx, seats), cap))
        if not registered:
            cap = legal.notification_cap(on=on)
            limits.append((_shared(cap, list(range(len(seats))), seats), cap))
    return caps, limits


def _shared(cap: legal.Cap, idx: list[int], seats: list[SeatPlanInput]) -> SharedLimit:
    return SharedLimit(name=cap.name, seats=np.array(idx, dtype=np.int64), limit_pence=cap.pence)


def _baseline(problem: Problem, amounts: np.ndarray, description: str, *, best: np.ndarray) -> dict[str, object]:
    """A baseline's expected seats (exactly, on the plan's model), the spread of its seat count, what it spends,
    and the plan's gain over it with the gain's own interval (paired simulation, `optimise.gain_interval`)."""
    low, high = expected_interval(problem, amounts)
    gain = gain_interval(problem, best, amounts)
    return {"description": description, "expected": round(problem.expected(amounts), 3), "interval": [low, high],
            "allocated_pence": int(amounts.sum()), "unspent_pence": problem.budget_pence - int(amounts.sum()),
            "allocated": money(int(amounts.sum()), short=True),
            "unspent": money(problem.budget_pence - int(amounts.sum()), short=True),
            "seats_funded": int((amounts > 0).sum()),
            "gain": {"expected": round(gain.expected, 4), "interval": [round(gain.low, 4), round(gain.high, 4)],
                     "interval_level": f"{int(INTERVAL[0] * 100)}–{int(INTERVAL[1] * 100)} %"}}


def _unspent(name: str, *, budget: int, spent: int, why: str) -> list[str]:
    left = budget - spent
    if left <= budget * UNSPENT_SHARE:
        return []
    return [UNSPENT_NOTE.format(name=name, spent=money(spent, short=True), budget=money(budget, short=True),
                                left=money(left, short=True), why=why)]


def _forecast_seats(plan_seats_: list[SeatPlanInput], problem: Problem, amounts: np.ndarray) -> list[dict]:
    """What the plan forecast per seat, as stored: P(win) with and without its money, and the 5–95 % interval of the
    backed candidate's lead (normal, the forecast's sd) with the plan's votes added."""
    before = problem.win_probability(np.zeros(problem.n, dtype=np.int64))
    after = problem.win_probability(amounts)
    extra = np.minimum(problem.effect.votes(problem.fixed + amounts), problem.headroom)
    z = 1.6448536269514722
    return [{"gss_code": s.gss_code, "seat": s.seat_name, "candidacy_id": s.candidacy_id, "status": s.status,
             "p_win": round(float(after[i]), 6), "p_win_without": round(float(before[i]), 6),
             "lead": round(float(problem.margin[i] + extra[i]), 1),
             "lead_interval": [round(float(problem.margin[i] + extra[i] - z * problem.sigma[i]), 1),
                               round(float(problem.margin[i] + extra[i] + z * problem.sigma[i]), 1)],
             "amount_pence": int(amounts[i]), "fixed_pence": int(s.fixed_pence)}
            for i, s in enumerate(plan_seats_)]


def plan_compute(*, election_id: str, bloc: str | None, budget_pence: int, organisation: str | None = None,
                 grant_pence: int | None = None, step_pence: int = DEFAULT_STEP, channel: str = "donation",
                 agent_authorised: bool = False, registered: bool = True, effect: EffectCurve | None = None,
                 assumptions: Assumptions | None = None, lens: str = "swing", draws: int = 20_000,
                 supporters: Mapping[int, int] | None = None, what_if: bool = False, store: bool = False) -> Plan:
    """The optimal allocation of `budget_pence` of new money (see `optimise.py`), its baselines and notes.

    The seats are those whose grant the committee approved (their approved grants count towards every cap, and
    new money comes on top); with `what_if`, also the seats the group's rule backs that the committee rejected or
    has not decided, every one labelled. `grant_pence` set: each seat gets nothing or one grant of that size (as
    the seed groups gave); otherwise any multiple of `step_pence` up to the seat's cap. The forecast is the one
    from the election before (`sources.forecast_base`). With `store`, the forecast the plan rests on is stored
    (`targeting.forecasts.stored_forecast_record`) with its date and inputs. Without a census bloc (`bloc` None or
    "") targeting ranks by marginality, or by the group's own `supporters` per seat when given."""
    if budget_pence <= 0:
        raise ValueError(BUDGET_NEGATIVE.format(value=money(budget_pence, short=True)))
    if grant_pence is not None and grant_pence <= 0:
        raise ValueError(GRANT_NEGATIVE.format(value=money(grant_pence, short=True)))
    org = organisation_get(slug=organisation)
    effect = effect or EffectCurve()
    seats, table, target_notes, base = plan_seats(organisation=org, election_id=election_id, bloc=bloc,
                                                  assumptions=assumptions, lens=lens, draws=draws,
                                                  supporters=supporters, what_if=what_if)
    if not seats and not what_if:
        raise ValueError(NOTHING_APPROVED.format(election=election_id))
    on = Election.objects.get(pk=election_id).poll_date
    notes: list[str] = []
    caps, limits = _problem_caps(seats=seats, channel=channel, on=on, agent_authorised=agent_authorised,
                                 registered=registered, notes=notes)
    fixed = np.array([s.fixed_pence for s in seats], dtype=np.int64)
    problem = Problem(
        margin=np.array([s.margin for s in seats], dtype=np.float64),
        sigma=np.array([s.sigma for s in seats], dtype=np.float64),
        headroom=np.array([s.headroom for s in seats], dtype=np.float64),
        # Approved grants are candidate donations: they use up the candidate's limit, not s.75 or PPERA limits.
        cap_pence=np.maximum(np.array([c.pence for c in caps], dtype=np.int64) - (fixed if channel == "donation"
                                                                                 else 0), 0),
        budget_pence=budget_pence, step_pence=grant_pence or step_pence, effect=effect, fixed_pence=fixed,
        grant_only=grant_pence is not None, limits=[lim for lim, _ in limits])
    solution = solve(problem)
    bigger = solve(with_budget(problem, budget_pence + NEXT))
    grant = grant_pence or org.standard_grant_pence
    order = list(range(len(seats)))
    leverage = np.array([s.leverage if s.leverage is not None else -1.0 for s in seats])
    top_n = max(budget_pence // grant, 1)
    by_leverage = [int(i) for i in np.argsort(-leverage, kind="stable")][:top_n]
    best = solution.amounts_pence
    seed_amounts = fill_in_order(problem, order=order, grant_pence=grant)
    top_amounts = fill_in_order(problem, order=by_leverage, grant_pence=grant)
    baselines = {
        "seed_rule": _baseline(problem, seed_amounts,
                               f"{money(grant, short=True)} to every backed candidate, in the order of the "
                               "recommendations, until the money runs out (the seed groups' rule)", best=best),
        "top_n_leverage": _baseline(problem, top_amounts,
                                    f"{money(grant, short=True)} to each of the top {top_n} backed seats by "
                                    "leverage", best=best),
        "no_new_money": _baseline(problem, np.zeros(problem.n, dtype=np.int64),
                                  "no new money (the committee's approved grants only)", best=best),
    }
    zero = np.zeros(problem.n, dtype=np.int64)
    # The next £1,000's value at both ends of the effect assumption (the same two allocations re-valued).
    ends = [float(problem.win_probability(bigger.amounts_pence, cost_per_vote=c).sum()
                  - problem.win_probability(solution.amounts_pence, cost_per_vote=c).sum())
            for c in (effect.cost_high, effect.cost_low)]
    labelled = [f"{s.seat_name} ({s.status})" for s in seats if s.what_if]
    counts = {k: sum(s.status == k for s in seats) for k in ("approved", "undecided", "rejected")}
    capped = "every funded seat reaches its cap or money buys no more there" if len(seats) else "no seat to fund"
    notes += [
        *([WHAT_IF_LABEL.format(seats=", ".join(labelled) or "none")] if what_if else []),
        f"Organisation {org.slug}: {len(seats)} seats — {counts['approved']} whose grant the committee approved"
        + (f", and as a what-if {counts['undecided']} undecided and {counts['rejected']} rejected"
           if what_if else "; seats it rejected or has not decided get nothing (ask for a what-if to see them)")
        + ".",
        f"No hindsight: the forecast is the one from {base.pk} (the election before {election_id}); the result of "
        f"{election_id} is never read.",
        f"Lead: the backed candidate's votes in {base.pk} (their own if they stood there, else their party's; none for "
        "a newcomer) minus the strongest other candidate's.",
        "Model: P(backed candidate wins) = Φ((lead + extra votes) ÷ forecast sd) per seat; the objective is the sum "
        "of ΔP(the backed candidate wins) over the seats — the value of money of targeting/value.py. The seat-count "
        f"interval simulates a national error shared by every seat ({NATIONAL_SHARE:.0%} of the variance) and the "
        "effect assumption's range; each gain over a baseline carries its own interval, from the same draws for "
        "both allocations (paired).",
        "Forecast sd: targeting's 10–90 % interval of the seat's majority ÷ 2.563 (the normal sd with the same "
        f"central 80 %); {FORECAST_SD_SHARE:.0%} of the seat's valid votes where targeting gives none (an assumption).",
        effect.describe(),
        *_unspent("The optimal plan", budget=budget_pence, spent=int(best.sum()), why=capped),
        *_unspent("The seed's rule", budget=budget_pence, spent=int(seed_amounts.sum()),
                  why=f"it gives {money(grant, short=True)} to each backed candidate and there are {len(seats)}"),
        *_unspent("The top-N baseline", budget=budget_pence, spent=int(top_amounts.sum()),
                  why=f"{money(grant, short=True)} each to at most {min(top_n, len(seats))} seats"),
        f"Caps ({channel}): " + "; ".join(sorted({f'{c.name} — {c.source}' for c in caps})),
        *[f"Shared limit: {cap.name} — {cap.source}" for _, cap in limits],
        "Solved exactly as a 0/1 integer programme by HiGHS (scipy.optimize.milp).",
        *target_notes,
    ]
    plan = Plan(
        election_id=election_id, bloc=bloc or "", organisation=org.slug, channel=channel, budget_pence=budget_pence,
        grant_pence=grant_pence, step_pence=problem.step_pence, seats=seats, problem=problem,
        amounts_pence=best, caps=caps, limits=limits, expected=solution.expected,
        interval=expected_interval(problem, best), expected_without=problem.expected(zero),
        marginal_next_1000=bigger.expected - solution.expected, marginal_interval=(min(ends), max(ends)),
        baselines=baselines, notes=notes,
        solver={"name": "HiGHS via scipy.optimize.milp", "status": solution.status, "variables": solution.variables,
                "table_draws": table.draws},
        base_election=base.pk, what_if=what_if,
    )
    if store and seats:
        stored = _store(plan, organisation=org, lens=lens, assumptions=table.assumptions, draws=draws)
        plan = replace(plan, stored_forecast_id=stored.pk, made_at=stored.made_at.isoformat())
    return plan


def _store(plan: Plan, *, organisation: Organisation, lens: str, assumptions: Assumptions, draws: int):
    """Store the forecast the plan rests on, with its inputs (targeting.forecasts)."""
    inputs = {"bloc": plan.bloc, "lens": lens, "budget_pence": plan.budget_pence, "grant_pence": plan.grant_pence,
              "step_pence": plan.step_pence, "channel": plan.channel, "draws": draws,
              "assumptions": assumptions.as_dict(), "effect": plan.problem.effect.as_dict(),
              "forecast_from": plan.base_election, "what_if": plan.what_if}
    return stored_forecast_record(organisation=organisation, election_id=plan.election_id,
                                  base_election_id=plan.base_election, kind="plan", model=MODEL_NAME,
                                  inputs=inputs, what_if=plan.what_if,
                                  seats=_forecast_seats(plan.seats, plan.problem, plan.amounts_pence))
