"""Scores of a person on a statement: pure, typed, keyword-only functions. No database access here.

Commons votes
-------------
A vote on a division mapped to a statement is *same* (voted the way that counts as agreement), *different*
(voted the other way), *abstain* (voted both ways) or *absent*. Each division is *important* ("strong") or
not. Both scorers return a **distance**: 0 = always voted for the statement, 1 = always voted against, NaN
when there is nothing to score. They accept plain floats or numpy arrays (one element per person), so a
whole parliament scores in one call.

* `public_whip_distance` — Public Whip's classic agreement score. A normal vote is worth 10 points and an
  important vote 50. Disagreeing costs all the points, agreeing none. Absence (or abstention) on an
  important vote costs half (25 of 50). Absence on a normal vote costs 1 point out of only 2 available, so
  it weighs lightly and barely moves a score that has attended votes behind it.
* `twfy_simplified_distance` — TheyWorkForYou's 2024 simplified score. Only important votes count (normal
  votes are informative only). Abstention counts as half agreement. Absences earn no points and cost none;
  they only cap how extreme the score may be: more than one absence forbids the "consistently" bands
  (score kept inside 0.05–0.95), and absences on a third or more of the votes forbid "almost always" too
  (kept inside 0.15–0.85).

Each method has its verbal bands (`PUBLIC_WHIP_BANDS`, `TWFY_BANDS`), read off the distance by `band_for`.

Other evidence
--------------
Pledge-survey answers, public statements and manifesto commitments are their own evidence types, each with a
stance (agree / disagree / mixed / unknown). "Unknown" stays unknown: it is never counted as disagreement.
`statement_score` combines the evidence on one statement version:

1. evidence under an upheld dispute is left out (the coding was withdrawn);
2. votes → the chosen scorer's distance → agree if distance < `AGREE_BELOW`, disagree if > `DISAGREE_ABOVE`,
   otherwise mixed; no scorable vote → unknown;
3. pledge-survey answers → the most recent known answer (a candidate may answer again); likewise the candidate's
   own answers given through the group's survey link (`own_answer`: one per statement version);
4. public statements and manifesto commitments → the common stance of the known items, mixed if they differ;
5. overall → the common stance of the known per-type stances, mixed if they differ, unknown if none is known.

The result lists the ids of every evidence item behind it. The same inputs always give identical numbers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np

Number = TypeVar("Number", float, np.ndarray)

# Public Whip classic weights (points per division).
PW_NORMAL_WEIGHT = 10.0
PW_IMPORTANT_WEIGHT = 50.0
PW_NORMAL_ABSENCE_POINTS = 1.0
PW_NORMAL_ABSENCE_AVAILABLE = 2.0
PW_IMPORTANT_ABSENCE_POINTS = 25.0
PW_IMPORTANT_ABSENCE_AVAILABLE = 50.0

# TheyWorkForYou 2024 simplified score.
TWFY_ABSTAIN_SHARE = 0.5
TWFY_CONSISTENT_CAP = 0.05
TWFY_ALMOST_ALWAYS_CAP = 0.15

# Distance → stance on a statement.
AGREE_BELOW = 0.4
DISAGREE_ABOVE = 0.6

Band = tuple[float, str]
# (upper bound of distance, words); the first band whose bound the distance does not exceed applies.
TWFY_BANDS: tuple[Band, ...] = (
    (0.05, "consistently voted for"),
    (0.15, "almost always voted for"),
    (0.40, "generally voted for"),
    (0.60, "voted a mixture of for and against"),
    (0.85, "generally voted against"),
    (0.95, "almost always voted against"),
    (1.00, "consistently voted against"),
)
PUBLIC_WHIP_BANDS: tuple[Band, ...] = (
    (0.05, "voted very strongly for"),
    (0.15, "voted strongly for"),
    (0.40, "voted moderately for"),
    (0.60, "voted a mixture of for and against"),
    (0.85, "voted moderately against"),
    (0.95, "voted strongly against"),
    (1.00, "voted very strongly against"),
)
NO_VOTES_BAND = "has not voted on this"


@dataclass(frozen=True)
class VoteTally:
    """Counts of one person's votes on one statement (floats, or arrays with one element per person)."""

    same: float | np.ndarray = 0.0
    different: float | np.ndarray = 0.0
    abstain: float | np.ndarray = 0.0
    absent: float | np.ndarray = 0.0
    important_same: float | np.ndarray = 0.0
    important_different: float | np.ndarray = 0.0
    important_abstain: float | np.ndarray = 0.0
    important_absent: float | np.ndarray = 0.0


