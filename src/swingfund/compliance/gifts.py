"""One gift's whole legal position: which situation it is in, whether its donor is permissible, whether it must be
held, by when an impermissible one goes back, whether it is reported, and each figure applied with its citation.

`gift_assess` is the law's one answer for a gift; funding calls it once per gift and writes what it says. Pure: it
reads only the values and the table of legal figures the caller passes in (no database, nothing above the law).

The rules (LAW.md; RPA 1983 Sch 2A; PPERA 2000 Sch 11 and Sch 19A):
- an earmarked gift passed on to a candidate is a donation to the candidate (situation 1: over £50 its donor must
  be permissible); a gift to the group's pooled fund pays for the group's own campaigning (situation 3: over £500);
- the threshold is passed by the gift alone or by the donor's aggregate including it (splitting does not escape);
- a donor is permissible only once checked and in a permissible category; anonymous or recorded impermissible is
  not; a registered party may give to a candidate but not to a non-party campaign;
- a gift that needs a check and whose donor is not confirmed permissible is held, and returned within the return
  period *beginning with* the day of receipt if it turns out impermissible;
- several gifts each at or under the threshold that together pass it are flagged as possible splitting;
- a non-party campaign reports accepted gifts from one source over the individual-report threshold; a candidate's
  agent records every donation over the candidate threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from swingfund.compliance.checks import (
    PERMISSIBILITY_FIGURE,
    Situation,
    gift_requires_permissibility,
    return_due_date,
    splitting_suspected,
)
from swingfund.compliance.limits import Figure, FigureNotInForce, FigureTable

PERMISSIBLE_CATEGORIES = frozenset({
    "uk_elector", "uk_company", "trade_union", "registered_party", "building_society", "llp", "friendly_society",
    "unincorporated_association",
})
# Donors whose category is permissible for a candidate (RPA 1983 Sch 2A) but not for a non-party campaign.
NOT_PERMISSIBLE_FOR_NON_PARTY = frozenset({"registered_party"})

HOLD_ANONYMOUS = "Anonymous or unidentifiable giver: over the threshold, so it cannot be accepted and must be returned."
HOLD_IMPERMISSIBLE = "Donor recorded as an impermissible source: the gift must be returned."
HOLD_UNVERIFIED = "Over the permissibility threshold and the donor is not yet confirmed permissible."
HOLD_PARTY = (
    "A registered political party may not give to a non-party campaign (PPERA 2000 Sch 11 para 1(6): a registered "
    "party is not a permissible donor to a non-party campaigner): the gift must be returned."
)
# Which figure decides whether a gift is reported, per situation.
REPORTING_FIGURE = {
    Situation.CANDIDATE_GIFT: "candidate_donation_threshold",
    Situation.LOCAL_CANDIDATE_CAMPAIGN: "candidate_donation_threshold",
    Situation.NON_PARTY_CAMPAIGN: "non_party_donation_report_threshold",
}


class DonorFacts(Protocol):
    """What the law needs to know of a donor: the category recorded and whether the treasurer checked it."""

    category: str
    checked_at: object


def situation_for(mode: str) -> str:
    """Earmarked gifts are passed on to a candidate (situation 1, the candidate's £50 threshold); pooled gifts
    fund a group's own campaigning and grants (situation 3, the non-party permissibility threshold)."""
    return Situation.CANDIDATE_GIFT if mode == "earmarked" else Situation.NON_PARTY_CAMPAIGN


def donor_permissible(donor: DonorFacts | None, *, situation: str | None = None) -> bool | None:
    """True when checked and in a permissible category; False when anonymous or recorded impermissible, or a
    registered party giving to the group's non-party campaign (pooled funds); None while not yet checked (a
    self-declared category does not count until the treasurer checks it). A registered party may give to a
    candidate (earmarked gifts passed on), so it stays permissible there."""
    if donor is None or donor.category == "impermissible":
        return False
    if situation == Situation.NON_PARTY_CAMPAIGN and donor.category in NOT_PERMISSIBLE_FOR_NON_PARTY:
        return False
    if donor.category in PERMISSIBLE_CATEGORIES and donor.checked_at is not None:
        return True
    return None


def hold_reason(*, donor: DonorFacts | None, permissible: bool | None) -> str:
    """Why a held gift is held, in the words the treasurer sees."""
    if donor is None:
        return HOLD_ANONYMOUS
    if permissible is False and donor.category in NOT_PERMISSIBLE_FOR_NON_PARTY:
        return HOLD_PARTY
    return HOLD_IMPERMISSIBLE if permissible is False else HOLD_UNVERIFIED


@dataclass(frozen=True)
class GiftPosition:
    """One gift in law, before anything is written. `figures` are every figure applied (each carries its citation)."""

    situation: str
    permissible: bool | None
    needs_check: bool
    held: bool
    hold_reason: str
    split: bool
    reportable: bool
    return_due: date | None
    threshold: Figure
    report_threshold: Figure | None
    return_period: Figure | None

    @property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(f for f in (self.threshold, self.report_threshold, self.return_period) if f is not None)

    @property
    def citations(self) -> list[str]:
        """Each figure applied as 'label: value (citation, address)'."""
        return [f"{fig.label}: {fig.display} ({fig.source})" for fig in self.figures]


def gift_assess(*, figures: FigureTable, mode: str, donor: DonorFacts | None, amount_pence: int, received_on: date,
                earlier_aggregate_pence: int = 0, related_amounts: list[int] | tuple[int, ...] = ()) -> GiftPosition:
    """The gift's whole legal position.

    `mode` is the campaign's giving mode (earmarked or pooled); `donor` None for an anonymous giver;
    `earlier_aggregate_pence` the donor's earlier gifts counted with this one for the thresholds (ignored for an
    anonymous giver); `related_amounts` the recent gifts from the same donor, address or card (for splitting).
    """
    situation = situation_for(mode)
    aggregate = amount_pence + (earlier_aggregate_pence if donor is not None else 0)
    needs_check = gift_requires_permissibility(figures=figures, amount_pence=amount_pence, aggregate_pence=aggregate,
                                               situation=situation, on=received_on)
    permissible = donor_permissible(donor, situation=situation)
    held = needs_check and permissible is not True
    split = bool(related_amounts) and splitting_suspected(
        figures=figures, amounts_pence=[*related_amounts, amount_pence], situation=situation, on=received_on)
    report = _optional(figures, REPORTING_FIGURE[Situation(situation)], on=received_on)
    period = _optional(figures, "return_impermissible_days", on=received_on)
    if held and period is None:  # a held gift must be given its return date: say which figure is missing
        figures.get("return_impermissible_days", on=received_on)
    return GiftPosition(
        situation=situation, permissible=permissible, needs_check=needs_check, held=held,
        hold_reason=hold_reason(donor=donor, permissible=permissible) if held else "", split=split,
        reportable=report is not None and not held and aggregate > report.value,
        return_due=return_due_date(figures=figures, received_on=received_on) if period is not None else None,
        threshold=figures.get(PERMISSIBILITY_FIGURE[Situation(situation)], on=received_on),
        report_threshold=report, return_period=period,
    )


def _optional(figures: FigureTable, key: str, *, on: date) -> Figure | None:
    """A figure the gift's acceptance does not depend on (reporting, the return period of an accepted gift): None
    where none is in force on that date, rather than refusing the gift."""
    try:
        return figures.get(key, on=on)
    except FigureNotInForce:
        return None


GRANT_FIGURE = "candidate_donation_threshold"


def gift_clean_for_grant(*, figures: FigureTable, donor: DonorFacts | None, amount_pence: int, on: date) -> bool:
    """Whether a gift to the group's fund may be passed on to a candidate in a grant (LAW.md, "Whose money funds a
    grant"; RPA 1983 Schedule 2A): a gift at or under the candidate donation threshold (£50) is not a donation in
    law; over it, the true source must be identified and checked permissible for a candidate. An anonymous gift
    over the threshold can never fund a grant, whatever the group's own (higher) threshold let it accept."""
    if amount_pence <= figures.get(GRANT_FIGURE, on=on).value:
        return True
    return donor_permissible(donor, situation=Situation.CANDIDATE_GIFT) is True
