"""Reads for the outreach pages."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from swingfund.organisations.models import Organisation
from swingfund.outreach.models import Consent, Delivery, Message, Purpose, Segment, Supporter


def segments_for(*, organisation: Organisation) -> QuerySet[Segment]:
    return Segment.objects.filter(organisation=organisation).order_by("-created_at")


def messages_for(*, organisation: Organisation) -> QuerySet[Message]:
    return Message.objects.filter(organisation=organisation).select_related("segment", "author", "approved_by") \
        .order_by("-created_at")


def delivery_counts(*, message: Message) -> dict[str, int]:
    rows = Delivery.objects.filter(message=message).values("status").annotate(n=Count("pk")).values_list("status", "n")
    return dict.fromkeys(Delivery.Status.values, 0) | dict(rows)


def delivery_log(*, message: Message, limit: int = 200) -> QuerySet[Delivery]:
    return Delivery.objects.filter(message=message).select_related("constituency").order_by("-id")[:limit]


def supporters_per_seat(*, organisation_id: int) -> dict[int, int]:
    """Consenting supporters of the group per constituency id: supporters not erased who still agree to hear from
    the group (a WhatsApp consent in force on a confirmed number, or an email consent in force on a confirmed
    address, as `services.live_purposes` reads them). Aggregate counts only, in one query: what targeting counts for
    a group whose bloc is its own supporters."""
    live = Consent.objects.filter(withdrawn_at__isnull=True).filter(
        Q(purpose=Purpose.WHATSAPP, supporter__phone_confirmed_at__isnull=False)
        | Q(purpose=Purpose.EMAIL, supporter__email_confirmed_at__isnull=False)
    ).values("supporter_id")
    rows = (Supporter.objects.filter(organisation_id=organisation_id, erased_at__isnull=True, pk__in=live)
            .values("constituency_id").annotate(n=Count("pk")).values_list("constituency_id", "n"))
    return dict(rows)
