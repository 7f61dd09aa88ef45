from django.contrib import admin

from swingfund.compliance.models import LegalFigure


@admin.register(LegalFigure)
class LegalFigureAdmin(admin.ModelAdmin):
    list_display = ["key", "nation", "value", "unit", "effective_from", "effective_to", "verified", "citation"]
    list_filter = ["verified", "nation", "unit", "key"]
    search_fields = ["key", "citation", "note"]
    date_hierarchy = "effective_from"
    ordering = ["key", "nation", "effective_from"]
