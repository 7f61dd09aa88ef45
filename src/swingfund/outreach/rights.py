"""Data rights: export everything held on a supporter, erase them, apply the retention period."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from swingfund.compliance.retention import period
from swingfund.outreach import suppression
from swingfund.outreach.models import Consent, Delivery, Supporter

# After polling day: the group's own policy (no statute sets it), shown with that label on the privacy notice.
RETENTION_DAYS_DEFAULT = period("supporters").value


def supporter_export(*, supporter: Supporter) -> dict:
    """Everything held on one supporter, as JSON-ready data (UK GDPR Article 15 / 20)."""
    return {
        "supporter": {
            "id": supporter.pk, "first_name": supporter.first_name, "last_name": supporter.last_name,
            "email": supporter.email, "phone": supporter.phone, "postcode": supporter.postcode,
            "constituency": {"gss_code": supporter.constituency.gss_code, "name": supporter.constituency.name},
            "language": supporter.language, "tags": sorted(supporter.tags.values_list("name", flat=True)),
            "email_confirmed_at": _iso(supporter.email_confirmed_at),
            "phone_confirmed_at": _iso(supporter.phone_confirmed_at), "source": supporter.source,
            "created_at": _iso(supporter.created_at), "referral_code": supporter.referral_code,
            "referred_by": supporter.referred_by_id,
        },
        "consents": [
            {"purpose": c.purpose, "wording": c.wording, "version": c.version, "source": c.source,
             "given_at": _iso(c.given_at), "withdrawn_at": _iso(c.withdrawn_at), "withdrawn_via": c.withdrawn_via}
            for c in supporter.consents.order_by("given_at", "id")
        ],
        "deliveries": [
            {"message": d.message.title, "channel": d.channel, "status": d.status, "sent_at": _iso(d.sent_at),
             "provider_status": d.provider_status, "attempts": d.attempts}
            for d in supporter.deliveries.select_related("message").order_by("id")
        ],
        "pledges": [
            {"message": p.message.title, "will_vote": p.will_vote, "answered_at": _iso(p.answered_at)}
            for p in supporter.pledges.select_related("message")
        ],
    }  # fmt: skip


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


ERASED_VIA = "erased at the person's request"
RETENTION_VIA = "erased when the retention period ended"


@transaction.atomic
def supporter_erase(*, supporter: Supporter, now: datetime | None = None, requested: bool = True) -> None:
    """Erase the person (UK GDPR Article 17): contact details, name, postcode, pledges and tags go; deliveries stay
    as anonymous counts per seat (supporter unlinked, constituency kept); unsent ones are cancelled. The consent
    records stay, withdrawn and without their source, as the record that consent ended (the wording is the group's,
    not the person's). Erased at the person's `requested` wish, their email address and number go on the
    suppression list (keyed hashes only), so no import or sign-up adds them back."""
    now = now or timezone.now()
    if requested:
        suppression.suppress(organisation=supporter.organisation, email=supporter.email, phone=supporter.phone,
                             now=now)
    Delivery.objects.filter(supporter=supporter, status=Delivery.Status.READY).update(
        status=Delivery.Status.CANCELLED, error="supporter erased"
    )
    Delivery.objects.filter(supporter=supporter).update(supporter=None)
    via = ERASED_VIA if requested else RETENTION_VIA
    Consent.objects.filter(supporter=supporter, withdrawn_at__isnull=True).update(withdrawn_at=now, withdrawn_via=via)
    Consent.objects.filter(supporter=supporter).update(source="(erased)")
    supporter.pledges.all().delete()
    supporter.tags.clear()
    Supporter.objects.filter(pk=supporter.pk).update(
        first_name="", last_name="", email="", phone="", postcode="", erased_at=now, email_confirmed_at=None,
        phone_confirmed_at=None, phone_code_hash="", phone_code_sent_at=None, phone_code_message_id="",
        referred_by=None,
    )
    supporter.refresh_from_db()


def retention_apply(*, polling_day: datetime, days: int = RETENTION_DAYS_DEFAULT, now: datetime | None = None) -> int:
    """Erase every supporter once `days` have passed since polling day; returns how many were erased."""
    now = now or timezone.now()
    if now < polling_day + timedelta(days=days):
        return 0
    erased = 0
    for supporter in Supporter.objects.filter(erased_at__isnull=True).iterator():
        supporter_erase(supporter=supporter, now=now, requested=False)
        erased += 1
    return erased
