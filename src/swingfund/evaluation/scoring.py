"""After polling day, pure and vectorised: was the bloc plausibly pivotal, and how did the forecast score?

**Plausibly pivotal.** The bloc could have decided a seat when the actual majority was smaller than the
bloc's estimated effect (its cohesive vote, doubled when a vote switches from the winner to the runner-up).
The effect is an interval (low–high, from the targeting assumptions' ranges), so the answer has three levels:

    "yes"        majority < effect_low   (pivotal even on the cautious estimate)
    "plausibly"  effect_low <= majority < effect_high
    "no"         majority >= effect_high (the bloc alone could not have changed the winner)

`plausibly_pivotal` is true for the first two. It is a statement about what was possible, not proof that
the bloc did decide the seat: nobody observes how a bloc voted.

**The forecast, scored.** Before the poll, the forecast gave the backed candidate a probability of winning
and an interval (5–95 %) for their lead. Afterwards: the *Brier score* is the mean of (p − outcome)², 0 for a
perfect forecast and 0.25 for always saying 50 %; the *coverage* is the share of seats whose actual lead fell
inside the forecast interval (a well-calibrated 90 % interval covers about 90 %).

**The forecast itself** (`prior_forecast`): the backed candidate's lead at the previous election on the same
boundaries (their party's, or zero votes for a new independent), plus the bloc's move drawn uniformly from a
range the caller gives (selectors: either way up to the bloc's effect for a party's candidate, whose prior
votes already held the bloc's; towards a new independent, from the low to the high effect), plus a seat
error: Student-t with 4 degrees of freedom scaled to `SEAT_ERROR_SHARE` of the valid votes (heavy tails:
seats move by more than a normal curve expects).
"""

from __future__ import annotations

import numpy as np

SEAT_ERROR_SHARE = 0.10
"""Scale of the seat error of a lead carried from one election to the next, as a share of valid votes. Between
2019 and 2024 the lead between the top two moved by far more than the national swing in many seats; 10 % with
t(4) tails is a deliberately wide, stated assumption (see the module docstring)."""
SEAT_ERROR_DF = 4
INTERVAL = (0.05, 0.95)
DRAWS = 20_000


def pivotal_level(*, majority: np.ndarray, effect_low: np.ndarray, effect_high: np.ndarray) -> np.ndarray:
    """'yes', 'plausibly' or 'no' per seat (see the module docstring); 'unknown' where the effect is unknown."""
    majority = np.asarray(majority, dtype=np.float64)
    low, high = np.asarray(effect_low, dtype=np.float64), np.asarray(effect_high, dtype=np.float64)
    out = np.where(majority < low, "yes", np.where(majority < high, "plausibly", "no")).astype(object)
    out[np.isnan(low) | np.isnan(high)] = "unknown"
    return out


def prior_forecast(*, prior_lead: np.ndarray, valid_votes: np.ndarray, effect_low: np.ndarray,
                   effect_high: np.ndarray, draws: int = DRAWS, seed: int = 2024,
                   seat_error_share: float = SEAT_ERROR_SHARE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P(backed candidate wins) and the 5–95 % interval of their lead, per seat, by simulation."""
    rng = np.random.default_rng(seed)
    lead = np.asarray(prior_lead, dtype=np.float64)[:, None]
    low = np.nan_to_num(np.asarray(effect_low, dtype=np.float64))[:, None]
    high = np.nan_to_num(np.asarray(effect_high, dtype=np.float64))[:, None]
    n = lead.shape[0]
    effect = low + (high - low) * rng.random((n, draws))
    error = rng.standard_t(SEAT_ERROR_DF, size=(n, draws)) * seat_error_share * np.asarray(valid_votes)[:, None]
    outcome = lead + effect + error
    p = (outcome > 0).mean(axis=1)
    lo, hi = np.quantile(outcome, INTERVAL, axis=1)
    return p, lo, hi


def brier(*, p: np.ndarray, won: np.ndarray) -> float:
    """Mean squared difference between the forecast probability and what happened (1 won, 0 lost)."""
    p, won = np.asarray(p, dtype=np.float64), np.asarray(won, dtype=np.float64)
    return float(np.mean((p - won) ** 2)) if p.size else float("nan")


def coverage(*, actual: np.ndarray, low: np.ndarray, high: np.ndarray) -> float:
    """Share of seats whose actual value lies within [low, high]."""
    actual = np.asarray(actual, dtype=np.float64)
    return float(np.mean((actual >= low) & (actual <= high))) if actual.size else float("nan")
