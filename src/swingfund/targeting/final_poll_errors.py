"""How far the final polls' average missed the result at recent UK general elections, with each figure's source.

One place for these figures: the poll average (`polls.py`) builds its historical error from them, and anything
else that needs the size of a polling miss should read them here. Every row is a party's share in Great Britain,
in percentage points: the average of the final polls as the source gives it, and the result as the same source
gives it. Only figures a source states are listed; nothing is filled in.

The size of a miss grows with a party's share (a 3 % party cannot be 4 points out the way a 35 % party can), so
the figures are summarised as one number `k` (`relative_error`): the root mean square, over every row, of

    (poll average − result) ÷ √(result × (1 − result))        (shares as fractions)

and a party on share p is then taken to have a historical error with standard deviation k × √(p (1 − p)). That is
the shape of sampling error, scaled to the size of the misses that actually happened.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

BPC_2015 = ("British Polling Council, 'General Election: 7 May 2015' (final polls, average and result, GB), "
            "https://www.britishpollingcouncil.org/general-election-7-may-2015/; the misses were examined in "
            "Sturgis et al., Report of the Inquiry into the 2015 British general election opinion polls "
            "(BPC and Market Research Society, 2016)")
BPC_2017 = ("British Polling Council statement on the 2017 general election, June 2017 (average of the final polls: "
            "Conservatives 0.2 points above the result, Labour 5.2 below, Liberal Democrats 0.3 out), as quoted at "
            "https://order-order.com/2017/06/14/british-polling-council-no-inquiry/; results: GB shares of the "
            "House of Commons Library GE2017 results")
MASTERS_2019 = ("Anthony B. Masters (RSS Statistical Ambassador), 'Vote Intention Poll Performance: General Election "
                "2019' (average of the ten final polls and the GB result), "
                "https://anthonybmasters.medium.com/vote-intention-poll-performance-general-election-2019-9f88507d34c")
HOT_2024 = ("Hastings Online Times, 'Did the polls help?' (July 2024: average of 15 final polls and the GB result), "
            "https://hastingsonlinetimes.co.uk/hot-blogs/elections/did-the-polls-help; the BPC collated its "
            "members' findings on the overstatement of Labour at https://britishpollingcouncil.org/?p=1239")


@dataclass(frozen=True)
class FinalPollError:
    """One party at one election: the final polls' average and the result, GB shares in percentage points."""

    election: str
    party: str
    polls: float
    result: float
    source: str

    @property
    def error(self) -> float:
        """Poll average minus result, in points (positive: the polls overstated the party)."""
        return self.polls - self.result


FINAL_POLL_ERRORS: tuple[FinalPollError, ...] = (
    FinalPollError("parl.2015-05-07", "Con", 33.6, 37.8, BPC_2015),
    FinalPollError("parl.2015-05-07", "Lab", 33.6, 31.2, BPC_2015),
    FinalPollError("parl.2015-05-07", "LD", 9.0, 8.1, BPC_2015),
    FinalPollError("parl.2015-05-07", "UKIP", 13.0, 12.9, BPC_2015),
    FinalPollError("parl.2015-05-07", "Green", 4.8, 3.8, BPC_2015),
    FinalPollError("parl.2017-06-08", "Con", 43.6, 43.4, BPC_2017),
    FinalPollError("parl.2017-06-08", "Lab", 35.8, 41.0, BPC_2017),
    FinalPollError("parl.2017-06-08", "LD", 7.9, 7.6, BPC_2017),  # "0.3 out": the direction is not stated
    FinalPollError("parl.2019-12-12", "Con", 43.3, 44.7, MASTERS_2019),
    FinalPollError("parl.2019-12-12", "Lab", 33.9, 33.0, MASTERS_2019),
    FinalPollError("parl.2024-07-04", "Lab", 38.7, 34.7, HOT_2024),
    FinalPollError("parl.2024-07-04", "Con", 21.1, 24.3, HOT_2024),
)
"""2017's poll averages are the result plus the statement's stated differences (the statement gives differences)."""


def relative_error(rows: tuple[FinalPollError, ...] = FINAL_POLL_ERRORS) -> float:
    """k: the root mean square of each miss divided by √(p (1 − p)) of the party's result (see the docstring)."""
    scaled = [((r.polls - r.result) / 100) / math.sqrt((r.result / 100) * (1 - r.result / 100)) for r in rows]
    return math.sqrt(sum(s * s for s in scaled) / len(scaled))


def historical_sd(share: float, *, k: float | None = None) -> float:
    """Standard deviation (a fraction) of the final polls' miss for a party polling `share` (0–1): k √(p (1 − p))."""
    k = relative_error() if k is None else k
    p = min(max(share, 0.0), 1.0)
    return k * math.sqrt(p * (1 - p))


def sources() -> list[str]:
    """Every source behind `FINAL_POLL_ERRORS`, once each, in order."""
    return list(dict.fromkeys(r.source for r in FINAL_POLL_ERRORS))
