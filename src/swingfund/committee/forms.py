from __future__ import annotations

from decimal import Decimal

from django import forms

from swingfund.committee import rules

REASON_CHOICES = [("", "—"), *rules.REJECTION_REASONS.items()]


class VoteForm(forms.Form):
    choice = forms.ChoiceField(choices=[(c, c) for c in rules.CHOICES], widget=forms.RadioSelect)
    proposal_hash = forms.CharField(max_length=64, min_length=64, widget=forms.HiddenInput)
    reason = forms.ChoiceField(choices=REASON_CHOICES, required=False, label="Reason (votes against)")


class WithdrawForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    reason = forms.ChoiceField(choices=REASON_CHOICES, required=False, label="Reason, if rejected")


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


class SeatPickForm(forms.Form):
    seat = forms.CharField(label="Seat", max_length=120, help_text="A constituency name or its GSS code (E14001300).",
                           widget=forms.TextInput(attrs={"list": "seat-names", "autocomplete": "off"}))


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(label="Proposal", choices=[("grant", "Grant to a candidate"), ("stay_out", "Stay out")],
                             widget=forms.RadioSelect)
    candidacy = forms.TypedChoiceField(label="Candidate (grants only)", coerce=int, required=False,
                                       empty_value=None)
    amount_pounds = forms.DecimalField(label="Amount in pounds (grants only)", required=False,
                                       min_value=Decimal("0.01"), max_digits=10, decimal_places=2,
                                       help_text="Blank: the organisation's standard grant.")
    reason = forms.CharField(label="Reason a member of the public can read", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, candidacies: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidacy"].choices = [("", "—"), *candidacies]

    def amount_pence(self) -> int | None:
        value = self.cleaned_data.get("amount_pounds")
        return None if value is None else int(value * 100)
