"""The organisation's position against each threshold and limit for an election, from the funding records.

Reads only (funding selectors and models, elections models): the group-level gauges (political contributions in
the polling year against the unincorporated-association registration threshold; spending about candidates in the
regulated period against the non-party notification threshold) and, per backed candidacy, grants against the
candidate's spending limit, spending about the candidate against the local permitted sum (or the agent's written
authorisation), and the seat's spending against the non-party constituency limit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Sum

from swingfund.compliance.checks import WARN_AT_PERCENT, candidate_spending_limit
from swingfund.compliance.limits import Figure, format_pence
from swingfund.compliance.selectors import FigureNotInForce, figure
from swingfund.compliance.timetables import parse_election_id, regulated_period
from swingfund.elections.models import Candidacy, Result


@dataclass(frozen=True)
class Gauge:
    """One amount against one legal figure: 'limit' may not be passed; 'threshold' may, once the action is taken."""

    label: str
    amount_pence: int
    threshold_pence: int
    figure: Figure
    kind: str
    detail: str = ""
    limit_name: str = ""

    @property
    def name(self) -> str:
        return self.limit_name or self.figure.label

    @property
    def percent(self) -> int:
        return self.amount_pence * 100 // self.threshold_pence if self.threshold_pence else 0

    @property
    def state(self) -> str:
        if self.amount_pence > self.threshold_pence:
            return "over"
        return "near" if self.amount_pence * 100 >= self.threshold_pence * WARN_AT_PERCENT else "ok"

    @property
    def summary(self) -> str:
        return f"{format_pence(self.amount_pence)} of {format_pence(self.threshold_pence)} ({self.percent}%)"


@dataclass(frozen=True)
class SeatPosition:
    candidacy: str
    constituency: str
    gss_code: str
    gauges: list[Gauge]


@dataclass(frozen=True)
class Position:
    election_id: str
    poll_date: date
    period: tuple[date, date]
    organisation: list[Gauge] = field(default_factory=list)
    seats: list[SeatPosition] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)


def _sum_by(queryset, key: str) -> dict[int, int]:
    return {row[key]: row["total"] or 0 for row in queryset.values(key).annotate(total=Sum("amount_pence"))}


def organisation_position(*, election_id: str) -> Position:
    """Every gauge for `election_id`. A figure not in force is listed in `gaps` instead of silently skipped."""
    from swingfund.funding import selectors as funding
    from swingfund.funding.models import AgentAuthorisation, CandidateSpend, Grant

    start, polling = regulated_period(election_id=election_id)
    position = Position(election_id=election_id, poll_date=polling, period=(start, polling))
    contributions = funding.political_contributions_pence(organisation=None, year=polling.year)
    spends = CandidateSpend.objects.filter(spent_at__date__gte=start, spent_at__date__lte=polling)
    spent_total = spends.aggregate(t=Sum("amount_pence"))["t"] or 0
    for label, amount, key, kind in (
        (f"Political contributions in {polling.year}", contributions, "ua_registration_threshold", "threshold"),
        ("Spending, regulated period", spent_total, "non_party_notification_threshold", "threshold"),
    ):
        _add(position.organisation, position.gaps, label=label, amount=amount, key=key, kind=kind, on=polling)

    group = parse_election_id(election_id).election_group_id
    grants = _sum_by(Grant.objects.filter(candidacy__election_id=group), "candidacy")
    spent = _sum_by(spends.filter(candidacy__election_id=group), "candidacy")
    authorised = {a.candidacy_id: a for a in AgentAuthorisation.objects.order_by("authorised_on", "id")}
    ids = set(grants) | set(spent)
    candidacies = Candidacy.objects.filter(pk__in=ids).select_related("constituency", "election")
    seat_spend: dict[int, int] = defaultdict(int)
    for c in candidacies:
        seat_spend[c.constituency_id] += spent.get(c.pk, 0)
    results = {(r.election_id, r.constituency_id): r for r in Result.objects.filter(
        constituency_id__in={c.constituency_id for c in candidacies})}
    for c in sorted(candidacies, key=lambda c: (c.constituency.name, c.pk)):
        gauges: list[Gauge] = []
        result = results.get((c.election_id, c.constituency_id))
        if result is not None and c.constituency.constituency_type:
            try:
                limit, base_fig, rate = candidate_spending_limit(
                    electorate=result.electorate, constituency_type=c.constituency.constituency_type, on=polling)
                gauges.append(Gauge(label="Grants to the candidate",
                                    amount_pence=grants.get(c.pk, 0), threshold_pence=limit, figure=base_fig,
                                    kind="limit", limit_name="Candidate's spending limit (base + per elector)",
                                    detail=f"{base_fig.display} + {rate.display} × "
                                                         f"{result.electorate:,} electors"))
            except FigureNotInForce as exc:
                position.gaps.append(str(exc))
        auth = authorised.get(c.pk)
        if auth is None:
            _add(gauges, position.gaps, label="Spending about the candidate",
                 amount=spent.get(c.pk, 0), key="local_permitted_sum", kind="limit", on=polling,
                 limit_name="Local permitted sum (no written authority)")
        else:
            fig = figure("local_permitted_sum", on=polling)
            gauges.append(Gauge(label="Spending about the candidate",
                                amount_pence=spent.get(c.pk, 0), threshold_pence=auth.limit_pence, figure=fig,
                                kind="limit", limit_name="Limit the agent authorised in writing",
                                detail=f"written authorisation by {auth.agent_name}, "
                                                     f"{auth.authorised_on.isoformat()}"))
        _add(gauges, position.gaps, label="Spending in this seat",
             amount=seat_spend[c.constituency_id], key="non_party_constituency_limit", kind="limit", on=polling,
             nation=c.constituency.nation)
        position.seats.append(SeatPosition(candidacy=c.person_name or str(c.person or c.party or ""),
                                           constituency=c.constituency.name, gss_code=c.constituency.gss_code,
                                           gauges=gauges))
    return position


def _add(gauges: list[Gauge], gaps: list[str], *, label: str, amount: int, key: str, kind: str, on: date,
         nation: str | None = None, limit_name: str = "") -> None:
    try:
        fig = figure(key, on=on, nation=nation)
    except FigureNotInForce as exc:
        gaps.append(str(exc))
        return
    gauges.append(Gauge(label=label, amount_pence=amount, threshold_pence=fig.value, figure=fig, kind=kind,
                        limit_name=limit_name))
