"""The demo lives in the future (issue 18, part 6 and its last acceptance line): `swingfund demo` on the imported
official files is centred on the next general election, provisional, forecast from 2024; its home page shows an open
campaign and no decision dated after its election; its grants are paid to declared illustrative candidates inside
their candidacy; the track record holds a 2019 notional → 2024 forecast labelled a rehearsal made after the fact.

Dates on the page are read back from the HTML and compared with the polling days read from the Election rows, and
with the clock of the test, not with anything the demo computed."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

NEXT, PAST = "parl.2029-05-03", "parl.2024-07-04"
MONTHS = {m: i for i, m in enumerate(("January", "February", "March", "April", "May", "June", "July", "August",
                                       "September", "October", "November", "December"), start=1)}


def _day(text: str) -> dt.date:
    """'3 May 2029' or '6 Dec 2026 22:15' → the date."""
    day, month, year = text.split()[:3]
    number = next(i for name, i in MONTHS.items() if name.startswith(month))
    return dt.date(int(year), number, int(day))


@pytest.fixture
def demo_output(official_db, monkeypatch):
    from swingfund.compliance.services import legal_figures_seed

    monkeypatch.setenv("SWINGFUND_DEMO_PASSWORD", "a-long-test-password-1")
    legal_figures_seed()
    out = io.StringIO()
    call_command("demo", "--no-serve", "--no-import", stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.slow
def test_the_demo_home_page_shows_an_open_campaign_and_no_decision_after_its_election(demo_output, client):
    from swingfund.committee.models import Decision
    from swingfund.elections.models import Candidacy, Election
    from swingfund.funding.models import Grant
    from swingfund.targeting.models import StoredForecast

    today = timezone.now().date()
    election = Election.objects.get(pk=NEXT)
    assert election.poll_date > today and election.poll_date_provisional and election.date_assumption
    assert election.baseline_id == PAST
    assert "provisional" in demo_output and election.date_assumption in demo_output
    from swingfund.elections.models import Poll

    assert "illustrative-polls.csv (illustrative) imported" in demo_output
    assert Poll.objects.exists()

    html = client.get("/").content.decode()
    open_until = [_day(m) for m in re.findall(r'campaign-status open">Open until ([^<]+)<', html)]
    assert open_until, "the home page shows no open campaign"
    assert all(today <= day <= election.poll_date for day in open_until), open_until
    assert "campaign-status closed" not in html

    latest = html.split('id="latest"', 1)[1].split("</section>", 1)[0]
    backed = latest.split('id="backed"', 1)[1].split("</ul>", 1)[0] if 'id="backed"' in latest else ""
    backed_lines = backed.split("<li>")[1:]
    assert backed_lines and all("(illustrative)" in li for li in backed_lines), "an invented candidate is unlabelled"
    shown = re.findall(r'<a href="/decisions/(\d+)/">', latest)
    assert shown, "the home page shows no decision"
    polls = dict(Election.objects.values_list("pk", "poll_date"))
    for pk in shown:
        decision = Decision.objects.select_related("proposal").get(pk=int(pk))
        assert decision.proposal.election_id == NEXT
        decided = decision.decided_at.date()
        assert today - dt.timedelta(days=3) <= decided <= today < polls[NEXT], f"decision {pk} decided {decided}"
    # no decision anywhere is dated on or after its own polling day
    for decision in Decision.objects.select_related("proposal"):
        assert decision.decided_at.date() < polls[decision.proposal.election_id]

    # grants: to declared illustrative candidates of the next election, inside their candidacy
    grants = list(Grant.objects.select_related("candidacy"))
    assert grants
    for grant in grants:
        candidacy = grant.candidacy
        assert candidacy.election_id == NEXT and candidacy.illustrative
        assert candidacy.became_candidate_on is not None
        assert candidacy.became_candidate_on <= grant.created_at.date() <= election.poll_date
    assert Candidacy.objects.filter(election_id=NEXT, illustrative=False).count() == 0

    # the track record: a 2019 notional → 2024 forecast, dated before 4 July 2024, said to be a rehearsal
    stored = StoredForecast.objects.get(election_id=PAST, base_election_id="parl.2019-12-12.notional")
    assert stored.made_at.date() < dt.date(2024, 7, 4)
    assert stored.inputs["rehearsal"] is True and "after the fact" in stored.inputs["note"]
    assert "after the fact" in demo_output
