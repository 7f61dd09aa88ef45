"""Reads for planning: the seats the group backs, their forecast, the bloc's reach, and the committee's decisions.

**No hindsight.** A plan for an election reads only what was known before it: the forecast made from the election
before (`forecast_base`: the election's named baseline where it has one, else the latest earlier election with
results on the same boundaries, a notional one included), never the election's own result. Each backed
candidate's lead is their party's (or, standing again, their own) votes minus the strongest other's in that base
result; a candidate new to the seat starts from none. The forecast's spread and the bloc's reach come from
targeting's table over the base election: P(pivotal) (`p_swing` or `p_own`, by lens), leverage, and the 10–90 %
interval of the projected winner's lead (`majority_p10`, `majority_p90`).

**The committee decides.** Only seats whose grant the committee approved may get money. A seat it rejected, or has
not decided, enters only in a what-if (`what_if=True`), and every such seat is labelled as one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from swingfund.committee.models import Decision, Proposal
from swingfund.elections.models import Candidacy, Constituency, Election, Result
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

ELECTION_UNKNOWN = "No election {election!r}. Elections: {known}."
NO_BASE = ("No earlier election with results on {boundary_set} boundaries to forecast {election} from: a plan reads "
           "the forecast from the election before, never the election's own result. Import the earlier results.")
BASELINE_ATTRIBUTES = ("baseline", "baseline_election")
"""Where an election may name the result it is forecast from (issue 18: `election add` names its baseline)."""
APPROVED, UNDECIDED, REJECTED = "approved", "undecided", "rejected"
"""The committee's word on a backed seat's grant."""


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
    status: str = APPROVED  # the committee's word on the seat's grant: approved, undecided or rejected
    base_votes: int = 0  # the backed candidate's (or their party's) votes in the base result

    @property
    def what_if(self) -> bool:
        """A seat the committee rejected or has not decided: in a plan only as a what-if."""
        return self.status != APPROVED


def _sigma(table: TargetTable, i: int, valid: int) -> float:
    """The forecast's sd of the lead, from targeting's 10–90 % interval of the seat's majority; the stated share of
    valid votes only where targeting has no interval for the seat."""
    low, high = float(table.majority_p10[i]), float(table.majority_p90[i])
    if math.isfinite(low) and math.isfinite(high) and high > low:
        return max((high - low) / (2 * Z80), MIN_SIGMA_VOTES)
    return max(FORECAST_SD_SHARE * valid, MIN_SIGMA_VOTES)


def forecast_base(*, election_id: str) -> Election:
    """The election whose result a plan for `election_id` is forecast from (see the module docstring)."""
    election = Election.objects.filter(pk=election_id).first()
    if election is None:
        known = ", ".join(Election.objects.order_by("id").values_list("id", flat=True)) or "none"
        raise ValueError(ELECTION_UNKNOWN.format(election=election_id, known=known))
    for attribute in BASELINE_ATTRIBUTES:  # the baseline an election names, where the model records one
        named = getattr(election, attribute, None)
        if isinstance(named, Election) and named.pk != election.pk:
            return named
    base = (Election.objects.filter(boundary_set=election.boundary_set, poll_date__lt=election.poll_date,
                                    results__isnull=False).distinct().order_by("-poll_date", "notional").first())
    if base is None:
        raise ValueError(NO_BASE.format(boundary_set=election.boundary_set, election=election_id))
    return base


def _decisions(*, organisation: Organisation, election_id: str) -> dict[int, Decision]:
    """The committee's decisions per seat for this election (the latest if several), whatever their outcome."""
    rows = Decision.objects.filter(proposal__organisation=organisation,
                                   proposal__election_id=election_id).select_related("proposal")
    out: dict[int, Decision] = {}
    for d in rows.order_by("decided_at", "id"):
        out[d.proposal.constituency_id] = d
    return out


def _party_key(name: str | None) -> str:
    name = name or ""
    return "Labour" if name.startswith("Labour") else name  # Labour and Co-operative carries Labour's votes


