"""One plan: the fund, the backed seats and the law's caps in; the optimal allocation, its baselines and their
expected results out. The entry point of the CLI (`swingfund plan`), the organisers' page and the API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from swingfund.display import money
from swingfund.elections.models import Election
from swingfund.planning import caps as legal
from swingfund.planning.effect import EffectCurve
from swingfund.planning.optimise import (
    INTERVAL,
    NATIONAL_SHARE,
    Problem,
    SharedLimit,
    expected_interval,
    fill_in_order,
    solve,
    with_budget,
)
from swingfund.planning.sources import FORECAST_SD_SHARE, SeatPlanInput, organisation_get, plan_seats
from swingfund.targeting.bloc import Assumptions

NEXT = 100_000
"""The marginal value is reported for the next £1,000 (in pence)."""
DEFAULT_STEP = 50_000
"""With `--variable`, amounts are multiples of £500."""
BUDGET_NEGATIVE = "The budget must be a positive amount of money (got {value})."
GRANT_NEGATIVE = "The grant must be a positive amount of money (got {value})."


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
        out = []
        for s, seat in enumerate(self.seats):
            amount = int(self.amounts_pence[s])
            if amount <= 0 and seat.fixed_pence <= 0:
                continue
            out.append({
                "gss_code": seat.gss_code, "seat": seat.seat_name, "candidacy_id": seat.candidacy_id,
                "candidate": seat.candidate, "party": seat.party, "amount_pence": amount,
                "amount": money(amount, short=True), "fixed_pence": seat.fixed_pence, "decided": seat.decided,
                "cap": self.caps[s].as_dict(), "binding_cap": self.binding_cap(s),
                "p_win_without": round(float(before[s]), 4), "p_win_with": round(float(after[s]), 4),
                "p_pivotal": seat.p_pivotal, "leverage": seat.leverage, "margin_votes": seat.margin,
                "forecast_sd_votes": round(seat.sigma, 1),
            })
        out.sort(key=lambda r: (-int(r["amount_pence"]), str(r["gss_code"])))
        return out

    def as_dict(self) -> dict[str, object]:
        return {
            "election": self.election_id, "bloc": self.bloc, "organisation": self.organisation,
            "channel": self.channel, "budget_pence": self.budget_pence, "grant_pence": self.grant_pence,
            "step_pence": self.step_pence, "backed_seats": len(self.seats),
            "allocated_pence": int(self.amounts_pence.sum()),
            "allocation": self.allocation(),
            "expected_aligned_elected": {
                "expected": round(self.expected, 3), "interval": [self.interval[0], self.interval[1]],
                "interval_level": f"{int(INTERVAL[0] * 100)}–{int(INTERVAL[1] * 100)} %",
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


def _baseline(problem: Problem, amounts: np.ndarray, description: str) -> dict[str, object]:
    low, high = expected_interval(problem, amounts)
    return {"description": description, "expected": round(problem.expected(amounts), 3), "interval": [low, high],
            "allocated_pence": int(amounts.sum()), "seats_funded": int((amounts > 0).sum())}


def plan_compute(*, election_id: str, bloc: str | None, budget_pence: int, organisation: str | None = None,
                 grant_pence: int | None = None, step_pence: int = DEFAULT_STEP, channel: str = "donation",
                 agent_authorised: bool = False, registered: bool = True, effect: EffectCurve | None = None,
                 assumptions: Assumptions | None = None, lens: str = "swing", draws: int = 20_000,
                 supporters: Mapping[int, int] | None = None) -> Plan:
    """The optimal allocation of `budget_pence` of new money (see `optimise.py`), its baselines and notes.

    `grant_pence` set: each seat gets nothing or one grant of that size (as the seed groups gave); otherwise
    any multiple of `step_pence` up to the seat's cap. The committee's approved decisions are fixed: their
    grants count towards every cap, and a decision to stay out removes the seat. Without a census bloc (`bloc`
    None or "") targeting ranks by marginality, or by the group's own `supporters` per seat when given."""
    if budget_pence <= 0:
        raise ValueError(BUDGET_NEGATIVE.format(value=money(budget_pence, short=True)))
    if grant_pence is not None and grant_pence <= 0:
        raise ValueError(GRANT_NEGATIVE.format(value=money(grant_pence, short=True)))
    org = organisation_get(slug=organisation)
    effect = effect or EffectCurve()
    seats, table, target_notes = plan_seats(organisation=org, election_id=election_id, bloc=bloc,
                                            assumptions=assumptions, lens=lens, draws=draws, supporters=supporters)
    on = Election.objects.get(pk=election_id).poll_date
    notes: list[str] = []
    caps, limits = _problem_caps(seats=seats, channel=channel, on=on, agent_authorised=agent_authorised,
                                 registered=registered, notes=notes)
    fixed = np.array([s.fixed_pence for s in seats], dtype=np.int64)
    problem = Problem(
        margin=np.array([s.margin for s in seats], dtype=np.float64),
        sigma=np.array([s.sigma for s in seats], dtype=np.float64),
        headroom=np.array([s.headroom for s in seats], dtype=np.float64),
        # Decided grants are candidate donations: they use up the candidate's limit, not s.75 or PPERA limits.
        cap_pence=np.maximum(np.array([c.pence for c in caps], dtype=np.int64) - (fixed if channel == "donation"
                                                                                 else 0), 0),
        budget_pence=budget_pence, step_pence=grant_pence or step_pence, effect=effect, fixed_pence=fixed,
        movable=np.array([not s.decided for s in seats], dtype=bool), grant_only=grant_pence is not None,
        limits=[lim for lim, _ in limits])
    solution = solve(problem)
    bigger = solve(with_budget(problem, budget_pence + NEXT))
    grant = grant_pence or org.standard_grant_pence
    order = [i for i, s in enumerate(seats) if not s.decided]
    leverage = np.array([s.leverage if s.leverage is not None else -1.0 for s in seats])
    top_n = max(budget_pence // grant, 1)
    by_leverage = [i for i in np.argsort(-leverage, kind="stable") if not seats[i].decided][:top_n]
    baselines = {
        "seed_rule": _baseline(problem, fill_in_order(problem, order=order, grant_pence=grant),
                               f"{money(grant, short=True)} to every backed candidate, in the order of the "
                               "recommendations, until the money runs out (the seed groups' rule)"),
        "top_n_leverage": _baseline(problem, fill_in_order(problem, order=by_leverage, grant_pence=grant),
                                    f"{money(grant, short=True)} to each of the top {top_n} backed seats by leverage"),
    }
    zero = np.zeros(problem.n, dtype=np.int64)
    # The next £1,000's value at both ends of the effect assumption (the same two allocations re-valued).
    ends = [float(problem.win_probability(bigger.amounts_pence, cost_per_vote=c).sum()
                  - problem.win_probability(solution.amounts_pence, cost_per_vote=c).sum())
            for c in (effect.cost_high, effect.cost_low)]
    notes += [
        f"Organisation {org.slug}: {len(seats)} seats where it backs a candidate (its rule, or the committee's "
        f"decisions, {sum(s.decided for s in seats)} of them fixed).",
        "Lead: the backed candidate's votes minus the strongest other candidate's in the imported result of this "
        "election (as targeting's tables read it), or minus the majority where the candidate has no votes yet.",
        "Model: P(backed candidate wins) = Φ((lead + extra votes) ÷ forecast sd) per seat; the expected "
        "number elected is their sum; the interval simulates a national error shared by every seat "
        f"({NATIONAL_SHARE:.0%} of the variance) and the effect assumption's range.",
        "Forecast sd: targeting's 10–90 % interval of the seat's majority ÷ 2.563 (the normal sd with the same "
        f"central 80 %); {FORECAST_SD_SHARE:.0%} of the seat's valid votes where targeting gives none (an assumption).",
        effect.describe(),
        f"Caps ({channel}): " + "; ".join(sorted({f'{c.name} — {c.source}' for c in caps})),
        *[f"Shared limit: {cap.name} — {cap.source}" for _, cap in limits],
        "Solved exactly as a 0/1 integer programme by HiGHS (scipy.optimize.milp).",
        *target_notes,
    ]
    return Plan(
        election_id=election_id, bloc=bloc or "", organisation=org.slug, channel=channel, budget_pence=budget_pence,
        grant_pence=grant_pence, step_pence=problem.step_pence, seats=seats, problem=problem,
        amounts_pence=solution.amounts_pence, caps=caps, limits=limits, expected=solution.expected,
        interval=expected_interval(problem, solution.amounts_pence), expected_without=problem.expected(zero),
        marginal_next_1000=bigger.expected - solution.expected, marginal_interval=(min(ends), max(ends)),
        baselines=baselines, notes=notes,
        solver={"name": "HiGHS via scipy.optimize.milp", "status": solution.status, "variables": solution.variables,
                "table_draws": table.draws},
    )
