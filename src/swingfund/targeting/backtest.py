"""Backtests: forecast a past election from the one before it, and score the forecast against what happened.

The target's actual shares by nation (England, Scotland, Wales; every party with at least 2 % there) are the poll, a
perfect one (no national error). Everything else is learnt **only from pairs of elections polled before the target**:

* the seat error (and its regional part) is the spread of the projection's misses on those pairs;
* the settings (the projection method, `projection.PROJECTION_METHODS`, and the tails, `forecast.TAILS`) are chosen
  by `settings_choose`: each setting forecasts every earlier pair, with a seat error estimated from the *other*
  earlier pairs (leave one out; where only one earlier pair exists, from that pair itself, and the report says
  so), and the setting with the lowest mean Brier score wins. Then the errors that seats share (`forecast.SHARED`:
  by region, or by region and seat type) are chosen the same way by the lowest mean CRPS of the region–party seat
  counts: a seat's own chances, and so its Brier score, do not depend on how its error is split between parts
  shared with other seats; the counts do. The report lists which pair chose which setting.

Scores:

* coverage of the 50 %, 80 % and 95 % intervals of each seat's majority (the projected winner's lead over its
  strongest rival; negative when it loses), against the actual lead of that party's candidate;
* `wrong_calls`: seats whose projected winner (the centre) did not win;
* the Brier score of the winner forecast (sum over parties of (p − outcome)², mean over seats; 0 is perfect, a
  confident wrong call costs 2) and its log loss (probabilities floored at `LOG_FLOOR`), against two baselines
  that are certain: the same winner as last time, and plain uniform swing without uncertainty;
* over the **competitive** seats (the forecast winner's P below `COMPETITIVE_BELOW`): `brier_competitive`, the
  forecast winner's P scored against whether it won, and `calibration_gap_competitive`, the mean P minus the
  share that won;
* `region_coverage`: over every region–party pair (the party won a seat of the region, in the result or in the
  projection), the share whose actual number of seats lies inside the 80 % interval of the simulated number (the
  simulations share national, regional and seat-type errors, so these counts are correlated as in the world), and
  `region_crps`, the mean continuous ranked probability score of those counts (in seats; 0 is perfect);
* a ten-bin reliability table of the forecast winner's P in every seat, and the same for the competitive seats
  (`reliability_competitive`), against how often it came true.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from swingfund.targeting.forecast import (
    DEFAULT_METHOD,
    DEFAULT_SHARED,
    DEFAULT_TAILS,
    REGION,
    SAMPLE_DRAWS,
    SHARED,
    TAILS,
    SeatError,
    actual_shares_by_nation,
    forecast_build,
    forecast_sample,
    history_pairs,
    seat_error_estimate,
)
from swingfund.targeting.projection import TRANSITION_METHODS, UNIFORM
from swingfund.targeting.selectors import TargetingError, election_get, seat_arrays

LEVELS = (0.5, 0.8, 0.95)
LOG_FLOOR = 1e-3
COMPETITIVE_BELOW = 0.9
REGION_LEVEL = 0.8
OTHER = "(no party carrier)"
TUNING_DRAWS = 2_000
AUTO = "auto"
DIFFERENT_BOUNDARIES = ("A backtest needs both elections on the same boundaries: {baseline} is on {a}, {target} on "
                        "{b}. Use the notional results (the earlier "
                        "election's notional results on the later one's boundaries: parl.YYYY-MM-DD.notional).")
NOT_LATER = "The target {target} must be polled after the baseline {baseline}."


@dataclass(frozen=True)
class Settings:
    """The projection method, tails and shared errors used, and how they were chosen."""

    method: str
    tails: str
    chosen_by: str
    pairs: list[dict[str, object]] = field(default_factory=list)
    shared: str = DEFAULT_SHARED

    def as_dict(self) -> dict[str, object]:
        return {"method": self.method, "tails": self.tails, "shared": self.shared, "chosen_by": self.chosen_by,
                "pairs": self.pairs}


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
    wrong_calls: int = 0
    brier_competitive: float = float("nan")
    calibration_gap_competitive: float = float("nan")
    n_competitive: int = 0
    region_coverage: float = float("nan")
    region_crps: float = float("nan")
    regions: list[dict[str, object]] = field(default_factory=list)
    reliability_competitive: list[dict[str, float]] = field(default_factory=list)
    method: str = DEFAULT_METHOD
    settings: Settings | None = None
    projection: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "baseline": self.baseline, "target": self.target, "tails": self.tails, "method": self.method,
            "settings": self.settings.as_dict() if self.settings else None,
            "seat_error": self.seat_error.as_dict(), "n_seats": len(self.seats),
            "coverage": {str(k): round(v, 4) for k, v in self.coverage.items()},
            "wrong_calls": self.wrong_calls,
            "brier": round(self.brier, 4), "brier_same_winner": round(self.brier_same_winner, 4),
            "brier_uniform_swing": round(self.brier_uniform_swing, 4), "log_loss": round(self.log_loss, 4),
            "log_loss_floor": LOG_FLOOR, "competitive_below": COMPETITIVE_BELOW, "n_competitive": self.n_competitive,
            "brier_competitive": round(self.brier_competitive, 4),
            "calibration_gap_competitive": round(self.calibration_gap_competitive, 4),
            "region_coverage": round(self.region_coverage, 4), "region_level": REGION_LEVEL,
            "region_crps": round(self.region_crps, 4), "shared": self.seat_error.shared,
            "regions": self.regions, "projection": self.projection,
            "reliability": self.reliability, "reliability_competitive": self.reliability_competitive,
            "seats": self.seats,
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


def _check(baseline_id: str, target_id: str):
    base_e, target_e = election_get(election_id=baseline_id), election_get(election_id=target_id)
    if base_e.boundary_set != target_e.boundary_set:
        raise TargetingError(DIFFERENT_BOUNDARIES.format(baseline=baseline_id, target=target_id,
                                                         a=base_e.boundary_set, b=target_e.boundary_set))
    if target_e.poll_date <= base_e.poll_date:
        raise TargetingError(NOT_LATER.format(target=target_id, baseline=baseline_id))
    return base_e, target_e


def settings_choose(*, before, methods: tuple[str, ...] = TRANSITION_METHODS,
                    tails_options: tuple[str, ...] = TAILS, shared_options: tuple[str, ...] = SHARED,
                    seed: int = 2024) -> Settings:
    """The setting (method, tails) with the lowest mean Brier score over the pairs polled before `before` (a date),
    each pair forecast with a seat error from the other earlier pairs; then, with that setting, the shared errors
    (`forecast.SHARED`) with the lowest mean CRPS of the region–party seat counts (see the module docstring)."""
    pairs = history_pairs(before=before)
    if not pairs:
        return Settings(DEFAULT_METHOD, DEFAULT_TAILS,
                        f"no pair of elections before {before} is imported: the built-in defaults "
                        f"({DEFAULT_METHOD}, {DEFAULT_TAILS} tails, shared errors by {DEFAULT_SHARED})",
                        shared=DEFAULT_SHARED)

    def seat_error_for(a: str, b: str, method: str, shared: str) -> tuple[SeatError, bool]:
        try:
            return seat_error_estimate(before=before, method=method, exclude=((a, b),), shared=shared), False
        except ValueError:
            return seat_error_estimate(before=before, method=method, shared=shared), True

    scores: dict[tuple[str, str], list[float]] = {}
    report = []
    arrays = {}
    runs: dict[tuple[str, str, str, str], Backtest] = {}  # the Brier runs (by region only), reused below
    for a, b in pairs:
        for election_id in (a, b):
            if election_id not in arrays:
                arrays[election_id] = seat_arrays(election_id=election_id)
        base, target = arrays[a], arrays[b]
        per_pair = {}
        in_sample = False
        for method in methods:
            seat_error, in_sample = seat_error_for(a, b, method, REGION)
            for tails in tails_options:
                result = _score(base=base, target=target, seat_error=seat_error, method=method, tails=tails,
                                draws=TUNING_DRAWS, seed=seed)
                runs[(a, b, method, tails)] = result
                per_pair[(method, tails)] = result.brier
                scores.setdefault((method, tails), []).append(result.brier)
        best = min(per_pair, key=per_pair.get)
        report.append({"pair": f"{a}→{b}", "best": {"method": best[0], "tails": best[1]},
                       "brier": {f"{m}/{t}": round(v, 4) for (m, t), v in per_pair.items()},
                       "seat_error_from": "this pair itself (no other earlier pair)" if in_sample
                       else "the other earlier pairs"})
    chosen = min(scores, key=lambda s: float(np.mean(scores[s])))
    shared_scores: dict[str, list[float]] = {}
    for (a, b), row in zip(pairs, report, strict=True):
        per_shared = {}
        for shared in shared_options:
            result = runs[(a, b, *chosen)] if shared == REGION else _score(
                base=arrays[a], target=arrays[b], seat_error=seat_error_for(a, b, chosen[0], shared)[0],
                method=chosen[0], tails=chosen[1], draws=TUNING_DRAWS, seed=seed)
            per_shared[shared] = result.region_crps
            shared_scores.setdefault(shared, []).append(result.region_crps)
        row["best"]["shared"] = min(per_shared, key=per_shared.get)
        row["region_crps"] = {k: round(v, 4) for k, v in per_shared.items()}
    shared = min(shared_scores, key=lambda k: float(np.mean(shared_scores[k])))
    names = ", ".join(f"{a}→{b}" for a, b in pairs)
    when = f"the pairs before {before}" if before else "every imported pair"
    by_shared = "; ".join(f"{k} {np.mean(v):.3f}" for k, v in shared_scores.items())
    return Settings(chosen[0], chosen[1], f"lowest mean Brier score over {when} ({names}); shared errors by the "
                    f"lowest mean CRPS of the region–party seat counts ({by_shared})", report, shared=shared)


def backtest_run(*, baseline_id: str, target_id: str, tails: str | None = None, method: str | None = None,
                 shared: str | None = None, draws: int = SAMPLE_DRAWS, seed: int = 2024) -> Backtest:
    """Forecast `target_id` from `baseline_id` with a perfect poll and score it (see the module docstring).

    `method`, `tails` and `shared` None (or "auto"): chosen by `settings_choose` on the pairs before the target."""
    _, target_e = _check(baseline_id, target_id)
    settings = None
    if AUTO in (method, tails, shared) or None in (method, tails, shared):
        settings = settings_choose(before=target_e.poll_date, seed=seed)
        method = settings.method if method in (None, AUTO) else method
        tails = settings.tails if tails in (None, AUTO) else tails
        shared = settings.shared if shared in (None, AUTO) else shared
    seat_error = seat_error_estimate(before=target_e.poll_date, method=method, shared=shared)
    base, target = seat_arrays(election_id=baseline_id), seat_arrays(election_id=target_id)
    result = _score(base=base, target=target, seat_error=seat_error, method=method, tails=tails, draws=draws,
                    seed=seed)
    return Backtest(**{**result.__dict__, "settings": settings})


def _score(*, base, target, seat_error: SeatError, method: str, tails: str, draws: int, seed: int) -> Backtest:
    fc = forecast_build(seats=base, shares_by_nation=actual_shares_by_nation(target), method=method,
                        seat_error=seat_error, national_sd=0.0, tails=tails)
    sample = forecast_sample(fc, draws=draws, seed=seed)
    uniform = forecast_build(seats=base, shares_by_nation=actual_shares_by_nation(target), method=UNIFORM,
                             seat_error=seat_error, national_sd=0.0, tails=tails) if method != UNIFORM else fc

    actual_winner, _ = _winner_carrier(target, target.carrier_names)
    index_t = {code: i for i, code in enumerate(target.codes)}
    names = fc.carrier_names
    votes_t: dict[int, dict[str, float]] = {}  # seat of the target → carrier → its best candidate's votes
    for s, c, v in zip(target.cand_seat.tolist(), target.cand_carrier.tolist(), target.cand_votes.tolist(),
                       strict=True):
        seat_votes = votes_t.setdefault(s, {})
        name = target.carrier_names[c] if c >= 0 else OTHER
        seat_votes[name] = max(seat_votes.get(name, 0.0), v)
    last_winner, _ = _winner_carrier(base, base.carrier_names)

    covered = {level: [] for level in LEVELS}
    brier, brier_same, brier_uns, logs, logs_same, top, seats_out, used = [], [], [], [], [], [], [], []
    for i, code in enumerate(base.codes):
        j = index_t.get(code)
        w = fc.winner[i]
        skip = not base.in_gb[i] or base.speaker_seat[i]
        if j is None or w < 0 or skip or target.speaker_seat[j] or fc.carrier[w] < 0:
            continue
        used.append((i, j))
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
        uw = uniform.winner[i]
        uniform_winner = uniform.carrier_names[uniform.carrier[uw]] if uniform.carrier[uw] >= 0 else OTHER
        brier_uns.append(0.0 if uniform_winner == outcome else 2.0)
        brier_same.append(0.0 if last_winner[i] == outcome else 2.0)
        logs.append(-np.log(max(probs.get(outcome, 0.0), LOG_FLOOR)))
        logs_same.append(-np.log(1.0 if last_winner[i] == outcome else LOG_FLOOR))
        p_top = probs.get(centre_winner, 0.0)
        top.append((p_top, float(centre_winner == outcome)))
        seat_votes = votes_t.get(j, {})
        own = seat_votes.get(centre_winner, 0.0)
        rival = max((v for c, v in seat_votes.items() if c != centre_winner), default=0.0)
        lead = own - rival
        q = sample.lead_quantiles
        for level in LEVELS:
            lo, hi = q[round((1 - level) / 2, 4)], q[round(1 - (1 - level) / 2, 4)]
            covered[level].append(lo[i] <= lead <= hi[i])
        seats_out.append({
            "code": code, "name": base.names[i], "region": base.regions[i], "forecast_winner": centre_winner,
            "p_forecast_winner": round(p_top, 4), "actual_winner": outcome,
            "majority_forecast": round(float(fc.majority[i])),
            "majority_interval_80": [round(float(q[0.1][i])), round(float(q[0.9][i]))],
            "majority_actual": round(lead), "covered_80": bool(covered[0.8][-1]),
        })
    if not seats_out:
        raise TargetingError(f"No seat of {base.election_id} could be compared with {target.election_id}.")
    p_top = np.array([p for p, _ in top])
    won = np.array([o for _, o in top])
    competitive = p_top < COMPETITIVE_BELOW
    region_cov, region_crps, regions = _region_coverage(fc=fc, sample=sample, base=base, used=used,
                                                        actual_winner=actual_winner)
    return Backtest(
        baseline=base.election_id, target=target.election_id, seat_error=seat_error,
        coverage={level: float(np.mean(v)) for level, v in covered.items()}, brier=float(np.mean(brier)),
        brier_same_winner=float(np.mean(brier_same)), brier_uniform_swing=float(np.mean(brier_uns)),
        log_loss=float(np.mean(logs)), log_loss_same_winner=float(np.mean(logs_same)),
        reliability=reliability_table(top), seats=seats_out, tails=tails,
        wrong_calls=int(np.sum(won == 0)),
        brier_competitive=float(np.mean((p_top[competitive] - won[competitive]) ** 2)) if competitive.any()
        else float("nan"),
        calibration_gap_competitive=float(p_top[competitive].mean() - won[competitive].mean()) if competitive.any()
        else float("nan"),
        n_competitive=int(competitive.sum()), region_coverage=region_cov, region_crps=region_crps, regions=regions,
        reliability_competitive=reliability_table(list(zip(p_top[competitive], won[competitive], strict=True))),
        method=method, projection=fc.projection.as_dict() if fc.projection else {},
    )


def _region_coverage(*, fc, sample, base, used, actual_winner) -> tuple[float, float, list[dict[str, object]]]:
    """Share of region–party pairs whose actual seat count lies in the 80 % interval of the simulated count, and
    the mean CRPS of those counts."""
    seats_i = np.array([i for i, _ in used], dtype=np.int64)
    winners = sample.winner_carrier(fc)[seats_i]           # scored seats × draws
    centre = np.array([fc.carrier[fc.winner[i]] for i in seats_i])
    name_col = {name: c for c, name in enumerate(fc.carrier_names)}
    actual = np.array([name_col.get(actual_winner[j], -1) for _, j in used])
    region = np.array([base.regions[i] for i in seats_i], dtype=object)
    lo_q, hi_q = (1 - REGION_LEVEL) / 2, 1 - (1 - REGION_LEVEL) / 2
    out = []
    for r in sorted(set(region.tolist())):
        m = region == r
        parties = sorted({int(c) for c in np.concatenate([centre[m], actual[m]]) if c >= 0})
        for c in parties:
            counts = (winners[m] == c).sum(axis=0)
            lo, hi = np.quantile(counts, [lo_q, hi_q])
            won = int((actual[m] == c).sum())
            out.append({"region": r, "party": fc.carrier_names[c], "won": won,
                        "interval_80": [int(np.floor(lo)), int(np.ceil(hi))], "covered": bool(lo <= won <= hi),
                        "crps": round(crps(counts, won), 4)})
    if not out:
        return float("nan"), float("nan"), out
    return float(np.mean([o["covered"] for o in out])), float(np.mean([o["crps"] for o in out])), out


def crps(samples: np.ndarray, observed: float) -> float:
    """The continuous ranked probability score of `observed` under the sample's distribution: E|X − y| − ½ E|X − X'|
    (Gneiting and Raftery 2007), in the sample's units; 0 when every draw is the observed value. E|X − X'| from the
    sorted sample: 2 Σ_i (2i − n − 1) x_(i) / n²."""
    x = np.sort(np.asarray(samples, dtype=np.float64))
    n = x.size
    i = np.arange(1, n + 1)
    return float(np.mean(np.abs(x - observed)) - np.sum((2 * i - n - 1) * x) / n ** 2)


def reliability_table(pairs: list[tuple[float, float]], bins: int = 10) -> list[dict[str, float]]:
    """Ten equal bins of forecast probability: how many forecasts, their mean, and how often they came true."""
    p = np.array([a for a, _ in pairs], dtype=np.float64)
    o = np.array([b for _, b in pairs], dtype=np.float64)
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    out = []
    for b in range(bins):
        m = which == b
        out.append({"bin": f"{edges[b]:.1f}–{edges[b + 1]:.1f}", "count": int(m.sum()),
                    "mean_forecast": round(float(p[m].mean()), 4) if m.any() else None,
                    "observed": round(float(o[m].mean()), 4) if m.any() else None})
    return out
