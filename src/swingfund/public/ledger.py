"""The public ledger's page, JSON and CSV (`/funding/ledger/`, `/funding/ledger.json`, `/funding/ledger.csv`). They
live above money and the spending record because a line of general campaign spending is said with its supplier and
purpose, which the spending record (reports) holds and the ledger (funding) cannot read. Read-only: the stored,
hashed transactions are shown as they are; the words beside them are added here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from swingfund import csvsafe
from swingfund.display import money
from swingfund.funding import charts, checkpoints, ledger, ledger_words, selectors
from swingfund.funding.models import Campaign, Grant
from swingfund.reports.selectors import ledger_line_words, ledger_spending

PAGE_ROWS = 500
CSV_COLUMNS = ["id", "posted_at", "kind", "description", "campaign", "giver", "account", "account_name",
               "amount_pence", "amount", "reverses", "prev_hash", "hash", "what", "supplier", "purpose"]
LEDGER_SOURCE = ("swingfund ledger: append-only, SHA-256 chained; recompute it from this file with "
                 "`python3 verify_ledger.py ledger.json` (tools/verify_ledger.py), or run `swingfund ledger verify`")


def ledger_page(request: HttpRequest) -> HttpResponse:
    rows = selectors.public_ledger_rows()
    rows = ledger_words.ledger_page_rows(rows, spending=ledger_spending(rows))
    totals = selectors.public_ledger_totals(rows)
    campaigns = [{"campaign": c, "raised": selectors.campaign_raised_pence(c)} for c in Campaign.objects.all()]
    grants = Grant.objects.select_related("candidacy", "candidacy__constituency")
    about = {}  # transaction id → the grant it approves or pays: its seat and the committee decision behind it
    for g in grants:
        for tx in (g.approval_id, g.payment_id):
            if tx:
                about[tx] = {"gss": g.candidacy.constituency.gss_code, "seat": g.candidacy.constituency.name,
                             "decision": g.decision_id}
    shown = list(reversed(rows))[:PAGE_ROWS]
    for row in shown:
        row["about"] = about.get(row["id"])
    return render(request, "public/ledger.html", {
        "rows": shown, "all_rows": len(rows), "page_rows": PAGE_ROWS,
        "totals": totals, "campaigns": campaigns, "summary": ledger_words.ledger_summary(rows),
        "threshold": selectors.public_name_threshold(),
        "head": rows[-1]["hash"] if rows else "",
        "chart": mark_safe(charts.money_flow_svg(selectors.cash_series(), title="Money in and out — all campaigns")),
    })


def ledger_json(request: HttpRequest) -> JsonResponse:
    """The whole public ledger. Each transaction carries under "hashed" every input of its hash, exactly as hashed
    (`ledger.hash_document`), and the signed checkpoints travel with it: `tools/verify_ledger.py` recomputes the
    chain and checks the latest checkpoint from this file alone. Beside them, outside the hash: "what", the line in
    plain words, and for spending its "spending" (supplier and purpose)."""
    rows = selectors.public_ledger_rows()
    hashed = ledger.hash_documents()
    spending, words = ledger_line_words(rows)
    for row in rows:
        row["posted_at"] = row["posted_at"].isoformat()
        row["hashed"] = hashed[row["id"]]
        row["what"] = words[row["id"]]
        if row["id"] in spending:
            row["spending"] = spending[row["id"]].as_dict()
    return JsonResponse({"format": ledger.EXPORT_FORMAT, "hash": ledger.HASH_RULE, "genesis_hash": ledger.GENESIS_HASH,
                         "transactions": rows, "totals": selectors.public_ledger_totals(rows),
                         "campaigns": {c.slug: selectors.campaign_raised_pence(c) for c in Campaign.objects.all()},
                         "checkpoints": checkpoints.checkpoints_document(), "source": LEDGER_SOURCE},
                        json_dumps_params={"indent": 1})


def ledger_csv(request: HttpRequest) -> HttpResponse:
    """The public ledger, one row per entry, then the signed checkpoints. Beside the hashed columns, as on the page:
    "what" (the line in plain words) and, for spending, its "supplier" and "purpose"."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="swingfund-ledger.csv"'
    writer = csvsafe.writer(response)
    writer.writerow(CSV_COLUMNS)
    rows = selectors.public_ledger_rows()
    spending, words = ledger_line_words(rows)
    for row in rows:
        spend = spending.get(row["id"])
        for entry in row["entries"]:
            writer.writerow([row["id"], row["posted_at"].isoformat(), row["kind"], row["description"], row["campaign"],
                             row["giver"], entry["account"], entry["account_name"], entry["amount_pence"],
                             money(entry["amount_pence"], short=True), row["reverses"], row["prev_hash"], row["hash"],
                             words[row["id"]], spend.supplier if spend else "", spend.purpose if spend else ""])
    # The signed checkpoints travel with every export: id = the transaction count signed, hash = the head signed.
    document = checkpoints.checkpoints_document()
    for c in document["checkpoints"]:
        writer.writerow([c["tree_size"], c["signed_at"], "checkpoint",
                         f"{checkpoints.FORMAT} key {c['key_id']} ({document['keys'][c['key_id']]}) "
                         f"signature {c['signature']}", "", "", "", "", "", "", "", "", c["head_hash"], "", "", ""])
    return response
