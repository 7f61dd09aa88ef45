"""A group without a census bloc ("Leeds Fair Vote", five statements on public services and foreign policy): every
public page renders, and none of them says "community" or "bloc" (case-insensitive, in what a reader sees)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils.html import strip_tags

from swingfund.committee import services as committee
from swingfund.committee.models import CommitteeMember, Decision
from swingfund.elections.models import Candidacy, Result
from swingfund.organisations.models import Organisation
from swingfund.scorecards import services as scorecards
from swingfund.scorecards.recommendations import recommendations

ELECTION = "parl.2024-07-04"
STATEMENTS = [
    ("nhs", "Fund the NHS properly", "Waiting lists must fall.", "Votes or pledges to fund the NHS."),
    ("schools", "Rebuild crumbling schools", "Every child in a safe building.", "Pledges capital for schools."),
    ("housing", "Council homes for all who need them", "Build 100,000 a year.", "Pledges council homes."),
    ("aid", "Restore overseas aid to 0.7%", "Keep the promise.", "Votes to restore it."),
    ("arms", "No arms sales to states at war", "Stop the exports.", "Votes or pledges to stop them."),
]
WORDS = re.compile(r"communit|bloc", re.IGNORECASE)


@pytest.fixture
def issue_group(official_db, settings):
    org = Organisation.objects.create(name="Leeds Fair Vote", slug="leeds-fair-vote",
                                      address="2 Park Row\nLeeds\nLS1 5HD", sender_email="hello@leedsfairvote.org",
                                      bloc_kind="none",
                                      default_election=ELECTION)
    versions = [scorecards.statement_create(organisation=org, slug=slug, title=title, text=text, agreement=agree,
                                            position=i) for i, (slug, title, text, agree) in enumerate(STATEMENTS)]
    marginal = Result.objects.filter(election_id=ELECTION).order_by("majority")[:8]
    for n, result in enumerate(marginal):
        people = Candidacy.objects.filter(election_id=ELECTION, constituency_id=result.constituency_id,
                                          person__isnull=False).order_by("-votes")[:2]
        for rank, cand in enumerate(people):
            stance = "agree" if (rank + n) % 2 == 0 else "disagree"
            for version in versions:
                scorecards.evidence_record(statement_version=version, person=cand.person, candidacy=cand,
                                           kind="pledge", stance=stance, date=dt.date(2024, 6, 20),
                                           source_url=f"https://example.org/survey/{cand.pk}")
    users = [get_user_model().objects.create_user(name, password="x-long-password-1")
             for name in ("chair", "m1", "m2")]
    committee.member_add(organisation=org, user=users[0], role=CommitteeMember.Role.CHAIR)
    for user in users[1:]:
        committee.member_add(organisation=org, user=user)
    committee.policy_set(organisation=org, quorum=2, approvals_required=2)
    recs = recommendations(organisation=org, election_id=ELECTION, top=4)
    proposals = committee.proposals_from_recommendations(organisation=org, recommendations=recs, proposer=users[0])
    for i, proposal in enumerate(proposals):
        for user in users[1:]:
            proposal.refresh_from_db()
            choice, reason = ("for", "") if i % 2 == 0 else ("against", "elsewhere")
            committee.vote_cast(proposal=proposal, user=user, choice=choice, proposal_hash=proposal.content_hash,
                                reason=reason)
    return org


def public_pages(org) -> list[str]:
    decision = Decision.objects.filter(proposal__organisation=org).select_related("proposal__constituency").first()
    seat = decision.proposal.constituency.gss_code
    person = Candidacy.objects.filter(election_id=ELECTION, constituency__gss_code=seat).first().person_id
    return ["/", "/postcode/?postcode=ZZ9 9ZZ", f"/seats/{seat}/", f"/decisions/{decision.pk}/", "/recommendations/",
            "/targets/", "/targets/method/", "/scorecards/", f"/scorecards/person/{person}/",
            f"/scorecards/seat/{ELECTION}/{seat}/", "/scorecards/recommendations/", "/committee/decisions/",
            "/committee/changes/", "/funding/", "/funding/ledger/", "/compliance/", "/track-record/",
            "/outreach/join/", "/accounts/login/"]


def reader_text(html: str) -> str:
    body = html.split("<body", 1)[-1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.DOTALL | re.IGNORECASE)
    return " ".join(strip_tags(body).split())


@pytest.mark.slow  # every public page of the group, each computed over the official data: 7 s
def test_no_public_page_of_a_group_without_a_census_bloc_says_community_or_bloc(issue_group, client):
    found = {}
    for url in public_pages(issue_group):
        response = client.get(url, follow=True)
        assert response.status_code == (404 if "ZZ9" in url else 200), (url, response.status_code)
        text = reader_text(response.content.decode())
        hits = sorted({text[max(m.start() - 40, 0):m.end() + 40] for m in WORDS.finditer(text)})
        if hits:
            found[url] = hits
    assert found == {}


def test_the_seat_page_has_no_census_estimate_and_recommendations_rank_by_marginality(issue_group, client):
    decision = Decision.objects.filter(proposal__organisation=issue_group).first()
    page = client.get(f"/seats/{decision.proposal.constituency.gss_code}/").content.decode()
    assert "census 2021" not in page.lower() and 'id="bloc-estimate"' not in page
    page = reader_text(client.get("/recommendations/").content.decode())
    assert "P(changes hands)" in page and "Muslim" not in page


def test_a_new_group_without_statements_is_told_so_on_whom_we_back_naming_its_election(official_db, client):
    """A group just set up (no statements yet): the page answers 200 (the group is in a state, not in error),
    explains there is nothing to decide on and where the statements are written, and its opening sentence still
    names the group's election (it read "each target seat of the , backing …"). A bad query is still a 400."""
    Organisation.objects.create(name="Leeds Fair Vote", slug="leeds-fair-vote", address="2 Park Row\nLeeds",
                                sender_email="hello@leedsfairvote.org", bloc_kind="none", default_election=ELECTION)
    response = client.get("/recommendations/")
    text = re.sub(r"\s+", " ", strip_tags(response.content.decode()))
    assert response.status_code == 200, text
    assert "Leeds Fair Vote has not published its statements yet, so there is nothing to decide on" in text
    assert 'href="/scorecards/statements/"' in response.content.decode()
    assert "each target seat of the 4 July 2024 general election, backing" in text
    assert client.get("/recommendations/", {"election": "parl.1066-10-14"}).status_code == 400
