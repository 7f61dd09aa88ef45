"""Checks that refuse an action which would break UK electoral law, and warnings as a threshold nears.

Pure functions over numbers, dates and the table of legal figures the caller passes in (`figures`, a
`FigureTable`: `selectors.figure_table()` from the database, or `seed.seed_table()`): each looks up the figure in
force and either returns (possibly a `ComplianceWarning`) or raises `ComplianceRefusal`, whose message names the
limit, its amount and its source. No database, and nothing from the apps above: funding calls these inside its
`transaction.atomic` block before writing, so a refused action writes nothing.

The rules, as in LAW.md (the general campaign's limits are in `general.py`, which works on attributed totals):
- a candidate's spending may not pass base + per-elector × electorate (borough/burgh or county rate);
- spending about one named candidate may not pass the local permitted sum without the agent's written authority;
- a gift over the permissibility threshold (aggregated per donor) may not be spent until its donor is confirmed
  permissible; an impermissible one is returned within the return period of its receipt;
- warnings at `WARN_AT_PERCENT` of a limit or threshold (UA registration, limits).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models

from swingfund.compliance.errors import ComplianceRefusal, LimitExceeded
from swingfund.compliance.limits import VERIFY_FLAG, Figure, FigureTable
from swingfund.display import money

WARN_AT_PERCENT = 80  # a policy of swingfund, not a legal figure: warn when within a fifth of a threshold

REFUSE_OVER_LIMIT = (
    "Refused: this would take {subject} to {total}, over the {limit_name} of {limit} "
    "(source: {citation}, {source_url}{verify})."
)
REFUSE_UNVERIFIED_GIFT = (
    "Refused: this gift of {amount} is over the {limit_name} of {limit} and its donor is not confirmed "
    "permissible, so it is held and may not be spent until it is{due} (source: {citation}, {source_url}{verify})."
)
REFUSE_IMPERMISSIBLE_GIFT = (
    "Refused: this gift of {amount} is from an impermissible or unidentifiable source and over the {limit_name} of "
    "{limit}; it must be returned{due}, not spent (source: {citation}, {source_url}{verify})."
)
WARN_NEAR = "{subject}: {total}, {percent}% of the {limit_name} of {limit} (source: {citation}{verify})."
WARN_OVER_THRESHOLD = "{subject}: {total}, over the {limit_name} of {limit}; {action} (source: {citation}{verify})."
CANDIDATE_LIMIT_NAME = "candidate's spending limit"
UNKNOWN_CONSTITUENCY_TYPE = "Unknown constituency type '{value}': expected Borough, Burgh or County."
NEGATIVE_AMOUNT = "{name} must not be negative (got {value} pence)."
NEGATIVE_ELECTORATE = "Electorate must be a positive number of electors (got {value})."


class Situation(models.TextChoices):
    """The three legal situations a group can be in (LAW.md)."""

    CANDIDATE_GIFT = "candidate_gift", "Giving money to a candidate"
    LOCAL_CANDIDATE_CAMPAIGN = "local_candidate", "Local campaigning about a named candidate (s.75 RPA 1983)"
    NON_PARTY_CAMPAIGN = "non_party", "General non-party campaign (PPERA 2000 Part VI)"


# Which figure decides whether a gift needs a permissibility check, per situation. Local campaigning spending
# that an agent authorises becomes the candidate's expenses, so the candidate's £50 threshold is the safe reading.
PERMISSIBILITY_FIGURE = {
    Situation.CANDIDATE_GIFT: "candidate_donation_threshold",
    Situation.LOCAL_CANDIDATE_CAMPAIGN: "candidate_donation_threshold",
    Situation.NON_PARTY_CAMPAIGN: "non_party_permissibility_threshold",
}


@dataclass(frozen=True)
class ComplianceWarning:
    """A threshold is near (or passed where passing is lawful but needs an action, e.g. registering)."""

    code: str
    message: str
    figure: Figure
    amount_pence: int
    threshold_pence: int

    @property
    def percent(self) -> int:
        return self.amount_pence * 100 // self.threshold_pence if self.threshold_pence else 100

    @property
    def exceeded(self) -> bool:
        return self.amount_pence > self.threshold_pence


def _parts(fig: Figure, limit_name: str | None = None) -> dict[str, str]:
    return {"limit_name": limit_name or fig.label.lower(), "limit": fig.display, "citation": fig.citation,
            "source_url": fig.source_url, "verify": "" if fig.verified else f" {VERIFY_FLAG}"}


def _not_negative(**amounts: int) -> None:
    for name, value in amounts.items():
        if value < 0:
            raise ValueError(NEGATIVE_AMOUNT.format(name=name, value=value))


def _near(*, code: str, subject: str, total: int, limit: int, fig: Figure,
          limit_name: str | None = None) -> ComplianceWarning | None:
    if limit <= 0 or total * 100 < limit * WARN_AT_PERCENT:
        return None
    message = WARN_NEAR.format(subject=subject, total=money(total, short=True), percent=total * 100 // limit,
                               **{**_parts(fig, limit_name), "limit": money(limit, short=True)})
    return ComplianceWarning(code=code, message=message, figure=fig, amount_pence=total, threshold_pence=limit)


def _refuse_over(*, code: str, subject: str, total: int, limit: int, fig: Figure,
                 limit_name: str | None = None) -> None:
    if total > limit:
        message = REFUSE_OVER_LIMIT.format(subject=subject, total=money(total, short=True),
                                           **{**_parts(fig, limit_name), "limit": money(limit, short=True)})
        raise LimitExceeded(message, code=code, figure=fig, total_pence=total)


def _check_limit(*, figures: FigureTable, code: str, subject: str, key: str, nation: str | None, spent_pence: int,
                 additional_pence: int,
                 on: date) -> ComplianceWarning | None:
    _not_negative(spent_pence=spent_pence, additional_pence=additional_pence)
    fig = figures.get(key, on=on, nation=nation)
    total = spent_pence + additional_pence
    _refuse_over(code=code, subject=subject, total=total, limit=fig.value, fig=fig)
    return _near(code=code, subject=subject, total=total, limit=fig.value, fig=fig)


def per_elector_key(constituency_type: str) -> str:
    """The per-elector figure for a seat type: Borough and Burgh seats use the borough rate, County the county rate."""
    kind = (constituency_type or "").strip().lower()
    if kind in {"borough", "burgh"}:
        return "candidate_spending_per_elector_borough"
    if kind == "county":
        return "candidate_spending_per_elector_county"
    raise ValueError(UNKNOWN_CONSTITUENCY_TYPE.format(value=constituency_type))


def candidate_spending_limit(*, figures: FigureTable, electorate: int, constituency_type: str,
                             on: date) -> tuple[int, Figure, Figure]:
    """The candidate's limit in pence = base + per-elector rate × electorate; with the two figures it came from."""
    if electorate <= 0:
        raise ValueError(NEGATIVE_ELECTORATE.format(value=electorate))
    base = figures.get("candidate_spending_limit_base", on=on)
    rate = figures.get(per_elector_key(constituency_type), on=on)
    return base.value + rate.value * electorate, base, rate


