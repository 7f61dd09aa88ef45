"""The admin site: open to the site administrator (a superuser) and to organisers (who see only their own
organisations' statements, evidence and disputes: `admin_scope.py`), never to `is_staff` alone. Treasurers and
committee members work through the site's own pages, which check their role per organisation."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest

from swingfund.accounts.roles import ORGANISER, is_administrator, organisations_for

NO_ADMIN_ROLE = "This account holds no role that uses the admin (the site administrator, or an organiser)."


def may_use_admin(user) -> bool:
    return is_administrator(user) or organisations_for(user=user, role=ORGANISER).exists()


class RoleAdminLoginForm(AuthenticationForm):
    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not may_use_admin(user):
            raise forms.ValidationError(NO_ADMIN_ROLE, code="no_role")


class RoleAdminSite(admin.AdminSite):
    site_header = "swingfund administration"
    login_form = RoleAdminLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        return may_use_admin(request.user)
