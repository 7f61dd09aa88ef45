"""Background work of the scorecards, run by `swingfund worker` (the one queue, django-tasks)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django_tasks import task

SUBJECT = "{organisation}: your answers to our statements ({seat})"
REMINDER_SUBJECT = "Reminder — " + SUBJECT
BODY = """Dear {name},

{organisation} publishes a scorecard of the candidates in {seat} at {election} on the statements we campaign on.
We would like your own answers: for each statement, do you agree, disagree, or is your view mixed? You may add a
comment. Your answers appear on your public scorecard, dated, as "the candidate's own answer".

You, or your agent, can answer here until {expires}:

{link}

The link is for your candidacy alone: please do not forward it. Each statement is answered once; if we publish a
new version of a statement, you will be able to answer that version too.
{reminder}
{organisation}
"""
REMINDER_NOTE = "\nThis link replaces the one we sent before, which no longer works.\n"


@task()
def survey_email_send(*, organisation_id: int, candidacy_id: int, reminder: bool = False) -> dict:
    """Issue the candidacy's survey token and email it to the address Democracy Club lists (via Django's email:
    SMTP when SWINGFUND_EMAIL_HOST is set). The token lives only in this email; the database keeps its hash."""
    from swingfund.elections.models import Candidacy
    from swingfund.organisations.models import Organisation
    from swingfund.organisations.selectors import organisation_sender

    from .survey import survey_link_issue

    organisation = Organisation.objects.get(pk=organisation_id)
    candidacy = Candidacy.objects.select_related("election", "constituency", "person").get(pk=candidacy_id)
    link, token = survey_link_issue(organisation=organisation, candidacy=candidacy, sent_to=candidacy.contact_email,
                                    reminder=reminder)
    url = settings.SWINGFUND_SITE_URL.rstrip("/") + reverse("scorecards:survey-answer", args=[token])
    fields = {"name": candidacy.person_name, "organisation": organisation.name, "seat": candidacy.constituency.name,
              "election": candidacy.election.name, "expires": f"{link.expires_at:%-d %B %Y}", "link": url,
              "reminder": REMINDER_NOTE if reminder else ""}
    EmailMessage(subject=(REMINDER_SUBJECT if reminder else SUBJECT).format(**fields), body=BODY.format(**fields),
                 from_email=organisation_sender(organisation=organisation), to=[candidacy.contact_email]).send()
    return {"link": link.pk, "reminder": reminder}
