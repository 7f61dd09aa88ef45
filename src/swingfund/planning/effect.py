"""The effect-of-money assumption: extra votes mobilised by money spent in one seat, with diminishing returns.

    votes(x) = Σ_k slope_k × (the part of x, in pounds, that falls in segment k)

is piecewise linear and concave (each segment's cost per vote is twice the previous one's; beyond the last it
stays there), capped per seat by the bloc's voters who are not yet voting with the group (`headroom`: money
mobilises the bloc, it does not create voters). The curve and its calibration live with the value of money in
`swingfund.targeting.value` (one curve for targets and the planner): **£26.25 a vote for the first £2,000** (range
£17.50 to £35, from Green and Gerber's door-to-door figures), doubling to the direct-mail cost (≈ £104 a vote,
Green and Gerber's 177 letters per vote) by the third segment, as Pattie, Johnston and Fieldhouse's diminishing
returns suggest. Set your own with `--cost-per-vote C:LOW:HIGH`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from swingfund.targeting.value import (
    COST_PER_VOTE_POUNDS,
    DIRECT_MAIL_COST_POUNDS,
    SEGMENT_POUNDS,
    SLOPE_DECAY,
    SOURCES,
    effect_votes,
)

EFFECT_BAD_ORDER = "Cost per vote: need low <= central <= high, all above zero (got {text!r})."
EFFECT_BAD_FORMAT = "Cost per vote must be pounds per vote, C or C:LOW:HIGH (e.g. 26.25:17.5:35), got {text!r}."


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
        return effect_votes(amount_pence, cost_per_vote=cost_per_vote or self.cost_per_vote,
                            segments=self.segments, decay=self.decay)

    def describe(self) -> str:
        ten = [float(self.votes(1_000_000, cost_per_vote=c)) for c in (self.cost_per_vote, self.cost_high,
                                                                            self.cost_low)]
        return (f"Effect of money: one extra vote per £{self.cost_per_vote:g} for the first "
                f"£{self.segments[0]:,} in a seat (range £{self.cost_low:g}–£{self.cost_high:g}), each further "
                f"segment ({', '.join(f'£{s:,}' for s in self.segments[1:])}) at {self.decay:g}× the previous "
                f"rate, then the last segment's rate (the direct-mail cost, £{DIRECT_MAIL_COST_POUNDS:g} a vote at "
                f"the central figure); £10,000 buys {ten[0]:.0f} votes (range {ten[1]:.0f}–{ten[2]:.0f}); never "
                f"more than the bloc voters not yet voting with the group. Sources: {SOURCES}.")

    def as_dict(self) -> dict[str, object]:
        return {"cost_per_vote_pounds": {"central": self.cost_per_vote, "low": self.cost_low,
                                         "high": self.cost_high},
                "segments_pounds": list(self.segments), "slope_decay": self.decay}


def effect_parse(*, text: str | None) -> EffectCurve:
    """`26` or `26.25:17.5:35` (pounds per extra vote in the first segment) → an EffectCurve."""
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


DEFAULT_COST_TEXT = ":".join(f"{c:g}" for c in COST_PER_VOTE_POUNDS)
"""The default `--cost-per-vote`, as typed (26.25:17.5:35)."""
