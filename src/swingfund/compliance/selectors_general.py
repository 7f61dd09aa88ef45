"""Reads for the general campaign's limits: the group's registration status, constituencies per part of the UK, and
the regulated period. (The spending items themselves are the spending record's: `swingfund.reports.selectors`.)"""

from __future__ import annotations

from datetime import date

from django.db.models import Count

from swingfund.compliance.general import NATIONS, NO_SEATS, Status
from swingfund.compliance.selectors import legal_status_for


def limits_status(organisation) -> Status:
    """The registration status the general-campaign limits apply by."""
    status = legal_status_for(organisation)
    if status is None:
        return Status(recorded=False, eligible=False, registered_on=None)
    return Status(recorded=True, eligible=status.uk_based, registered_on=status.non_party_registered_on)


def seats_per_nation(*, boundary_set: str) -> dict[str, int]:
    """How many constituencies each part of the UK has in `boundary_set` (from the imported official files)."""
    from swingfund.elections.models import Constituency

    rows = Constituency.objects.filter(boundary_set=boundary_set).values("nation").annotate(n=Count("id"))
    counts = dict.fromkeys(NATIONS, 0)
    counts.update({r["nation"]: r["n"] for r in rows if r["nation"] in counts})
    if not any(counts.values()):
        raise ValueError(NO_SEATS.format(boundary_set=boundary_set))
    return counts


def regulated_period_for(*, election_id: str) -> tuple[date, date]:
    """The regulated period of `election_id` as spending is counted in it: starting the day after an earlier
    general election's poll when that was less than 365 days before (PPERA 2000 Sch 10 para 3(3)(b)), from the
    imported elections, and ending on the polling day in force. While that day is provisional, the range assumed
    (`selectors_bydate.counted_period_for`: from the day after the previous general election)."""
    from swingfund.compliance.selectors_bydate import counted_period_for

    period = counted_period_for(election_id=election_id)
    return period.counted_start, period.end
