"""The public journey's pages through Django's test client, on the demo world built from the official files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.utils import timezone

from swingfund.committee import services
from swingfund.committee.models import Proposal
from swingfund.committee.services import CommitteeForbidden
from tests.public.conftest import JOURNEY_SEAT, POSTCODE


def test_postcode_leads_to_its_seat_and_a_bad_one_is_named(world, client):
    response = client.get("/postcode/", {"postcode": POSTCODE.lower()})
    assert response.status_code == 302 and response["Location"].startswith(f"/seats/{JOURNEY_SEAT}/")
    missing = client.get("/postcode/", {"postcode": "ZZ9 9ZZ"})
    assert missing.status_code == 404 and "ZZ9 9ZZ" in missing.content.decode()
    invalid = client.get("/postcode/", {"postcode": "banana"})
    assert invalid.status_code == 404 and "banana" in invalid.content.decode()
    assert client.get("/postcode/").status_code == 400


def test_seat_page_tells_the_story_in_plain_words(world, client):
    html = client.get(f"/seats/{JOURNEY_SEAT}/").content.decode()
    assert "Last result: 4 July 2024 general election" in html
    assert "Majority <strong>3,421</strong>" in html  # Mahmood 15,558 − Yakoob 12,137 (HoC 2024 file)
    assert "Muslim (census 2021)" in html and "religion:muslim" not in html.split("<details>")[0]
    assert "The committee backs Akhmed Yakoob: £1,000 paid" in html
    assert f'href="/decisions/{world.grant_decision.pk}/"' in html
    assert f'href="/funding/ledger/#tx-{world.grant.payment_id}"' in html
    story = html.split("<details>")[0]  # the figures' technical notes (with ids) sit inside <details>
    assert "parl.2024-07-04" not in story.replace("/scorecards/seat/parl.2024-07-04/", "")


def test_bloc_range_brackets_the_central_estimate_by_the_assumption_products(world, client):
    from swingfund.public.selectors import bloc_estimate

    est = bloc_estimate(election_id="parl.2024-07-04", code=JOURNEY_SEAT, bloc="religion:muslim")
    # adult_ratio × registration × turnout_ratio at low / central / high, the adult ratio being the published
    # Muslim one (ONS, Religion by age and sex, Census 2021: 0.81, range 0.76–0.86):
    # 0.76·0.75·0.8, 0.81·0.85·0.95, 0.86·0.95·1.1
    central = 0.81 * 0.85 * 0.95
    assert est.voters_low == pytest.approx(est.row.bloc_voters * 0.76 * 0.75 * 0.8 / central)
    assert est.voters_high == pytest.approx(est.row.bloc_voters * 0.86 * 0.95 * 1.1 / central)
    assert est.vote_low == pytest.approx(est.voters_low * 0.3) and est.vote_high == pytest.approx(est.voters_high * 0.7)
    assert est.vote_low < est.row.bloc_vote < est.vote_high


def test_whom_we_back_opens_on_the_groups_bloc_and_shows_rejections_and_every_decided_seat(world, client):
    response = client.get("/recommendations/")
    html = response.content.decode()
    assert response.status_code == 200 and "Muslim (census 2021)" in html
    assert "Voted down" in html and f'href="/decisions/{world.rejected_decision.pk}/"' in html
    assert 'data-gss="E14001120"' in html  # Bradford West: two grants paid there, whatever its rank
    assert html.count('class="hex marked"') == 2  # the two approved grants (Bradford West, Birmingham Ladywood)


def test_downloads_as_csv_and_json(world, client):
    rows = list(csv.DictReader(io.StringIO(client.get("/downloads/decisions.csv").content.decode())))
    assert len(rows) == 15 and {r["outcome"] for r in rows} == {"approved", "rejected"}
    ladywood = next(r for r in rows if r["gss_code"] == JOURNEY_SEAT)
    assert (ladywood["candidate"], ladywood["amount_pence"]) == ("Akhmed Yakoob", "100000")
    targets = json.loads(client.get("/downloads/targets.json").content)
    assert len(targets["rows"]) == 650 and targets["bloc"] == "religion:muslim" and targets["sources"]
    recs = json.loads(client.get("/downloads/recommendations.json").content)
    assert {r["decision"] for r in recs["rows"]} >= {"approved", "rejected", ""}
    cards = list(csv.DictReader(io.StringIO(client.get("/downloads/scorecards.csv").content.decode())))
    assert cards and {r["stance"] for r in cards} <= {"agree", "disagree", "mixed", "unknown"}
    assert client.get("/downloads/decisions.xml").status_code == 404


def test_404_page_has_the_menu_and_a_way_on(client, db):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404 and 'href="/committee/decisions/"' in html and "postcode" in html


def test_workspace_flags_overdue_deadlines_and_puts_my_votes_first(world, client):
    from swingfund.accounts.services import role_grant
    from swingfund.funding.models import Campaign, ComplianceTask
    from swingfund.public.workspace import _task_organisation
    from tests.accounts.helpers import second_factor

    campaign = Campaign.objects.filter(organisation=world.organisation).first()
    ComplianceTask.objects.create(kind="return", description="Return gift #1", campaign=campaign,
                                  due_on=timezone.now().date() - dt.timedelta(days=3))
    ComplianceTask.objects.create(kind="verify", description="Check donor #2", campaign=campaign,
                                  due_on=timezone.now().date() + dt.timedelta(days=5))
    role_grant(user=world.organiser, organisation=world.organisation, role="treasurer")
    client.force_login(world.organiser)
    second_factor(client, world.organiser)  # the money is the treasurer's, after their second factor
    html = client.get("/workspace/").content.decode()
    from swingfund.funding.selectors import open_tasks

    today = timezone.now().date()
    overdue = sum(1 for t in open_tasks() if t.due_on and t.due_on < today  # the demo's own tasks count too
                  and _task_organisation(t) == world.organisation.pk)
    assert f"{overdue} overdue" in html and "overdue by 3 days" in html and "(5 days)" in html
    assert "Money against goal" in html

    election = world.grant_decision.proposal.election
    seat = world.grant_decision.proposal.constituency
    mine = services.proposal_create(organisation=world.organisation, kind="stay_out", election=election,
                                    constituency=seat, reason="Stay out for now.", proposer=world.chair)
    client.force_login(world.member)
    html = client.get("/workspace/").content.decode()
    assert "1 awaiting your vote" in html and f"/committee/proposals/{mine.pk}/" in html
    assert "Money against goal" not in html  # a committee member sees no treasury
    client.logout()
    assert client.get("/workspace/").status_code == 302  # to sign in


def test_only_the_proposer_edits_and_only_before_the_first_vote(world):
    seat = world.grant_decision.proposal.constituency
    proposal = services.proposal_create(organisation=world.organisation, kind="stay_out",
                                        election=world.grant_decision.proposal.election, constituency=seat,
                                        reason="Stay out.", proposer=world.chair)
    with pytest.raises(CommitteeForbidden, match="Only the proposer"):
        services.proposal_edit(proposal=proposal, actor=world.member, reason="Changed by someone else")
    services.proposal_edit(proposal=proposal, actor=world.chair, reason="Changed by the proposer")
    assert Proposal.objects.get(pk=proposal.pk).reason == "Changed by the proposer"


def test_the_web_proposal_form_refuses_a_second_open_proposal_for_a_seat(world, client):
    client.force_login(world.chair)
    form = {"kind": "stay_out", "reason": "We stay out of Brent East."}
    first = client.post("/committee/proposals/new/?seat=Brent+East", form)
    assert first.status_code == 302
    second = client.post("/committee/proposals/new/?seat=Brent+East", form)
    assert second.status_code == 409 and "already open" in second.content.decode()
    assert client.get("/committee/proposals/new/?seat=Nowhere+Town").status_code == 404
    client.force_login(world.organiser)  # not on the committee
    assert client.get("/committee/proposals/new/").status_code == 403
