from __future__ import annotations

from decimal import Decimal

from django import forms

from swingfund.committee import rules


class VoteForm(forms.Form):
    choice = forms.ChoiceField(choices=[(c, c) for c in rules.CHOICES], widget=forms.RadioSelect)
    proposal_hash = forms.CharField(max_length=64, min_length=64, widget=forms.HiddenInput)


class InterestForm(forms.Form):
    note = forms.CharField(required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="What the interest is (shown to the committee).")


class EditForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    amount_pounds = forms.DecimalField(required=False, min_value=Decimal("0.01"), max_digits=10, decimal_places=2,
                                       help_text="Grant amount in pounds (grant proposals only).")

    def amount_pence(self) -> int | None:
        value = self.cleaned_data.get("amount_pounds")
        return None if value is None else int(value * 100)
