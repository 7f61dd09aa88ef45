"""Political contributions the group makes (PPERA 2000 Schedule 19A), and the registration notice they may trigger.

Only an unincorporated association registers for them; its counter (`compliance.ua.registration`) counts only
political contributions over £500 in the calendar year. When one takes the year's total over the threshold, the
treasurer gets a task: notify the Electoral Commission within 30 days beginning with that contribution's date.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from swingfund.compliance import ua
from swingfund.compliance.limits import FigureNotInForce
from swingfund.compliance.models import LegalForm
from swingfund.compliance.selectors import figure_table, legal_status_for
from swingfund.display import money
from swingfund.funding import ledger, selectors
from swingfund.funding.ledger import Line
from swingfund.funding.models import Campaign, ComplianceTask, PoliticalContribution
from swingfund.funding.services.gifts import _require_amount
from swingfund.funding.services.grants import HELD_NOTE, INSUFFICIENT_FUNDS

UA_NOTICE = ("Notify the Electoral Commission by {due}: political contributions over {floor} made in {year} reached "
             "{total} on {crossed}, over the {threshold} registration threshold (unincorporated association)")
BAD_DATE = "A political contribution needs the date it was made (a date)."


def political_contribution_record(*, campaign: Campaign, recipient_kind: str, recipient_name: str, amount_pence: int,
                                  made_on: dt.date, recorded_by: str = "") -> PoliticalContribution:
    """Record a donation the group made to a party, a registered campaigner or a regulated donee (refused for a
    recipient kind that is not a political contribution, beyond spendable funds, or without a date). Posts Dr
    political contributions / Cr bank; an unincorporated association whose counted contributions now pass the
    registration threshold gets a notice task due 30 days beginning with the crossing contribution's date."""
    amount_pence = _require_amount(amount_pence)
    if not isinstance(made_on, dt.date):
        raise ValueError(BAD_DATE)
    if recipient_kind not in ua.POLITICAL_CONTRIBUTION_KINDS:
        raise ValueError(ua.UNKNOWN_KIND.format(kind=recipient_kind, known=", ".join(ua.POLITICAL_CONTRIBUTION_KINDS)))
    organisation = campaign.organisation
    with transaction.atomic():
        ledger.chain_lock()
        available = selectors.campaign_spendable_pence(campaign)
        if amount_pence > available:
            held = selectors.campaign_held_pence(campaign)
            raise ValueError(INSUFFICIENT_FUNDS.format(campaign=campaign.slug, available=available,
                                                       amount=amount_pence,
                                                       held_note=HELD_NOTE.format(held=held) if held else ""))
        posted = ledger.transaction_post(
            kind="political_contribution", description=f"Political contribution of {money(amount_pence)}"[:300],
            lines=[Line(ledger.account_shared("political_contributions"), amount_pence, recipient_kind),
                   Line(ledger.account_shared("bank"), -amount_pence, recipient_kind)],
            campaign=campaign, posted_at=dt.datetime.combine(made_on, dt.time(12), tzinfo=dt.UTC))
        row = PoliticalContribution.objects.create(
            organisation=organisation, campaign=campaign, recipient_kind=recipient_kind,
            recipient_name=recipient_name.strip()[:200], amount_pence=amount_pence, made_on=made_on,
            recorded_by=recorded_by, transaction=posted)
        ua_notice_task(organisation=organisation, campaign=campaign, year=made_on.year)
    return row


def ua_notice_task(*, organisation, campaign: Campaign, year: int) -> ComplianceTask | None:
    """Open the Schedule 19A notice task once the year's counted contributions pass the threshold (an unincorporated
    association not yet registered only); None otherwise."""
    status = legal_status_for(organisation)
    if status is None or status.legal_form != LegalForm.UNINCORPORATED_ASSOCIATION or status.ua_registered_on:
        return None
    try:
        counter = ua.registration(figures=figure_table(), contributions=selectors.political_contributions(
            organisation=organisation, year=year), year=year)
    except FigureNotInForce:  # no Schedule 19A figures for that year: nothing to count against
        return None
    if counter.crossed_on is None:
        return None
    task, _ = ComplianceTask.objects.get_or_create(
        kind=ComplianceTask.Kind.UA_NOTIFY, campaign=campaign, done_at=None,
        defaults={"due_on": counter.notify_by, "citation": counter.threshold.source[:400],
                  "description": UA_NOTICE.format(
                      due=counter.notify_by, floor=counter.floor.display, year=year,
                      total=money(counter.counted_pence, short=True), crossed=counter.crossed_on,
                      threshold=counter.threshold.display)[:400]})
    return task
