"""The workspace (issue 22, part 7): a treasurer who has not given the second factor is asked for it instead of
finding the money missing; the header offers only the links a role can use; planning and campaigns one click
away; each proposal links to its seat's figures and scorecards; times in plain words."""

from __future__ import annotations

import datetime as dt

from swingfund.display import ago_words

NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)


def test_times_read_as_people_say_them():
    assert ago_words(NOW - dt.timedelta(seconds=20), now=NOW) == "just now"
    assert ago_words(NOW - dt.timedelta(minutes=1), now=NOW) == "1 minute ago"
    assert ago_words(NOW - dt.timedelta(hours=3, minutes=59), now=NOW) == "3 hours ago"
    assert ago_words(NOW - dt.timedelta(days=1, hours=2), now=NOW) == "yesterday at 10:00"  # UK time is UTC in December
    assert ago_words((NOW - dt.timedelta(days=2)).isoformat(), now=NOW) == "2 days ago"  # a ballot's stored text
    assert ago_words(NOW + dt.timedelta(days=3), now=NOW) == "in 3 days"
    assert ago_words(NOW - dt.timedelta(days=9), now=NOW) == "27 Nov 2026 12:00"


def test_a_treasurer_without_the_second_factor_is_asked_for_it(world, client):
    from swingfund.accounts.services import role_grant

    role_grant(user=world.organiser, organisation=world.organisation, role="treasurer")
    client.force_login(world.organiser)
    response = client.get("/workspace/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="second-factor-prompt"' in html and 'href="/accounts/two-factor/?next=/workspace/"' in html
    assert "Money against goal" not in html  # still hidden until the second factor
    assert 'href="/planning/"' in html and 'href="/funding/"' in html
    # the organiser is not on the committee: no Committee link in the header
    header = html[html.index('<header class="site">'):html.index("</header>")]
    assert 'href="/committee/"' not in header and 'href="/workspace/"' in header


def test_a_committee_member_sees_committee_links_and_each_proposal_links_to_its_seat(world, client):
    from swingfund.committee import services

    proposal = services.proposal_create(
        organisation=world.organisation, kind="stay_out", election=world.grant_decision.proposal.election,
        constituency=world.grant_decision.proposal.constituency, reason="Stay out for now.", proposer=world.chair)
    client.force_login(world.member)
    html = client.get("/workspace/").content.decode()
    header = html[html.index('<header class="site">'):html.index("</header>")]
    assert 'href="/committee/"' in header
    seat = proposal.constituency.gss_code
    assert f'href="/seats/{seat}/"' in html and f'href="/scorecards/seat/{proposal.election_id}/{seat}/"' in html
    assert "proposed just now" in html
    assert 'id="second-factor-prompt"' not in html
