"""Closing a campaign early, from the treasurer's page: it stops taking gifts from that moment (its end becomes now);
everything it raised stays in the ledger. Refused, with the reason, for a campaign already closed or not yet open."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from swingfund.funding.models import Campaign

ALREADY_CLOSED = "“{title}” already closed on {end:%d %B %Y}."
NOT_YET_OPEN = "“{title}” has not opened yet (it opens on {start:%d %B %Y}): change its dates instead of closing it."


def campaign_close(*, campaign: Campaign, now: dt.datetime | None = None) -> Campaign:
    now = now or timezone.now()
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.ends_at <= now:
            raise ValueError(ALREADY_CLOSED.format(title=campaign.title, end=campaign.ends_at))
        if campaign.starts_at >= now:
            raise ValueError(NOT_YET_OPEN.format(title=campaign.title, start=campaign.starts_at))
        campaign.ends_at = now
        campaign.save(update_fields=["ends_at"])
    return campaign