def check_candidate_spend(*, figures: FigureTable, electorate: int, constituency_type: str, spent_pence: int,
                          additional_pence: int,
                          on: date) -> ComplianceWarning | None:
    """Refuse spending that would take a candidate past their limit (base + per elector); warn at 80 %."""
    _not_negative(spent_pence=spent_pence, additional_pence=additional_pence)
    limit, base, rate = candidate_spending_limit(figures=figures, electorate=electorate,
                                                 constituency_type=constituency_type, on=on)
    combined = Figure(key=base.key, nation="", value=limit, unit=base.unit, effective_from=base.effective_from,
                      effective_to=base.effective_to,
                      citation=f"{base.citation}: {base.display} + {rate.display} × {electorate:,} electors",
                      source_url=base.source_url, verified=base.verified and rate.verified)
    total = spent_pence + additional_pence
    subject, name = "the candidate's spending", CANDIDATE_LIMIT_NAME
    _refuse_over(code="candidate_limit", subject=subject, total=total, limit=limit, fig=combined, limit_name=name)
    return _near(code="candidate_limit", subject=subject, total=total, limit=limit, fig=combined, limit_name=name)


def gift_requires_permissibility(*, figures: FigureTable, amount_pence: int, aggregate_pence: int, situation: str,
                                 on: date) -> bool:
    """True when the gift must come from a permissible source: the gift, or the donor's aggregate including it
    (splitting a gift to stay under the threshold does not escape it), is over the situation's threshold."""
    _not_negative(amount_pence=amount_pence, aggregate_pence=aggregate_pence)
    fig = figures.get(PERMISSIBILITY_FIGURE[Situation(situation)], on=on)
    return max(amount_pence, aggregate_pence) > fig.value


