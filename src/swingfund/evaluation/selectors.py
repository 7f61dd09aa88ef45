"""Reads for evaluation: where the group acted in an election, what happened there, and how the forecast scored.

Everything is read from the apps to the left (elections, targeting, committee, funding); nothing is written.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from swingfund.committee.models import Decision, Proposal
from swingfund.display import money
from swingfund.elections.models import Candidacy, Election, Result
from swingfund.evaluation import scoring
from swingfund.evaluation.stored import stored_forecast_scores
from swingfund.funding.models import Grant
from swingfund.organisations.models import Organisation
from swingfund.organisations.selectors import organisation_get
from swingfund.targeting.bloc import Assumptions, bloc_parse
from swingfund.targeting.leverage import vote_weight
from swingfund.targeting.targets import targets_compute

NO_BLOC_NOTE = ("Outcomes, money and the forecast only: no estimate of the group's own effect on the count (nobody "
                "sees how anyone voted).")
"""The demo organisation's bloc (as in `swingfund demo`); a group passes its own with --bloc."""
ELECTION_UNKNOWN = "No election {election!r}. Imported elections: {known}."
ELECTION_NO_RESULTS = ("Election {election} has no results yet: evaluation needs the count. Import the results "
                       "with `swingfund data import PATH…`.")
EFFECT_DRAWS = 1_000  # targeting's P(decisive) is not used here, only its bloc figures


@dataclass(frozen=True)
class SeatEvaluation:
    gss_code: str
    seat: str
    candidacy_id: int
    candidate: str
    party: str
    won: bool
    majority: int
    lead: int
    winner: str
    bloc_effect_interval: tuple[float, float] | None
    pivotal: str
    money_pence: int
    committed_pence: int
    forecast_p_win: float | None = None
    forecast_lead_interval: tuple[float, float] | None = None

    @property
    def plausibly_pivotal(self) -> bool:
        return self.pivotal in {"yes", "plausibly"}

    def as_dict(self) -> dict[str, object]:
        effect = self.bloc_effect_interval
        return {
            "gss_code": self.gss_code, "seat": self.seat, "candidacy_id": self.candidacy_id,
            "candidate": self.candidate, "party": self.party, "won": self.won, "majority": self.majority,
            "lead": self.lead, "winner": self.winner,
            "bloc_effect_interval": None if effect is None else [round(effect[0]), round(effect[1])],
            "plausibly_pivotal": self.plausibly_pivotal, "pivotal": self.pivotal,
            "money": {"paid_pence": self.money_pence, "committed_pence": self.committed_pence,
                      "paid": money(self.money_pence, short=True)},
            "forecast": None if self.forecast_p_win is None else {
                "p_win": round(self.forecast_p_win, 4),
                "lead_interval": [round(self.forecast_lead_interval[0]), round(self.forecast_lead_interval[1])],
                "covered": self.forecast_lead_interval[0] <= self.lead <= self.forecast_lead_interval[1],
            },
        }


@dataclass(frozen=True)
class Evaluation:
    election_id: str
    organisation: str
    bloc: str
    seats: list[SeatEvaluation]
    prior_election: str | None
    notes: list[str] = field(default_factory=list)
    stored_forecasts: list[dict[str, object]] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        won = sum(s.won for s in self.seats)
        paid = sum(s.money_pence for s in self.seats)
        scored = [s for s in self.seats if s.forecast_p_win is not None]
        out: dict[str, object] = {
            "acted_seats": len(self.seats), "backed_won": won,
            "plausibly_pivotal": sum(s.plausibly_pivotal for s in self.seats),
            "won_and_plausibly_pivotal": sum(s.won and s.plausibly_pivotal for s in self.seats),
            "money_paid_pence": paid,
            "money_per_aligned_elected_pence": paid // won if won else None,
            "forecast": None,
        }
        if scored:
            out["forecast"] = {
                "seats": len(scored), "prior_election": self.prior_election,
                "brier": round(scoring.brier(p=np.array([s.forecast_p_win for s in scored]),
                                             won=np.array([s.won for s in scored])), 4),
                "coverage": round(scoring.coverage(
                    actual=np.array([s.lead for s in scored]),
                    low=np.array([s.forecast_lead_interval[0] for s in scored]),
                    high=np.array([s.forecast_lead_interval[1] for s in scored])), 4),
                "interval_level": "5–95 %",
                **_reliability(p=[s.forecast_p_win for s in scored], won=[s.won for s in scored]),
            }
        return out

    def as_dict(self) -> dict[str, object]:
        return {"election": self.election_id, "organisation": self.organisation, "bloc": self.bloc,
                "summary": self.summary(), "seats": [s.as_dict() for s in self.seats], "notes": self.notes,
                "stored_forecasts": self.stored_forecasts}


