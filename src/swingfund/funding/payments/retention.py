"""Personal data in stored Stripe payloads is kept only as long as it is needed.

A webhook event is stored whole (`StripeEvent.payload`) so it can be applied, retried and audited. Once applied and
older than the retention period (`settings.STRIPE_PAYLOAD_RETENTION_DAYS`, 90 by default), the donor's personal data
in it — names, emails, addresses, phone numbers, card fingerprints and the donor details swingfund put in the
metadata — is replaced by `REMOVED`; amounts, currency, ids and statuses stay, so the event still explains its ledger
transaction. `swingfund stripe retention` runs this; erasing a donor (`funding.services.donor_erase`) strips that
donor's events at once, whatever their age.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from swingfund.funding.payments.models import StripeEvent

REMOVED = "[removed]"
STRIPPED_MARK = "swingfund_personal_data_removed"
PERSONAL_KEYS = frozenset({
    "name", "email", "phone", "address", "line1", "line2", "city", "postal_code", "state", "receipt_email",
    "fingerprint", "last4", "donor_name", "donor_email", "donor_address", "donor_postcode", "ip_address",
    "billing_details", "customer_details", "shipping", "shipping_details", "customer_email",
})
DONE = (StripeEvent.Status.HANDLED, StripeEvent.Status.IGNORED)


def strip_personal(value: Any) -> Any:
    """A copy of a payload with every value under a personal key replaced by `REMOVED` (nested dicts and lists
    walked; the keys stay so the shape of the event is unchanged)."""
    if isinstance(value, dict):
        return {k: (REMOVED if k in PERSONAL_KEYS and v not in (None, "", {}, []) else strip_personal(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [strip_personal(v) for v in value]
    return value


def events_strip(events: Iterable[StripeEvent], *, now: dt.datetime) -> int:
    """Strip the given events' payloads in place (saved); returns how many changed."""
    changed = 0
    for event in events:
        stripped = strip_personal(event.payload)
        stripped[STRIPPED_MARK] = now.isoformat()
        if stripped != event.payload:
            event.payload = stripped
            event.save(update_fields=["payload"])
            changed += 1
    return changed


def payloads_expire(*, older_than_days: int | None = None, now: dt.datetime | None = None) -> int:
    """Strip personal data from applied (handled or ignored) events received before the retention period; pending,
    waiting and failed events keep theirs until applied. Returns the number of events stripped."""
    days = settings.STRIPE_PAYLOAD_RETENTION_DAYS if older_than_days is None else older_than_days
    if days < 0:
        raise ValueError(f"The retention period must be zero days or more (got {days}).")
    now = now or timezone.now()
    with transaction.atomic():
        events = (StripeEvent.objects.select_for_update()
                  .filter(status__in=DONE, received_at__lt=now - dt.timedelta(days=days))
                  .filter(**{f"payload__{STRIPPED_MARK}__isnull": True}).order_by("id"))
        return events_strip(events, now=now)


def events_for_payments(payment_intents: Iterable[str]) -> list[StripeEvent]:
    """The stored events about these payment intents (payments, refunds, disputes)."""
    intents = [p for p in payment_intents if p]
    if not intents:
        return []
    about = Q(payload__data__object__id__in=intents) | Q(payload__data__object__payment_intent__in=intents)
    return list(StripeEvent.objects.filter(about).order_by("id"))
