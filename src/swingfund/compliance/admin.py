from django import forms
from django.contrib import admin

from swingfund.compliance.models import LegalFigure


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
