"""The admin site: open to the site administrator (a superuser) only, never to `is_staff` alone. Treasurers,
organisers and committee members work through the site's own pages, which check their role per organisation."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest

from swingfund.accounts.roles import is_administrator


class RoleAdminSite(admin.AdminSite):
    site_header = "swingfund administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request.user)


class RoleAdminConfig(AdminConfig):
    """Django's admin app, with `RoleAdminSite` as its site."""

    default_site = "swingfund.accounts.admin_site.RoleAdminSite"
