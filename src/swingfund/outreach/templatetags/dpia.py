"""`{% dpia_checklist organisation %}`: the compliance page's data-protection impact assessment prompt, shown once
supporters hold special-category data (a live Article 9(2)(a) consent). Large-scale processing of such data needs a
DPIA before it goes on (UK GDPR Article 35(3)(b)). A template tag, so that the compliance page (reports, a lower
layer) shows it without importing outreach."""

from __future__ import annotations

from django import template

from swingfund.organisations.models import Organisation
from swingfund.outreach.models import Consent, Purpose

register = template.Library()

ICO_DPIA = ("https://ico.org.uk/for-organisations/uk-gdpr-guidance-and-resources/accountability-and-governance/"
            "data-protection-impact-assessments-dpias/")
CHECKLIST = (
    ("describe", "Describe the processing: what is held on supporters and donors, where it comes from (sign-up, "
                 "imports, gifts), who receives it (email and WhatsApp providers, Stripe, candidates' agents) and "
                 "for how long (the periods on the privacy notice)."),
    ("necessity", "Show it is necessary and proportionate: explicit consent (Article 9(2)(a)) recorded with its "
                  "wording, no field for religion or ethnicity (seat aggregates only), no targeting of people by "
                  "inferred beliefs."),
    ("risks", "Assess the risks to people: a leak or a shared screen revealing someone's political opinions or "
              "religion; an erased person added back by an old list; messages to people who withdrew."),
    ("measures", "Record the measures: the organisers' roles and second factor, two-person approval of messages, "
                 "the suppression list after erasure, the retention runs (`swingfund outreach retention`)."),
    ("consult", "If a high risk remains, consult the ICO before going on (Article 36)."),
    ("sign-off", "Sign it off with a date, name who reviews it, and review it before each election campaign."),
)


@register.inclusion_tag("outreach/_dpia.html")
def dpia_checklist(organisation=None) -> dict[str, object]:
    consents = Consent.objects.filter(purpose=Purpose.SPECIAL_CATEGORY, withdrawn_at__isnull=True,
                                      supporter__erased_at__isnull=True)
    if not isinstance(organisation, Organisation):
        organisation = None
    if organisation is not None:
        consents = consents.filter(supporter__organisation=organisation)
    return {"holders": consents.values("supporter_id").distinct().count(), "items": CHECKLIST, "ico_url": ICO_DPIA,
            "organisation": organisation}
