"""Roles a person holds in one organisation. A committee member is a seat on the committee
(`committee.CommitteeMember`); treasurer, organiser and the group's administrator are rows here. The site administrator
(Django's /admin/, records of no organisation) is global: a superuser."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class OrganisationRole(models.Model):
    class Role(models.TextChoices):
        TREASURER = "treasurer", "treasurer"
        ORGANISER = "organiser", "organiser"
        ADMINISTRATOR = "administrator", "administrator"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_roles")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.CharField(max_length=150, blank=True, help_text="Who granted the role (username).")

    class Meta:
        ordering = ["organisation", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="organisationrole_unique"),
            models.CheckConstraint(condition=Q(role__in=["treasurer", "organiser", "administrator"]),
                                   name="organisationrole_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.role} of {self.organisation}"
