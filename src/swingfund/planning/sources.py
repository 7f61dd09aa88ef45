"""Reads for planning: the seats the group backs, their forecast, the bloc's reach, and the committee's decisions.

Targeting's per-seat fields are read directly from its table: P(pivotal) (`p_swing` or `p_own`, by lens), leverage,
and the 10–90 % interval of the projected winner's lead (`majority_p10`, `majority_p90`) for the forecast's spread.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from swingfund.committee.models import Decision, Proposal
from swingfund.elections.models import Candidacy, Constituency, Result
from swingfund.organisations.models import Organisation
from swingfund.scorecards.recommendations import recommendations
from swingfund.scorecards.targets import TargetRow as ScorecardTarget
from swingfund.targeting.bloc import Assumptions, bloc_parse
from swingfund.targeting.targets import KIND_CENSUS, TargetTable, targets_compute

FORECAST_SD_SHARE = 0.08
"""Where targeting's majority interval is missing for a seat (no candidacies sampled), the forecast's standard
deviation of the backed candidate's lead is taken as 8 % of the seat's valid votes: an assumption of the typical
seat-level error of a forecast of the lead between the top two. The planner prints it with its plan."""
Z80 = 1.2815515655446004
"""Targeting's majority interval runs from the 10th to the 90th percentile: ±1.2816 standard deviations of a normal
distribution (targeting draws Student-t tails, so this sd is the normal one with the same central 80 %)."""
MIN_SIGMA_VOTES = 50.0
NON_VOTER_HEADROOM = ("Without a census bloc, the votes money can add in a seat are at most the seat's electors who "
                      "did not vote at the imported result (electorate − valid votes).")

ORGANISATION_UNKNOWN = "No organisation {slug!r}. Organisations: {known}."
ORGANISATION_NEEDED = ("Say which organisation with --organisation SLUG (organisations: {known}). Run the demo's "
                       "import (`swingfund demo`) to create demo-community-group.")


def organisation_get(*, slug: str | None) -> Organisation:
    known = ", ".join(Organisation.objects.order_by("slug").values_list("slug", flat=True)) or "none"
    if slug:
        org = Organisation.objects.filter(slug=slug).first()
        if org is None:
            raise ValueError(ORGANISATION_UNKNOWN.format(slug=slug, known=known))
        return org
    orgs = list(Organisation.objects.all()[:2])
    if len(orgs) != 1:
        raise ValueError(ORGANISATION_NEEDED.format(known=known))
    return orgs[0]


@dataclass(frozen=True)
class SeatPlanInput:
    """One seat where the group backs a candidate (by its rule, or by a committee decision)."""

    constituency_id: int
    gss_code: str
    seat_name: str
    nation: str
    constituency_type: str
    electorate: int
    valid_votes: int
    candidacy_id: int
    candidate: str
    party: str
    margin: float
    sigma: float
    headroom: float
    leverage: float | None
    p_pivotal: float | None
    fixed_pence: int
    decided: bool
    order: int  # the recommendation order (expected impact): the seed rule gives grants in this order


def _sigma(table: TargetTable, i: int, valid: int) -> float:
    """The forecast's sd of the lead, from targeting's 10–90 % interval of the seat's majority; the stated share of
    valid votes only where targeting has no interval for the seat."""
    low, high = float(table.majority_p10[i]), float(table.majority_p90[i])
    if math.isfinite(low) and math.isfinite(high) and high > low:
        return max((high - low) / (2 * Z80), MIN_SIGMA_VOTES)
    return max(FORECAST_SD_SHARE * valid, MIN_SIGMA_VOTES)


def _decisions(*, organisation: Organisation, election_id: str) -> dict[int, Decision]:
    """The committee's approved decisions per seat for this election (the latest if several)."""
    rows = Decision.objects.filter(proposal__organisation=organisation, proposal__election_id=election_id,
                                   outcome=Decision.Outcome.APPROVED).select_related("proposal")
    out: dict[int, Decision] = {}
    for d in rows.order_by("decided_at", "id"):
        out[d.proposal.constituency_id] = d
    return out