def _reliability(*, p: list[float], won: list[bool]) -> dict[str, object]:
    """The reliability table of the backed candidates' P(win), for every scored seat and for the competitive ones
    (the forecast's favourite, backed candidate or not, below `backtest.COMPETITIVE_BELOW`): the near-certain
    seats would otherwise fill the table and hide how the close calls did."""
    from swingfund.targeting.backtest import COMPETITIVE_BELOW, reliability_table

    pairs = [(float(a), float(b)) for a, b in zip(p, won, strict=True)]
    close = [(a, b) for a, b in pairs if max(a, 1 - a) < COMPETITIVE_BELOW]
    return {"reliability": reliability_table(pairs), "competitive_below": COMPETITIVE_BELOW,
            "competitive_seats": len(close), "reliability_competitive": reliability_table(close),
            "brier_competitive": round(scoring.brier(p=np.array([a for a, _ in close]),
                                                     won=np.array([b for _, b in close])), 4) if close else None}


def _election(election_id: str) -> Election:
    election = Election.objects.filter(pk=election_id).first()
    if election is None:
        known = ", ".join(Election.objects.order_by("id").values_list("id", flat=True)) or "none"
        raise ValueError(ELECTION_UNKNOWN.format(election=election_id, known=known))
    if not Result.objects.filter(election=election).exists():
        raise ValueError(ELECTION_NO_RESULTS.format(election=election_id))
    return election


def acted_seats(*, organisation: Organisation, election_id: str) -> dict[int, dict[str, int]]:
    """constituency id → {candidacy, paid, committed}: seats with an approved grant decision or a grant."""
    out: dict[int, dict[str, int]] = {}
    decisions = Decision.objects.filter(outcome=Decision.Outcome.APPROVED, proposal__kind=Proposal.Kind.GRANT,
                                        proposal__organisation=organisation, proposal__election_id=election_id)
    for cid, cand in decisions.values_list("proposal__constituency_id", "proposal__candidacy_id"):
        out.setdefault(cid, {"candidacy": cand, "paid": 0, "committed": 0})
    grants = Grant.objects.filter(campaign__organisation=organisation, candidacy__election_id=election_id)
    for cid, cand, status, amount in grants.values_list("candidacy__constituency_id", "candidacy_id", "status",
                                                        "amount_pence"):
        row = out.setdefault(cid, {"candidacy": cand, "paid": 0, "committed": 0})
        if cand == row["candidacy"]:
            row["paid" if status == Grant.Status.PAID else "committed"] += amount
    return out


def prior_election(*, election: Election) -> Election | None:
    """The latest earlier election with results on the same boundaries (a notional one counts)."""
    return (Election.objects.filter(boundary_set=election.boundary_set, poll_date__lt=election.poll_date,
                                    results__isnull=False).distinct().order_by("-poll_date", "notional").first())


def _party_key(name: str | None) -> str:
    name = name or ""
    return "Labour" if name.startswith("Labour") else name  # Labour and Co-operative carries Labour's votes