def _finish(points: float | np.ndarray, available: float | np.ndarray) -> float | np.ndarray:
    points = np.asarray(points, dtype=float)
    available = np.asarray(available, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        distance = np.where(available > 0, points / np.where(available > 0, available, 1.0), np.nan)
    return float(distance) if distance.ndim == 0 else distance


def public_whip_distance(*, tally: VoteTally) -> float | np.ndarray:
    """Public Whip's classic score as a distance (0 = always for, 1 = always against; NaN: no votes).

    >>> public_whip_distance(tally=VoteTally(same=2, absent=3))  # 3 light absences: 3 of 26 points
    0.11538461538461539
    >>> public_whip_distance(tally=VoteTally(important_absent=1))
    0.5
    """
    away = np.add(tally.abstain, tally.absent)
    important_away = np.add(tally.important_abstain, tally.important_absent)
    points = (
        np.multiply(PW_NORMAL_WEIGHT, tally.different)
        + np.multiply(PW_IMPORTANT_WEIGHT, tally.important_different)
        + np.multiply(PW_NORMAL_ABSENCE_POINTS, away)
        + np.multiply(PW_IMPORTANT_ABSENCE_POINTS, important_away)
    )
    available = (
        np.multiply(PW_NORMAL_WEIGHT, np.add(tally.same, tally.different))
        + np.multiply(PW_IMPORTANT_WEIGHT, np.add(tally.important_same, tally.important_different))
        + np.multiply(PW_NORMAL_ABSENCE_AVAILABLE, away)
        + np.multiply(PW_IMPORTANT_ABSENCE_AVAILABLE, important_away)
    )
    return _finish(points, available)


def twfy_simplified_distance(*, tally: VoteTally) -> float | np.ndarray:
    """TheyWorkForYou's 2024 simplified score as a distance. Only important votes count; see the module docs.

    >>> twfy_simplified_distance(tally=VoteTally(important_same=1, important_abstain=1))
    0.25
    >>> twfy_simplified_distance(tally=VoteTally(important_same=6, important_absent=2))  # capped: 2 absences
    0.06
    >>> twfy_simplified_distance(tally=VoteTally(important_same=4, important_absent=2))  # a third absent
    0.16
    """
    same = np.asarray(tally.important_same, dtype=float)
    different = np.asarray(tally.important_different, dtype=float)
    abstain = np.asarray(tally.important_abstain, dtype=float)
    absent = np.asarray(tally.important_absent, dtype=float)
    distance = np.asarray(_finish(different + TWFY_ABSTAIN_SHARE * abstain, same + different + abstain), dtype=float)
    total = same + different + abstain + absent
    lo, hi = TWFY_CONSISTENT_CAP, 1 - TWFY_CONSISTENT_CAP
    distance = np.where(absent > 1, np.clip(distance, lo + 0.01, hi - 0.01), distance)
    lo, hi = TWFY_ALMOST_ALWAYS_CAP, 1 - TWFY_ALMOST_ALWAYS_CAP
    distance = np.where((absent > 0) & (absent >= total / 3), np.clip(distance, lo + 0.01, hi - 0.01), distance)
    distance = np.round(distance, 12)
    return float(distance) if distance.ndim == 0 else distance


Method = Literal["publicwhip", "twfy2024"]
SCORERS = {"publicwhip": public_whip_distance, "twfy2024": twfy_simplified_distance}
BANDS = {"publicwhip": PUBLIC_WHIP_BANDS, "twfy2024": TWFY_BANDS}
METHOD_NAMES = {"publicwhip": "Public Whip classic", "twfy2024": "TheyWorkForYou 2024 simplified"}
DEFAULT_METHOD: Method = "twfy2024"


def band_for(*, distance: float, bands: Sequence[Band]) -> str:
    """The words for a distance (NaN → `NO_VOTES_BAND`)."""
    if distance is None or math.isnan(distance):
        return NO_VOTES_BAND
    for upper, words in bands:
        if distance <= upper:
            return words
    return bands[-1][1]


def stance_from_distance(*, distance: float) -> str:
    """agree below `AGREE_BELOW`, disagree above `DISAGREE_ABOVE`, mixed between, unknown for NaN."""
    if distance is None or math.isnan(distance):
        return "unknown"
    if distance < AGREE_BELOW:
        return "agree"
    if distance > DISAGREE_ABOVE:
        return "disagree"
    return "mixed"


@dataclass(frozen=True)
class EvidenceItem:
    """The facts of one evidence row that scoring needs (built by the selectors from the database)."""

    evidence_id: int
    kind: str  # pledge | division | public_statement | manifesto | own_answer
    stance: str  # agree | disagree | mixed | unknown
    date: dt.date
    vote: str = ""  # aye | no | abstain | absent, for divisions
    agree_when: str = ""  # aye | no, for divisions
    important: bool = False
    withdrawn: bool = False  # an upheld dispute withdrew this coding


@dataclass(frozen=True)
class StatementScore:
    stance: str
    by_kind: dict[str, str]
    vote_distance: float | None
    band: str
    evidence_ids: tuple[int, ...]


def tally_votes(*, items: Sequence[EvidenceItem]) -> VoteTally:
    """Count division votes by outcome relative to the direction that counts as agreement."""
    counts = dict.fromkeys(VoteTally.__dataclass_fields__, 0.0)
    for item in items:
        if item.kind != "division" or item.withdrawn:
            continue
        if item.vote in ("abstain", "absent"):
            outcome = item.vote
        else:
            outcome = "same" if item.vote == item.agree_when else "different"
        counts[("important_" if item.important else "") + outcome] += 1
    return VoteTally(**counts)


def combine_stances(*, stances: Sequence[str]) -> str:
    """The common stance of the known stances; mixed if they differ; unknown if none is known."""
    known = {s for s in stances if s != "unknown"}
    if not known:
        return "unknown"
    return known.pop() if len(known) == 1 else "mixed"


def statement_score(*, items: Sequence[EvidenceItem], method: Method = DEFAULT_METHOD) -> StatementScore:
    """Combine one person's evidence on one statement version into a stance (rules in the module docs)."""
    live = [i for i in items if not i.withdrawn]
    by_kind: dict[str, str] = {}
    distance: float | None = None
    band = NO_VOTES_BAND
    votes = [i for i in live if i.kind == "division"]
    if votes:
        value = float(SCORERS[method](tally=tally_votes(items=votes)))
        if not math.isnan(value):
            distance = value
            band = band_for(distance=value, bands=BANDS[method])
        by_kind["division"] = stance_from_distance(distance=value)
    pledges = sorted(
        (i for i in live if i.kind == "pledge" and i.stance != "unknown"), key=lambda i: (i.date, i.evidence_id)
    )
    if pledges:
        by_kind["pledge"] = pledges[-1].stance
    elif any(i.kind == "pledge" for i in live):
        by_kind["pledge"] = "unknown"
    answers = sorted((i for i in live if i.kind == "own_answer"), key=lambda i: (i.date, i.evidence_id))
    if answers:
        by_kind["own_answer"] = answers[-1].stance
    for kind in ("public_statement", "manifesto"):
        kind_items = [i.stance for i in live if i.kind == kind]
        if kind_items:
            by_kind[kind] = combine_stances(stances=kind_items)
    return StatementScore(
        stance=combine_stances(stances=list(by_kind.values())),
        by_kind=by_kind,
        vote_distance=distance,
        band=band,
        evidence_ids=tuple(sorted(i.evidence_id for i in items)),
    )
