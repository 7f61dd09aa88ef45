"""API tokens for the write endpoints. Only a SHA-256 of each token is stored; the token is shown once. A token is
issued for one role in one organisation, expires, and counts its uses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, null=True,
                                     related_name="api_tokens",
                                     help_text="The organisation the token acts for (a token without one works "
                                               "nowhere: issue a new one).")
    role = models.CharField(max_length=20, blank=True, help_text="The role the token acts in: organiser or treasurer.")
    label = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token (hex).")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, help_text="After this moment the token is refused.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    use_count = models.PositiveIntegerField(default=0, help_text="Requests it authenticated.")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=["", "organiser", "treasurer"]), name="apitoken_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.user})"


class ApiWrite(models.Model):
    """One API write, named by its `Idempotency-Key`: the same key from the same holder gets the same answer (the
    same gift, not a second one); the key reused for a different request is refused."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    endpoint = models.CharField(max_length=200, help_text="The method and path written to.")
    request_sha256 = models.CharField(max_length=64, help_text="SHA-256 of the endpoint and the request body.")
    status = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="apiwrite_unique_key")]

    def __str__(self) -> str:
        return f"{self.endpoint} [{self.key}]"
