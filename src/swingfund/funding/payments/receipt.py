"""The giver's receipt for a card gift: the thank-you page shows it and offers it as a PDF (fpdf2), with a link to
the gift's line in the public ledger (`/funding/ledger/#tx-<transaction id>`). It names no one: whoever holds the
Stripe reference of the payment can open it, so it carries only the gift, the campaign and the group."""

from __future__ import annotations

from dataclasses import dataclass

from fpdf import FPDF

from swingfund.display import money
from swingfund.funding.models import Donation
from swingfund.funding.notices import UNICODE_FONTS


@dataclass(frozen=True)
class Receipt:
    number: int
    amount: str
    received: str
    campaign: str
    purpose: str
    group: str
    address: str
    ledger_tx: int | None
    status: str


def receipt_for(*, donation: Donation, group_name: str, group_address: str) -> Receipt:
    return Receipt(
        number=donation.pk, amount=money(donation.amount_pence), received=donation.received_at.strftime("%d %B %Y"),
        campaign=donation.campaign.title, purpose=donation.campaign.purpose, group=group_name or "the group",
        address=", ".join(line.strip() for line in (group_address or "").splitlines() if line.strip()),
        ledger_tx=donation.transaction_id, status=donation.get_status_display(),
    )


def receipt_pdf(receipt: Receipt, *, ledger_url: str) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    font_path = next((p for p in UNICODE_FONTS if p.exists()), None)
    family = "Helvetica"
    if font_path is not None:
        pdf.add_font("Receipt", "", str(font_path))
        family = "Receipt"

    def line(value: str, size: int = 11, height: float = 7) -> None:
        pdf.set_font(family, size=size)
        text = value if font_path is not None else value.encode("latin-1", "replace").decode("latin-1")
        pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")

    line(f"Receipt for gift #{receipt.number}", 16, 10)
    line(f"{receipt.amount} received by card on {receipt.received}")
    line(f"Given to: {receipt.campaign}, a campaign of {receipt.group}" + (f", {receipt.address}" if receipt.address
                                                                         else ""))
    line(f"What it is for: {receipt.purpose}", 10, 6)
    line(f"Status: {receipt.status}", 10, 6)
    if receipt.ledger_tx:
        line(f"Public ledger line: transaction #{receipt.ledger_tx} — {ledger_url}", 10, 6)
    line("Card payments are taken by Stripe; the group never sees your card number.", 8, 5)
    return bytes(pdf.output())
