"""The admin site: open to the site administrator (a superuser) and to organisers (who see only their own
organisations' statements, evidence and disputes: `admin_scope.py`), never to `is_staff` alone, and to neither
without their second factor this session (django-otp, as its `OTPAdminSite`): a password alone opens nothing, so
nobody adds or removes a TOTP device, changes a role or the committee's rule, or reads a supporter, without the
current second factor. The admin's login asks for the password and the code together; a person already signed in
gives the code at `/accounts/two-factor/`. Treasurers and committee members work through the site's own pages,
which check their role per organisation."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django_otp.forms import OTPAuthenticationFormMixin

from swingfund.accounts.roles import ORGANISER, is_administrator, organisations_for

NO_ADMIN_ROLE = "This account holds no role that uses the admin (the site administrator, or an organiser)."


def may_use_admin(user) -> bool:
    return is_administrator(user) or organisations_for(user=user, role=ORGANISER).exists()


def verified(user) -> bool:
    """Has `user` given their second factor this session (django-otp's `OTPMiddleware` sets `is_verified`)?"""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


class RoleAdminLoginForm(OTPAuthenticationFormMixin, AuthenticationForm):
    """Username, password and a TOTP code, all three checked before anyone is signed in."""

    otp_device = forms.CharField(required=False, widget=forms.Select)
    otp_token = forms.CharField(required=False, label="Code from your authenticator")
    otp_challenge = forms.CharField(required=False)

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not may_use_admin(user):
            raise forms.ValidationError(NO_ADMIN_ROLE, code="no_role")

    def clean(self):
        self.cleaned_data = super().clean()
        self.clean_otp(self.get_user())
        return self.cleaned_data


class RoleAdminSite(admin.AdminSite):
    site_header = "swingfund administration"
    login_form = RoleAdminLoginForm
    login_template = "otp/admin111/login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        return may_use_admin(request.user) and verified(request.user)
