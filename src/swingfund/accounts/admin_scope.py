"""Organisers in the admin: each sees and edits only their own organisations' statements, evidence and disputes.

`OrganiserScopedAdmin` goes first in a ModelAdmin's bases and names `organisation_path`, the lookup from the model
to its organisation. The site administrator sees everything; an organiser gets view/add/change/delete on these models
for rows of organisations where they are organiser, and foreign-key choices limited to those organisations; anyone
else nothing (Django's own permissions are not granted to roles)."""

from __future__ import annotations

from django.http import HttpRequest

from swingfund.accounts.roles import ORGANISER, is_administrator, organisations_for

# Foreign keys an organiser picks, and the lookup from the chosen row to its organisation.
FOREIGN_KEY_SCOPES = {
    "organisation": "pk",
    "statement": "organisation",
    "statement_version": "statement__organisation",
    "evidence": "statement_version__statement__organisation",
}


def _organiser_orgs(request: HttpRequest):
    return organisations_for(user=request.user, role=ORGANISER)


class OrganiserScopedAdmin:
    organisation_path: str = "organisation"

    def _scoped(self, request: HttpRequest) -> bool:
        return not is_administrator(request.user)

    def _mine(self, request: HttpRequest, obj) -> bool:
        if obj is None:
            return _organiser_orgs(request).exists()
        return type(obj).objects.filter(pk=obj.pk, **{f"{self.organisation_path}__in": _organiser_orgs(request)}
                                        ).exists()

    def get_queryset(self, request: HttpRequest):
        queryset = super().get_queryset(request)
        if self._scoped(request):
            queryset = queryset.filter(**{f"{self.organisation_path}__in": _organiser_orgs(request)})
        return queryset

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) if not self._scoped(request) else self._mine(request, None)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_view_permission(request, obj) if not self._scoped(request) else self._mine(request, obj)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return super().has_add_permission(request, *args) if not self._scoped(request) else self._mine(request, None)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if not self._scoped(request):
            return super().has_change_permission(request, obj)
        return self._mine(request, obj) and self._still_editable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_delete_permission(request, obj) if not self._scoped(request) else self._mine(request, obj)

    def _still_editable(self, request: HttpRequest, obj) -> bool:
        """Extra refusals a ModelAdmin states for everyone (e.g. a published version); True by default."""
        return True

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        path = FOREIGN_KEY_SCOPES.get(db_field.name)
        if path and self._scoped(request):
            kwargs["queryset"] = db_field.related_model.objects.filter(**{f"{path}__in": _organiser_orgs(request)})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
