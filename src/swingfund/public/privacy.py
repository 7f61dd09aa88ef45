"""The Article 13 privacy notice (UK GDPR): who holds a supporter's or donor's data and how to reach them, why, on
what lawful basis and Article 9 condition, who receives it, how long it is kept (each period a dated figure with its
citation, or marked as the group's own policy), the person's rights and the right to complain to the ICO. Built from
the organisation's profile; linked from every form that takes personal data (join, donate)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from swingfund.compliance.retention import POLICY, periods
from swingfund.organisations.models import Organisation
from swingfund.organisations.selectors import organisation_defaults

# The Information Commissioner's Office: where anyone may complain (UK GDPR Article 77; DPA 2018 s.165).
ICO = {
    "name": "Information Commissioner's Office",
    "address": "Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF",
    "phone": "0303 123 1113",
    "url": "https://ico.org.uk/make-a-complaint/",
}


def privacy_context(*, organisation: Organisation | None) -> dict[str, object]:
    group = organisation_defaults(organisation=organisation)
    return {"group": group, "controller": (group.legal_name or group.name or "This group").strip(),
            "periods": periods(), "policy": POLICY, "ico": ICO}


def privacy_notice(request: HttpRequest) -> HttpResponse:
    organisation = getattr(request, "organisation", None)
    slug = request.GET.get("group", "")
    if slug:  # a campaign of another group on this server links with its own slug
        organisation = Organisation.objects.filter(slug=slug).first() or organisation
    return render(request, "public/privacy.html", privacy_context(organisation=organisation))
