"""The stored forecasts of an election, scored once its result is imported: what the group forecast before polling
day (`targeting.forecasts`), against what happened. Nothing here recomputes a forecast: the probabilities and
intervals are read as they were stored.

Per stored forecast (what-ifs left out: they were never the group's forecast):

* **Brier score** — the mean over its seats of (stored P(backed candidate wins) − won)², 0 for a perfect forecast;
  for a forecast published with targets, the candidate is the projected winner's party (its abbreviation as
  targeting prints it; an independent also by name);
* **coverage** — the share of its seats whose actual lead (the candidate's votes minus the strongest other
  candidate's) fell inside the stored interval of that lead (5–95 % for a plan, 10–90 % for targets);
* **the seats the money went to** — every seat the plan gave money (new or already approved), and whether the
  backed candidate won there;
* whether it was made before polling day, or afterwards (a rehearsal on a past election, said so).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from swingfund.elections.models import Candidacy, Result
from swingfund.evaluation import scoring
from swingfund.organisations.models import Organisation
from swingfund.targeting.forecasts import made_after_poll, stored_forecasts

INDEPENDENT = {"Ind", "Independent", ""}


def _candidacy(seat: dict, labels: dict[int, tuple[str, str]], votes: dict[int, int]) -> int:
    """The candidacy a stored seat forecast is about: a plan names it; targets name the projected winner's party
    (an independent also by name: independents are not one party). 0 when nobody of that party stood."""
    if seat.get("candidacy_id"):
        return int(seat["candidacy_id"])
    party = seat.get("party", "")
    mp = str(seat.get("mp", "")).removeprefix("projected: ")
    match = [c for c, (abbr, name) in labels.items() if abbr == party and (party not in INDEPENDENT or name == mp)]
    return max(match, key=lambda c: votes.get(c, 0), default=0)


def stored_forecast_scores(*, organisation: Organisation, election_id: str) -> list[dict[str, object]]:
    """Every stored forecast of the organisation for the election, scored against its imported result (seats
    without a result yet are left out of the scores and counted in `seats_waiting`)."""
    forecasts = stored_forecasts(organisation=organisation, election_id=election_id)
    if not forecasts:
        return []
    results = {r.constituency.gss_code: r for r in Result.objects.filter(election_id=election_id)
               .select_related("constituency")}
    votes: dict[str, dict[int, int]] = defaultdict(dict)
    labels: dict[str, dict[int, tuple[str, str]]] = defaultdict(dict)  # seat → candidacy → (party abbr., name)
    for code, cand_id, v, abbr, party, name in Candidacy.objects.filter(
            election_id=election_id, votes__isnull=False).values_list(
            "constituency__gss_code", "id", "votes", "party__abbreviation", "party__name", "person_name"):
        votes[code][cand_id] = v
        labels[code][cand_id] = (abbr or party or "", name)
    out = []
    for f in forecasts:
        scored, money_seats, waiting = [], [], 0
        for seat in f.seats:
            result = results.get(seat["gss_code"])
            if result is None:
                waiting += 1
                continue
            cand = _candidacy(seat, labels[seat["gss_code"]], votes[seat["gss_code"]])
            own = votes[seat["gss_code"]].get(cand, 0)
            best_other = max((v for c, v in votes[seat["gss_code"]].items() if c != cand), default=0)
            won = result.winner_id == cand if result.winner_id else own > best_other
            lead = own - best_other
            low, high = seat["lead_interval"]
            scored.append((float(seat["p_win"]), bool(won), lead, float(low), float(high)))
            spent = int(seat.get("amount_pence", 0)) + int(seat.get("fixed_pence", 0))
            if spent > 0:
                money_seats.append({"gss_code": seat["gss_code"], "seat": seat.get("seat", ""), "money_pence": spent,
                                    "p_win": seat["p_win"], "won": bool(won)})
        p = np.array([s[0] for s in scored])
        won = np.array([s[1] for s in scored], dtype=float)
        out.append({
            "id": f.pk, "kind": f.kind, "made_at": f.made_at.isoformat(), "forecast_from": f.base_election_id,
            "made_after_poll": made_after_poll(forecast=f), "model": f.model, "content_hash": f.content_hash,
            "seats_scored": len(scored), "seats_waiting": waiting,
            "brier": round(scoring.brier(p=p, won=won), 4) if scored else None,
            "coverage": round(scoring.coverage(actual=np.array([s[2] for s in scored]),
                                               low=np.array([s[3] for s in scored]),
                                               high=np.array([s[4] for s in scored])), 4) if scored else None,
            "interval_level": f.inputs.get("interval_level", "5–95 %"), "expected_won": round(float(p.sum()), 3),
            "won": int(won.sum()),
            "money_seats": money_seats, "money_seats_won": sum(m["won"] for m in money_seats),
        })
    return out
