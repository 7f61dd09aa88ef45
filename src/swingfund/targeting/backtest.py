"""Backtests: forecast a past election from the one before it, and score the forecast against what happened.

The target's actual GB shares by party carrier are the poll (a perfect one: no national error), the projection is
uniform swing, and the seat error is estimated **only from pairs of elections polled before the target**, so a
backtest never learns from the election it forecasts. Scores:

* coverage of the 50 %, 80 % and 95 % intervals of each seat's majority (the projected winner's lead over its
  strongest rival; negative when it loses), against the actual lead of that party's candidate;
* the Brier score of the winner forecast (sum over parties of (p − outcome)², mean over seats; 0 is perfect, a
  confident wrong call costs 2) and its log loss (probabilities floored at `LOG_FLOOR`), against two baselines
  that are certain: the same winner as last time, and plain uniform swing without uncertainty;
* a ten-bin reliability table of every (seat, party) probability against how often it came true.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from swingfund.targeting.forecast import (
    SAMPLE_DRAWS,
    SeatError,
    carrier_shares,
    forecast_build,
    forecast_sample,
    seat_error_estimate,
)
from swingfund.targeting.selectors import TargetingError, election_get, seat_arrays

LEVELS = (0.5, 0.8, 0.95)
LOG_FLOOR = 1e-3
OTHER = "(no party carrier)"
DIFFERENT_BOUNDARIES = ("A backtest needs both elections on the same boundaries: {baseline} is on {a}, {target} on "
                        "{b}. Use the notional results (the earlier "
                        "election's notional results on the later one's boundaries: parl.YYYY-MM-DD.notional).")
NOT_LATER = "The target {target} must be polled after the baseline {baseline}."


@dataclass(frozen=True)
class Backtest:
    baseline: str
    target: str
    seat_error: SeatError
    coverage: dict[float, float]
    brier: float
    brier_same_winner: float
    brier_uniform_swing: float
    log_loss: float
    log_loss_same_winner: float
    reliability: list[dict[str, float]]
    seats: list[dict[str, object]]
    tails: str

    def as_dict(self) -> dict[str, object]:
        return {
            "baseline": self.baseline, "target": self.target, "tails": self.tails,
            "seat_error": self.seat_error.as_dict(), "n_seats": len(self.seats),
            "coverage": {str(k): round(v, 4) for k, v in self.coverage.items()},
            "brier": round(self.brier, 4), "brier_same_winner": round(self.brier_same_winner, 4),
            "brier_uniform_swing": round(self.brier_uniform_swing, 4), "log_loss": round(self.log_loss, 4),
            "log_loss_floor": LOG_FLOOR, "reliability": self.reliability, "seats": self.seats,
        }


def _winner_carrier(seats, names: list[str]) -> tuple[list[str], np.ndarray]:
    """Per seat: the actual winner's carrier name (OTHER if none) and the winner's votes."""
    n = len(seats)
    best = np.full(n, -1.0)
    who = [OTHER] * n
    for s, c, v in zip(seats.cand_seat.tolist(), seats.cand_carrier.tolist(), seats.cand_votes.tolist(), strict=True):
        if v > best[s]:
            best[s] = v
            who[s] = names[c] if c >= 0 else OTHER
    return who, best


def backtest_run(*, baseline_id: str, target_id: str, tails: str = "student-t", draws: int = SAMPLE_DRAWS,
                 seed: int = 2024) -> Backtest:
    """Forecast `target_id` from `baseline_id` with a perfect poll and score it (see the module docstring)."""
    base_e, target_e = election_get(election_id=baseline_id), election_get(election_id=target_id)
    if base_e.boundary_set != target_e.boundary_set:
        raise TargetingError(DIFFERENT_BOUNDARIES.format(baseline=baseline_id, target=target_id,
                                                         a=base_e.boundary_set, b=target_e.boundary_set))
    if target_e.poll_date <= base_e.poll_date:
        raise TargetingError(NOT_LATER.format(target=target_id, baseline=baseline_id))
    seat_error = seat_error_estimate(before=target_e.poll_date)
    base, target = seat_arrays(election_id=baseline_id), seat_arrays(election_id=target_id)
    _, _, national_t, _ = carrier_shares(target)
    t_col = {name: i for i, name in enumerate(target.carrier_names)}
    shares = {i: float(national_t[t_col[name]]) for i, name in enumerate(base.carrier_names) if name in t_col}
    fc = forecast_build(seats=base, targets=shares, method="uniform", seat_error=seat_error, national_sd=0.0,
                        tails=tails)
    sample = forecast_sample(fc, draws=draws, seed=seed)

    actual_winner, _ = _winner_carrier(target, target.carrier_names)
    index_t = {code: i for i, code in enumerate(target.codes)}
    names = base.carrier_names
    # the actual votes of each carrier (and the best rival) per target seat
    votes_t: dict[tuple[int, str], float] = {}
    for s, c, v in zip(target.cand_seat.tolist(), target.cand_carrier.tolist(), target.cand_votes.tolist(),
                       strict=True):
        key = (s, target.carrier_names[c] if c >= 0 else OTHER)
        votes_t[key] = max(votes_t.get(key, 0.0), v)
    last_winner, _ = _winner_carrier(base, names)

    covered = {level: [] for level in LEVELS}
    brier, brier_same, brier_uns, logs, logs_same, pairs, seats_out = [], [], [], [], [], [], []
    for i, code in enumerate(base.codes):
        j = index_t.get(code)
        w = fc.winner[i]
        skip = not base.in_gb[i] or base.speaker_seat[i]
        if j is None or w < 0 or skip or target.speaker_seat[j] or fc.carrier[w] < 0:
            continue
        probs: dict[str, float] = {}
        for col, row in enumerate(sample.rows[i]):
            if row >= 0:
                name = names[fc.carrier[row]] if fc.carrier[row] >= 0 else OTHER
                probs[name] = probs.get(name, 0.0) + float(sample.p_win[i, col])
        probs[OTHER] = probs.get(OTHER, 0.0) + max(0.0, 1.0 - sum(probs.values()))
        outcome = actual_winner[j]
        classes = set(probs) | {outcome}
        brier.append(sum((probs.get(c, 0.0) - (c == outcome)) ** 2 for c in classes))
        centre_winner = names[fc.carrier[w]]
        brier_uns.append(0.0 if centre_winner == outcome else 2.0)
        brier_same.append(0.0 if last_winner[i] == outcome else 2.0)
        logs.append(-np.log(max(probs.get(outcome, 0.0), LOG_FLOOR)))
        logs_same.append(-np.log(1.0 if last_winner[i] == outcome else LOG_FLOOR))
        pairs += [(p, float(c == outcome)) for c, p in probs.items()]
        own = votes_t.get((j, centre_winner), 0.0)
        rival = max((v for (s, c), v in votes_t.items() if s == j and c != centre_winner), default=0.0)
        lead = own - rival
        q = sample.lead_quantiles
        for level in LEVELS:
            lo, hi = q[round((1 - level) / 2, 4)], q[round(1 - (1 - level) / 2, 4)]
            covered[level].append(lo[i] <= lead <= hi[i])
        seats_out.append({
            "code": code, "name": base.names[i], "forecast_winner": centre_winner,
            "p_forecast_winner": round(probs.get(centre_winner, 0.0), 4), "actual_winner": outcome,
            "majority_forecast": round(float(fc.majority[i])),
            "majority_interval_80": [round(float(q[0.1][i])), round(float(q[0.9][i]))],
            "majority_actual": round(lead), "covered_80": bool(covered[0.8][-1]),
        })
    if not seats_out:
        raise TargetingError(f"No seat of {baseline_id} could be compared with {target_id}.")
    return Backtest(
        baseline=baseline_id, target=target_id, seat_error=seat_error,
        coverage={level: float(np.mean(v)) for level, v in covered.items()}, brier=float(np.mean(brier)),
        brier_same_winner=float(np.mean(brier_same)), brier_uniform_swing=float(np.mean(brier_uns)),
        log_loss=float(np.mean(logs)), log_loss_same_winner=float(np.mean(logs_same)),
        reliability=reliability_table(pairs), seats=seats_out, tails=tails,
    )


def reliability_table(pairs: list[tuple[float, float]], bins: int = 10) -> list[dict[str, float]]:
    """Ten equal bins of forecast probability: how many forecasts, their mean, and how often they came true."""
    p = np.array([a for a, _ in pairs])
    o = np.array([b for _, b in pairs])
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    out = []
    for b in range(bins):
        m = which == b
        out.append({"bin": f"{edges[b]:.1f}–{edges[b + 1]:.1f}", "count": int(m.sum()),
                    "mean_forecast": round(float(p[m].mean()), 4) if m.any() else None,
                    "observed": round(float(o[m].mean()), 4) if m.any() else None})
    return out
