"""Django's admin app with `admin_site.RoleAdminSite` as its site (named in INSTALLED_APPS; imports nothing that
needs the app registry, which this module is loaded to populate)."""

from django.contrib.admin.apps import AdminConfig


class RoleAdminConfig(AdminConfig):
    default_site = "swingfund.accounts.admin_site.RoleAdminSite"
