"""Where the organisation stands for an election, one legal regime at a time, each with its own gauges, figure,
deadline and return — never one regime's money measured against another's figure.

1. Candidate donations (grants): each candidacy's grants against the candidate donation threshold (over it, the
   agent must record the group, or each true donor, and check permissibility within 30 days).
2. Local spending about a named candidate (s.75 RPA 1983): against the permitted sum, or the agent's written
   authorisation.
3. The general campaign (PPERA 2000 Part VI): the recorded general-campaign items, by registration status (the
   £700 / £10,000 figures, or each part of the UK's limit once registered), the busiest constituencies against the
   constituency limit, and targeted spending per party and part of the UK.
4. Unincorporated-association registration (PPERA 2000 Sch 19A): political contributions in the calendar year.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Sum

from swingfund.compliance import general
from swingfund.compliance.checks import WARN_AT_PERCENT, return_due_date
from swingfund.compliance.limits import Figure
from swingfund.compliance.material import authorised_return_due
from swingfund.compliance.models import MaterialCost
from swingfund.compliance.selectors import (
    FigureNotInForce,
    agent_authorities,
    figure,
    figure_table,
    legal_status_for,
)
from swingfund.compliance.selectors_general import limits_status, regulated_period_for, seats_per_nation
from swingfund.compliance.timetables import parse_election_id
from swingfund.display import money
from swingfund.elections.models import Candidacy, Election
from swingfund.funding import selectors as funding
from swingfund.funding.models import CandidateSpend, Grant
from swingfund.funding.notices import group_as_donor
from swingfund.reports.selectors import as_item, campaign_spends

TOP_SEATS = 5
REPORTING_ACTION = ("over the reporting threshold in a part of the UK, a registered campaigner reports its spending "
                    "and the donations for it to the Electoral Commission after the election, and pre-poll donation "
                    "reports while the election runs")


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
    action: str = ""  # a threshold passed lawfully: what must now be done (shown as an action, not a warning)

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
        """The gauge in words, saying which kind of figure it is: a limit may not be passed ("£650 of the £700
        limit (92%)"); a threshold may, once its action is taken ("£5,000: past the £50 threshold"), so a passed
        threshold is never shown as a percentage, as if a limit were broken."""
        amount, figure = money(self.amount_pence, short=True), money(self.threshold_pence, short=True)
        if self.kind == "threshold":
            if self.amount_pence > self.threshold_pence:
                return f"{amount}: past the {figure} threshold"
            return f"{amount}, under the {figure} threshold"
        return f"{amount} of the {figure} limit ({self.percent}%)"

    @property
    def warning(self) -> str:
        """The warning the page shows at 80 % and over ('' below it)."""
        if self.state == "ok":
            return ""
        verify = "" if self.figure.verified else " [verify]"
        what = "over" if self.state == "over" else f"{self.percent}% of"
        return (f"{self.label}: {money(self.amount_pence, short=True)}, {what} the {self.name} of "
                f"{money(self.threshold_pence, short=True)} (source: {self.figure.citation}{verify}).")


@dataclass
class Regime:
    key: str
    title: str
    law: str
    gauges: list[Gauge] = field(default_factory=list)
    deadline: str = ""
    returns: str = ""
    notes: list[str] = field(default_factory=list)
    extra_warnings: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return [g.warning for g in self.gauges if g.warning and not self._routine(g)] + self.extra_warnings

    @property
    def actions(self) -> list[str]:
        return [f"{g.label}: {money(g.amount_pence, short=True)} — {g.action}."
                for g in self.gauges if self._routine(g)]

    @staticmethod
    def _routine(gauge: Gauge) -> bool:
        return gauge.kind == "threshold" and gauge.state == "over" and bool(gauge.action)


@dataclass
class Position:
    election_id: str
    poll_date: date
    period: tuple[date, date]
    organisation: object = None
    status: object = None
    regimes: list[Regime] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)

    def regime(self, key: str) -> Regime:
        return next(r for r in self.regimes if r.key == key)


def _months_after(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _gauge(gaps: list[str], *, label: str, amount: int, key: str, kind: str, on: date, nation: str | None = None,
           limit_name: str = "", detail: str = "", action: str = "") -> Gauge | None:
    try:
        fig = figure(key, on=on, nation=nation)
    except FigureNotInForce as exc:
        gaps.append(str(exc))
        return None
    return Gauge(label=label, amount_pence=amount, threshold_pence=fig.value, figure=fig, kind=kind,
                 limit_name=limit_name, detail=detail, action=action)


def _add(regime: Regime, gauge: Gauge | None) -> None:
    if gauge is not None:
        regime.gauges.append(gauge)


def _sum_by(queryset, key: str) -> dict[int, int]:
    return {row[key]: row["total"] or 0 for row in queryset.values(key).annotate(total=Sum("amount_pence"))}


def _name(c: Candidacy) -> str:
    return f"{c.person_name or c.person or c.party or ''} ({c.constituency.name})"


def organisation_position(*, election_id: str, organisation) -> Position:
    """Every regime's gauges for `election_id`, for one group: its own grants, spending and material only. A figure
    not in force is listed in `gaps`, never skipped silently. `organisation` None is a deployment with no group set
    up: all its money is one campaigner's (callers pass a group whenever there is one)."""
    start, polling = regulated_period_for(election_id=election_id)
    position = Position(election_id=election_id, poll_date=polling, period=(start, polling),
                        organisation=organisation, status=legal_status_for(organisation))
    group = parse_election_id(election_id).election_group_id
    grants_qs = Grant.objects.filter(candidacy__election_id=group)
    spends_qs = CandidateSpend.objects.filter(candidacy__election_id=group)
    material_qs = MaterialCost.objects.filter(regime="candidate", candidacy__election_id=group)
    if organisation is not None:
        grants_qs = grants_qs.filter(campaign__organisation=organisation)
        spends_qs = spends_qs.filter(campaign__organisation=organisation)
        material_qs = material_qs.filter(organisation=organisation)
    grants, spent = _sum_by(grants_qs, "candidacy"), _sum_by(spends_qs, "candidacy")
    for candidacy_id, pence in _sum_by(material_qs, "candidacy").items():  # messages and other material (s.75)
        spent[candidacy_id] = spent.get(candidacy_id, 0) + pence
    candidacies = {c.pk: c for c in Candidacy.objects.filter(pk__in=set(grants) | set(spent))
                   .select_related("constituency", "person", "party")}
    order = sorted(candidacies.values(), key=lambda c: (c.constituency.name, c.pk))
    position.regimes = [
        _grants_regime(position, order, grants, grants_qs),
        _local_regime(position, order, spent),
        _general_regime(position, organisation, group),
        _ua_regime(position, organisation),
    ]
    return position


def _grants_regime(position: Position, order: list, grants: dict[int, int], grants_qs) -> Regime:
    regime = Regime(key="grants", title="1. Candidate donations: grants to candidates",
                    law="Representation of the People Act 1983, Schedule 2A (donations to candidates)")
    on = position.poll_date
    for c in (c for c in order if grants.get(c.pk)):
        _add(regime, _gauge(position.gaps, label=_name(c), amount=grants[c.pk], key="candidate_donation_threshold",
                            kind="threshold", on=on, limit_name="candidate donation threshold",
                            action="a donation to the candidate: send the agent the donation notice; the agent "
                                   "records the donor and checks permissibility"))
    regime.notes.append(f"The group as donor: {group_as_donor(position.status)[0]}.")
    try:
        days = figure("return_impermissible_days", on=on)
        last = grants_qs.order_by("-paid_at").values_list("paid_at", flat=True).first()
        when = (f"; latest grant paid {last.date().isoformat()}, so by "
                f"{return_due_date(figures=figure_table(), received_on=last.date()).isoformat()}") if last else ""
        regime.deadline = (f"The candidate's agent checks each donation over the threshold and returns an "
                           f"impermissible one within {days.display} beginning with receipt{when} ({days.citation}).")
    except FigureNotInForce as exc:
        position.gaps.append(str(exc))
    regime.returns = ("A donation notice for each grant, addressed to the agent it was offered to (Funding → dashboard "
                      "→ grants), naming the true sources over the threshold; the grants return: swingfund compliance "
                      "report grants --election ….")
    return regime


def _local_regime(position: Position, order: list, spent: dict[int, int]) -> Regime:
    regime = Regime(key="local", title="2. Local spending about a named candidate",
                    law="Representation of the People Act 1983, s.75 (enforced by the police)")
    on = position.poll_date
    # the group's latest written authority per candidacy (`compliance.AgentAuthority`, the one record of it)
    authorised = agent_authorities(organisation=position.organisation, candidacy_ids=[c.pk for c in order])
    for c in (c for c in order if spent.get(c.pk)):
        auth = authorised.get(c.pk)
        if auth is None:
            _add(regime, _gauge(position.gaps, label=_name(c), amount=spent[c.pk], key="local_permitted_sum",
                                kind="limit", on=on, limit_name="local permitted sum (no written authority)"))
            continue
        fig = _gauge(position.gaps, label=_name(c), amount=0, key="local_permitted_sum", kind="limit", on=on)
        if fig is not None:
            regime.gauges.append(Gauge(
                label=_name(c), amount_pence=spent[c.pk], threshold_pence=auth.limit_pence, figure=fig.figure,
                kind="limit", limit_name="limit the agent authorised in writing",
                detail=f"written authorisation by {auth.agent_name}, {auth.authorised_on.isoformat()}"))
    try:
        days = figure("local_authorised_return_days", on=on)
        due = authorised_return_due(figures=figure_table(), poll_date=on)
        regime.deadline = (f"Spending the agent authorised is reported to the Returning Officer within {days.display} "
                           f"of the declaration of the result: by {due:%-d %B %Y} at the latest, counting from polling "
                           f"day ({days.citation}).")
    except FigureNotInForce as exc:
        position.gaps.append(str(exc))
    regime.returns = ("Its own return, not the PPERA one: swingfund compliance report candidate-spending --election "
                      "…; the agent's own return.")
    return regime


def _general_regime(position: Position, organisation, group: str) -> Regime:
    from swingfund.elections.models import Constituency

    regime = Regime(key="general", title="3. The general campaign (regulated campaign activity)",
                    law="Political Parties, Elections and Referendums Act 2000, Part VI and Schedule 10")
    on, start = position.poll_date, position.period[0]
    status = limits_status(organisation)
    rows = list(campaign_spends(organisation=organisation, election_id=position.election_id, start=start, end=on)) \
        if organisation is not None else []
    election = Election.objects.filter(pk=group).first()
    try:
        seats = seats_per_nation(boundary_set=election.boundary_set if election else "pcon2024")
    except ValueError as exc:
        position.gaps.append(str(exc))
        return regime
    totals = general.attribute([as_item(r) for r in rows], seats_per_nation=seats)
    if not status.registered(on):
        key = "non_party_notification_threshold" if status.eligible else "non_party_unregistrable_limit"
        name = ("limit for a campaigner not registered with the Commission" if status.eligible
                else "limit for anyone not eligible to register (not UK-based)" if status.recorded
                else "limit for anyone who is not a registered campaigner")
        _add(regime, _gauge(position.gaps, label="Regulated spending across the UK", amount=totals.total, key=key,
                            kind="limit", on=on, limit_name=name))
    else:
        regime.notes.append(f"Registered with the Electoral Commission as a non-party campaigner on "
                            f"{status.registered_on.isoformat()}.")
        for nation in general.NATIONS:
            _add(regime, _gauge(position.gaps, label=f"Regulated spending in {general.NATION_NAMES[nation]}",
                                amount=totals.by_nation[nation], key="non_party_limit", kind="limit", on=on,
                                nation=nation, limit_name=f"registered campaigner's limit, "
                                                          f"{general.NATION_NAMES[nation]}"))
    for nation in (n for n in general.NATIONS if totals.by_nation[n]):  # the reporting thresholds, per part
        _add(regime, _gauge(position.gaps, label=f"Regulated spending in {general.NATION_NAMES[nation]}",
                            amount=totals.by_nation[nation], key="non_party_reporting_threshold", kind="threshold",
                            on=on, nation=nation,
                            limit_name=f"reporting threshold, {general.NATION_NAMES[nation]}", action=REPORTING_ACTION))
    names = {c.pk: f"{c.name} ({c.gss_code})" for c in Constituency.objects.filter(pk__in=list(totals.seat_nation))}
    if totals.total:
        for seat_id, nation, amount in totals.busiest_seats()[:TOP_SEATS]:
            label = names.get(seat_id) or f"Every other constituency in {general.NATION_NAMES[nation]}"
            _add(regime, _gauge(position.gaps, label=label, amount=round(amount),
                                key="non_party_constituency_limit", kind="limit", on=on,
                                limit_name="constituency limit (attributed share)"))
    parties = {r.targets_party_id: r.targets_party.name for r in rows if r.targets_party_id}
    for (party_id, nation), amount in sorted(totals.targeted.items()):
        _add(regime, _gauge(position.gaps, label=f"For or against {parties[party_id]} in "
                                                 f"{general.NATION_NAMES[nation]}",
                            amount=amount, key="targeted_spending_limit", kind="limit", on=on, nation=nation,
                            limit_name=f"targeted spending limit, {general.NATION_NAMES[nation]}"))
    try:
        invoice = figure("invoice_keep_threshold", on=on)
        missing = [r for r in rows if r.amount_pence > invoice.value and not r.invoice_reference]
        if missing:
            regime.extra_warnings.append(
                f"{len(missing)} item(s) over {invoice.display} have no invoice or receipt recorded: keep one for "
                f"each ({invoice.citation}).")
    except FigureNotInForce as exc:
        position.gaps.append(str(exc))
    regime.notes.append(f"{len(rows)} item(s) recorded, {money(totals.total, short=True)} in all, incurred in the "
                        f"regulated period {start.isoformat()} to {on.isoformat()} (applied retrospectively).")
    if status.registered(on):
        regime.deadline = (f"Spending return due by {_months_after(on, 3).isoformat()} (3 months after polling day) "
                           f"if regulated spending is £250,000 or less, else by {_months_after(on, 6).isoformat()} "
                           "(PPERA 2000 s.98).")
    else:
        regime.deadline = "No return while unregistered; notify the Commission before passing the figure above " \
                          "(PPERA 2000 ss.88, 94)."
    regime.returns = ("swingfund compliance report spending --election … (by part of the UK and constituency, with "
                      "notional spending, unpaid or disputed claims and joint campaigning); donations (gifts for the "
                      "election whenever received); pre-poll (weekly donation reports from dissolution).")
    return regime


def _ua_regime(position: Position, organisation) -> Regime:
    regime = Regime(key="ua", title="4. Unincorporated-association registration",
                    law="Political Parties, Elections and Referendums Act 2000, Schedule 19A")
    status = position.status
    if status is not None and status.legal_form != "unincorporated_association":
        regime.notes.append(f"The group is recorded as: {status.get_legal_form_display()}. Schedule 19A applies "
                            "only to unincorporated associations.")
        return regime
    year = position.poll_date.year
    amount = funding.political_contributions_pence(organisation=organisation, year=year)
    _add(regime, _gauge(position.gaps, label=f"Political contributions in {year}", amount=amount,
                        key="ua_registration_threshold", kind="threshold", on=position.poll_date))
    if status is not None and status.ua_registered_on:
        regime.notes.append(f"Registered as an unincorporated association on {status.ua_registered_on.isoformat()}.")
    regime.notes.append("Counted: donations the group made to parties, registered campaigners and regulated donees, "
                        "each over the counting floor; grants to candidates and spending about candidates are not "
                        "political contributions.")
    regime.deadline = ("Past the threshold in a calendar year: notify the Commission within 30 days beginning with "
                       "the contribution that crossed it, then report gifts received over the gift reporting "
                       "threshold, and further gifts from a reported source over the further-gift threshold "
                       "(PPERA 2000 Sch 19A).")
    regime.returns = ("Gift reports to the Electoral Commission once registered: swingfund compliance report ua-gifts "
                      "--election … (the poll's calendar year).")
    if status is None:
        regime.notes.append("Legal form not recorded: shown as if the group were an unincorporated association.")
    return regime

