"""Non-money gifts: goods, services or property given to the group (printing at a discount, a hall lent for free).

They are donations at their value (PPERA 2000 Sch 11 para 10: the return reports "the nature and value of the
donation if non-monetary"), so the same permissibility test applies; the value never reaches the bank, so it posts
to its own accounts (Dr non-money gifts used / Cr the campaign's non-money gifts) and is neither raised nor
spendable cash.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from swingfund.compliance import gifts as law
from swingfund.compliance.selectors import figure_table
from swingfund.display import money
from swingfund.funding import ledger
from swingfund.funding.ledger import Line
from swingfund.funding.models import Campaign, Donation, Donor, Method
from swingfund.funding.services.gifts import _require_amount, gift_validate

NATURE_REQUIRED = "A non-money gift needs its nature: what was given (goods, services or property)."
NON_MONEY_HELD = ("Refused: a non-money gift worth {value} from {donor} needs its donor confirmed permissible first "
                  "({reason} Source: {source}). Check the donor, then record the gift; it cannot be held like money.")


def donation_non_money_record(*, campaign: Campaign, donor: Donor | None, value_pence: int, nature: str,
                              received_at: dt.datetime, reference: str = "", recorded_by: str = "") -> Donation:
    """Record a non-money gift at its value, after the same permissibility test as money: one that would have to be
    held (over the threshold and its donor not confirmed permissible) is refused, since goods cannot sit in the
    held account. Posts Dr non-money gifts used / Cr the campaign's non-money gifts."""
    nature = (nature or "").strip()
    if not nature:
        raise ValueError(NATURE_REQUIRED)
    value_pence = _require_amount(value_pence)
    received_at = gift_validate(campaign=campaign, amount_pence=value_pence, fee_pence=0, method=Method.NON_MONEY,
                                received_at=received_at, non_money=True)
    position = law.gift_assess(figures=figure_table(), mode=campaign.mode, donor=donor, amount_pence=value_pence,
                               received_on=received_at.date())
    if position.held:
        raise ValueError(NON_MONEY_HELD.format(value=money(value_pence, short=True),
                                               donor=donor or "an anonymous giver", reason=position.hold_reason,
                                               source=position.threshold.source))
    with transaction.atomic():
        head = ledger.chain_lock()
        posted = ledger.transaction_post(
            kind="gift_non_money", description=f"Non-money gift of {money(value_pence)}"[:300],
            # the ledger is public and unerasable: the nature (typed by staff) stays on the gift's record
            lines=[Line(ledger.account_shared("non_money_used"), value_pence, "non-money gift"),
                   Line(ledger.account_for_campaign(campaign, "non_money"), -value_pence, "non-money gift")],
            campaign=campaign, posted_at=received_at, head=head)
        return Donation.objects.create(
            campaign=campaign, donor=donor, amount_pence=value_pence, method=Method.NON_MONEY, reference=reference,
            received_at=received_at, status=Donation.Status.ACCEPTED, nature=nature[:300], recorded_by=recorded_by,
            transaction=posted)
