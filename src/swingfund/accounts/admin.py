"""The administrator grants treasurer and organiser roles here (committee seats are given in the committee's admin)."""

from django.contrib import admin

from swingfund.accounts.models import OrganisationRole


@admin.register(OrganisationRole)
class OrganisationRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "granted_at", "granted_by")
    list_filter = ("organisation", "role")
    search_fields = ("user__username",)

    def save_model(self, request, obj, form, change):
        obj.granted_by = obj.granted_by or request.user.get_username()
        super().save_model(request, obj, form, change)
