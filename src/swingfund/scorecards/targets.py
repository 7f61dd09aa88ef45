"""The adapter between targeting and recommendations: target seats as plain rows.

Scorecards sits to the right of targeting in the flow (DESIGN.md), so it calls targeting and never the
other way round. Every figure here is targeting's; this module only reshapes it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from swingfund.elections.models import Result

LENSES = ("swing", "own")
ERROR_LENS = "unknown lens {lens!r}: choose swing (decide between the leading two) or own (elect our own candidate)"


@dataclass(frozen=True)
class TargetRow:
    constituency_id: int
    gss_code: str
    seat_name: str
    majority: int | None
    bloc_voters: float | None = None
    leverage: float | None = None
    p_decisive: float | None = None


def all_seats(*, election_id: str) -> list[TargetRow]:
    """Every seat with a result in the election, with its majority and no bloc figures."""
    return [
        TargetRow(
            constituency_id=r.constituency_id,
            gss_code=r.constituency.gss_code,
            seat_name=r.constituency.name,
            majority=r.majority,
        )
        for r in Result.objects.filter(election_id=election_id).select_related("constituency").order_by("majority")
    ]


def target_table(*, election_id: str, bloc: str | None, lens: str = "swing",
                 supporters: Mapping[int, int] | None = None) -> tuple[list[TargetRow], list[str]]:
    """Target seats from targeting, with its central leverage and P(decisive) for the chosen lens (`swing`: can
    the bloc decide between the two leading candidates; `own`: could it elect its own candidate), and targeting's
    notes: the assumptions it used and the sources of its numbers, one line each.

    `bloc` is a census bloc expression; without one (None or "") the group has no census bloc and targeting ranks
    every seat by marginality: P(decisive) is the chance the seat changes hands under the forecast, or, with
    `supporters` (the group's consenting supporters per constituency id, aggregate counts passed in by a caller
    above outreach), the chance that their votes decide the seat."""
    if lens not in LENSES:
        raise ValueError(ERROR_LENS.format(lens=lens))
    from swingfund.targeting.bloc import bloc_parse
    from swingfund.targeting.targets import targets_compute

    table = targets_compute(election_id=election_id, bloc=bloc_parse(text=bloc) if bloc else None,
                            supporters=None if bloc else supporters)
    return table_rows(table=table, lens=lens), [f"Lens: {lens}.", *table.notes()]


def table_rows(*, table, lens: str = "swing") -> list[TargetRow]:
    """Targeting's table as plain rows: central leverage and P(decisive) for the lens; NaN figures become None."""
    leverage, p_decisive = (table.leverage, table.p_swing) if lens == "swing" else (table.own_leverage, table.p_own)
    seats = table.seats

    def num(x: float) -> float | None:
        return float(x) if not math.isnan(x) else None

    return [
        TargetRow(
            constituency_id=int(seats.constituency_ids[i]),
            gss_code=seats.codes[i],
            seat_name=seats.names[i],
            majority=int(table.majority[i]) if math.isfinite(table.majority[i]) else None,
            bloc_voters=num(table.bloc_voters[i]),
            leverage=num(leverage[i]),
            p_decisive=num(p_decisive[i]),
        )
        for i in range(len(seats))
    ]
