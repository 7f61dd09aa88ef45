"""Read-only admin views of the money side. Every write goes through `funding.services` (the treasurer's
pages and the `swingfund funding …` commands), so the admin shows the records and never edits them."""

from __future__ import annotations

from django.contrib import admin

from swingfund.funding import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["title", "slug", "mode", "goal_pence", "starts_at", "ends_at"]


@admin.register(models.Donor)
class DonorAdmin(ReadOnlyAdmin):
    """The administrator sees who gave, not where they live: addresses and emails are the treasurer's."""

    list_display = ["name", "category", "checked_at", "consent_publish"]
    search_fields = ["name"]
    exclude = ["address", "email", "postcode"]


@admin.register(models.Donation)
class DonationAdmin(ReadOnlyAdmin):
    list_display = ["id", "campaign", "donor", "amount_pence", "method", "status", "split_suspected", "received_at"]
    list_filter = ["status", "method", "campaign"]


@admin.register(models.Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ["id", "candidacy", "amount_pence", "status", "paid_at", "bank_reference"]


@admin.register(models.LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["id", "posted_at", "kind", "description", "hash"]


@admin.register(models.ComplianceTask)
class ComplianceTaskAdmin(ReadOnlyAdmin):
    list_display = ["kind", "description", "due_on", "done_at"]
    list_filter = ["kind"]
