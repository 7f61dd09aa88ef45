"""Public pages: scorecard with evidence, sources and chart; seat decision; recommendations; admin versioning."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model

from swingfund.scorecards import services
from swingfund.scorecards.models import PUBLIC_NEEDS_SOURCE, Evidence, Statement, StatementVersion
from swingfund.scorecards.selectors import current_versions
from tests.accounts.helpers import admin_verified

from .conftest import TEST_ELECTION

pytestmark = pytest.mark.django_db
ALL = ["agree"] * 5


@pytest.fixture
def seat(make_seat, code_stances, organisation):
    seat = make_seat(
        "E14009041", "Testford", [("Ann Lee", "Party A", 20_000, None), ("Bo Chan", "Party B", 19_000, None)]
    )
    code_stances(seat.candidacies[0].person, ["agree", "disagree", "mixed", "unknown", "agree"])
    code_stances(seat.candidacies[1].person, ALL)
    version = current_versions(organisation=organisation)[0]
    services.evidence_record(
        statement_version=version,
        person=seat.candidacies[0].person,
        kind="public_statement",
        stance="agree",
        date=dt.date(2024, 5, 1),
        public=False,
        note="private: not shown",
    )
    return seat


def test_scorecard_page_lists_evidence_sources_and_chart(client, seat, organisation):
    ann = seat.candidacies[0].person
    html = client.get(f"/scorecards/person/{ann.pk}/").content.decode()
    assert "Ann Lee" in html
    assert f"https://example.org/survey/{ann.pk}" in html  # every piece of evidence links its source
    assert "private: not shown" not in html  # non-public evidence stays off public pages
    svg = re.search(r"<svg.*?</svg>", html, re.S).group()
    assert re.findall(r'data-stance="(\w+)"', svg) == ["agree", "disagree", "mixed", "unknown", "agree"]
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # no network in the chart


def test_seat_page_explains_the_decision(client, seat):
    html = client.get(f"/scorecards/seat/{TEST_ELECTION}/E14009041/").content.decode()
    assert "Why we back Bo Chan (Party B)" in html
    assert (
        "We back Bo Chan (Party B) in Testford: Bo Chan (Party B) agrees with all five statements and Ann Lee "
        "(Party A) does not." in html
    )
    assert "Hand-built test rows" in html  # the source of the places and votes
    assert "Places from this election&#x27;s count." in html
    assert client.get(f"/scorecards/seat/{TEST_ELECTION}/E99999999/").status_code == 404


def test_recommendations_page(client, seat):
    html = client.get(f"/scorecards/recommendations/?election={TEST_ELECTION}").content.decode()
    assert 'data-gss="E14009041" data-action="back"' in html
    assert "we back a candidate in 1 and stay out of 0" in html


def test_index_lists_statements_and_candidates(client, seat):
    html = client.get("/scorecards/").content.decode()
    assert "Tackle rising anti-minority sentiment" in html and "Bo Chan" in html


def test_admin_edit_of_a_published_statement_creates_a_version(client, organisation):
    admin = get_user_model().objects.create_superuser("org", "org@example.org", "pw-for-tests-only")
    admin_verified(client, admin)
    statement = Statement.objects.get(organisation=organisation, slug="rights")
    v1 = statement.versions.get()
    page = client.get(f"/admin/scorecards/statementversion/{v1.pk}/change/")
    assert page.status_code == 200 and 'name="title"' not in page.content.decode()  # published: read-only
    response = client.post(
        "/admin/scorecards/statementversion/add/",
        {
            "statement": statement.pk,
            "title": "Stand up for everyone's rights",
            "text": "New wording.",
            "agreement": "Commits publicly.",
            "publish": "on",
        },
    )
    assert response.status_code == 302
    assert list(statement.versions.values_list("number", "title")) == [
        (1, "Stand up for minority rights"),
        (2, "Stand up for everyone's rights"),
    ]
    html = client.get("/scorecards/").content.decode()
    block = re.search(r'data-statement="rights">.*?</li>', html, re.S).group()
    assert "Stand up for everyone&#x27;s rights" in block and "v1, published" in block  # the old wording stays on view


def test_admin_records_evidence_with_recorder_and_source_rule(client, organisation, seat):
    admin = get_user_model().objects.create_superuser("org", "org@example.org", "pw-for-tests-only")
    admin_verified(client, admin)
    version = current_versions(organisation=organisation)[3]
    form = {
        "statement_version": version.pk,
        "person": seat.candidacies[0].person.pk,
        "kind": "manifesto",
        "stance": "agree",
        "date": "2024-06-10",
        "public": "on",
        "source_url": "",
        "summary": "",
        "note": "",
        "division": "",
        "vote": "",
        "candidacy": "",
    }
    response = client.post("/admin/scorecards/evidence/add/", form)
    assert response.status_code == 200  # refused: public evidence without a source
    assert PUBLIC_NEEDS_SOURCE in response.content.decode()
    assert not Evidence.objects.filter(kind="manifesto").exists()
    form["source_url"] = "https://example.org/manifesto.pdf"
    assert client.post("/admin/scorecards/evidence/add/", form).status_code == 302
    saved = Evidence.objects.get(source_url="https://example.org/manifesto.pdf")
    assert saved.recorded_by == admin and saved.recorded_at is not None
    assert StatementVersion.objects.filter(statement__organisation=organisation).count() == 5


@pytest.mark.browser
def test_scorecard_and_seat_pages_in_a_real_browser(live_server, page, seat):
    ann = seat.candidacies[0].person
    page.goto(f"{live_server.url}/scorecards/recommendations/?election={TEST_ELECTION}")
    page.click("text=Testford")
    page.wait_for_selector("[data-reason]")
    assert page.inner_text("[data-reason]").startswith("We back Bo Chan (Party B) in Testford")
    page.click(f"a[href^='/scorecards/person/{ann.pk}/']")
    page.wait_for_selector("svg.agreement-chart")
    bars = page.locator("svg.agreement-chart rect")
    assert bars.count() == 5
    box = page.locator("svg.agreement-chart").bounding_box()
    assert box["width"] > 300 and box["height"] > 100  # the chart renders at a readable size
    assert (
        page.locator("section[data-statement='rights'] a.source").first.get_attribute("href")
        == f"https://example.org/survey/{ann.pk}"
    )


def test_admin_answers_a_dispute_and_the_page_shows_it(client, organisation, seat):
    admin = get_user_model().objects.create_superuser("org", "org@example.org", "pw-for-tests-only")
    admin_verified(client, admin)
    bo = seat.candidacies[1].person
    evidence = Evidence.objects.filter(person=bo).order_by("id").first()
    dispute = services.dispute_open(evidence=evidence, candidate_text="My answer was misread.")
    form = {
        "evidence": evidence.pk,
        "candidate_text": dispute.candidate_text,
        "status": "upheld",
        "organiser_response": "Re-read the survey: we agree, and withdrew the coding.",
    }
    assert client.post(f"/admin/scorecards/dispute/{dispute.pk}/change/", form).status_code == 302
    dispute.refresh_from_db()
    assert (dispute.status, dispute.responded_by) == ("upheld", admin)
    html = client.get(f"/scorecards/person/{bo.pk}/").content.decode()
    assert "Re-read the survey: we agree, and withdrew the coding." in html
    assert "My answer was misread." in html
