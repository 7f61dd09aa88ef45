"""Writes of the law layer: the legal-figure table and the group's legal status. (General-campaign spending, which
posts to the ledger, is recorded by `swingfund.reports.services`, above money.)"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction

from swingfund.compliance.models import AgentAuthority, GroupLegalStatus, LegalFigure, LegalForm
from swingfund.compliance.seed import seed_rows

UNKNOWN_FORM = "Unknown legal form {value!r}: use one of {known}."
FORM_NEEDS_NUMBER = "A {form} needs its {what} number recorded."
AUTHORITY_NEEDS_COPY = "Attach a copy of the agent's signed written authority (the document itself, not a reference)."
AUTHORITY_NEEDS_AGENT = "Name the election agent who signed the authority, and the address to report costs to."
AUTHORITY_BAD_LIMIT = "The authorised total must be a positive whole number of pence (got {value!r})."
AUTHORITY_BAD_DATE = "The date of the authority must be a date (got {value!r})."
AUTHORITY_NOT_CANDIDATE = "{candidacy} is a notional result, not a candidacy an agent can authorise spending for."


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


def agent_authority_record(*, organisation, candidacy, agent_name: str, agent_address: str,
                           authorised_on: dt.date, limit_pence: int, document: bytes, document_name: str,
                           recorded_by: str = "") -> AgentAuthority:
    """Record an election agent's written authority to spend about their candidate up to `limit_pence` in all
    (RPA 1983 s.75(1)), with a copy of the signed document. The latest authority for a candidacy applies."""
    if not (agent_name or "").strip() or not (agent_address or "").strip():
        raise ValueError(AUTHORITY_NEEDS_AGENT)
    if not isinstance(limit_pence, int) or isinstance(limit_pence, bool) or limit_pence <= 0:
        raise ValueError(AUTHORITY_BAD_LIMIT.format(value=limit_pence))
    if not isinstance(authorised_on, dt.date) or isinstance(authorised_on, dt.datetime):
        raise ValueError(AUTHORITY_BAD_DATE.format(value=authorised_on))
    if not isinstance(document, bytes | bytearray | memoryview) or not bytes(document):
        raise ValueError(AUTHORITY_NEEDS_COPY)
    if candidacy.election.notional:
        raise ValueError(AUTHORITY_NOT_CANDIDATE.format(candidacy=candidacy))
    data = bytes(document)
    with transaction.atomic():
        return AgentAuthority.objects.create(
            organisation=organisation, candidacy=candidacy, agent_name=agent_name.strip(),
            agent_address=agent_address.strip(), authorised_on=authorised_on, limit_pence=limit_pence,
            document=data, document_name=(document_name or "authority").strip()[:200],
            document_sha256=hashlib.sha256(data).hexdigest(), recorded_by=recorded_by)