def _base_lead(cand: Candidacy, base: list[tuple[int | None, str, int]]) -> tuple[float, int]:
    """The candidate's lead in the base result: their own votes if they stood there (same person), else their
    party's (none for an independent), minus the strongest other candidate's; and the votes they start from."""
    own_rows = [i for i, (person, _, _) in enumerate(base) if cand.person_id and person == cand.person_id]
    party = _party_key(cand.party.name if cand.party else None)
    if not own_rows and party and party != "Independent":
        own_rows = [i for i, (_, p, _) in enumerate(base) if p == party]
    own = sum(base[i][2] for i in own_rows)
    best_other = max((v for i, (_, _, v) in enumerate(base) if i not in own_rows), default=0)
    return float(own - best_other), own


def plan_seats(*, organisation: Organisation, election_id: str, bloc: str | None,
               assumptions: Assumptions | None = None, lens: str = "swing", draws: int = 20_000,
               supporters: Mapping[int, int] | None = None, what_if: bool = False
               ) -> tuple[list[SeatPlanInput], TargetTable, list[str], Election]:
    """Every seat where the group may fund a backed candidate, with what the optimiser needs; targeting's notes;
    and the base election the forecast was made from (see the module docstring).

    Without `what_if` these are the seats whose grant the committee approved; with it, also the seats the
    group's rule backs that the committee rejected or has not decided (labelled). Without a census bloc (`bloc`
    None or ""), targeting ranks seats by marginality (or by the group's own `supporters` per constituency id),
    and the votes money can add in a seat are capped by the seat's electors who did not vote
    (`NON_VOTER_HEADROOM`) rather than by a census bloc's voters not yet with the group."""
    base = forecast_base(election_id=election_id)
    table = targets_compute(election_id=base.pk, bloc=bloc_parse(text=bloc) if bloc else None,
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
    # constituency → (candidacy, fixed pence, status, order)
    backed: dict[int, tuple[int, int, str, int]] = {}
    by_code = {s.gss_code: s.pk for s in Constituency.objects.filter(pk__in=index)}
    for order, rec in enumerate(recs):
        cid = by_code.get(rec.gss_code)
        if cid is not None and rec.action == "back" and rec.intervention.candidacy_id:
            backed[cid] = (rec.intervention.candidacy_id, 0, UNDECIDED, order)
    for cid, d in decisions.items():
        if cid not in index:
            continue
        order = backed.get(cid, (0, 0, UNDECIDED, len(recs)))[3]
        if d.proposal.kind == Proposal.Kind.STAY_OUT:
            if d.outcome == Decision.Outcome.APPROVED:
                backed.pop(cid, None)
        elif d.outcome == Decision.Outcome.APPROVED:
            backed[cid] = (d.proposal.candidacy_id, d.proposal.amount_pence, APPROVED, order)
        else:
            backed[cid] = (d.proposal.candidacy_id, 0, REJECTED, order)
    if not what_if:
        backed = {cid: b for cid, b in backed.items() if b[2] == APPROVED}
    cand_ids = [b[0] for b in backed.values()]
    cands = {c.pk: c for c in Candidacy.objects.filter(pk__in=cand_ids).select_related("party", "person")}
    base_votes: dict[int, list[tuple[int | None, str, int]]] = {}
    for cid, person, party, v in Candidacy.objects.filter(election=base, constituency_id__in=list(backed)
                                                          ).values_list("constituency_id", "person_id",
                                                                        "party__name", "votes"):
        base_votes.setdefault(cid, []).append((person, _party_key(party), v or 0))
    results = {r.constituency_id: r for r in Result.objects.filter(election=base, constituency_id__in=list(backed))
               .select_related("constituency")}
    a = table.assumptions
    out = []
    for cid, (cand_id, fixed, status, order) in backed.items():
        i, result, cand = index[cid], results.get(cid), cands.get(cand_id)
        if result is None or cand is None:
            continue
        margin, own = _base_lead(cand, base_votes.get(cid, []))
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
            fixed_pence=int(fixed) if status == APPROVED else 0, decided=status == APPROVED, order=order,
            status=status, base_votes=own))
    out.sort(key=lambda s: (s.order, s.gss_code))
    notes = table.notes() + ([NON_VOTER_HEADROOM] if table.kind != KIND_CENSUS else [])
    return out, table, notes, base
