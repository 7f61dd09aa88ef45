"""The donate form: who is giving, how much, and the permissibility declaration the law needs over the threshold."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms

from swingfund.display import money

AMOUNT_INVALID = "Enter an amount in pounds, like 25 or 25.50."
AMOUNT_TOO_SMALL = "The smallest card gift is {minimum}."
AMOUNT_TOO_LARGE = "Card gifts are limited to {maximum}; for more, please contact the treasurer."
DECLARATION_NEEDED = (
    "A gift over {threshold} must come from a permissible source ({citation}): say which kind of donor you are and "
    "confirm the declaration."
)
NEEDED_OVER = "needed for gifts over {threshold}"
NEEDED_OVER_FIELDS = ("address", "postcode", "category", "declaration")
ADDRESS_NEEDED = "A gift over {threshold} needs your home address (the law requires the donor's name and address)."
SPECIAL_CONSENT_NEEDED = (
    "We cannot take your gift without your explicit consent to our holding data that may reveal your political "
    "opinions or religious beliefs (UK GDPR Article 9(2)(a)): tick the box to give it."
)
MINIMUM_PENCE = 100
MAXIMUM_PENCE = 10_000_00  # a fraud-control ceiling for a single card gift, not a legal figure

# The categories a giver may declare (PPERA 2000 s.54); 'not yet checked' and 'impermissible' are the treasurer's.
DECLARABLE = [
    ("uk_elector", "I am on a UK electoral register (including as an overseas elector)"),
    ("uk_company", "A UK-registered company carrying on business in the UK"),
    ("trade_union", "A UK trade union"),
    ("building_society", "A UK building society"),
    ("llp", "A UK limited liability partnership carrying on business in the UK"),
    ("friendly_society", "A UK friendly society"),
    ("unincorporated_association", "An unincorporated association based and carrying on business in the UK"),
]


def special_consent_wording(*, name: str) -> str:
    """The explicit consent the donation form asks (its words are stored with the gift's payment): giving to such a
    group can reveal political opinions or religious beliefs, so holding a giver's details needs it."""
    return (
        f"I give my explicit consent for {name or 'this group'} to hold my name, contact details, address and "
        "declaration in order to take this gift, check that it is lawful and keep the records election law "
        "requires, knowing that giving to it may reveal my political opinions or religious beliefs "
        "(special-category data, UK GDPR Article 9(2)(a))."
    )


def pence_from_pounds(text: str) -> int:
    """'25.50' → 2550. Money is integer pence from the moment it is read."""
    try:
        value = Decimal(text.strip().lstrip("£").replace(",", ""))
    except (InvalidOperation, AttributeError) as err:
        raise forms.ValidationError(AMOUNT_INVALID) from err
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise forms.ValidationError(AMOUNT_INVALID)
    return int(value * 100)


class DonateForm(forms.Form):
    amount = forms.CharField(label="Amount (£)", max_length=12, widget=forms.TextInput(
        attrs={"inputmode": "decimal", "autocomplete": "transaction-amount"}))
    name = forms.CharField(label="Full name", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    address = forms.CharField(label="Home address", required=False,
                              widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}))
    postcode = forms.CharField(label="Postcode", max_length=10, required=False,
                               widget=forms.TextInput(attrs={"autocomplete": "postal-code"}))
    category = forms.ChoiceField(label="I am giving as", choices=[("", "—"), *DECLARABLE], required=False)
    declaration = forms.BooleanField(
        label="I declare that this gift is my own money (I am the true donor) and that the category above is true.",
        required=False,
    )
    consent_publish = forms.BooleanField(label="Publish my name with my gift", required=False)
    consent_special = forms.BooleanField(label="", required=True,
                                         error_messages={"required": SPECIAL_CONSENT_NEEDED})
    candidacy = forms.TypedChoiceField(label="For candidate", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, threshold_pence: int, threshold_citation: str,
                 candidacies: list[tuple[int, str]] | None = None, group_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent_special"].label = special_consent_wording(name=group_name)
        self.threshold_pence, self.threshold_citation = threshold_pence, threshold_citation
        needed = NEEDED_OVER.format(threshold=money(threshold_pence, short=True))
        self.fields["consent_publish"].widget.attrs["aria-describedby"] = "publish-rules"  # the page's rules text
        for name in NEEDED_OVER_FIELDS:  # marked on the label, so a screen reader reads it with the field
            self.fields[name].label = f"{self.fields[name].label} ({needed})"
        if candidacies:
            self.fields["candidacy"].choices = candidacies
            self.fields["candidacy"].required = True
        else:
            del self.fields["candidacy"]

    def clean_amount(self) -> int:
        pence = pence_from_pounds(self.cleaned_data["amount"])
        if pence < MINIMUM_PENCE:
            raise forms.ValidationError(AMOUNT_TOO_SMALL.format(minimum=money(MINIMUM_PENCE, short=True)))
        if pence > MAXIMUM_PENCE:
            raise forms.ValidationError(AMOUNT_TOO_LARGE.format(maximum=money(MAXIMUM_PENCE, short=True)))
        return pence

    def clean(self) -> dict:
        data = super().clean()
        amount = data.get("amount")
        if amount is not None and amount > self.threshold_pence:
            threshold = money(self.threshold_pence, short=True)
            if not data.get("category") or not data.get("declaration"):
                self.add_error("category", DECLARATION_NEEDED.format(threshold=threshold,
                                                                     citation=self.threshold_citation))
            if not data.get("address", "").strip() or not data.get("postcode", "").strip():
                self.add_error("address", ADDRESS_NEEDED.format(threshold=threshold))
        return data
