"""The public ledger in plain words (issue 22, part 6), on the demo world: accounts named for people, no raw ids
or account codes, a headline that reconciles, and a running balance equal to the bank and Stripe balances."""

from __future__ import annotations

import re

from swingfund.display import money


def test_the_ledger_reads_in_plain_words_and_its_headline_reconciles(world, client):
    from swingfund.funding import ledger
    from swingfund.funding.models import Entry

    html = client.get("/funding/ledger/").content.decode()
    table = html[html.index('<table id="ledger"'):html.index("</table>")]
    # no account codes, no campaign slugs, no election ids
    for raw in ("card_clearing", "grants_payable", "campaign:", "grant:", "parl.2024-07-04", "<code>"):
        assert raw not in table, raw
    assert "Card gifts on their way from Stripe" in table or "Money in the bank" in table
    # The balance is what the bank and Stripe accounts hold, summed independently from the entries.
    cash = sum(ledger.account_balance(ledger.account_shared(code)) for code in ("bank", "card_clearing"))
    fees = sum(Entry.objects.filter(account__code="fees").values_list("amount_pence", flat=True))
    held = -sum(Entry.objects.filter(account__code__endswith=":held").values_list("amount_pence", flat=True))
    promised = ledger.account_balance(ledger.account_shared("grants_payable"))
    figures = {k: int(v) for k, v in re.findall(r'id="(money-in|fees|money-out|balance)" data-pence="(-?\d+)"', html)}
    assert figures["balance"] == cash
    assert figures["fees"] == fees
    assert figures["money-in"] - figures["fees"] - figures["money-out"] == cash  # it reconciles
    headline = re.search(r'id="ledger-headline">([^<]*)<', html).group(1).replace("&#x27;", "'")
    assert f"{money(cash, short=True)} is held now" in headline
    assert f"{money(held, short=True)} waits until its givers are checked" in headline
    assert f"{money(-promised, short=True)} is promised to candidates" in headline
    # the newest line's running balance is the balance held now, and no running balance is negative
    balances = re.findall(r'data-label="Held after">([^<]*)<', table)
    assert balances and not any(b.startswith("−") for b in balances)
    first = re.search(r'data-label="Held after">(−?£[\d,.]+)<', table).group(1)
    assert first == money(cash, short=True)


def test_the_headline_reconciles_card_fees_held_gifts_and_promised_grants_worked_by_hand():
    from swingfund.funding.ledger_words import ledger_summary

    def row(cash, fees, *entries):
        return {"cash_pence": cash, "fees_pence": fees,
                "entries": [{"account": a, "amount_pence": p} for a, p in entries]}

    rows = [
        # a £20 card gift: Stripe keeps a 55p fee, £19.45 on its way
        row(1_945, 55, ("card_clearing", 2_000), ("campaign:1:donations", -2_000), ("fees", 55),
            ("card_clearing", -55)),
        # a £600 bank gift held until the giver is checked
        row(60_000, 0, ("bank", 60_000), ("campaign:1:held", -60_000)),
        # £10 refunded by card
        row(-1_000, 0, ("campaign:1:refunds", 1_000), ("card_clearing", -1_000)),
        # a £500 grant promised, then £300 of grants paid
        row(0, 0, ("grant:7", 50_000), ("grants_payable", -50_000)),
        row(-30_000, 0, ("grants_payable", 30_000), ("bank", -30_000)),
    ]
    s = ledger_summary(rows)
    # by hand: in £20 + £600 = £620.00; fees £0.55; out £10 + £300 = £310; held now 19.45 + 600 − 10 − 300 = £309.45
    assert (s["came_in"], s["fees"], s["went_out"], s["balance"]) == (62_000, 55, 31_000, 30_945)
    assert s["held"] == 60_000 and s["promised"] == 20_000 and s["reconciles"]
    assert s["words"] == ("£620 came in; £0.55 went on card fees; £310 went out; £309.45 is held now, of which £600 "
                          "waits until its givers are checked and £200 is promised to candidates, not yet paid.")


def test_general_campaign_spending_shows_its_supplier_and_purpose_and_the_hashed_row_is_untouched(world, client):
    """A general-campaign item (recorded in the spending record, above money) reads on the public ledger page and in
    its JSON with its supplier and its purpose category — never the treasurer's free-text description — while the
    hashed transaction is exactly what was posted and the chain still verifies."""
    import datetime as dt

    from swingfund.compliance.services import group_legal_status_set
    from swingfund.funding import ledger
    from swingfund.reports.services import campaign_spending_record

    group_legal_status_set(organisation=world.organisation, legal_form="unincorporated_association")
    spend = campaign_spending_record(
        organisation=world.organisation, election="parl.2024-07-04", incurred_on=dt.date(2024, 6, 10),
        paid_on=dt.date(2024, 6, 12), supplier="Harbour Print Ltd", amount_pence=45_000, category="canvassing",
        description="door-knocking scripts (note for the treasurer only)")
    tx = spend.transaction
    posted = {"description": tx.description, "hash": tx.hash}

    html = client.get("/funding/ledger/").content.decode()
    row = re.search(rf'<tr id="tx-{tx.pk}">(.*?)</tr>', html, flags=re.S).group(1)
    what = re.search(r'class="wide what" data-label="What">([^<]*)', row).group(1)
    assert what.strip() == "General campaign spending: £450 · canvassing or market research from Harbour Print Ltd"
    assert "door-knocking" not in html  # the free text typed by staff stays off the page

    data = client.get("/funding/ledger.json").json()
    line = next(t for t in data["transactions"] if t["id"] == tx.pk)
    assert line["spending"] == {"supplier": "Harbour Print Ltd", "purpose": "canvassing or market research"}
    assert line["what"] == what.strip()
    assert line["description"] == "General campaign spending: £450.00"  # built from the structured fields
    assert not any("spending" in t for t in data["transactions"] if t["kind"] not in ("campaign_spend",
                                                                                    "candidate_spend"))
    # the CSV and the API say the same, beside their own columns (one reading: reports.selectors.ledger_spending)
    import csv
    import io

    entries = [r for r in csv.DictReader(io.StringIO(client.get("/funding/ledger.csv").content.decode()))
               if r["id"] == str(tx.pk)]
    assert len(entries) == 2 and {(r["supplier"], r["purpose"], r["what"]) for r in entries} == {
        ("Harbour Print Ltd", "canvassing or market research", what.strip())}
    api = client.get("/api/v1/ledger", {"limit": 1000}).json()
    api_line = next(t for t in api["transactions"] if t["id"] == tx.pk)
    assert api_line["spending"] == line["spending"] and api_line["what"] == line["what"]
    assert all(t["spending"] is None for t in api["transactions"] if t["kind"] not in ("campaign_spend",
                                                                                       "candidate_spend"))
    # the stored, hashed row is what was posted: the words are beside it, not in it
    tx.refresh_from_db()
    assert {"description": tx.description, "hash": tx.hash} == posted
    assert line["hashed"]["description"] == posted["description"] and line["hash"] == posted["hash"]
    assert ledger.ledger_verify().ok