def return_due_date(*, figures: FigureTable, received_on: date) -> date:
    """The last day to return an impermissible gift: the return period is "30 days beginning with the date of its
    receipt" (PPERA 2000 Sch 11 para 7(2); RPA 1983 Sch 2A para 7), so the day of receipt is the first of the
    period and the last day is receipt + (days - 1)."""
    days = figures.get("return_impermissible_days", on=received_on)
    return received_on + timedelta(days=days.value - 1)


def check_gift_spendable(*, figures: FigureTable, permissible: bool | None, amount_pence: int, aggregate_pence: int,
                         situation: str,
                         on: date, received_on: date | None = None) -> None:
    """Refuse spending a gift over the permissibility threshold unless its donor is confirmed permissible.

    `permissible` is True (checked, permissible), False (impermissible or unidentifiable) or None (not yet
    checked). Gifts at or under the threshold are not donations in law and may be spent.
    """
    if permissible is True:
        return
    if not gift_requires_permissibility(figures=figures, amount_pence=amount_pence, aggregate_pence=aggregate_pence,
                                        situation=situation, on=on):
        return
    fig = figures.get(PERMISSIBILITY_FIGURE[Situation(situation)], on=on)
    due = ""
    if received_on is not None:
        by = return_due_date(figures=figures, received_on=received_on).isoformat()
        due = f" by {by}" if permissible is False else f" (or returned by {by} if it cannot be)"
    template = REFUSE_IMPERMISSIBLE_GIFT if permissible is False else REFUSE_UNVERIFIED_GIFT
    code = "gift_impermissible" if permissible is False else "gift_unverified"
    message = template.format(amount=money(amount_pence, short=True), due=due, **_parts(fig))
    raise ComplianceRefusal(message, code=code, figure=fig, total_pence=amount_pence)


def splitting_suspected(*, figures: FigureTable, amounts_pence: list[int], situation: str, on: date) -> bool:
    """Several gifts from one donor, each at or under the threshold, that together pass it: flag for review."""
    fig = figures.get(PERMISSIBILITY_FIGURE[Situation(situation)], on=on)
    return len(amounts_pence) > 1 and all(a <= fig.value for a in amounts_pence) and sum(amounts_pence) > fig.value


def _threshold_warning(*, figures: FigureTable, code: str, key: str, subject: str, action: str, amount_pence: int,
                       on: date) -> ComplianceWarning | None:
    _not_negative(amount_pence=amount_pence)
    fig = figures.get(key, on=on)
    if amount_pence > fig.value:
        message = WARN_OVER_THRESHOLD.format(subject=subject, total=money(amount_pence, short=True), action=action,
                                             **_parts(fig))
        return ComplianceWarning(code=code, message=message, figure=fig, amount_pence=amount_pence,
                                 threshold_pence=fig.value)
    return _near(code=code, subject=subject, total=amount_pence, limit=fig.value, fig=fig)


def registration_warning(*, figures: FigureTable, contributions_pence: int, on: date) -> ComplianceWarning | None:
    """Warn at 80 % of the unincorporated-association registration threshold (political contributions in the
    calendar year of `on`), and say what to do once it is passed."""
    return _threshold_warning(figures=figures, code="ua_registration", key="ua_registration_threshold",
                              subject=f"Political contributions in {on.year}", amount_pence=contributions_pence,
                              action="register as an unincorporated association with the Electoral Commission",
                              on=on)


def ua_gift_reportable(*, figures: FigureTable, aggregate_pence: int, already_reported: bool, on: date) -> bool:
    """A registered unincorporated association reports gifts from one source over the gift reporting threshold in
    the calendar year; once one is reported, further gifts from that source over the further-gift threshold.
    `aggregate_pence` is that source's total not yet reported (PPERA 2000 Schedule 19A)."""
    _not_negative(aggregate_pence=aggregate_pence)
    key = "ua_further_gift_threshold" if already_reported else "ua_gift_reporting_threshold"
    return aggregate_pence > figures.get(key, on=on).value
