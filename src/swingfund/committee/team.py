"""`/group/roles/`: the group's people on one page — treasurer, organisers, administrators and committee seats, the
committee's voting rule, and invitations by email — and `/group/invitation/<token>/`, where an invited person
chooses a password and takes the role. Parses input, calls the services, renders."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from swingfund.accounts.access import refusal
from swingfund.accounts.group import administered_organisation
from swingfund.accounts.models import OrganisationRole
from swingfund.accounts.roles import ADMINISTRATOR, ORGANISER, TREASURER
from swingfund.committee import invitations, rules, selectors, services
from swingfund.committee.invitations import INVITABLE, ROLE_WORDS, InvitationError
from swingfund.committee.models import CommitteeMember

INVITED = "Invitation sent to {email} as {role}."
TAKEN_BACK = "{user} is no longer {role}."
NOT_HELD = "{user} was not {role}."
RULE_SAVED = "Voting rule saved: quorum {quorum}, approvals needed {approvals}."
GIVEN = "{user} is now {role}."
NO_USER = "No one with the username {username!r}: invite them by email instead."
HOME = {TREASURER: "/funding/dashboard/", ORGANISER: "/outreach/", ADMINISTRATOR: "/group/settings/",
        invitations.MEMBER: "/committee/", invitations.CHAIR: "/committee/"}


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email")
    name = forms.CharField(max_length=150, required=False, label="Name (optional)")
    role = forms.ChoiceField(choices=[(r, ROLE_WORDS[r]) for r in INVITABLE], label="Role")


class GiveForm(forms.Form):
    username = forms.CharField(max_length=150, label="Username of someone who already signs in")
    role = forms.ChoiceField(choices=[(r, ROLE_WORDS[r]) for r in INVITABLE], label="Role")


class RuleForm(forms.Form):
    quorum = forms.IntegerField(min_value=1, max_value=100, label="Quorum (members who must vote)")
    approvals_required = forms.IntegerField(
        min_value=1, max_value=100, required=False,
        label="Approvals needed (N of M; empty: a majority of the members able to vote)")


def people(organisation) -> list[dict]:
    """Everyone holding a role in the group, with each role: one row per person and role."""
    rows = [{"user": r.user, "role": r.role, "words": ROLE_WORDS[r.role], "since": r.granted_at}
            for r in OrganisationRole.objects.filter(organisation=organisation).select_related("user")]
    for seat in CommitteeMember.objects.filter(organisation=organisation, active=True).select_related("user"):
        role = invitations.CHAIR if seat.role == CommitteeMember.Role.CHAIR else invitations.MEMBER
        rows.append({"user": seat.user, "role": role, "words": ROLE_WORDS[role], "since": seat.joined_at})
    return sorted(rows, key=lambda row: (INVITABLE.index(row["role"]), row["user"].get_username()))


def roles_page(request: HttpRequest) -> HttpResponse:
    organisation = administered_organisation(request)
    if refused := refusal(request, organisation=organisation, role=ADMINISTRATOR):
        return refused
    if organisation is None:
        return render(request, "accounts/refused.html", {"message": "No group is set up yet."}, status=404)
    policy = selectors.policy_for(organisation=organisation)
    invite = InviteForm(prefix="invite")
    give = GiveForm(prefix="give")
    rule = RuleForm(prefix="rule", initial={"quorum": policy.quorum,
                                            "approvals_required": policy.approvals_required})
    action = request.POST.get("action", "")
    status = 200
    if request.method == "POST":
        status = 400
        if action == "invite":
            invite = InviteForm(request.POST, prefix="invite")
            if invite.is_valid():
                data = invite.cleaned_data
                try:
                    invitations.invitation_send(organisation=organisation, email=data["email"], role=data["role"],
                                                invited_by=request.user, name=data["name"],
                                                link_base=request.build_absolute_uri("/"))
                except (InvitationError, ValueError) as error:
                    invite.add_error("email", str(error))
                else:
                    messages.success(request, INVITED.format(email=data["email"], role=ROLE_WORDS[data["role"]]))
                    return redirect(f"{request.path}?organisation={organisation.slug}")
        elif action == "give":
            give = GiveForm(request.POST, prefix="give")
            if give.is_valid():
                user = get_user_model().objects.filter(username=give.cleaned_data["username"]).first()
                if user is None:
                    give.add_error("username", NO_USER.format(username=give.cleaned_data["username"]))
                else:
                    role = give.cleaned_data["role"]
                    invitations.role_give(user=user, organisation=organisation, role=role, actor=request.user)
                    messages.success(request, GIVEN.format(user=user.get_username(), role=ROLE_WORDS[role]))
                    return redirect(f"{request.path}?organisation={organisation.slug}")
        elif action == "take":
            user = get_user_model().objects.filter(pk=request.POST.get("user") or 0).first()
            role = request.POST.get("role", "")
            if user is not None and role in INVITABLE:
                taken = invitations.role_take(user=user, organisation=organisation, role=role, actor=request.user)
                template = TAKEN_BACK if taken else NOT_HELD
                messages.info(request, template.format(user=user.get_username(), role=ROLE_WORDS[role]))
                return redirect(f"{request.path}?organisation={organisation.slug}")
        elif action == "rule":
            rule = RuleForm(request.POST, prefix="rule")
            if rule.is_valid():
                quorum, approvals = rule.cleaned_data["quorum"], rule.cleaned_data["approvals_required"]
                try:
                    services.policy_set(organisation=organisation, quorum=quorum, approvals_required=approvals,
                                        actor=request.user)
                except ValueError as error:
                    rule.add_error(None, str(error))
                else:
                    messages.success(request, RULE_SAVED.format(quorum=quorum, approvals=approvals or "a majority"))
                    return redirect(f"{request.path}?organisation={organisation.slug}")
    return render(request, "committee/roles.html", {
        "organisation": organisation, "people": people(organisation), "invite": invite, "give": give,
        "rule": rule, "policy": policy, "default_quorum": rules.DEFAULT_QUORUM,
        "seats": CommitteeMember.objects.filter(organisation=organisation, active=True).count(),
    }, status=status)


class AcceptForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               label="Choose a password")
    password_again = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                     label="The same password again")
    totp_key = forms.CharField(widget=forms.HiddenInput, required=False)
    totp_code = forms.CharField(max_length=8, required=False, label="The 6-digit code your authenticator app shows",
                                widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                              "autocomplete": "one-time-code"}))


def _signed_key(key: str) -> str:
    from django.core import signing

    return signing.dumps(key, salt="swingfund.invitation.totp")


def _unsigned_key(value: str) -> str:
    from django.core import signing

    try:
        return signing.loads(value, salt="swingfund.invitation.totp", max_age=3600)
    except signing.BadSignature:
        return ""


@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitations.invitation_read(token=token)
    except InvitationError as error:
        return render(request, "committee/invitation.html", {"refused": str(error)}, status=410)
    form = AcceptForm(request.POST or None)
    key = _unsigned_key(request.POST.get("totp_key", "")) if request.method == "POST" else ""
    if invitation.needs_second_factor and not key:
        from django_otp.util import random_hex

        key = random_hex(20)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            accepted = invitations.invitation_accept(token=token, password=data["password"],
                                                     password_again=data["password_again"], totp_key=key,
                                                     totp_code=data["totp_code"])
        except InvitationError as error:
            form.add_error(None, str(error))
            status = 400
        else:
            login(request, accepted.user, backend="django.contrib.auth.backends.ModelBackend")
            if accepted.needs_second_factor:
                from django_otp import login as otp_login
                from django_otp.plugins.otp_totp.models import TOTPDevice

                otp_login(request, TOTPDevice.objects.filter(user=accepted.user).first())
            messages.success(request, f"Welcome: you are {accepted.role_words} of {accepted.organisation.name}.")
            return redirect(HOME[accepted.role])
    elif request.method == "POST":
        status = 400
    context = {"invitation": invitation, "form": form, "signed_key": _signed_key(key) if key else ""}
    if key:
        import base64

        from django.utils.http import urlencode

        secret = base64.b32encode(bytes.fromhex(key)).decode()
        label = f"{invitation.organisation.slug}:{invitation.user.get_username()}"
        context["otpauth"] = (f"otpauth://totp/{label}?"
                              + urlencode({"secret": secret, "issuer": invitation.organisation.name}))
        context["secret"] = secret
        import segno

        context["qr_svg"] = segno.make(context["otpauth"]).svg_inline(scale=4)
    return render(request, "committee/invitation.html", context, status=status)
