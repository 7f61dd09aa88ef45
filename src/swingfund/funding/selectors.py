"""Reads of the money side: campaign totals (from the records and from the ledger, which must agree),
spendable and held funds, recent gifts with public names, the public ledger, tasks, chart series."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from swingfund.compliance import gifts as law
from swingfund.compliance import ua
from swingfund.compliance.limits import Figure, FigureNotInForce
from swingfund.compliance.selectors import figure, figure_table
from swingfund.display import money
from swingfund.funding import rules
from swingfund.funding.models import (
    Campaign,
    CandidateSpend,
    ComplianceTask,
    Dispute,
    Donation,
    Entry,
    GivingMode,
    Grant,
    GrantAllocation,
    LedgerTransaction,
    Method,
    PoliticalContribution,
    Refund,
)

CASH_ACCOUNTS = ("bank", "card_clearing")
INCOME_ROLES = ("donations", "refunds", "disputes")


def _sum(qs: QuerySet, field: str = "amount_pence") -> int:
    return qs.aggregate(total=Sum(field))["total"] or 0


def campaign_raised_pence(campaign: Campaign) -> int:
    """Raised, from the gift records: accepted gifts, less refunds and disputes not won."""
    accepted = Donation.objects.filter(campaign=campaign, status=Donation.Status.ACCEPTED).exclude(
        method=Method.NON_MONEY)  # a non-money gift's value is recorded, but it is not money to spend
    refunded = _sum(Refund.objects.filter(donation__in=accepted))
    disputed = _sum(Dispute.objects.filter(donation__in=accepted).exclude(status=Dispute.Status.WON))
    return _sum(accepted) - refunded - disputed


def campaign_ledger_raised_pence(campaign: Campaign) -> int:
    """Raised, from the ledger: the credit balance of the campaign's donations, refunds and disputes accounts."""
    codes = [f"campaign:{campaign.pk}:{role}" for role in INCOME_ROLES]
    return -_sum(Entry.objects.filter(account__code__in=codes))


def campaign_held_pence(campaign: Campaign) -> int:
    """Gifts held pending permissibility (or return): not spendable."""
    return -_sum(Entry.objects.filter(account__code=f"campaign:{campaign.pk}:held"))


def campaign_committed_pence(campaign: Campaign) -> int:
    """Grants made and spending about candidates, charged to this campaign."""
    return (_sum(Grant.objects.filter(campaign=campaign, reversal__isnull=True))
            + _sum(CandidateSpend.objects.filter(campaign=campaign)))


def campaign_spendable_pence(campaign: Campaign) -> int:
    """What the campaign may still give or spend: raised (held gifts excluded) less what it has committed."""
    return campaign_raised_pence(campaign) - campaign_committed_pence(campaign)


def political_contributions(*, organisation, year: int) -> list[ua.Contribution]:
    """The political contributions the group made in a calendar year (PPERA 2000 Sch 19A), as the law reads them."""
    rows = PoliticalContribution.objects.filter(made_on__year=year)
    if organisation is not None:
        rows = rows.filter(organisation=organisation)
    return [ua.Contribution(kind=r.recipient_kind, amount_pence=r.amount_pence, made_on=r.made_on) for r in rows]


def political_contributions_pence(*, organisation, year: int) -> int:
    """What counts towards the unincorporated-association registration threshold in a year: political contributions
    over £500 only (`compliance.ua.registration`). Grants to candidates and spending about candidates are not
    political contributions and are not counted."""
    made = political_contributions(organisation=organisation, year=year)
    try:
        return ua.registration(figures=figure_table(), contributions=made, year=year).counted_pence
    except FigureNotInForce:  # no Schedule 19A figures for that year: every political contribution, uncounted floor
        return sum(c.amount_pence for c in made if c.kind in ua.POLITICAL_CONTRIBUTION_KINDS)


def _summed(model, field: str = "donation"):
    """The total of `model`'s amounts for the outer gift, as a subquery (0 when none)."""
    live = {"grant__reversal__isnull": True} if model is GrantAllocation else {}  # a grant that came back frees it
    rows = (model.objects.filter(**{field: OuterRef("pk")}, **live).order_by().values(field)
            .annotate(t=Sum("amount_pence")).values("t"))
    return Coalesce(Subquery(rows), Value(0))


