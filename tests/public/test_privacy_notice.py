"""The Article 13 privacy notice: built from the organisation's profile, every retention period a figure with its
citation or the label "Group policy", the rights and the ICO; linked from the join and donation forms."""

from __future__ import annotations

import re

import pytest

from swingfund.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(db):
    return Organisation.objects.create(name="Leeds Fair Vote", legal_name="Leeds Fair Vote Ltd", slug="lfv",
                                       address="1 High St\nLeeds LS1 1AA", privacy_contact="privacy@lfv.example")


def test_the_notice_names_the_controller_periods_rights_and_the_ico(client, group, settings):
    settings.DONATION_RECORD_YEARS, settings.STRIPE_PAYLOAD_RETENTION_DAYS = 7, 30
    html = client.get("/privacy/").content.decode()
    assert "Leeds Fair Vote Ltd" in html and "privacy@lfv.example" in html and "Leeds LS1 1AA" in html
    # The figures the group set, each followed by its basis: supporters 180 days after polling day (no statute),
    # donation records the configured years, Stripe messages the configured days.
    items = dict(re.findall(r'<li id="retention-(\w+)">(.*?)</li>', html, re.S))
    assert set(items) == {"supporters", "regulated_donations", "candidate_donations", "payment_events"}
    expected = {"supporters": "180 days after polling day", "regulated_donations": "7 years after the year received",
                "candidate_donations": "7 years after the year received", "payment_events": "30 days after receipt"}
    for key, text in items.items():
        assert expected[key] in text, key
        labelled = "Group policy" in text or "Set by law" in text
        assert labelled and re.search(r"(Article|Act|Schedule) [\w().]+", text), (key, text)
        assert 'href="https://www.legislation.gov.uk/' in text, key
    assert "Representation of the People Act 1983, Schedule 2A" in items["candidate_donations"]
    assert "Article 77" in html and "Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF" in html
    assert "https://ico.org.uk/make-a-complaint/" in html
    for article in ("Article 15", "Article 16", "Article 17", "Article 18", "Article 20", "Article 21", "9(2)(a)"):
        assert article in html


def test_the_join_form_links_the_notice(client, group):
    html = client.get("/outreach/join/").content.decode()
    assert 'id="privacy-link" href="/privacy/"' in html
