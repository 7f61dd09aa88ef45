"""Recommendations: target seats (from targeting) × the intervention rule, sorted by expected impact.

**Expected impact** of a seat is the chance the bloc's cohesive vote decides the seat (targeting's
P(decisive)) when the rule backs a candidate there, and 0 when it stays out: backing where the bloc cannot
decide anything, or staying out, changes nothing. A group without a census bloc targets on the seat's
marginality: its P(decisive) is the chance the seat changes hands (or that its own supporters decide it).
Ties (and seats without a P(decisive)) are ordered by
leverage, then by the smaller majority. Which seats are targets depends on the bloc's size (that is what
targeting measures); what we do in a seat never does — the rule sees only places and stances.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypedDict, Unpack

from swingfund.elections.models import Constituency
from swingfund.organisations.models import Organisation

from . import scoring
from .places import projection
from .rules import Intervention, RuleConfig, decide_seat
from .seats import seat_views
from .selectors import election_get
from .targets import TargetRow, target_table

ERROR_THRESHOLD = "{name} must be between 0 and {top}"


@dataclass(frozen=True)
class Recommendation:
    intervention: Intervention
    gss_code: str
    seat_name: str
    election_id: str
    majority: int | None
    bloc_voters: float | None
    leverage: float | None
    p_decisive: float | None
    expected_impact: float
    backed_label: str = ""

    @property
    def action(self) -> str:
        return self.intervention.action

    @property
    def reason(self) -> str:
        return self.intervention.reason


def expected_impact(*, action: str, p_decisive: float | None) -> float:
    """P(decisive) when we back a candidate; 0 when we stay out or P(decisive) is not known."""
    if action != "back" or p_decisive is None or math.isnan(p_decisive):
        return 0.0
    return float(p_decisive)


def _sort_key(rec: Recommendation) -> tuple:
    leverage = rec.leverage if rec.leverage is not None and not math.isnan(rec.leverage) else -1.0
    return (-rec.expected_impact, rec.action != "back", -leverage, rec.majority or 0, rec.gss_code)


def _target_key(row: TargetRow) -> tuple:
    def num(x: float | None) -> float:
        return -1.0 if x is None or math.isnan(x) else x

    return (-num(row.p_decisive), -num(row.leverage), row.majority if row.majority is not None else 10**9)


class RecommendationOptions(TypedDict, total=False):
    """The optional keyword arguments of `recommendations_with_notes` (see there)."""

    bloc: str | None
    supporters: Mapping[int, int] | None
    top: int | None
    min_leverage: float | None
    min_p_decisive: float | None
    config: RuleConfig | None
    method: scoring.Method
    targets: Sequence[TargetRow] | None
    lens: str
    project_shares: str | None
    swing: str


def recommendations(
    *, organisation: Organisation, election_id: str, **options: Unpack[RecommendationOptions]
) -> list[Recommendation]:
    """Target seats × rule outcome, sorted by expected impact (`recommendations_with_notes` without the notes)."""
    return recommendations_with_notes(organisation=organisation, election_id=election_id, **options)[0]


def recommendations_with_notes(
    *,
    organisation: Organisation,
    election_id: str,
    bloc: str | None = None,
    supporters: Mapping[int, int] | None = None,
    top: int | None = None,
    min_leverage: float | None = None,
    min_p_decisive: float | None = None,
    config: RuleConfig | None = None,
    method: scoring.Method = scoring.DEFAULT_METHOD,
    targets: Sequence[TargetRow] | None = None,
    lens: str = "swing",
    project_shares: str | None = None,
    swing: str = "uniform",
) -> tuple[list[Recommendation], list[str]]:
    """Target seats × rule outcome, sorted by expected impact (module docs), and the notes on where the target
    figures come from (targeting's assumptions and sources).

    Target seats come from `targets` when given, else from targeting for `bloc`; without a census bloc (None)
    targeting ranks every seat by marginality, or by the group's own `supporters` (consenting supporters per
    constituency id) when given (`targets.target_table`).
    `min_leverage` / `min_p_decisive` keep only seats at or above the threshold; `top` keeps the
    N best target seats (by P(decisive), then leverage) before the rule runs. Before the count, places come
    from each seat's last result, or from a national-swing projection when `project_shares` is given
    (`Lab=0.30,Con=0.25`, by `swing`: uniform or proportional)."""
    if min_p_decisive is not None and not 0 <= min_p_decisive <= 1:
        raise ValueError(ERROR_THRESHOLD.format(name="min_p_decisive", top=1))
    election = election_get(election_id=election_id)
    if targets is not None:
        rows, notes = list(targets), ["Target seats given by the caller."]
    else:
        rows, notes = target_table(election_id=election.pk, bloc=bloc, lens=lens, supporters=supporters)
    if min_leverage is not None:
        rows = [r for r in rows if r.leverage is not None and r.leverage >= min_leverage]
    if min_p_decisive is not None:
        rows = [r for r in rows if r.p_decisive is not None and r.p_decisive >= min_p_decisive]
    rows.sort(key=_target_key)
    if top:
        rows = rows[:top]
    seats = Constituency.objects.in_bulk([r.constituency_id for r in rows])
    config = replace(config or RuleConfig(), lens="own" if lens == "own" else "swing")
    projected = projection(election=election, shares=project_shares, method=swing) if project_shares else None
    if projected is not None:
        notes.append(f"Places before the count: {projected.basis}.")
    views, count = seat_views(
        organisation=organisation,
        election_id=election.pk,
        constituency_ids=list(seats),
        method=method,
        projected=projected,
    )
    out = []
    for row in rows:
        seat, candidates = seats[row.constituency_id], views.get(row.constituency_id)
        if not candidates:
            continue  # no candidacies recorded in this seat for this election: nothing to decide
        intervention = decide_seat(
            constituency_id=seat.pk,
            election_id=election.pk,
            seat_name=seat.name,
            candidates=candidates,
            config=config,
            statement_count=count,
        )
        labels = {c.candidacy_id: c.label for c in candidates}
        out.append(
            Recommendation(
                intervention=intervention,
                gss_code=seat.gss_code,
                seat_name=seat.name,
                election_id=election.pk,
                majority=row.majority,
                bloc_voters=row.bloc_voters,
                leverage=row.leverage,
                p_decisive=row.p_decisive,
                expected_impact=expected_impact(action=intervention.action, p_decisive=row.p_decisive),
                backed_label=labels.get(intervention.candidacy_id, ""),
            )
        )
    out.sort(key=_sort_key)
    return out, notes
