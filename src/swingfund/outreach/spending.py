"""Paid WhatsApp messages as general-campaign spending, through the spending record (`swingfund.reports`).

`campaign_spending_record` checks the law's limits and may refuse (`LimitExceeded`, a ValueError). Until the
compliance function exists on main, the adapter logs a warning and records nothing, so outreach still runs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date

log = logging.getLogger(__name__)
SUPPLIER = "Meta Platforms Ireland Ltd (WhatsApp Business Platform)"
CATEGORY = "material"  # PPERA Sch 8A Part 1 para 1(2)(a): election material made available to the public
NOT_AVAILABLE = "reports.services.campaign_spending_record is not available: WhatsApp cost {pence}p not recorded"


def campaign_cost_record(
    *, organisation, election, incurred_on: date, amount_pence: int, constituencies: Sequence, description: str,
    source_ref: str,
) -> bool:
    """Record one batch's WhatsApp cost; True if recorded, False if the compliance function is missing."""
    try:
        from swingfund.reports.services import campaign_spending_record
    except ImportError:
        log.warning(NOT_AVAILABLE.format(pence=amount_pence))
        return False
    campaign_spending_record(
        organisation=organisation, election=election, incurred_on=incurred_on, paid_on=None, supplier=SUPPLIER,
        amount_pence=amount_pence, category=CATEGORY, constituencies=tuple(constituencies), description=description,
        source_ref=source_ref,
    )
    return True
