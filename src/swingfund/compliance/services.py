"""Writes of the law layer: the legal-figure table and the group's legal status. (General-campaign spending, which
posts to the ledger, is recorded by `swingfund.reports.services`, above money.)"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from swingfund.compliance.models import GroupLegalStatus, LegalFigure, LegalForm
from swingfund.compliance.seed import seed_rows

UNKNOWN_FORM = "Unknown legal form {value!r}: use one of {known}."
FORM_NEEDS_NUMBER = "A {form} needs its {what} number recorded."


def legal_figures_seed() -> int:
    """Load every seed figure (LAW.md) not already present; never overwrites an edited row. Returns rows added."""
    with transaction.atomic():
        return seed_rows(LegalFigure)


def group_legal_status_set(*, organisation, legal_form: str, uk_based: bool = True, company_number: str = "",
                           charity_number: str = "", non_party_registered_on: dt.date | None = None,
                           ua_registered_on: dt.date | None = None, recorded_by: str = "") -> GroupLegalStatus:
    """Record (or correct) what the organisation is in law and where it is registered."""
    if legal_form not in LegalForm.values:
        raise ValueError(UNKNOWN_FORM.format(value=legal_form, known=", ".join(LegalForm.values)))
    company_number, charity_number = (company_number or "").strip(), (charity_number or "").strip()
    if legal_form == LegalForm.COMPANY and not company_number:
        raise ValueError(FORM_NEEDS_NUMBER.format(form="company", what="company"))
    if legal_form == LegalForm.CHARITY and not charity_number:
        raise ValueError(FORM_NEEDS_NUMBER.format(form="charity", what="charity"))
    with transaction.atomic():
        status, _ = GroupLegalStatus.objects.update_or_create(organisation=organisation, defaults={
            "legal_form": legal_form, "uk_based": uk_based, "company_number": company_number,
            "charity_number": charity_number, "non_party_registered_on": non_party_registered_on,
            "ua_registered_on": ua_registered_on, "recorded_by": recorded_by})
    return status
