"""Forms of the treasurer's pages: they only parse input; the services decide."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from swingfund.funding import rules
from swingfund.funding.models import Campaign, Method, PermissibilityCategory

ANONYMOUS_WITH_NAME = "Leave the name empty for an anonymous gift, or untick 'anonymous'."
NAME_REQUIRED = "Give the donor's name (and address), or tick 'anonymous' for a gift at or under the threshold."
OFFLINE_METHODS = [(m.value, m.label) for m in Method if m != Method.CARD]


class OfflineGiftForm(forms.Form):
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.all(), to_field_name="slug")
    amount = forms.CharField(help_text="In pounds, e.g. 25 or 25.50")
    method = forms.ChoiceField(choices=OFFLINE_METHODS)
    reference = forms.CharField(max_length=200, help_text="Bank reference, cheque number or receipt number")
    received_on = forms.DateField(initial=lambda: timezone.now().date(),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    anonymous = forms.BooleanField(required=False)
    name = forms.CharField(max_length=200, required=False)
    email = forms.EmailField(required=False)
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    postcode = forms.CharField(max_length=10, required=False)
    consent_publish = forms.BooleanField(required=False, label="Donor agreed to have their name published")
    for_candidacy = forms.IntegerField(required=False, help_text="Earmarked campaigns: the candidacy id")

    def clean_amount(self) -> int:
        try:
            return rules.parse_pounds(self.cleaned_data["amount"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self):
        data = super().clean()
        if data.get("anonymous") and data.get("name"):
            raise forms.ValidationError(ANONYMOUS_WITH_NAME)
        if not data.get("anonymous") and not data.get("name"):
            raise forms.ValidationError(NAME_REQUIRED)
        return data

    def received_at(self) -> dt.datetime:
        """Now when received today; else midday UTC on the day (a bank or cheque date has no time of day)."""
        day, now = self.cleaned_data["received_on"], timezone.now()
        return now if day >= now.date() else dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC)


class ReferenceForm(forms.Form):
    reference = forms.CharField(max_length=200, help_text="The bank reference of the payment")


class GrantAnswerForm(forms.Form):
    """The election agent's answer to a grant offer, as the treasurer records it (`funding answer` on the CLI)."""

    answer = forms.ChoiceField(choices=[("accepted", "Accepted"), ("declined", "Declined"),
                                        ("returned", "Returned after payment")])
    on = forms.DateField(label="Date of the answer", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(max_length=300, required=False)


class GrantOfferForm(forms.Form):
    """The grant offered to the candidate's election agent, named with at least one way to reach them (`funding
    offer` on the CLI): the donation notice is addressed to this agent."""

    agent_name = forms.CharField(label="Election agent's name", max_length=200)
    agent_email = forms.EmailField(label="Email", required=False)
    agent_phone = forms.CharField(label="Phone", max_length=50, required=False)
    agent_address = forms.CharField(label="Address", max_length=300, required=False)


class DonorCheckForm(forms.Form):
    """The treasurer's permissibility check of a held gift's donor."""

    category = forms.ChoiceField(choices=[(c.value, c.label) for c in PermissibilityCategory
                                          if c != PermissibilityCategory.UNKNOWN])
    evidence = forms.CharField(max_length=300, help_text="e.g. electoral register entry, company number")
