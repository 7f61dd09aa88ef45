"""The value of money: how much a pound spent in a seat moves P(the backed candidate wins). Pure (numpy, scipy).

For a backed candidate whose forecast lead is `margin` votes (negative when behind) with forecast spread `sigma`
votes (the sd of the lead), money that brings `votes` extra votes for the candidate changes their chance by

    ΔP = Φ((margin + votes) / sigma) − Φ(margin / sigma)

(Gelman, Silver and Edlin 2012: the chance a move decides the seat is the forecast's probability mass that the
move carries across zero). Hand check, Ilford North forward from 2024: the independent lost by 528, the forecast's
spread of the lead is 4,621 votes, £10,000 buying 119 votes gives Φ((−528 + 119)/4,621) − Φ(−528/4,621) ≈ 0.0102,
so 0.00102 per £1,000 and about £9,800 per 0.01 of an expected seat.

**Votes per pound (the effect-of-money curve).** Calibrated to its two sources (the figures, and the unit costs
they are turned into pounds with, are named constants below):

* Green and Gerber, *Get Out the Vote* (4th ed., Brookings, 2019), pooling randomised field experiments: one
  extra vote per about 14 door-to-door contacts (`CONTACTS_PER_VOTE`), a canvasser making 6 to 12 contacts an
  hour (`CONTACTS_PER_HOUR`), and one extra vote per about 177 pieces of partisan direct mail
  (`LETTERS_PER_VOTE`). At a paid canvasser-hour of £15 (`CANVASS_HOUR_POUNDS`, an assumption near the UK's
  voluntary Living Wage with costs) the first money buys a vote for 14 × £15 ÷ 12 = £17.50 to 14 × £15 ÷ 6 =
  £35, centrally 14 × £15 ÷ 8 = £26.25; a letter at about 59p (`LETTER_POUNDS`: print and bulk postage, an
  assumption) buys one for 177 × £0.59 ≈ £104.
* Pattie, Johnston and Fieldhouse, "Winning the local vote" (*APSR* 89(4), 1995), and Johnston and Pattie's later
  constituency studies: local spending works, with diminishing returns. So the cheapest contacts come first
  and the cost per vote doubles from one segment to the next — £2,000 at the canvassing cost, £3,000 at twice
  it, £5,000 at four times it (≈ the direct-mail cost) — and stays at the direct-mail cost beyond: letters can
  always be bought.

At the central figures £10,000 buys 2,000/26.25 + 3,000/52.50 + 5,000/105 ≈ 181 votes (about £55 a vote); across
the range, 136 (at £35) to 271 (at £17.50). The earlier curve (£40, halving without end) bought 118.75. Money never
adds more votes than the bloc voters not yet with the candidate (`headroom`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

CONTACTS_PER_VOTE = 14.0
"""Green and Gerber (2019): door-to-door contacts per extra vote."""
CONTACTS_PER_HOUR = (8.0, 12.0, 6.0)
"""Contacts a canvasser makes in an hour: central, high (cheap votes), low (dear votes). Green and Gerber."""
CANVASS_HOUR_POUNDS = 15.0
"""A paid canvasser-hour with its costs, in pounds (an assumption, near the UK's voluntary Living Wage)."""
LETTERS_PER_VOTE = 177.0
"""Green and Gerber (2019): pieces of partisan direct mail per extra vote."""
LETTER_POUNDS = 0.59
"""One letter, printed and posted at bulk rates, in pounds (an assumption)."""
SEGMENT_POUNDS = (2_000, 3_000, 5_000)
"""Widths of the successive segments in pounds; beyond the last, the cost per vote stays at the last segment's."""
SLOPE_DECAY = 0.5
"""Each segment's votes per pound is this fraction of the previous segment's (Pattie, Johnston and Fieldhouse)."""


def _canvass_cost(contacts_per_hour: float) -> float:
    return round(CONTACTS_PER_VOTE * CANVASS_HOUR_POUNDS / contacts_per_hour, 2)


COST_PER_VOTE_POUNDS = tuple(_canvass_cost(c) for c in CONTACTS_PER_HOUR)
"""Pounds per extra vote in the first segment: central (£26.25), low (£17.50, cheap votes), high (£35)."""
DIRECT_MAIL_COST_POUNDS = round(LETTERS_PER_VOTE * LETTER_POUNDS, 2)
"""Pounds per extra vote by direct mail (£104.43): what the third segment costs at the central figure."""
REFERENCE_PENCE = 1_000_000
"""The value of money is reported for a grant of £10,000 in a seat, per £1,000 of it."""
PER_PENCE = 100_000
"""… per £1,000."""
HUNDREDTH = 0.01
"""Pounds per 0.01 of an expected seat."""
SOURCES = ("Green and Gerber, Get Out the Vote (4th ed., 2019); Pattie, Johnston and Fieldhouse, "
           "APSR 89(4), 1995")


def effect_votes(amount_pence: np.ndarray | float, *, cost_per_vote: float = COST_PER_VOTE_POUNDS[0],
                 segments: tuple[int, ...] = SEGMENT_POUNDS, decay: float = SLOPE_DECAY) -> np.ndarray:
    """Extra votes from `amount_pence` (any shape) at `cost_per_vote` pounds a vote in the first segment, the cost
    doubling (÷ `decay`) each segment and staying at the last segment's beyond (see the module docstring)."""
    pounds = np.asarray(amount_pence, dtype=np.float64) / 100.0
    slope = 1.0 / cost_per_vote
    total = np.zeros_like(pounds)
    start = 0.0
    for k, width in enumerate(segments):
        if k:
            slope *= decay
        total += slope * np.clip(pounds - start, 0.0, width)
        start += width
    return total + slope * np.clip(pounds - start, 0.0, None)


def delta_p(*, margin: np.ndarray | float, sigma: np.ndarray | float, votes: np.ndarray | float) -> np.ndarray:
    """ΔP(the backed candidate wins) when `votes` are added to a lead of `margin` with forecast sd `sigma`."""
    margin = np.asarray(margin, dtype=np.float64)
    sigma = np.asarray(sigma, dtype=np.float64)
    return ndtr((margin + np.asarray(votes, dtype=np.float64)) / sigma) - ndtr(margin / sigma)


@dataclass(frozen=True)
class MoneyValue:
    """Per seat: ΔP per £1,000 of a `reference_pence` grant (central, low, high across the effect's range), the
    votes that grant buys at each end, and pounds per 0.01 expected seat (inf where money buys nothing)."""

    reference_pence: int
    votes: np.ndarray
    votes_low: np.ndarray
    votes_high: np.ndarray
    per_1000: np.ndarray
    per_1000_low: np.ndarray
    per_1000_high: np.ndarray

    @property
    def pounds_per_hundredth_seat(self) -> np.ndarray:
        gain = self.per_1000 * (self.reference_pence / PER_PENCE)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(gain > 0, (self.reference_pence / 100.0) * HUNDREDTH / gain, np.inf)


def money_value(*, margin: np.ndarray, sigma: np.ndarray, headroom: np.ndarray | None = None,
                reference_pence: int = REFERENCE_PENCE,
                costs: tuple[float, float, float] = COST_PER_VOTE_POUNDS) -> MoneyValue:
    """The value of `reference_pence` in every seat at once (vectorised): `margin` the backed candidate's lead
    (negative when behind), `sigma` the forecast sd of that lead, `headroom` the votes money can still find (none:
    no cap). `costs` = (central, low, high) pounds per vote in the first segment; the interval is the effect's
    range (cheap votes give the high end). NaN where the margin or sigma is unknown."""
    margin = np.asarray(margin, dtype=np.float64)
    sigma = np.asarray(sigma, dtype=np.float64)
    per = reference_pence / PER_PENCE

    def at(cost: float) -> tuple[np.ndarray, np.ndarray]:
        votes = np.full(margin.shape, float(effect_votes(reference_pence, cost_per_vote=cost)))
        if headroom is not None:
            votes = np.minimum(votes, np.nan_to_num(np.asarray(headroom, dtype=np.float64), nan=np.inf))
        with np.errstate(invalid="ignore", divide="ignore"):
            return votes, delta_p(margin=margin, sigma=sigma, votes=votes) / per

    central, low, high = costs
    votes, mid = at(central)
    votes_high, best = at(low)
    votes_low, worst = at(high)
    return MoneyValue(reference_pence=reference_pence, votes=votes, votes_low=votes_low, votes_high=votes_high,
                      per_1000=mid, per_1000_low=worst, per_1000_high=best)


def describe(reference_pence: int = REFERENCE_PENCE) -> str:
    """One line for a table's notes."""
    c, lo, hi = COST_PER_VOTE_POUNDS
    pounds = reference_pence // 100
    return (f"Value of money: ΔP(the backed candidate wins) per £1,000 of a £{pounds:,} grant, "
            "Φ((lead + votes) ÷ sd) − Φ(lead ÷ sd), with the lead's sd from the forecast's 10–90 % interval; "
            f"£{pounds:,} buys {float(effect_votes(reference_pence, cost_per_vote=c)):.0f} votes "
            f"(range {float(effect_votes(reference_pence, cost_per_vote=hi)):.0f}–"
            f"{float(effect_votes(reference_pence, cost_per_vote=lo)):.0f}): £{c:g} a vote for the first "
            f"£{SEGMENT_POUNDS[0]:,} (range £{lo:g}–£{hi:g}), doubling each segment up to the direct-mail cost "
            f"(£{DIRECT_MAIL_COST_POUNDS:g}). Sources: {SOURCES}.")
