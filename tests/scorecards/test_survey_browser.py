"""A prospective candidate answers the five statements through their emailed link in a real Chromium (390 px wide),
and the answers appear on their public scorecard with their date."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from swingfund.scorecards import survey
from swingfund.scorecards.models import Evidence

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.mark.browser
def test_a_candidate_answers_through_their_link_and_the_scorecard_shows_it(live_server, page, organisation,
                                                                           make_seat, settings):
    settings.TASKS = IMMEDIATE_TASKS
    organisation.sender_email = "hello@testgroup.example"
    organisation.save()
    seat = make_seat("E14999902", "Browser Town", [("Asha Patel", "Labour", None, None)])
    candidacy = seat.candidacies[0]
    candidacy.contact_email = "asha@example.org"
    candidacy.save()
    survey.survey_send(organisation=organisation, candidacy=candidacy)  # on commit: at once (no test transaction)
    [email] = mail.outbox
    path = re.search(r"https?://[^/\s]+(/scorecards/answer/[^/\s]+/)", email.body).group(1)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + path)
    statements = page.locator("section.statement")
    expect(statements).to_have_count(5)
    chosen = ["agree", "disagree", "mixed", "agree", "agree"]
    for i, stance in enumerate(chosen):
        statements.nth(i).locator(f"input[type=radio][value={stance}]").check()
    statements.nth(1).locator("textarea").fill("Not as worded: I would go further.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("#send-answers")
    expect(page.locator("#answered")).to_contain_text("5 answers recorded")
    expect(page.locator("#all-answered")).to_be_visible()

    page.click("#scorecard-link")
    today = f"{timezone.now().date():%-d %b %Y}"
    own = page.locator("span.own-answer")
    expect(own).to_have_count(5)
    expect(own.first).to_have_text(f"the candidate's own answer, given {today}")
    expect(page.locator("body")).to_contain_text("Not as worded: I would go further.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    sections = page.locator("section[data-statement]")
    for i, stance in enumerate(chosen):  # each statement's own-answer row shows the stance chosen for it
        expect(sections.nth(i).locator("tbody tr")).to_have_count(1)
        expect(sections.nth(i).locator(f"tbody .stance-{stance}")).to_have_count(1)
    assert list(Evidence.objects.filter(person=candidacy.person).order_by("statement_version__statement__position")
                .values_list("stance", flat=True)) == chosen

    page.goto(live_server.url + path)  # the same link again: every statement answered, nothing to send
    expect(page.locator("#all-answered")).to_be_visible()
    expect(page.locator("#send-answers")).to_have_count(0)
