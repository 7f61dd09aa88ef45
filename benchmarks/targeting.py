"""Benchmark: the full targeting model (P(pivotal) over the forecast distribution, `simulate.p_pivotal`) for 650
seats × 100,000 simulations against the random-number floor.

Full model (first block of output): the real 2024 forecast (seat error estimated from the imported history with its
regional part shared by every seat of a region and its seat-type part by every seat of a type, the national error
correlated between parties from the final polls' record (`polling_error`), the bloc-linked term shared by the bloc's
seats (`blocterm`), the own lens driven by the 2024 own candidates (`owncandidates`), Student-t tails, bloc
religion:muslim; the 18 Northern Irish seats, which have no census figures, are given the median bloc so that all
650 seats are simulated), best of --repeat runs, against:
  * the random-number floor: drawing 650 × 100,000 float32 normals (`Generator.standard_normal(out=…)`), the
    least a plain sampler needs (one random number per seat-draw; sampling each leading party's seat error
    needs three);
  * plain sampling of the two leading parties' seat errors (`brute_force_sampling`, swing lens), 20 seats, scaled.
Goal: < 1 s of one core, every Monte Carlo standard error < 0.005.

    python benchmarks/targeting.py                 # needs the imported 2024 results (swingfund demo)
    python benchmarks/targeting.py --draws 100000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core: BLAS threads would add their CPU time to the clock
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "swingfund.settings")

GOAL_SECONDS = 1.0
CLOCK = time.process_time  # CPU time of this (single-threaded) process: one core, unaffected by other processes' load


def full_model(*, draws: int, repeat: int) -> None:
    """The v2 goal: 650 seats × `draws` simulations of the full model on one core."""
    import django

    django.setup()
    from datetime import date

    from swingfund.targeting import leverage as lev
    from swingfund.targeting.bloc import Assumptions, bloc_parse
    from swingfund.targeting.blocterm import bloc_share, bloc_term_estimate
    from swingfund.targeting.forecast import DEFAULT_METHOD, forecast_build, seat_error_estimate
    from swingfund.targeting.polling_error import national_error_covariance
    from swingfund.targeting.selectors import bloc_population, seat_arrays
    from swingfund.targeting.simulate import p_pivotal

    try:
        seats = seat_arrays(election_id="parl.2024-07-04")
        seat_error = seat_error_estimate()
    except Exception as exc:  # not imported: say so
        reason = str(exc).splitlines()[0][:100]
        raise SystemExit(f"full model: needs the imported 2024 results and history ({reason})") from exc
    bloc = bloc_parse(text="religion:muslim")
    parties = ["Con", "Lab", "LD", "RUK", "Green"]
    forecast = forecast_build(seats=seats, targets=None, method=None, seat_error=seat_error, tails="student-t",
                              national_cov=(parties, national_error_covariance(parties)),
                              bloc_share=bloc_share(seats=seats, bloc=bloc),
                              bloc_term=bloc_term_estimate(bloc=bloc, before=date(2024, 7, 5), method=DEFAULT_METHOD))
    assert forecast.region_sd.max() > 0 and forecast.bloc_sd is not None and forecast.national_cov is not None
    pop = bloc_population(seats=seats, bloc=bloc, default_adult_share=0.79)
    base = lev.bloc_base(population=pop.population, seat_adult_share=pop.adult_share, turnout=seats.turnout)
    base = np.where(np.isnan(base), np.nanmedian(base), base)
    a = Assumptions()
    ratios = np.array([0.82, 0.79, 1.09, 1.34, 1.21, 1.39, 0.94])  # a stand-in for the evidence's ratios

    from swingfund import caching

    def model() -> tuple[float, object]:
        caching.pure_clear()  # p_pivotal keeps results by the content of its inputs: time the computation, not a hit
        start = CLOCK()
        result = p_pivotal(base=base, forecast=forecast, assumptions=a, draws=draws, seed=1, own_ratios=ratios)
        return CLOCK() - start, result

    def floor() -> float:
        rng = np.random.default_rng(1)
        buffer = np.empty((16, draws), dtype=np.float32)
        start = CLOCK()
        for _ in range(0, base.size, 16):
            rng.standard_normal(out=buffer, dtype=np.float32)
        return CLOCK() - start

    model()  # warm-up
    times, floors = [], []
    for _ in range(repeat):
        t, result = model()
        times.append(t)
        floors.append(floor())
    t_model, t_floor = min(times), min(floors)
    sub = np.argsort(-np.nan_to_num(result.swing))[:20]
    start = CLOCK()
    brute = brute_force_sampling(forecast, base, a, seats=sub, draws=draws)
    t_brute = (CLOCK() - start) * base.size / sub.size
    diff = float(np.max(np.abs(brute - result.swing[sub])))
    se = float(max(np.nanmax(result.swing_se), np.nanmax(result.own_se)))
    print(f"full model, {base.size} seats × {draws:,} simulations: {t_model:.3f} s "
          f"({t_model / (base.size * draws) * 1e9:.2f} ns per seat-simulation; seat error integrated exactly)")
    print(f"random-number floor: {t_floor:.3f} s ({base.size * draws:,} float32 normals); model ÷ floor "
          f"{t_model / t_floor:.2f}×")
    print(f"plain sampling of the two leading parties' seat errors (swing lens): {t_brute:.1f} s (20 seats, scaled); "
          f"÷ model {t_brute / t_model:.0f}×; max |ΔP swing| on those seats {diff:.4f}")
    print(f"largest Monte Carlo standard error: {se:.4f} (goal < 0.005); goal < {GOAL_SECONDS:g} s: "
          f"{'met' if t_model < GOAL_SECONDS and se < 0.005 else 'NOT met'}")


def brute_force_sampling(forecast, base, a, *, seats: np.ndarray, draws: int) -> np.ndarray:
    """P(pivotal), swing lens, by sampling everything (national, regional, seat-type, bloc-linked and seat errors of
    the two leading parties; the regional, seat-type and seat errors × √w), seat by seat: an independent check of
    the exact integration."""
    from swingfund.targeting.forecast import T_DEGREES, leading_rows

    rng = np.random.default_rng(5)
    rows = leading_rows(forecast, 2)
    out = np.zeros(seats.size)
    for n, i in enumerate(seats):
        m = np.ones(draws)
        for x in a.multipliers():
            m *= rng.uniform(x.low, x.high, draws)
        scale = np.sqrt(T_DEGREES / rng.chisquare(T_DEGREES, draws))
        w, r = rows[i]
        v = forecast.valid[i]
        cars = forecast.carrier[[w, r]]
        has = cars >= 0  # a candidate of no party has no national, regional or bloc-linked error
        safe = np.maximum(cars, 0)
        cov = forecast.national_cov[np.ix_(safe, safe)] if forecast.national_cov is not None else (
            np.eye(2) * forecast.national_sd ** 2)
        shared = rng.standard_normal((2, draws)) * forecast.region_sd[safe][:, None]
        if forecast.type_sd.size:
            shared += rng.standard_normal((2, draws)) * forecast.type_sd[safe][:, None]
        nat = rng.multivariate_normal(np.zeros(2), cov, size=draws).T + shared * scale[None, :]
        if forecast.bloc_sd is not None:
            nat += rng.standard_normal((2, draws)) * (forecast.bloc_sd[safe] * forecast.bloc_x[i])[:, None]
        nat *= has[:, None]
        vw = (forecast.centre[w] + nat[0] + rng.standard_normal(draws) * forecast.sd[w] * scale) * v
        vr = (forecast.centre[r] + nat[1] + rng.standard_normal(draws) * forecast.sd[r] * scale) * v
        bloc = base[i] * m
        aw, ar = forecast.centre[w], forecast.centre[r]
        margin = vw - vr
        hit = ((margin > 0) & (margin < bloc * (1 + aw - ar))) | ((margin <= 0) & (-margin < bloc * (1 + ar - aw)))
        out[n] = hit.mean()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    full_model(draws=args.draws, repeat=args.repeat)


if __name__ == "__main__":
    main()