def clean_gift_filter(*, on: dt.date) -> Q:
    """The candidate-side test of `compliance.gifts.gift_clean_for_grant` as a query: at or under the candidate
    donation threshold, or from an identified donor checked and in a category permissible for a candidate."""
    threshold = figure(law.GRANT_FIGURE, on=on).value
    return Q(amount_pence__lte=threshold) | Q(donor__isnull=False, donor__checked_at__isnull=False,
                                               donor__category__in=sorted(law.PERMISSIBLE_CATEGORIES))


def gifts_free_to_grant(campaign: Campaign) -> QuerySet[Donation]:
    """The campaign's accepted gifts, oldest first, each annotated `free_pence`: what is left after refunds,
    disputes not won and what earlier grants already passed on."""
    return (Donation.objects.filter(campaign=campaign, status=Donation.Status.ACCEPTED).exclude(method=Method.NON_MONEY)
            .annotate(free_pence=F("amount_pence") - _summed(Refund)
                      - Coalesce(Subquery(Dispute.objects.filter(donation=OuterRef("pk"))
                                          .exclude(status=Dispute.Status.WON).order_by().values("donation")
                                          .annotate(t=Sum("amount_pence")).values("t")), Value(0))
                      - _summed(GrantAllocation))
            .filter(free_pence__gt=0).order_by("received_at", "id"))


def campaign_clean_pence(campaign: Campaign, *, on: dt.date | None = None) -> int:
    """What the treasurer may still pass on to candidates in grants: the unallocated part of the clean gifts
    (`clean_gift_filter`), and never more than the campaign's spendable funds."""
    day = on or timezone.now().date()
    clean = _sum(gifts_free_to_grant(campaign).filter(clean_gift_filter(on=day)), "free_pence")
    return max(0, min(clean, campaign_spendable_pence(campaign)))


def pooled_grant_sources(grant: Grant, *, threshold_pence: int) -> list[dict]:
    """The true sources the agent must know of a pooled grant: each gift over the candidate donation threshold
    that the grant passes on (its allocations), with the donor's name, address, the part passed on, the date
    received and the permissibility checked. Gifts at or under the threshold are not donations and are not named."""
    rows = (GrantAllocation.objects.filter(grant=grant, donation__amount_pence__gt=threshold_pence)
            .select_related("donation__donor").order_by("donation__received_at", "donation__id"))
    return [{"name": a.donation.donor.name if a.donation.donor else "Unidentified",
             "address": ", ".join(p for p in (a.donation.donor.address, a.donation.donor.postcode) if p)
             if a.donation.donor else "", "amount_pence": a.amount_pence, "received_on": a.donation.received_at.date(),
             "permissibility": a.donation.donor.get_category_display() if a.donation.donor else "Unidentifiable"}
            for a in rows]


def public_name_threshold(*, on: dt.date | None = None) -> Figure:
    """Donor names are published only above this figure (and with the donor's consent)."""
    return figure("public_donor_name_threshold", on=on or timezone.now().date())


@dataclass(frozen=True)
class CampaignTotals:
    raised_pence: int
    ledger_pence: int
    held_pence: int
    committed_pence: int
    spendable_pence: int
    goal_pence: int
    gifts: int
    donors: int

    @property
    def percent(self) -> int:
        return rules.percent_of(self.raised_pence, self.goal_pence)

    @property
    def reconciles(self) -> bool:
        return self.raised_pence == self.ledger_pence


def campaign_totals(campaign: Campaign) -> CampaignTotals:
    accepted = Donation.objects.filter(campaign=campaign, status=Donation.Status.ACCEPTED)
    raised = campaign_raised_pence(campaign)
    committed = campaign_committed_pence(campaign)
    return CampaignTotals(
        raised_pence=raised, ledger_pence=campaign_ledger_raised_pence(campaign),
        held_pence=campaign_held_pence(campaign), committed_pence=committed, spendable_pence=raised - committed,
        goal_pence=campaign.goal_pence, gifts=accepted.count(),
        donors=accepted.exclude(donor=None).values("donor").distinct().count() + accepted.filter(donor=None).count(),
    )


def earmarked_totals(campaign: Campaign) -> list[dict]:
    """Earmarked mode: accepted gifts per backed candidacy (before refunds), largest first."""
    rows = (Donation.objects.filter(campaign=campaign, status=Donation.Status.ACCEPTED)
            .exclude(earmarked_candidacy=None).values("earmarked_candidacy")
            .annotate(total=Sum("amount_pence")).order_by("-total"))
    from swingfund.elections.models import Candidacy

    names = {c.pk: c for c in Candidacy.objects.filter(pk__in=[r["earmarked_candidacy"] for r in rows])
             .select_related("constituency", "party")}
    return [{"candidacy": names[r["earmarked_candidacy"]], "pence": r["total"]} for r in rows]


