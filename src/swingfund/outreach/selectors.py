"""Reads for the outreach pages."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from swingfund.organisations.models import Organisation
from swingfund.outreach.models import Delivery, Message, Segment


def default_organisation() -> Organisation | None:
    return Organisation.objects.order_by("pk").first()


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
