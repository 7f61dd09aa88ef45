"""The site administrator's view of organisations. A group's own administrator edits its profile at /settings/."""

from __future__ import annotations

from django.contrib import admin

from .models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "default_election", "bloc_kind", "bloc", "demo")
    prepopulated_fields = {"slug": ("name",)}