def gift_display_name(gift: Donation, *, threshold_pence: int) -> str:
    """What the public sees for a gift's giver: the name only when the donor has been checked and found
    permissible, the gift is accepted (not held, returned or voided), the giver consented with this very gift, and
    it is over the public threshold. Another gift's consent never counts."""
    if gift.donor is None:
        return "Anonymous"
    checked = law.donor_permissible(gift.donor) is True and gift.status == Donation.Status.ACCEPTED \
        and gift.donor.erased_at is None
    name = rules.public_name(name=gift.donor.name, consent=gift.consent_publish, checked=checked,
                             amount_pence=gift.amount_pence, threshold_pence=threshold_pence)
    return name or "A donor"


PUBLIC_KINDS = {
    "gift": "Gift received", "gift_held": "Gift received, held until its donor is checked",
    "gift_released": "Held gift released: donor confirmed permissible", "gift_returned": "Held gift returned",
    "refund": "Refund to a donor", "dispute": "Card dispute: funds withdrawn",
    "dispute_won": "Card dispute won: funds reinstated", "grant": "Grant approved", "grant_paid": "Grant paid",
    "candidate_spend": "Spending about a candidate", "reversal": "Correction: reverses an earlier transaction",
    "gift_non_money": "Non-money gift received (at its value)", "political_contribution": "Political contribution made",
    "campaign_spend": "General campaign spending",
}


def public_description(tx: LedgerTransaction, entries: list[dict]) -> str:
    """What the public reads for a ledger transaction, built from its structured fields only (kind, amounts,
    accounts, campaign), never from text typed by staff: £ in or out, what kind of movement, for whom."""
    label = PUBLIC_KINDS.get(tx.kind, tx.kind.replace("_", " ").capitalize())
    moved = max((abs(e["amount_pence"]) for e in entries), default=0)
    parts = [f"{label}: {money(moved)}"]
    grants = [e["account_name"] for e in entries if e["account"].startswith("grant:")]
    if grants:
        parts.append(grants[0])
    if tx.campaign_id:
        parts.append(f"campaign '{tx.campaign.slug}'")
    return " — ".join(parts)  # a reversal's original is its own column ("reverses")


def recent_gifts(campaign: Campaign, *, limit: int = 20) -> list[dict]:
    threshold = public_name_threshold().value
    gifts = (Donation.objects.filter(campaign=campaign, status=Donation.Status.ACCEPTED)
             .select_related("donor", "earmarked_candidacy").order_by("-received_at", "-id")[:limit])
    return [{"name": gift_display_name(g, threshold_pence=threshold), "amount_pence": g.amount_pence,
             "received_at": g.received_at, "method": g.get_method_display(),
             "for": str(g.earmarked_candidacy) if g.earmarked_candidacy_id else ""} for g in gifts]


def public_ledger_rows(*, campaign: Campaign | None = None) -> list[dict]:
    """Every ledger transaction with its entries, as the public sees it: amounts always; a giver's name only
    above the public threshold and with consent."""
    threshold = public_name_threshold().value
    txs = LedgerTransaction.objects.order_by("id").select_related("campaign").prefetch_related("entries__account")
    if campaign is not None:
        txs = txs.filter(campaign=campaign)
    gifts = {g.transaction_id: g for g in Donation.objects.select_related("donor").filter(
        transaction_id__in=[t.pk for t in txs])}
    rows = []
    for tx in txs:
        gift = gifts.get(tx.pk)
        entries = [{"account": e.account.code, "account_name": e.account.name, "amount_pence": e.amount_pence}
                   for e in sorted(tx.entries.all(), key=lambda e: e.pk)]
        cash = sum(e["amount_pence"] for e in entries if e["account"] in CASH_ACCOUNTS)
        rows.append({
            "id": tx.pk, "posted_at": tx.posted_at, "kind": tx.kind, "description": public_description(tx, entries),
            "campaign": tx.campaign.slug if tx.campaign_id else "", "reverses": tx.reverses_id or "",
            "giver": gift_display_name(gift, threshold_pence=threshold) if gift else "",
            "cash_pence": cash, "entries": entries, "prev_hash": tx.prev_hash, "hash": tx.hash,
        })
    return rows


