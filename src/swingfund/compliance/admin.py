from django import forms
from django.contrib import admin

from swingfund.compliance.models import AgentAuthority, GroupLegalStatus, LegalFigure, MaterialCost


class LegalFigureForm(forms.ModelForm):
    source_url = forms.URLField(max_length=500, assume_scheme="https")

    class Meta:
        model = LegalFigure
        fields = "__all__"


@admin.register(LegalFigure)
class LegalFigureAdmin(admin.ModelAdmin):
    form = LegalFigureForm
    list_display = ["key", "nation", "value", "unit", "effective_from", "effective_to", "verified", "citation"]
    list_filter = ["verified", "nation", "unit", "key"]
    search_fields = ["key", "citation", "note"]
    date_hierarchy = "effective_from"
    ordering = ["key", "nation", "effective_from"]


@admin.register(GroupLegalStatus)
class GroupLegalStatusAdmin(admin.ModelAdmin):
    list_display = ["organisation", "legal_form", "uk_based", "non_party_registered_on", "ua_registered_on"]
    list_filter = ["legal_form", "uk_based"]


class _ReadOnly(admin.ModelAdmin):
    """Written only through the services (the copy's hash, the ledger posting): shown here, never edited."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AgentAuthority)
class AgentAuthorityAdmin(_ReadOnly):
    list_display = ["candidacy", "agent_name", "authorised_on", "limit_pence", "document_name", "document_sha256"]
    exclude = ["document"]


@admin.register(MaterialCost)
class MaterialCostAdmin(_ReadOnly):
    list_display = ["incurred_on", "regime", "election_id", "candidacy", "amount_pence", "description"]
    list_filter = ["regime", "election_id"]
