"""Reads of the spending record: an organisation's general-campaign items, and each as the plain record the law's
limits (`swingfund.compliance.general`) compute on."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from swingfund.compliance.general import Item
from swingfund.funding import ledger_words
from swingfund.funding.ledger_words import SpendWords
from swingfund.reports.models import CampaignSpend


def campaign_spends(*, organisation, election_id: str, start: date, end: date):
    """The organisation's general-campaign items for `election_id` incurred in [start, end], oldest first."""
    return (CampaignSpend.objects.filter(organisation=organisation, election_id=election_id,
                                         incurred_on__gte=start, incurred_on__lte=end)
            .select_related("targets_party", "transaction").prefetch_related("constituencies")
            .order_by("incurred_on", "id"))


def spending_words(*, transaction_ids: Iterable[int]) -> dict[int, SpendWords]:
    """{ledger transaction id: its supplier and purpose category} for the general-campaign items paid by those
    transactions: what the public ledger says beside "General campaign spending" (structured fields only: the
    supplier's name and the category of regulated activity, never the item's free-text description)."""
    spends = CampaignSpend.objects.filter(transaction_id__in=list(transaction_ids))
    return {s.transaction_id: SpendWords(supplier=s.supplier, purpose=s.get_category_display().lower())
            for s in spends}


def as_item(spend: CampaignSpend) -> Item:
    return Item(amount_pence=spend.amount_pence, incurred_on=spend.incurred_on, area=spend.area, nation=spend.nation,
                seats=tuple((c.pk, c.nation) for c in spend.constituencies.all()), party_id=spend.targets_party_id,
                party_authorised=spend.party_authorised)


def ledger_spending(rows: list[dict]) -> dict[int, SpendWords]:
    """Supplier and purpose of every spending line among the public ledger's `rows`: about candidates (the funding
    app's record) and general campaign spending (this app's). The one reading behind the ledger's page, JSON, CSV
    and API."""
    general = spending_words(transaction_ids=[r["id"] for r in rows if r["kind"] == "campaign_spend"])
    return {**ledger_words.spending_words(rows), **general}


def ledger_line_words(rows: list[dict]) -> tuple[dict[int, SpendWords], dict[int, str]]:
    """For the public ledger's JSON, CSV and API: each spending line's supplier and purpose (`ledger_spending`), and
    every line in plain words as its page says it ({transaction id: "what"})."""
    spending = ledger_spending(rows)
    return spending, {r["id"]: r["what"] for r in ledger_words.ledger_page_rows(rows, spending=spending)}
