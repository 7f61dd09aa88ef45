"""Evidence for the own-candidate lens: how the bloc's own candidates did at the last election.

At the 2024 general election several candidates standing outside the established parties won or came close in
seats with a large Muslim population (House of Commons Library, *General election 2024 results*, CBP-10009:
Leicester South, Blackburn, Dewsbury and Batley, Birmingham Perry Barr gained by independents; Ilford North lost
by 528). Their votes, measured against the model's own estimate of the bloc's voters, are the evidence for what a
bloc's own candidate can poll; they replace the guessed cohesion and outside support of the own lens.

**Who counts** (a rule on the data, naming no party): at the baseline election, a candidacy that carries no
established party's vote (an independent, or a party under `NEW_PARTY_SHARE` of the GB vote) and took at least
`MIN_SHARE` of the valid votes in a seat where the bloc is at least `MIN_BLOC_SHARE` of the population.

**What it gives**: for each such candidacy, the ratio r = its votes ÷ the bloc's voters in the seat (bloc voters as
the targets table computes them, at the central assumptions, without cohesion). The own lens then draws, per
simulation, one r from these ratios (each equally likely) and gives the own candidate r × the seat's bloc voters,
taken from the leading candidacies by the allocation; outside support is then inside r and is not added again.

**An incumbent who is the bloc's own candidate** (such a candidacy won the seat) is not a rival of a new own
candidate: there, P(own) is the chance that the incumbent holds the seat under the forecast.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MIN_SHARE = 0.10
MIN_BLOC_SHARE = 0.10
NEW_PARTY_SHARE = 0.02
COMBINED = "Other candidates (combined)"
"""How the notional and BES files name the combined votes of minor candidates: not one candidacy."""
NO_EVIDENCE = ("no candidacy outside the established parties took {share:.0%} of the vote in a seat where the "
               "bloc is {bloc:.0%} of the population at {election}: the own lens keeps the assumed cohesion and "
               "outside support")


@dataclass(frozen=True)
class OwnEvidence:
    election_id: str
    rows: list[dict[str, object]] = field(default_factory=list)   # one per community candidacy
    ratios: np.ndarray = field(default_factory=lambda: np.zeros(0))
    incumbent_rows: dict[int, int] = field(default_factory=dict)   # seat index → candidacy row that won
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"election": self.election_id, "note": self.note, "candidacies": self.rows,
                "ratio_median": round(float(np.median(self.ratios)), 3) if self.ratios.size else None}


def own_evidence(*, seats, bloc_share: np.ndarray, bloc_voters: np.ndarray) -> OwnEvidence:
    """The community candidacies of the election `seats` holds, and their votes ÷ bloc voters (see module doc)."""
    from swingfund.targeting.swing import national_shares

    n = len(seats)
    valid = np.bincount(seats.cand_seat, weights=seats.cand_votes, minlength=n)
    gb = national_shares(party=seats.cand_carrier, votes=seats.cand_votes, n_parties=len(seats.carrier_names),
                         counted=seats.in_gb[seats.cand_seat])
    car = seats.cand_carrier
    outside = car < 0  # no carrier: an independent (an election where nobody carries a party has no `gb` at all)
    carried = np.flatnonzero(~outside)
    outside[carried] = gb[car[carried]] < NEW_PARTY_SHARE
    with np.errstate(divide="ignore", invalid="ignore"):
        share = seats.cand_votes / valid[seats.cand_seat]
    x = np.asarray(bloc_share, dtype=np.float64)[seats.cand_seat]
    voters = np.asarray(bloc_voters, dtype=np.float64)[seats.cand_seat]
    combined = {i for i, name in enumerate(seats.party_names) if name == COMBINED}
    named = np.array([bool(name.strip()) and name.strip() != COMBINED and int(p) not in combined
                      for name, p in zip(seats.cand_name, seats.cand_party, strict=True)])  # "others" is nobody
    pick = np.flatnonzero(outside & named & (share >= MIN_SHARE) & (x >= MIN_BLOC_SHARE) & np.isfinite(voters)
                          & (voters > 0) & ~seats.speaker_seat[seats.cand_seat])
    if pick.size == 0:
        return OwnEvidence(seats.election_id, note=NO_EVIDENCE.format(share=MIN_SHARE, bloc=MIN_BLOC_SHARE,
                                                                       election=seats.election_id))
    winners = np.full(n, -1)
    best = np.full(n, -1.0)
    for r, (s, v) in enumerate(zip(seats.cand_seat.tolist(), seats.cand_votes.tolist(), strict=True)):
        if v > best[s]:
            best[s], winners[s] = v, r
    rows, ratios, incumbents = [], [], {}
    for r in pick.tolist():
        s = int(seats.cand_seat[r])
        ratio = float(seats.cand_votes[r] / voters[r])
        ratios.append(ratio)
        won = winners[s] == r
        if won:
            incumbents[s] = r
        rows.append({"code": seats.codes[s], "seat": seats.names[s], "candidate": seats.cand_name[r],
                     "votes": int(seats.cand_votes[r]), "share": round(float(share[r]), 4),
                     "bloc_voters": round(float(voters[r])), "ratio": round(ratio, 3), "won": bool(won)})
    ratios_a = np.array(ratios)
    note = (f"{len(rows)} candidacies outside the established parties at {seats.election_id} took at least "
            f"{MIN_SHARE:.0%} where the bloc is at least {MIN_BLOC_SHARE:.0%} of the population; their votes were "
            f"{np.min(ratios_a):.2f}–{np.max(ratios_a):.2f} times the bloc's voters "
            f"(median {np.median(ratios_a):.2f}); "
            "the own lens draws its candidate's vote from these ratios (House of Commons Library results)")
    return OwnEvidence(seats.election_id, rows=rows, ratios=ratios_a, incumbent_rows=incumbents, note=note)
