from django import forms
from django.contrib import admin

from swingfund.compliance.models import GroupLegalStatus, LegalFigure


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
