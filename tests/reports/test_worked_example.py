"""The worked example on /compliance/ (issue 20's acceptance): a group with £20,000 raised, two £1,000 grants, £1,200
of messages backing one candidate with and without the agent's written authority, and its returns. Every figure on
the page is checked against a hand calculation written here, from the law as LAW.md states it, never read from the
module; and the scenario is rolled back (nothing of it is kept)."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest

ELECTION = "parl.2024-07-04"
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"

# The hand calculation, for the 4 July 2024 general election.
# Gifts: £8,000 + £5,000 + £4,000 + 10 × £300 = £20,000, all from identified, checked UK electors (so all clean).
# The regulated period is the 365 days ending on polling day: 6 July 2023 – 4 July 2024 (PPERA 2000 Sch 10 para 3).
# Gifts on polling day − 60 = 5 May 2024; grants made and offered on polling day − 14 = 20 June, accepted 21 June,
# paid 22 June; an impermissible donation goes back within 30 days *beginning with* receipt: 22 June + 29 = 21 July.
# Two £1,000 grants leave £18,000 of clean money; both are passed on from the oldest clean gift, Asha's £8,000.
# Messages of £1,200 backing one candidate on polling day − 10 = 24 June: without authority the permitted sum is
# £700 (RPA 1983 s.75(1ZZB)), all of it left, so refused (£500 over); with the agent's authority of £1,500 signed the
# day before (23 June) they go out: £1,200 of £1,500, £300 left, reported to the agent and returned to the Returning
# Officer 21 days on: 25 July 2024 (counted from polling day).
# Returns: the s.75 return £1,200, authorised; grants return 2 grants, £2,000; PPERA spending £0 (grants and s.75
# spending are not in it) against the £10,000 an unregistered UK-based group may spend; donations report: over
# £7,500 itemised (Asha £8,000), other donations over £500: £5,000 + £4,000 = £9,000, gifts of £500 or less:
# £3,000, received £20,000. Schedule 19A: political contributions £0 of £37,270 (grants are not contributions).
EXPECTED = {
    "election": "4 July 2024 general election",
    "raised": "£20,000.00",
    "gift_day": "5 May 2024", "period_start": "6 July 2023", "poll_day": "4 July 2024",
    "gift_1": "£8,000.00", "gift_2": "£5,000.00", "gift_3": "£4,000.00", "small_count": "10", "small_gift": "£300.00",
    "grant_threshold": "£50.00", "clean_before": "£20,000.00",
    "grant": "£1,000.00",
    "grant_1_offered": "20 June 2024", "grant_1_accepted": "21 June 2024", "grant_1_paid": "22 June 2024",
    "grant_2_offered": "20 June 2024", "grant_2_accepted": "21 June 2024", "grant_2_paid": "22 June 2024",
    "grant_threshold_2": "£50.00", "grant_return_by": "21 July 2024", "return_days": "30 days",
    "clean_after": "£18,000.00",
    "messages": "£1,200.00", "refused": "refused before sending", "permitted": "£700.00", "left_before": "£700.00",
    "refused_total": "£1,200.00", "over_by": "£500.00",
    "authority": "£1,500.00", "authorised_on": "23 June 2024", "accepted": "accepted", "message_day": "24 June 2024",
    "spent_after": "£1,200.00", "authority_2": "£1,500.00", "left_after": "£300.00", "notice_due": "25 July 2024",
    "s75_amount": "£1,200.00", "s75_authorised": "yes", "s75_due": "25 July 2024", "s75_days": "21 days",
    "grant_rows": "2", "grants_total": "£2,000.00", "true_sources": "Asha Example £1,000.00",
    "ppera_total": "£0.00", "unregistered_limit": "£10,000.00", "unregistered_left": "£10,000.00",
    "itemise_over": "£7,500.00", "itemised_illustrative-1": "£8,000.00", "permissible_over": "£500.00",
    "other_total": "£9,000.00", "permissible_over_2": "£500.00", "small_total": "£3,000.00",
    "received_total": "£20,000.00",
    "ua_amount": "£0.00", "ua_threshold": "£37,270.00",
}


@pytest.fixture
def page_html(official_db, figures, client):
    from swingfund import caching

    caching.clear()
    response = client.get(f"/compliance/?election={ELECTION}")
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str) -> str:
    start = html.index('id="worked-example"')
    return html[start:html.index('<div class="card" id="figures">', start)]


def test_every_figure_of_the_worked_example_matches_the_hand_calculation(page_html):
    section = _section(page_html)
    shown = dict(re.findall(r'<strong class="fig" data-key="([^"]+)">([^<]*)</strong>', section))
    assert shown == EXPECTED
    # no money and no date on it escapes the check: outside the marked figures there is neither
    rest = re.sub(r'<strong class="fig"[^>]*>[^<]*</strong>', "", section)
    # ... except in the sources quoted: each is the citation of a legal figure, as the figure table holds it
    from html import unescape

    from swingfund.compliance.models import LegalFigure

    cited = {unescape(c) for c in re.findall(r'<span class="source">([^<]*)</span>', rest)}
    assert len(cited) >= 5 and cited <= set(LegalFigure.objects.values_list("citation", flat=True))
    rest = re.sub(r'<span class="source">[^<]*</span>', "", rest)
    assert "£" not in rest
    assert not re.search(rf"\b\d{{1,2}} ({MONTHS}) \d{{4}}\b", rest)
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", rest)
    assert "Worked example (illustrative figures)" in section


def test_the_worked_example_names_its_law_and_keeps_nothing(page_html):
    from swingfund.compliance.models import AgentAuthority, MaterialCost
    from swingfund.funding.models import Donation, Grant
    from swingfund.organisations.models import Organisation

    section = _section(page_html)
    lines = [re.sub(r"<[^>]+>", "", li) for li in re.findall(r"<li>(.*?)</li>", section, re.S)]
    refused = next(li for li in lines if "refused before sending" in li)
    assert "Representation of the People Act 1983" in refused and "s.75" in refused
    assert "Schedule 2A" in next(li for li in lines if "Clean money for grants" in li)
    returning_officer = next(li for li in lines if li.startswith("To the Returning Officer"))
    assert "s.75" in returning_officer and "Not in the PPERA spending return" in returning_officer
    assert "No return while unregistered" in next(li for li in lines if "PPERA spending return:" in li)
    assert "Schedule 19A" in next(li for li in lines if "unincorporated association" in li)
    # rolled back: the group, its gifts, grants, authority and message costs were never kept
    assert not Organisation.objects.filter(slug="worked-example-illustrative").exists()
    assert not Donation.objects.filter(reference__startswith="illustrative-").exists()
    assert not Grant.objects.filter(bank_reference__startswith="ILLUSTRATIVE-").exists()
    assert not AgentAuthority.objects.exists() and not MaterialCost.objects.exists()


PHONE = {"width": 390, "height": 844}
OFF_SCREEN = """(width) => [...document.querySelectorAll('#worked-example :is(.fig, h2, li)')]
  .map(e => ({what: e.textContent.trim().slice(0, 40), box: e.getBoundingClientRect()}))
  .filter(e => e.box.left < 0 || e.box.right > width + 0.5).map(e => e.what)"""


@pytest.mark.browser
@pytest.mark.slow
def test_the_worked_example_reads_on_a_390_px_phone(page_html, browser):
    """The page as served, with the site's own stylesheet, on a 390 × 844 screen: the worked example is no wider
    than the screen and every one of its figures is on it."""
    from pathlib import Path

    import swingfund

    css = (Path(swingfund.__file__).parent / "public" / "static" / "public" / "site.css").read_text()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_content(page_html.replace('<link rel="stylesheet" href="/static/public/site.css">', ""))
    page.add_style_tag(content=css)
    card = page.locator("#worked-example")
    assert card.locator(".fig").count() == len(EXPECTED)
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5
    assert page.evaluate(OFF_SCREEN, PHONE["width"]) == []
    assert page.evaluate("document.querySelector('#worked-example').scrollWidth") <= box["width"] + 0.5
    context.close()


def test_the_example_is_built_for_an_election_already_held(official_db):
    """A gift cannot be received in the future, so for an election still to come the example is the latest general
    election already held (the official files hold 12 December 2019 and 4 July 2024)."""
    from swingfund.reports.worked import example_election

    assert example_election(election_id=ELECTION, today=dt.date(2026, 12, 7)) == ELECTION
    assert example_election(election_id=ELECTION, today=dt.date(2024, 7, 3)) == "parl.2019-12-12"


def test_the_pages_s75_deadline_is_the_day_the_notice_and_the_return_give(page_html):
    """One day for the group's return of agent-authorised spending (RPA 1983 s.75(2)) wherever it shows: the local
    regime's deadline on the page is the worked example's (the notice's and the return's: 21 days counted from
    polling day, 4 July 2024), not a day later."""
    deadlines = [unescape(d) for d in re.findall(r"<strong>Deadline:</strong> ([^<]*)</p>", page_html)]
    local = next(d for d in deadlines if "the agent authorised" in d)
    assert EXPECTED["s75_due"] == EXPECTED["notice_due"] == "25 July 2024"
    assert f"by {EXPECTED['s75_due']} at the latest" in local and "s.75(2)" in local