def _prior_leads(*, prior: Election, seats: dict[int, Candidacy]) -> dict[int, tuple[float, float, bool]]:
    """constituency → (backed party's prior lead over the best other, prior valid votes, had prior votes)."""
    votes: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for cid, party, v in Candidacy.objects.filter(election=prior, constituency_id__in=list(seats),
                                                  votes__isnull=False).values_list("constituency_id", "party__name",
                                                                                   "votes"):
        votes[cid].append((_party_key(party), v))
    valid = dict(Result.objects.filter(election=prior, constituency_id__in=list(seats))
                 .values_list("constituency_id", "valid_votes"))
    out = {}
    for cid, cand in seats.items():
        if cid not in valid:
            continue
        party = _party_key(cand.party.name if cand.party else None)
        own = sum(v for p, v in votes[cid] if p == party and party != "Independent")
        best_other = max((v for p, v in votes[cid] if p != party or party == "Independent"), default=0)
        out[cid] = (float(own - best_other), float(valid[cid]), own > 0)
    return out


def evaluate(*, election_id: str, organisation: str, bloc: str | None = None,
             assumptions: Assumptions | None = None) -> Evaluation:
    """Per seat where the group acted: the outcome, the bloc's possible effect, the money and the forecast's score.
    Without a census bloc (`bloc` None or "") there is no effect to estimate: the seats' effect is unknown, and
    the forecast moves the prior lead by nothing but the seat error."""
    org = organisation_get(slug=organisation)
    election = _election(election_id)
    acted = acted_seats(organisation=org, election_id=election.pk)
    table = targets_compute(election_id=election.pk, bloc=bloc_parse(text=bloc) if bloc else None,
                            assumptions=assumptions, draws=EFFECT_DRAWS)
    a = table.assumptions
    index = {int(c): i for i, c in enumerate(table.seats.constituency_ids)}
    central = a.central_multiplier() / a.cohesion.central if a.cohesion.central else float("nan")
    lows = math.prod(x.low for x in a.multipliers())
    highs = math.prod(x.high for x in a.multipliers())
    weight = vote_weight(count_twice=a.count_twice)
    results = {r.constituency_id: r for r in Result.objects.filter(election=election, constituency_id__in=list(acted))
               .select_related("constituency", "winner")}
    cands = Candidacy.objects.filter(pk__in=[v["candidacy"] for v in acted.values()]).select_related("party",
                                                                                                     "person")
    cands = {c.pk: c for c in cands}
    all_votes: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for cid, cand_id, v in Candidacy.objects.filter(election=election, constituency_id__in=list(acted),
                                                    votes__isnull=False).values_list("constituency_id", "id", "votes"):
        all_votes[cid].append((cand_id, v))
    prior = prior_election(election=election)
    backed = {cid: cands[v["candidacy"]] for cid, v in acted.items() if v["candidacy"] in cands and cid in results}
    leads = _prior_leads(prior=prior, seats=backed) if prior else {}
    rows, forecast_inputs = [], []
    for cid, cand in sorted(backed.items(), key=lambda kv: results[kv[0]].constituency.gss_code):
        result, money = results[cid], acted[cid]
        own = dict(all_votes[cid]).get(cand.pk, 0)
        best_other = max((v for c, v in all_votes[cid] if c != cand.pk), default=0)
        won = result.winner_id == cand.pk if result.winner_id else own > best_other
        effect = None
        i = index.get(cid)
        if bloc and i is not None and math.isfinite(table.bloc_voters[i]) and central > 0:
            base = table.bloc_voters[i] / central
            effect = (float(base * lows * weight), float(base * highs * weight))
        pivotal = "unknown" if effect is None else str(scoring.pivotal_level(
            majority=np.array([result.majority]), effect_low=np.array([effect[0]]),
            effect_high=np.array([effect[1]]))[0])
        winner = result.winner.person_name if result.winner else ""
        rows.append(SeatEvaluation(
            gss_code=result.constituency.gss_code, seat=result.constituency.name, candidacy_id=cand.pk,
            candidate=cand.person_name or (cand.person.name if cand.person else ""),
            party=cand.party.name if cand.party else "Independent", won=bool(won), majority=result.majority,
            lead=own - best_other, winner=winner, bloc_effect_interval=effect, pivotal=pivotal,
            money_pence=money["paid"], committed_pence=money["committed"]))
        if cid in leads:
            low, high = effect or (0.0, 0.0)
            # A party's candidate already had the bloc's votes in the prior result: this time they may go either
            # way. A new independent starts from nothing: the bloc's move can only add to them.
            has_prior_votes = leads[cid][2]
            forecast_inputs.append((len(rows) - 1, *leads[cid][:2], *((-high, high) if has_prior_votes
                                                                      else (low, high))))
    if forecast_inputs:
        idx, lead0, valid0, lo, hi = (np.array(col) for col in zip(*forecast_inputs, strict=True))
        p, flo, fhi = scoring.prior_forecast(prior_lead=lead0, valid_votes=valid0, effect_low=lo, effect_high=hi)
        for k, r in enumerate(idx.tolist()):
            s = rows[r]
            rows[r] = SeatEvaluation(**{**s.__dict__, "forecast_p_win": float(p[k]),
                                        "forecast_lead_interval": (float(flo[k]), float(fhi[k]))})
    effect_notes = [
        "Bloc effect: the bloc's cohesive vote with every targeting assumption at the low, then the high end of "
        f"its range{' (counted twice: a switched vote)' if a.count_twice else ''}.",
        "Plausibly pivotal: the actual majority was below the high end of the bloc's effect ('yes' if below even "
        "the low end). It says the bloc could have decided the seat, not that it did.",
    ] if bloc else [NO_BLOC_NOTE]
    notes = [
        f"Acted seats: the committee's approved grant decisions and the grants paid from {org.slug}'s campaigns "
        f"for {election.pk}.",
        *effect_notes,
        ((f"Forecast: the backed candidate's lead at {prior.pk} on the same boundaries (their party's; none for a "
          "new independent), moved by the bloc's effect drawn from its range (either way for a party's candidate, "
          f"whose prior votes already held the bloc's; towards a new independent), plus a t({scoring.SEAT_ERROR_DF}) "
          "seat error scaled to "
          f"{scoring.SEAT_ERROR_SHARE:.0%} of valid votes; Brier score and coverage of its 5–95 % interval.")
         if bloc else
         (f"Forecast: the backed candidate's lead at {prior.pk} on the same boundaries (their party's; none for a "
          f"new independent), plus a t({scoring.SEAT_ERROR_DF}) seat error scaled to "
          f"{scoring.SEAT_ERROR_SHARE:.0%} of valid votes; Brier score and coverage of its 5–95 % interval."))
        if prior else "Forecast not scored: no earlier election with results on the same boundaries.",
        *[f"Source: {s.title} — {s.publisher} ({s.file_name})" for s in table.sources],
    ]
    return Evaluation(election_id=election.pk, organisation=org.slug, bloc=bloc or "", seats=rows,
                      prior_election=prior.pk if prior else None, notes=notes,
                      stored_forecasts=stored_forecast_scores(organisation=org, election_id=election.pk))


def track_record(*, organisation: str, bloc: str | None = None) -> list[Evaluation]:
    """Every election with results in which the organisation acted, newest first."""
    org = organisation_get(slug=organisation)
    ids = set(Decision.objects.filter(proposal__organisation=org, outcome=Decision.Outcome.APPROVED,
                                      proposal__kind=Proposal.Kind.GRANT).values_list("proposal__election_id",
                                                                                      flat=True))
    ids |= set(Grant.objects.filter(campaign__organisation=org).values_list("candidacy__election_id", flat=True))
    elections = Election.objects.filter(pk__in=ids, results__isnull=False).distinct().order_by("-poll_date")
    return [evaluate(election_id=e.pk, organisation=org.slug, bloc=bloc) for e in elections]