def public_ledger_totals(rows: list[dict]) -> dict[str, int]:
    """Totals of the public ledger: money in, money out, and the campaign income net (reconciles with the
    campaign pages)."""
    income = 0
    for row in rows:
        income -= sum(e["amount_pence"] for e in row["entries"]
                      if e["account"].startswith("campaign:") and e["account"].rsplit(":", 1)[1] in INCOME_ROLES)
    money_in = sum(r["cash_pence"] for r in rows if r["cash_pence"] > 0)
    money_out = -sum(r["cash_pence"] for r in rows if r["cash_pence"] < 0)
    return {"income_pence": income, "in_pence": money_in, "out_pence": money_out}


def cash_series(*, campaign: Campaign | None = None) -> list[tuple[dt.date, int, int]]:
    """Money in and out of the bank and card balances per day: [(date, in pence, out pence)]."""
    entries = Entry.objects.filter(account__code__in=CASH_ACCOUNTS)
    if campaign is not None:
        entries = entries.filter(transaction__campaign=campaign)
    days: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    for moment, amount in entries.values_list("transaction__posted_at", "amount_pence"):
        bucket = days[moment.astimezone(dt.UTC).date()]
        if amount > 0:
            bucket[0] += amount
        else:
            bucket[1] -= amount
    return [(day, values[0], values[1]) for day, values in sorted(days.items())]


def open_tasks() -> QuerySet[ComplianceTask]:
    return ComplianceTask.objects.filter(done_at=None).select_related("donation", "donation__donor", "campaign") \
        .order_by(F("due_on").asc(nulls_last=True), "id")


def held_gifts() -> QuerySet[Donation]:
    return Donation.objects.filter(status=Donation.Status.HELD).select_related("donor", "campaign")


def split_flagged_gifts() -> QuerySet[Donation]:
    return Donation.objects.filter(split_suspected=True).select_related("donor", "campaign")


def grants_for_notice(grant: Grant) -> list[dict]:
    """The donation notice's lines for a candidate's agent, one per true donor (earmarked mode): name, address,
    the amount this grant passes on from them, the total passed on from them to this candidacy by every grant so
    far (`total_to_candidate_pence`, what the over-£50 test is applied to), the date of their latest gift and
    permissibility. An anonymous gift is its own line. In pooled mode, an empty list (the group is the donor)."""
    if grant.campaign.mode != GivingMode.EARMARKED:
        return []
    allocations = (GrantAllocation.objects
                   .filter(grant__candidacy=grant.candidacy, grant__campaign__mode=GivingMode.EARMARKED)
                   .select_related("donation", "donation__donor").order_by("donation__received_at", "donation__id"))
    lines: dict[str, dict] = {}
    for allocation in allocations:
        gift, donor = allocation.donation, allocation.donation.donor
        key = f"donor:{donor.pk}" if donor else f"gift:{gift.pk}"
        line = lines.setdefault(key, {
            "name": donor.name if donor else "Anonymous", "address": donor.address if donor else "",
            "postcode": donor.postcode if donor else "", "amount_pence": 0, "total_to_candidate_pence": 0,
            "received_on": gift.received_at.date(),
            "permissibility": donor.get_category_display() if donor else "Unidentifiable",
            "evidence": donor.evidence if donor else "", "checked_at": donor.checked_at if donor else None,
        })
        line["total_to_candidate_pence"] += allocation.amount_pence
        line["received_on"] = max(line["received_on"], gift.received_at.date())
        if allocation.grant_id == grant.pk:
            line["amount_pence"] += allocation.amount_pence
    return [line for line in lines.values() if line["amount_pence"]]


def candidate_spent_pence(*, organisation, candidacy_ids) -> dict[int, int]:
    """The group's spending about each candidacy so far (RPA 1983 s.75, counted towards its permitted sum or its
    agent's authority): the spending recorded about it (`CandidateSpend`, of the group's campaigns) and the cost of
    material charged to it (`compliance.MaterialCost`). Another group's spending is not counted. The one total:
    the check of recorded spending, the check of material before it goes out, and the message page."""
    from swingfund.compliance.models import MaterialCost, MaterialRegime
    from swingfund.funding.models import CandidateSpend

    ids = list(candidacy_ids)
    spent = dict.fromkeys(ids, 0)
    material = (MaterialCost.objects.filter(organisation=organisation, regime=MaterialRegime.CANDIDATE)
                if organisation is not None else MaterialCost.objects.none())
    for rows in (material, CandidateSpend.objects.filter(campaign__organisation=organisation)):
        for row in rows.filter(candidacy_id__in=ids).values("candidacy_id").annotate(t=Sum("amount_pence")):
            spent[row["candidacy_id"]] += row["t"] or 0
    return spent
