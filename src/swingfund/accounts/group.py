"""`/group/settings/`: the group's administrator keeps the group's profile and defaults on one page.

Parses the form, calls `organisations.services.organisation_update`, and shows its refusals beside the fields they
name. Only the group's administrator (second factor given) may open or post it.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from swingfund.accounts.access import refusal
from swingfund.accounts.roles import ADMINISTRATOR, organisations_for
from swingfund.elections.models import Election
from swingfund.organisations.models import BlocKind, Lens, Organisation
from swingfund.organisations.selectors import organisation_current
from swingfund.organisations.services import OrganisationInvalid, organisation_update

SAVED = "Saved: {organisation}'s settings."
TEXT_FIELDS = ("name", "legal_name", "sender_email", "privacy_contact", "host", "bank_account_name",
               "bank_sort_code", "bank_account_number", "cheque_payee")


def administered_organisation(request: HttpRequest) -> Organisation | None:
    """The group whose administration this request asks for: `?organisation=SLUG` if given, else the group this site
    serves when the person administers it, else the first they administer (None if they administer none)."""
    slug = request.GET.get("organisation") or request.POST.get("organisation")
    if slug:
        return Organisation.objects.filter(slug=slug).first()
    current = organisation_current(host=request.get_host())
    mine = organisations_for(user=request.user, role=ADMINISTRATOR)
    if current is not None and mine.filter(pk=current.pk).exists():
        return current
    return mine.order_by("id").first() or current


class SettingsForm(forms.Form):
    name = forms.CharField(max_length=200, required=False, label="Name")
    legal_name = forms.CharField(max_length=200, required=False, label="Legal name (if different)")
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              label="Postal address (printed on imprints and donation notices)")
    sender_email = forms.CharField(max_length=254, required=False, label="Email is sent from")
    privacy_contact = forms.CharField(max_length=200, required=False, label="Privacy contact (email or address)")
    host = forms.CharField(max_length=200, required=False, label="Host name of your site (several groups per site)")
    default_election = forms.ChoiceField(required=False, label="Election you work on")
    lens = forms.ChoiceField(choices=Lens.choices, widget=forms.RadioSelect, label="Lens")
    bloc_kind = forms.ChoiceField(choices=BlocKind.choices, widget=forms.RadioSelect, label="Whom you count per seat")
    bloc = forms.CharField(max_length=200, required=False, label="Census categories (census bloc only)")
    standard_grant_pounds = forms.IntegerField(min_value=1, label="Standard grant to a backed candidate (£)")
    publishes_committee_names = forms.BooleanField(required=False, label="Publish committee members' names")
    bank_account_name = forms.CharField(max_length=120, required=False, label="Bank account name")
    bank_sort_code = forms.CharField(max_length=8, required=False, label="Sort code")
    bank_account_number = forms.CharField(max_length=8, required=False, label="Account number")
    cheque_payee = forms.CharField(max_length=200, required=False, label="Cheques payable to")
    cheque_address = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                     label="Cheques posted to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        elections = Election.objects.filter(notional=False).order_by("-poll_date", "id")
        self.fields["default_election"].choices = [("", "The latest imported election")] + [
            (e.id, f"{e.id} — {e.name}" if getattr(e, "name", "") else e.id) for e in elections]

    @classmethod
    def initial_for(cls, organisation: Organisation) -> dict:
        initial = {name: getattr(organisation, name) for name in (*TEXT_FIELDS, "address", "cheque_address",
                                                                   "default_election", "lens", "bloc_kind", "bloc",
                                                                   "publishes_committee_names")}
        initial["standard_grant_pounds"] = organisation.standard_grant_pence // 100
        return initial

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data["standard_grant_pence"] = data.pop("standard_grant_pounds") * 100
        return data


def settings_page(request: HttpRequest) -> HttpResponse:
    organisation = administered_organisation(request)
    if refused := refusal(request, organisation=organisation, role=ADMINISTRATOR):
        return refused
    if organisation is None:  # the site administrator, before any group is set up
        return render(request, "accounts/refused.html",
                      {"message": "No group is set up yet: run `swingfund setup`."}, status=404)
    form = SettingsForm(request.POST or None, initial=SettingsForm.initial_for(organisation))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                organisation_update(organisation=organisation, **form.changes())
            except OrganisationInvalid as error:
                for field, message in error.errors.items():
                    field = {"standard_grant_pence": "standard_grant_pounds"}.get(field, field)
                    form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, SAVED.format(organisation=organisation.name))
                return redirect(f"{request.path}?organisation={organisation.slug}")
        status = 400
    return render(request, "accounts/settings.html", {"form": form, "organisation": organisation}, status=status)