def plan_seats(*, organisation: Organisation, election_id: str, bloc: str | None,
               assumptions: Assumptions | None = None, lens: str = "swing", draws: int = 20_000,
               supporters: Mapping[int, int] | None = None) -> tuple[list[SeatPlanInput], TargetTable, list[str]]:
    """Every seat where the group backs a candidate, with what the optimiser needs; plus targeting's notes.

    Without a census bloc (`bloc` None or ""), targeting ranks seats by marginality (or by the group's own
    `supporters` per constituency id), and the votes money can add in a seat are capped by the seat's electors
    who did not vote (`NON_VOTER_HEADROOM`) rather than by a census bloc's voters not yet with the group."""
    table = targets_compute(election_id=election_id, bloc=bloc_parse(text=bloc) if bloc else None,
                            supporters=None if bloc else supporters, assumptions=assumptions, draws=draws)
    seats = table.seats
    pivotal, leverage = (table.p_own, table.own_leverage) if lens == "own" else (table.p_swing, table.leverage)
    index = {int(c): i for i, c in enumerate(seats.constituency_ids)}
    rows = [ScorecardTarget(constituency_id=int(seats.constituency_ids[i]), gss_code=seats.codes[i],
                            seat_name=seats.names[i],
                            majority=int(table.majority[i]) if math.isfinite(table.majority[i]) else None,
                            bloc_voters=float(table.bloc_voters[i]),
                            leverage=float(leverage[i]), p_decisive=float(pivotal[i]))
            for i in range(len(seats))]
    recs = recommendations(organisation=organisation, election_id=election_id, targets=rows, lens=lens)
    decisions = _decisions(organisation=organisation, election_id=election_id)
    backed: dict[int, tuple[int, int, bool, int]] = {}  # constituency → (candidacy, fixed pence, decided, order)
    by_code = {s.gss_code: s.pk for s in Constituency.objects.filter(pk__in=index)}
    for order, rec in enumerate(recs):
        cid = by_code.get(rec.gss_code)
        if cid is not None and rec.action == "back" and rec.intervention.candidacy_id:
            backed[cid] = (rec.intervention.candidacy_id, 0, False, order)
    for cid, d in decisions.items():
        if cid not in index:
            continue
        if d.proposal.kind == Proposal.Kind.STAY_OUT:
            backed.pop(cid, None)
        else:
            order = backed.get(cid, (0, 0, False, len(recs)))[3]
            backed[cid] = (d.proposal.candidacy_id, d.proposal.amount_pence, True, order)
    cand_ids = [b[0] for b in backed.values()]
    cands = {c.pk: c for c in Candidacy.objects.filter(pk__in=cand_ids).select_related("party", "person")}
    votes = {}
    for cid, cand_id, v in Candidacy.objects.filter(election_id=election_id, constituency_id__in=list(backed)
                                                    ).values_list("constituency_id", "id", "votes"):
        votes.setdefault(cid, []).append((cand_id, v or 0))
    results = {r.constituency_id: r for r in Result.objects.filter(election_id=election_id,
                                                                  constituency_id__in=list(backed))
               .select_related("constituency")}
    a = table.assumptions
    out = []
    for cid, (cand_id, fixed, decided, order) in backed.items():
        i, result, cand = index[cid], results.get(cid), cands.get(cand_id)
        if result is None or cand is None:
            continue
        own = dict(votes.get(cid, [])).get(cand_id, 0)
        others = [v for c, v in votes.get(cid, []) if c != cand_id]
        margin = float(own - max(others, default=0)) if own else -float(result.majority)
        voters = float(table.bloc_voters[i])
        if table.kind != KIND_CENSUS:
            headroom = float(max(result.electorate - result.valid_votes, 0))
        else:
            headroom = voters * (1 - a.cohesion.central) if math.isfinite(voters) else 0.0
        out.append(SeatPlanInput(
            constituency_id=cid, gss_code=seats.codes[i], seat_name=seats.names[i], nation=seats.nations[i],
            constituency_type=result.constituency.constituency_type, electorate=result.electorate,
            valid_votes=result.valid_votes, candidacy_id=cand_id,
            candidate=cand.person_name or (cand.person.name if cand.person else ""),
            party=cand.party.name if cand.party else "Independent", margin=margin,
            sigma=_sigma(table, i, result.valid_votes), headroom=max(headroom, 0.0),
            leverage=float(leverage[i]) if math.isfinite(leverage[i]) else None,
            p_pivotal=float(pivotal[i]) if math.isfinite(pivotal[i]) else None,
            fixed_pence=int(fixed), decided=decided, order=order))
    out.sort(key=lambda s: (s.order, s.gss_code))
    notes = table.notes() + ([NON_VOTER_HEADROOM] if table.kind != KIND_CENSUS else [])
    return out, table, notes
