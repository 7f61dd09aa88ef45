"""Reads for card gifts: the threshold a declaration is needed over, and the webhook event log."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, QuerySet

from swingfund.committee.selectors import decided_grants
from swingfund.compliance.limits import Figure
from swingfund.compliance.selectors import figure
from swingfund.elections.models import Candidacy
from swingfund.funding.models import Campaign, Grant
from swingfund.funding.payments.models import StripeEvent

# Which legal figure decides when a gift needs the donor's permissibility declaration, per giving mode:
# an earmarked gift is a donation to the candidate (over £50, RPA 1983 Sch 2A); a pooled gift to the group is
# checked over the non-party permissibility threshold (£500, PPERA 2000).
DECLARATION_FIGURE = {"earmarked": "candidate_donation_threshold", "pooled": "non_party_permissibility_threshold"}


def declaration_threshold(*, mode: str, on: date) -> Figure:
    """The legal figure over which a gift in this giving mode needs a permissibility declaration."""
    return figure(DECLARATION_FIGURE[mode], on=on)


def stripe_event_list(*, status: str | None = None, limit: int = 200) -> QuerySet[StripeEvent]:
    events = StripeEvent.objects.all()
    if status:
        events = events.filter(status=status)
    return events.order_by("-received_at", "-id")[:limit]


def stripe_event_counts() -> dict[str, int]:
    rows = StripeEvent.objects.values("status").annotate(n=Count("id"))
    counts = dict.fromkeys(StripeEvent.Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def earmark_choices(*, campaign: Campaign) -> list[tuple[int, str]]:
    """The candidacies a gift to an earmarked campaign may be for: those backed with a grant from this campaign,
    or by an approved grant decision of the campaign's organisation's committee."""
    ids = set(Grant.objects.filter(campaign=campaign).values_list("candidacy_id", flat=True))
    if campaign.organisation_id:
        ids |= {d.proposal.candidacy_id for d in decided_grants(organisation=campaign.organisation)}
    rows = Candidacy.objects.filter(pk__in=ids).select_related("constituency").order_by("constituency__name")
    return [(c.pk, f"{c.person_name} ({c.constituency.name})") for c in rows]
