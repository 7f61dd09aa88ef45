"""The public ledger in plain words (issue 22, part 6): accounts named for people, each transaction said in a
sentence with its supplier and purpose where it is spending, no raw ids, a running balance of the money the group
holds, and a headline that reconciles money in, fees, money out and the balance (with what of it is held or
promised). Read-only; works on `selectors.public_ledger_rows()` and never touches the hash chain."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from swingfund.display import money
from swingfund.funding.models import Account, Campaign, CandidateSpend


@dataclass(frozen=True)
class SpendWords:
    """What a spending line says beside its amount: the supplier paid and the purpose, in words."""

    supplier: str
    purpose: str

    def words(self) -> str:
        return f"{self.purpose} from {self.supplier or 'a supplier not named'}"

    def as_dict(self) -> dict[str, str]:
        return {"supplier": self.supplier, "purpose": self.purpose}


# The organisation-wide accounts, named for the people reading the ledger.
SHARED_WORDS = {
    "bank": "Money in the bank",
    "card_clearing": "Card gifts on their way from Stripe",
    "fees": "Card fees paid to Stripe",
    "grants_payable": "Grants promised, not yet paid",
    "claims_payable": "Owed to suppliers, not yet paid",
    "candidate_spend": "Spent on adverts, leaflets and messages about candidates",
    "campaign_spend": "General campaign spending",
}
# A campaign's own accounts: {campaign} is its title.
CAMPAIGN_WORDS = {
    "donations": "Gifts to {campaign}",
    "refunds": "Gifts refunded ({campaign})",
    "disputes": "Card gifts disputed ({campaign})",
    "held": "Gifts held until the giver is checked ({campaign})",
}
GRANT_WORDS = "Grants to {name} ({seat})"
KIND_WORDS = {
    "gift": "Gift received", "gift_held": "Gift received and held until the giver is checked",
    "gift_released": "Held gift released: the giver is allowed to give", "gift_returned": "Held gift sent back",
    "refund": "Gift refunded", "dispute": "Card gift disputed: money taken back",
    "dispute_won": "Card dispute won: money returned", "grant": "Grant promised", "grant_paid": "Grant paid",
    "candidate_spend": "Spent about a candidate", "campaign_spend": "General campaign spending",
    "claim_paid": "Supplier's claim paid",
    "reversal": "Correction of an earlier line",
}
HEADLINE = ("{came_in} came in; {fees} went on card fees; {went_out} went out; {balance} is held now, of which "
            "{held} waits until its givers are checked and {promised} is promised to candidates, not yet paid.")


def _names() -> tuple[dict[str, str], dict[int, str]]:
    """Plain names for every account code that is not shared, and campaign titles by id."""
    titles = dict(Campaign.objects.values_list("pk", "title"))
    names = {}
    for account in Account.objects.filter(code__startswith="grant:").select_related(
            "candidacy", "candidacy__constituency"):
        c = account.candidacy
        names[account.code] = (GRANT_WORDS.format(name=c.person_name or "a candidate", seat=c.constituency.name)
                               if c is not None else "Grants to a candidate")
    return names, titles


def account_words(code: str, *, names: dict[str, str], titles: dict[int, str]) -> str:
    """An account code → what a reader calls it ("card_clearing" → "Card gifts on their way from Stripe")."""
    if code in SHARED_WORDS:
        return SHARED_WORDS[code]
    if code in names:
        return names[code]
    if code.startswith("campaign:"):
        _, pk, role = code.split(":", 2)
        title = titles.get(int(pk), "a campaign") if pk.isdigit() else "a campaign"
        return CAMPAIGN_WORDS.get(role, role.replace("_", " ").capitalize() + " ({campaign})").format(campaign=title)
    return "Other"


def spending_words(rows: list[dict]) -> dict[int, SpendWords]:
    """{transaction id: its supplier and purpose} for the spending about candidates among `rows` (this app's
    `CandidateSpend`). General campaign spending is recorded above money (the reports app): the page that shows
    the ledger adds its words from there."""
    spends = CandidateSpend.objects.filter(transaction_id__in=[r["id"] for r in rows if r["kind"] == "candidate_spend"])
    return {s.transaction_id: SpendWords(supplier=s.supplier, purpose=s.get_kind_display().lower()) for s in spends}


def ledger_page_rows(rows: list[dict], *, spending: Mapping[int, SpendWords] | None = None) -> list[dict]:
    """The public rows (oldest first) with plain words added: `what` (the movement in a sentence, with the
    campaign's title, a spend's supplier and purpose category), `lines` ([(plain account, pence)]), `fees_pence`
    and `balance_pence` (the money the group holds — bank and Stripe — after this transaction). `spending` gives
    the supplier and purpose of spending recorded outside this app, by transaction id (general campaign
    spending, from the reports app's spending record); without it such a line names neither."""
    names, titles = _names()
    spends = {**spending_words(rows), **(spending or {})}
    balance, out = 0, []
    for row in rows:
        entries = row["entries"]
        moved = max((abs(e["amount_pence"]) for e in entries), default=0)
        kind = KIND_WORDS.get(row["kind"], row["kind"].replace("_", " ").capitalize())
        parts = [f"{kind}: {money(moved, short=True)}"]
        grant = next((e for e in entries if e["account"].startswith("grant:")), None)
        if grant is not None:
            parts.append(account_words(grant["account"], names=names, titles=titles).replace("Grants to", "to", 1))
        spend = spends.get(row["id"])
        if spend is not None:
            parts.append(spend.words())
        campaign = next((e["account"].split(":")[1] for e in entries if e["account"].startswith("campaign:")), None)
        if campaign is not None and campaign.isdigit():
            parts.append(f"from {titles.get(int(campaign), 'a campaign')}" if row["kind"] in (
                "grant", "grant_paid", "candidate_spend") else f"for {titles.get(int(campaign), 'a campaign')}")
        balance += row["cash_pence"]
        out.append({**row, "what": " · ".join(parts), "balance_pence": balance,
                    "fees_pence": sum(e["amount_pence"] for e in entries if e["account"] == "fees"),
                    "lines": [(account_words(e["account"], names=names, titles=titles), e["amount_pence"])
                              for e in entries]})
    return out


def ledger_summary(rows: list[dict]) -> dict:
    """The headline's figures, from `ledger_page_rows` (every row): money that came in (gross, before card fees),
    card fees, money that went out, and the balance held now — came_in − fees − went_out = balance, exactly — with
    the part of it held until givers are checked and the grants promised but not yet paid."""
    came_in = went_out = fees = held = promised = 0
    for row in rows:
        cash = row["cash_pence"]
        if cash > 0:
            came_in += cash + row["fees_pence"]
            fees += row["fees_pence"]
        elif cash < 0:
            went_out -= cash + row["fees_pence"]  # a fee on a movement out counts as a fee, not as money out
            fees += row["fees_pence"]
        else:
            fees += row["fees_pence"]
            came_in += row["fees_pence"]  # a gift whose fee alone is booked: gross in, the fee out
        for e in row["entries"]:
            if e["account"].startswith("campaign:") and e["account"].endswith(":held"):
                held -= e["amount_pence"]
            elif e["account"] == "grants_payable":
                promised -= e["amount_pence"]
    balance = sum(r["cash_pence"] for r in rows)
    figures = {"came_in": came_in, "fees": fees, "went_out": went_out, "balance": balance, "held": held,
               "promised": promised}
    words = HEADLINE.format(**{k: money(v, short=True) for k, v in figures.items()})
    return {**figures, "words": words, "reconciles": came_in - fees - went_out == balance}
