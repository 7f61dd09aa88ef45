"""The effect-of-money assumption: extra bloc votes mobilised by money spent in one seat, with diminishing returns.

    votes(x) = scale × Σ_k slope_k × (the part of x, in pounds, that falls in segment k)

is piecewise linear and concave (each segment's slope is half the previous one's), capped per seat by the
bloc's voters who are not yet voting with the group (`headroom`: money mobilises the bloc, it does not create
voters). The central slope of the first segment is **one extra vote per £40**; the assumption's range is
**£20 to £80 per vote** (scale 2.0 to 0.5).

Why these figures (an assumption, not a measurement — set your own with `--cost-per-vote C:LOW:HIGH`):
- Green and Gerber, *Get Out the Vote: How to Increase Voter Turnout* (4th ed., Brookings, 2019), pooling
  hundreds of field experiments, put the cost of one extra vote from door-to-door canvassing by volunteers at
  roughly $30–$60 and from leaflets and mail at $100 or more; a group's first pounds go on the cheapest
  contacts (its own members' canvassing, printing for them), later pounds on dearer ones.
- Pattie, Johnston and Fieldhouse, "Winning the local vote: the effectiveness of constituency campaign
  spending in Great Britain, 1983–1992" (*American Political Science Review* 89(4), 1995) and Johnston and
  Pattie's later work find local spending effects that are real but diminish as spending rises: hence the
  halving slopes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

COST_PER_VOTE_POUNDS = (40.0, 20.0, 80.0)
"""Pounds per extra vote in the first segment: central, low (cheap votes, strong effect), high (weak effect)."""
SEGMENT_POUNDS = (2_000, 3_000, 5_000)
"""Widths of the successive segments in pounds; beyond the last, the slope stays at the last halving."""
SLOPE_DECAY = 0.5
"""Each segment's votes per pound is this fraction of the previous segment's (diminishing returns)."""

EFFECT_BAD_ORDER = "Cost per vote: need low <= central <= high, all above zero (got {text!r})."
EFFECT_BAD_FORMAT = "Cost per vote must be pounds per vote, C or C:LOW:HIGH (e.g. 40:20:80), got {text!r}."


class EffectError(ValueError):
    """The effect assumption cannot be used; the message says why."""


@dataclass(frozen=True)
class EffectCurve:
    """Concave piecewise-linear votes per pound (see the module docstring). Amounts are in pence."""

    cost_per_vote: float = COST_PER_VOTE_POUNDS[0]
    cost_low: float = COST_PER_VOTE_POUNDS[1]
    cost_high: float = COST_PER_VOTE_POUNDS[2]
    segments: tuple[int, ...] = SEGMENT_POUNDS
    decay: float = SLOPE_DECAY

    def __post_init__(self) -> None:
        if not 0 < self.cost_low <= self.cost_per_vote <= self.cost_high:
            raise EffectError(EFFECT_BAD_ORDER.format(text=f"{self.cost_per_vote}:{self.cost_low}:{self.cost_high}"))

    def votes(self, amount_pence: np.ndarray | float, *, cost_per_vote: float | None = None) -> np.ndarray:
        """Extra bloc votes from `amount_pence` (any shape), at `cost_per_vote` pounds per vote in segment one."""
        pounds = np.asarray(amount_pence, dtype=np.float64) / 100.0
        slope = 1.0 / (cost_per_vote or self.cost_per_vote)
        total = np.zeros_like(pounds)
        start = 0.0
        for width in self.segments:
            total += slope * np.clip(pounds - start, 0.0, width)
            start += width
            slope *= self.decay
        return total + slope * np.clip(pounds - start, 0.0, None)

    def describe(self) -> str:
        return (f"Effect of money: one extra bloc vote per £{self.cost_per_vote:g} for the first "
                f"£{self.segments[0]:,} in a seat (range £{self.cost_low:g}–£{self.cost_high:g}), each further "
                f"segment ({', '.join(f'£{s:,}' for s in self.segments[1:])}, then beyond) at {self.decay:g}× the "
                "previous rate; never more than the bloc voters not yet voting with the group. Sources: Green and "
                "Gerber, Get Out the Vote (2019); Pattie, Johnston and Fieldhouse, APSR 1995.")

    def as_dict(self) -> dict[str, object]:
        return {"cost_per_vote_pounds": {"central": self.cost_per_vote, "low": self.cost_low,
                                         "high": self.cost_high},
                "segments_pounds": list(self.segments), "slope_decay": self.decay}


def effect_parse(*, text: str | None) -> EffectCurve:
    """`40` or `40:20:80` (pounds per extra vote in the first segment) → an EffectCurve."""
    if not text:
        return EffectCurve()
    parts = text.split(":")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise EffectError(EFFECT_BAD_FORMAT.format(text=text)) from None
    if len(values) == 1:
        values = values * 3
    if len(values) != 3:
        raise EffectError(EFFECT_BAD_FORMAT.format(text=text))
    if not 0 < values[1] <= values[0] <= values[2]:
        raise EffectError(EFFECT_BAD_ORDER.format(text=text))
    return EffectCurve(cost_per_vote=values[0], cost_low=values[1], cost_high=values[2])
