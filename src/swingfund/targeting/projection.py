"""The projected centre of the next result, by nation, landing exactly on the national shares asked for.

This is the API a poll average (or a user typing shares) calls::

    projection_by_nation(seats=seat_arrays(election_id=...),
                         shares_by_nation={"GB": {"Lab": 0.30, "Con": 0.22, "Reform UK": 0.25},
                                           "S": {"SNP": 0.32, "Lab": 0.22}},
                         method=PROPORTIONAL_LOSSES) -> ProjectionByNation

* ``shares_by_nation``: ``{area: {party: share}}``, shares of all valid votes, 0–1. An area is a nation code as on
  the constituency (``"E"`` England, ``"W"`` Wales, ``"S"`` Scotland, ``"N"`` Northern Ireland), ``"GB"`` (Great
  Britain) or ``"UK"``. A party is a carrier's name or abbreviation (``"Lab"``, ``"Labour"``), case-insensitive;
  a party that stood nowhere last time may be named by any label (it enters by the new-party rule below).
  When ``"GB"`` is given with some of E/W/S, the nations not given share one target derived so that the GB total
  lands exactly (``"GB"`` Lab 0.30 with ``"S"`` Lab 0.22 → England and Wales together get the Lab share that makes
  GB 0.30). ``"GB"`` alone moves the 632 GB seats as one pool. A nation without a target keeps its last result.
* The per-party national error covariance that goes with the shares (`swingfund.targeting.polling_error`)
  is passed to `forecast.forecast_build` (``national_cov``), not here: the projection is the centre only.

Within each pool (the seats of one area; the Speaker's seat is kept out), for each party p with last national share
n_p and target t_p:

* **strong-transition** (``STRONG_TRANSITION``): a party that loses loses the same *fraction* of its vote in every
  seat, s' = s × t_p/n_p (so it loses most where it was strongest: Electoral Calculus's public description of its
  strong transition model); the votes lost in a seat form that seat's pool, and each party that gains and stands
  there takes the fraction w_p ÷ (the sum of w over the gainers standing there) of the pool. Where every gainer
  stands everywhere, w_p is its national gain t_p − n_p; otherwise the weights are fitted (iterative scaling) so
  that every gainer's national gain lands. Shares sum to 1 in every seat and land exactly.
* **proportional-losses** (the default, chosen by backtest: `backtest.settings_choose`): a party that loses loses
  the same fraction everywhere (as above); a party that gains gains the same number of points everywhere (then
  raked, below).
* **proportional**: every party's share scaled by t_p/n_p in every seat (then raked, below).
* **uniform**: every party's share moved by t_p − n_p points (then clipped at 0 and raked).

Parties without a target (and candidacies without a party) are scaled together so that every pool's shares sum
to 1: each keeps its relative size, their total is 1 − Σ targets.

**New party in a seat** (the stated rule, ``NEW_PARTY_RULE``): a party with a target that did not stand in a seat
of the pool last time enters there, before the projection, with its mean share (valid-vote weighted) in the seats
of the same nation where it did stand; a party that stood nowhere in the nation enters every seat with its target
share. The seat's other shares are scaled down to make room. Then the projection moves it like every other party.

**Landing exactly**: after the method, shares are raked (iterative proportional fitting over seats × parties) until
every party's pool share is within 1e-7 of its target and every seat sums to 1. For strong transition the rake has
nothing to do. ``asked`` and ``achieved`` (recomputed from the projected votes) are returned side by side.
Projected votes = share × the seat's last valid votes (turnout held).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from swingfund.targeting.swing import top_two

UNIFORM = "uniform"
PROPORTIONAL = "proportional"
STRONG_TRANSITION = "strong-transition"
PROPORTIONAL_LOSSES = "proportional-losses"
PROJECTION_METHODS = (STRONG_TRANSITION, PROPORTIONAL_LOSSES, PROPORTIONAL, UNIFORM)
TRANSITION_METHODS = (STRONG_TRANSITION, PROPORTIONAL_LOSSES, PROPORTIONAL)
"""The methods a backtest chooses among (`backtest.settings_choose`): transition models, as issue 19 asks; uniform
swing stays available when asked for by name."""
GB, UK = "GB", "UK"
NATIONS = ("E", "W", "S", "N")
GB_NATIONS = ("E", "W", "S")
AREAS = (GB, UK, *NATIONS)
NEW_PARTY_RULE = ("a party new to a seat enters with its mean share in the seats of the same nation where it stood "
                  "last time (a party new to the whole nation: its target share), the seat's other shares scaled "
                  "down to make room; then it is projected like every other party")
RAKE_TOLERANCE = 1e-7
RAKE_ITERATIONS = 500

PROJECTION_BAD_METHOD = "Projection method must be one of: {methods} (got {method!r})."
PROJECTION_BAD_AREA = "Unknown area {area!r}: use one of GB, UK, E, W, S, N."
PROJECTION_BAD_SHARE = "National share for {party} in {area} must be between 0 and 1 (got {share})."
PROJECTION_OVER_ONE = "National shares in {area} add up to {total:.3f}, more than 1."
PROJECTION_UK_AND_OTHERS = "Shares for UK cannot be combined with shares for GB or a nation."
PROJECTION_DERIVED_NEGATIVE = ("The GB share of {party} ({gb:.3f}) cannot be met: the nations given already hold "
                               "more than that, leaving {derived:.3f} for the rest of Great Britain.")
PROJECTION_EMPTY_POOL = "No seat of {election} is in {area}."


class ProjectionError(ValueError):
    """Shares or a method that cannot be used; the message says why."""


@dataclass(frozen=True)
class ProjectionByNation:
    """Projected votes per candidacy row (rows of the election plus rows added for parties new to a seat)."""

    seat: np.ndarray          # per row: seat index
    carrier: np.ndarray       # per row: carrier column (−1: none; columns ≥ len(carrier_names) are new parties)
    votes: np.ndarray         # per row: projected votes
    names: list[str]          # per row: candidate name ('' for added rows)
    added: np.ndarray         # per row: True where the row entered by the new-party rule
    carrier_names: list[str]  # the election's carriers, then any party new to the election
    winner: np.ndarray
    runner_up: np.ndarray
    majority: np.ndarray
    valid: np.ndarray
    method: str
    asked: dict[str, dict[str, float]] = field(default_factory=dict)
    achieved: dict[str, dict[str, float]] = field(default_factory=dict)
    change: dict[str, dict[str, float]] = field(default_factory=dict)   # area → party → target − last share

    def as_dict(self) -> dict[str, object]:
        return {"method": self.method, "new_party_rule": NEW_PARTY_RULE,
                "asked": _rounded(self.asked), "achieved": _rounded(self.achieved),
                "rows_added": int(self.added.sum())}


def _rounded(d: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    return {a: {p: round(v, 5) for p, v in parties.items()} for a, parties in d.items()}


def _pools(*, nations: np.ndarray, frozen: np.ndarray, areas: list[str]) -> dict[str, np.ndarray]:
    """area → mask of the seats it moves (the Speaker's seat never moves)."""
    out = {}
    given = set(areas)
    for area in areas:
        if area == UK:
            mask = np.ones(nations.size, dtype=bool)
        elif area == GB:
            rest = [n for n in GB_NATIONS if n not in given]
            mask = np.isin(nations, rest)
        else:
            mask = nations == area
        out[area] = mask & ~frozen
    return out


def _resolve(label: str, lookup: dict[str, int]) -> int | None:
    return lookup.get(label.strip().lower())


def projection_by_nation(
    *, seats, shares_by_nation: Mapping[str, Mapping[str, float]], method: str = PROPORTIONAL_LOSSES,
) -> ProjectionByNation:
    """Project every seat of `seats` (a `selectors.SeatArrays`) to the shares asked (see the module docstring)."""
    if method not in PROJECTION_METHODS:
        raise ProjectionError(PROJECTION_BAD_METHOD.format(methods=", ".join(PROJECTION_METHODS), method=method))
    areas = [a.strip().upper() if a.strip().upper() in (GB, UK) else a.strip().upper() for a in shares_by_nation]
    for a in areas:
        if a not in AREAS:
            raise ProjectionError(PROJECTION_BAD_AREA.format(area=a))
    if UK in areas and len(areas) > 1:
        raise ProjectionError(PROJECTION_UK_AND_OTHERS)
    k0 = len(seats.carrier_names)
    lookup: dict[str, int] = {}
    for i, (name, abbr) in enumerate(zip(seats.carrier_names, seats.carrier_abbreviations, strict=True)):
        lookup.setdefault(abbr.lower(), i)
        lookup.setdefault(name.lower(), i)
    carrier_names = list(seats.carrier_names)
    asked: dict[str, dict[str, float]] = {}
    targets: dict[str, dict[int, float]] = {}
    for raw_area, parties in shares_by_nation.items():
        area = raw_area.strip().upper()
        asked[area] = {}
        targets[area] = {}
        for label, share in parties.items():
            share = float(share)
            if not 0 <= share <= 1:
                raise ProjectionError(PROJECTION_BAD_SHARE.format(party=label, area=area, share=share))
            col = _resolve(label, lookup)
            if col is None:  # a party new to this election: a new column
                col = len(carrier_names)
                carrier_names.append(label.strip())
                lookup[label.strip().lower()] = col
            asked[area][carrier_names[col] if col >= k0 else seats.carrier_abbreviations[col]] = share
            targets[area][col] = share
        total = sum(targets[area].values())
        if total > 1 + 1e-9:
            raise ProjectionError(PROJECTION_OVER_ONE.format(area=area, total=total))
    k = len(carrier_names)
    others = k  # one column for every candidacy without a party

    n = len(seats)
    nations = np.array(seats.nations)
    frozen = np.asarray(seats.speaker_seat, dtype=bool)
    seat = np.asarray(seats.cand_seat, dtype=np.int64)
    carrier = np.where(seats.cand_carrier >= 0, seats.cand_carrier, others).astype(np.int64)
    votes = np.asarray(seats.cand_votes, dtype=np.float64)
    names = list(seats.cand_name)
    valid = np.bincount(seat, weights=votes, minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(valid[seat] > 0, votes / valid[seat], 0.0)
    added = np.zeros(seat.size, dtype=bool)

    # GB given together with some nations: the rest of GB gets the target that lands the GB total exactly
    if GB in targets and any(a in targets for a in GB_NATIONS):
        weight = {a: valid[nations == a].sum() for a in GB_NATIONS}
        rest_w = sum(w for a, w in weight.items() if a not in targets)
        gb_w = sum(weight.values())
        derived = {}
        for col, gb_share in targets[GB].items():
            held = 0.0
            for a in GB_NATIONS:
                if a in targets:
                    held += weight[a] * targets[a].get(col, _pool_share(share, seat, carrier, valid,
                                                                        nations == a, col))
            value = (gb_share * gb_w - held) / rest_w if rest_w > 0 else 0.0
            if value < -1e-9:
                raise ProjectionError(PROJECTION_DERIVED_NEGATIVE.format(
                    party=carrier_names[col], gb=gb_share, derived=value))
            derived[col] = max(value, 0.0)
        targets[GB] = derived

    pools = _pools(nations=nations, frozen=frozen, areas=list(targets))
    for area, mask in pools.items():
        if not mask.any():
            raise ProjectionError(PROJECTION_EMPTY_POOL.format(election=seats.election_id, area=area))
        # a share is of every vote of the area, the Speaker's seat included: its votes stay, the rest move to land
        held = _pools(nations=nations, frozen=~frozen, areas=list(targets))[area]
        if held.any():
            v_area, v_pool = valid[mask | held].sum(), valid[mask].sum()
            targets[area] = {col: max((t * v_area - _pool_share(share, seat, carrier, valid, held, col)
                                       * valid[held].sum()) / v_pool, 0.0) for col, t in targets[area].items()}

    # the new-party rule: rows for parties with a target where they did not stand
    extra_seat, extra_carrier, extra_share = [], [], []
    for area, mask in pools.items():
        for col, target in targets[area].items():
            if target <= 0:
                continue
            stood = np.zeros(n, dtype=bool)
            stood[seat[carrier == col]] = True
            for nation in np.unique(nations[mask]):
                in_nation = mask & (nations == nation)
                missing = np.flatnonzero(in_nation & ~stood)
                if missing.size == 0:
                    continue
                where = (carrier == col) & in_nation[seat]
                entry = (votes[where].sum() / valid[seat[where]].sum()) if where.any() else target
                extra_seat += missing.tolist()
                extra_carrier += [col] * missing.size
                extra_share += [entry] * missing.size
    if extra_seat:
        es = np.array(extra_seat, dtype=np.int64)
        entry = np.zeros(n)
        np.add.at(entry, es, np.array(extra_share))
        entry = np.minimum(entry, 0.99)
        share = share * (1.0 - entry[seat])  # make room
        seat = np.concatenate([seat, es])
        carrier = np.concatenate([carrier, np.array(extra_carrier, dtype=np.int64)])
        share = np.concatenate([share, np.array(extra_share)])
        # scale the entrants so each seat sums to 1 even where several entered
        tot = np.bincount(seat, weights=share, minlength=n)
        share = np.where(tot[seat] > 0, share / np.where(tot[seat] > 0, tot[seat], 1.0), share)
        names += [""] * es.size
        added = np.concatenate([added, np.ones(es.size, dtype=bool)])

    new_share = share.copy()
    for area, mask in pools.items():
        rows = mask[seat]
        full = _full_targets(share[rows], seat[rows], carrier[rows], valid, targets[area], k + 1)
        new_share[rows] = _move(share[rows], seat[rows], carrier[rows], valid, full, method)
        new_share[rows] = _rake(new_share[rows], seat[rows], carrier[rows], valid, full)

    new_votes = new_share * valid[seat]
    achieved: dict[str, dict[str, float]] = {}
    change: dict[str, dict[str, float]] = {}
    for area in asked:
        mask = _area_mask(area, nations, frozen)
        for label in asked[area]:
            col = _resolve(label, lookup)
            achieved.setdefault(area, {})[label] = _pool_share(new_share, seat, carrier, valid, mask, col)
            change.setdefault(area, {})[label] = asked[area][label] - _pool_share(
                share, seat, carrier, valid, mask, col)
    winner, runner_up = top_two(seat=seat, votes=new_votes, n_seats=n)
    wv = np.where(winner >= 0, new_votes[np.maximum(winner, 0)], 0.0)
    rv = np.where(runner_up >= 0, new_votes[np.maximum(runner_up, 0)], 0.0)
    return ProjectionByNation(
        seat=seat, carrier=np.where(carrier == others, -1, carrier), votes=new_votes, names=names, added=added,
        carrier_names=carrier_names, winner=winner, runner_up=runner_up, majority=wv - rv, valid=valid,
        method=method, asked=asked, achieved=achieved, change=change)


def _area_mask(area: str, nations: np.ndarray, frozen: np.ndarray) -> np.ndarray:
    """Every seat of the area (the Speaker's included: the shares asked are of all its votes)."""
    if area == UK:
        return np.ones(nations.size, dtype=bool)
    if area == GB:
        return np.isin(nations, GB_NATIONS)
    return nations == area


def _pool_share(share, seat, carrier, valid, seat_mask, col) -> float:
    rows = seat_mask[seat]
    denom = valid[seat_mask].sum()
    if denom <= 0:
        return 0.0
    return float((share[rows] * valid[seat[rows]])[carrier[rows] == col].sum() / denom)


def _national(share, seat, carrier, valid, width) -> np.ndarray:
    total = valid[np.unique(seat)].sum()
    return np.bincount(carrier, weights=share * valid[seat], minlength=width) / max(total, 1e-300)


def _full_targets(share, seat, carrier, valid, given: dict[int, float], width: int) -> np.ndarray:
    """A target for every column of the pool: those given, the rest scaled together to fill 1 − Σ given."""
    last = _national(share, seat, carrier, valid, width)
    full = last.copy()
    given_cols = np.array(sorted(given), dtype=np.int64)
    rest = np.ones(width, dtype=bool)
    rest[given_cols] = False
    room = 1.0 - sum(given.values())
    rest_total = last[rest].sum()
    if rest_total > 0:
        full[rest] = last[rest] * room / rest_total
    for col, t in given.items():
        full[col] = t
    if rest_total <= 0 and room > 0:  # nobody else stood: the given shares are scaled up to fill the seats
        full[given_cols] = full[given_cols] / full[given_cols].sum()
    return full


def _move(share, seat, carrier, valid, full, method) -> np.ndarray:
    width = full.size
    last = _national(share, seat, carrier, valid, width)
    if method == UNIFORM:
        return np.clip(share + (full - last)[carrier], 0.0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(last > 0, full / last, 1.0)
    if method == PROPORTIONAL:
        return share * factor[carrier]
    if method == PROPORTIONAL_LOSSES:
        return np.where(full[carrier] < last[carrier], share * factor[carrier], share + (full - last)[carrier])
    # strong transition: losers lose a fixed fraction everywhere; the gainers standing in a seat split its pool of
    # lost votes by weights w_p, fitted so that each gainer's national gain lands (w_p ∝ its national gain when
    # every gainer stands everywhere)
    loser = full < last
    lost = np.where(loser[carrier], share * (1.0 - factor[carrier]), 0.0)
    n = valid.size
    pool = np.bincount(seat, weights=lost, minlength=n)
    gain = np.where(~loser, full - last, 0.0)
    out = np.where(loser[carrier], share * factor[carrier], share)
    weight = gain.copy()
    total = valid[np.unique(seat)].sum()
    taken = np.zeros_like(share)
    for _ in range(RAKE_ITERATIONS):
        row_w = weight[carrier]
        seat_w = np.bincount(seat, weights=row_w, minlength=n)
        with np.errstate(divide="ignore", invalid="ignore"):
            taken = np.where(seat_w[seat] > 0, pool[seat] * row_w / seat_w[seat], 0.0)
        got = np.bincount(carrier, weights=taken * valid[seat], minlength=width) / total
        if np.max(np.abs(got - gain)) < RAKE_TOLERANCE:
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            weight = np.where(got > 0, weight * gain / got, weight)
    return out + taken


def _rake(share, seat, carrier, valid, full) -> np.ndarray:
    """Iterative proportional fitting: each seat sums to 1 and each column lands on its target."""
    width = full.size
    n = valid.size
    out = share.copy()
    for _ in range(RAKE_ITERATIONS):
        tot = np.bincount(seat, weights=out, minlength=n)
        out = np.where(tot[seat] > 0, out / np.where(tot[seat] > 0, tot[seat], 1.0), out)
        nat = _national(out, seat, carrier, valid, width)
        if np.max(np.abs(nat - full)) < RAKE_TOLERANCE:
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            f = np.where(nat > 0, full / nat, 1.0)
        out = out * f[carrier]
    return out
