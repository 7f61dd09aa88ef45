from __future__ import annotations

from django import forms

from swingfund.outreach import consent
from swingfund.outreach.languages import LANGUAGES


class SignUpForm(forms.Form):
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100, required=False)
    email = forms.CharField(max_length=254, required=False, label="Email")
    phone = forms.CharField(max_length=30, required=False, label="Mobile (for WhatsApp)")
    postcode = forms.CharField(max_length=10)
    language = forms.ChoiceField(choices=list(LANGUAGES.items()), initial="en")
    consent_email = forms.BooleanField(required=False)
    consent_whatsapp = forms.BooleanField(required=False)
    consent_special = forms.BooleanField(required=False)
    ref = forms.CharField(required=False, widget=forms.HiddenInput)

    def consents(self) -> set[str]:
        d = self.cleaned_data
        return {p for p, key in (("email", "consent_email"), ("whatsapp", "consent_whatsapp"),
                                 ("special", "consent_special")) if d.get(key)}  # fmt: skip

    @staticmethod
    def wordings(*, organisation) -> dict[str, str]:
        return {p: consent.wording(purpose=p, organisation=organisation) for p in ("email", "whatsapp", "special")}


class ComposeForm(forms.Form):
    title = forms.CharField(max_length=120)
    language = forms.ChoiceField(choices=list(LANGUAGES.items()), initial="en")
    subject = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}))
    whatsapp_template = forms.CharField(max_length=120, required=False)
    pledge_ask = forms.BooleanField(required=False)
    donate_url = forms.URLField(required=False, assume_scheme="https")


class TranslationForm(forms.Form):
    language = forms.ChoiceField(choices=list(LANGUAGES.items()))
    subject = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}))
