"""The adapter between targeting and recommendations: target seats as plain rows.

Scorecards sits to the right of targeting in the flow (DESIGN.md), so it calls targeting and never the
other way round. Every figure here is targeting's; this module only reshapes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from swingfund.elections.models import Result


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


def target_rows(*, election_id: str, bloc: str | None) -> list[TargetRow]:
    """Target seats for a bloc from targeting (leverage and P(decisive) per seat); every seat when bloc is None."""
    if bloc is None:
        return all_seats(election_id=election_id)
    from swingfund.targeting import selectors as targeting  # the targeting app's public reads

    return [
        TargetRow(
            constituency_id=row.constituency_id,
            gss_code=row.gss_code,
            seat_name=row.name,
            majority=row.majority,
            bloc_voters=row.bloc_voters,
            leverage=row.leverage,
            p_decisive=row.p_decisive,
        )
        for row in targeting.target_rows(election_id=election_id, bloc=bloc)
    ]
