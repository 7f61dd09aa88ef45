"""The outreach step of the demo, on the committee's real demo decisions; the nav links to sign-up and share kit."""

from __future__ import annotations

from swingfund.committee.demo import demo_run as committee_demo
from swingfund.outreach.demo import PER_SEAT, SEGMENT_NAME, demo_run
from swingfund.outreach.models import Message, Segment, Supporter
from swingfund.outreach.segments import constituencies_from_decisions, segment_counts
from swingfund.scorecards.demo import demo_seed


def test_demo_supporters_segment_message_and_share_kit(client, official_db):
    organisation = demo_seed()
    committee_demo(organisation=organisation, election_id="parl.2024-07-04", bloc="religion:muslim")
    decided = constituencies_from_decisions(organisation=organisation, election_id="parl.2024-07-04")
    assert decided
    first = demo_run(organisation=organisation, election_id="parl.2024-07-04")
    again = demo_run(organisation=organisation, election_id="parl.2024-07-04")
    assert first.supporters == again.supporters == PER_SEAT * len(decided) == Supporter.objects.count()
    segment = Segment.objects.get(name=SEGMENT_NAME)
    assert sorted(c.gss_code for c in segment.constituencies.all()) == decided
    assert all(n == PER_SEAT for _seat, n in segment_counts(segment=segment))
    message = Message.objects.get(segment=segment)
    assert message.status == "approved" and message.approved_by_id != message.author_id
    page = client.get("/outreach/share/").content.decode()
    assert page.count('class="card share-kit"') == len(decided)
    assert 'href="/outreach/join/"' in page and 'href="/outreach/share/"' in page  # in the site's navigation
