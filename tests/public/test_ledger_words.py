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
