"""The second-factor step: a signed-in person whose role moves money gives a TOTP code before their pages open."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.forms import OTPTokenForm

NO_DEVICE = "You have no authenticator set up yet: ask the site administrator (`swingfund roles totp --user NAME`)."


def two_factor(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    target = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    form = OTPTokenForm(request.user, request, request.POST or None)
    devices = [value for value, _ in form.fields["otp_device"].choices if value]  # past django-otp's blank entry
    if request.method == "POST" and form.is_valid():
        otp_login(request, request.user.otp_device)
        return redirect(target)
    has_device = bool(devices)
    return render(request, "accounts/two_factor.html",
                  {"form": form, "next": target, "device": devices[0] if has_device else "",
                   "no_device": None if has_device else NO_DEVICE},
                  status=400 if form.errors else 200)
