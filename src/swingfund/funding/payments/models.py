"""Stripe webhook events as received: each stored once by Stripe's event id, with its handling status."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class StripeEvent(models.Model):
    """One webhook event. The unique event id makes delivery idempotent (Stripe retries, and may deliver an event
    more than once or out of order). Stored PENDING by the webhook, then applied in its own transaction.
    `waiting_for` names the payment intent a refund or dispute is waiting for when it arrived before the payment
    itself; it is applied in the transaction that records that payment."""

    class Status(models.TextChoices):
        PENDING = "pending", "Received, not yet applied"
        HANDLED = "handled", "Handled"
        WAITING = "waiting", "Waiting for its payment to arrive"
        IGNORED = "ignored", "Not a type swingfund acts on"
        FAILED = "failed", "Failed: needs an organiser"

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    livemode = models.BooleanField(default=False)
    created = models.DateTimeField(help_text="When Stripe created the event (UTC).")
    payload = models.JSONField()
    received_at = models.DateTimeField(help_text="When swingfund first received it (UTC).")
    handled_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    waiting_for = models.CharField(max_length=255, blank=True, help_text="Payment intent id this event waits for.")
    error = models.TextField(blank=True)
    deliveries = models.PositiveIntegerField(default=1, help_text="How many times Stripe delivered it.")
    attempts = models.PositiveIntegerField(default=0, help_text="Times applying it hit an unexpected error.")

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="waiting") | ~Q(waiting_for=""), name="stripeevent_waiting_names_payment"
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(error=""), name="stripeevent_failed_has_error"
            ),
        ]
        indexes = [
            models.Index(fields=["waiting_for"], condition=Q(status="waiting"), name="stripeevent_waiting"),
            models.Index(fields=["id"], condition=Q(status="pending"), name="stripeevent_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type} ({self.status})"
