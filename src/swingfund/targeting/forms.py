"""The /targets/ query: GET parameters → a bloc, assumptions and options, with errors a person can read."""

from __future__ import annotations

from django import forms

from swingfund.targeting.bloc import ASSUMPTION_DEFAULTS, ASSUMPTION_LABELS, BlocError, assumptions_build, bloc_parse
from swingfund.targeting.simulate import DEFAULT_DRAWS, DEFAULT_SEED
from swingfund.targeting.swing import METHODS

WEB_MAX_DRAWS = 200_000


class TargetsForm(forms.Form):
    election = forms.ChoiceField(choices=())
    bloc = forms.CharField(help_text="topic:category, several joined by +")
    draws = forms.IntegerField(min_value=1, max_value=WEB_MAX_DRAWS, required=False, initial=DEFAULT_DRAWS)
    seed = forms.IntegerField(required=False, initial=DEFAULT_SEED)
    count_twice = forms.BooleanField(required=False, label="A bloc vote counts twice (switching from the winner)")
    swing = forms.ChoiceField(choices=[("", "none (last result)"), *[(m, m) for m in METHODS]], required=False)
    shares = forms.CharField(required=False, help_text="e.g. Lab=0.34,Con=0.24")
    region = forms.CharField(required=False)

    def __init__(self, *args, elections: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["election"].choices = [(e, e) for e in elections]
        for name, (central, low, high) in ASSUMPTION_DEFAULTS.items():
            default = f"{central:g}:{low:g}:{high:g}"
            self.fields[name] = forms.CharField(
                required=False, label=ASSUMPTION_LABELS[name], help_text=f"central:low:high, default {default}",
                widget=forms.TextInput(attrs={"placeholder": default, "size": 12}))

    def clean_bloc(self):
        try:
            return bloc_parse(text=self.cleaned_data["bloc"])
        except BlocError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self):
        data = super().clean()
        overrides = {name: data[name] for name in ASSUMPTION_DEFAULTS if data.get(name)}
        try:
            data["assumptions"] = assumptions_build(overrides=overrides, count_twice=bool(data.get("count_twice")))
        except BlocError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if data.get("swing") and not data.get("shares"):
            self.add_error("shares", "A swing projection needs national shares, e.g. Lab=0.34,Con=0.24.")
        return data
