from django import forms
from django.contrib import admin

from swingfund.reports import services
from swingfund.reports.models import CampaignSpend


class CampaignSpendForm(forms.ModelForm):
    """Adding an item runs the same limit checks as the service: a refusal is shown as the form's error."""

    class Meta:
        model = CampaignSpend
        fields = ["organisation", "election_id", "incurred_on", "paid_on", "supplier", "supplier_address",
                  "amount_pence", "category", "nation", "constituencies", "targets_party", "party_authorised",
                  "description", "invoice_reference", "source_ref"]

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        try:
            services.campaign_spending_check(
                organisation=data["organisation"], election=data["election_id"], incurred_on=data["incurred_on"],
                paid_on=data.get("paid_on"), amount_pence=data["amount_pence"], category=data["category"],
                constituencies=list(data.get("constituencies") or ()), nation=data.get("nation") or None,
                targets_party=data.get("targets_party"), party_authorised=data.get("party_authorised", False),
                supplier=data.get("supplier", ""), description=data.get("description", ""))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(CampaignSpend)
class CampaignSpendAdmin(admin.ModelAdmin):
    """Items are added through `services.campaign_spending_record` (limits checked, ledger posted) and never edited:
    a correction is a new item (or a reversal in the ledger)."""

    form = CampaignSpendForm
    list_display = ["incurred_on", "organisation", "election_id", "supplier", "amount_pence", "area", "nation",
                    "targets_party", "invoice_reference"]
    list_filter = ["election_id", "area", "category"]
    search_fields = ["supplier", "description", "source_ref"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        created = services.campaign_spending_record(
            organisation=data["organisation"], election=data["election_id"], incurred_on=data["incurred_on"],
            paid_on=data.get("paid_on"), supplier=data["supplier"], amount_pence=data["amount_pence"],
            category=data["category"], constituencies=list(data.get("constituencies") or ()),
            nation=data.get("nation") or None, targets_party=data.get("targets_party"),
            party_authorised=data.get("party_authorised", False), description=data["description"],
            source_ref=data.get("source_ref", ""), supplier_address=data.get("supplier_address", ""),
            invoice_reference=data.get("invoice_reference", ""), recorded_by=request.user.get_username())
        obj.pk = created.pk
        form.instance = created

    def save_related(self, request, form, formsets, change) -> None:
        """The service already set the constituencies."""
