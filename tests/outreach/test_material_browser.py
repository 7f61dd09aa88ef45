"""The message page's law panel on a 390 px phone, in a real Chromium: a WhatsApp message naming a candidate in one
seat and none in another shows both regimes and what is left under each limit, no wider than the screen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

PHONE = {"width": 390, "height": 844}


def _world():
    """A hand-made seat pair, an election six months away (today is in its regulated period), one candidacy named
    in the message's words, two supporters and an approved WhatsApp message."""
    from django.contrib.auth.models import User

    from swingfund.accounts.services import role_grant
    from swingfund.compliance.services import legal_figures_seed
    from swingfund.elections.models import Candidacy, Constituency, DataSource, Election, Postcode
    from swingfund.organisations.models import Organisation
    from swingfund.outreach.messaging import message_approve, message_create
    from swingfund.outreach.models import Supporter
    from swingfund.outreach.segments import segment_create
    from swingfund.outreach.services import supporter_sign_up

    legal_figures_seed()
    source = DataSource.objects.create(key="browser-seats", title="t", publisher="t", file_name="t.csv",
                                       sha256="0" * 64, imported_at=timezone.now())
    seats = []
    for code, postcode in (("E14009991", "LS11AA"), ("E14009992", "LS22BB")):
        seat = Constituency.objects.create(gss_code=code, boundary_set="pcon2024", name=f"Seat {code}", nation="E",
                                           source=source)
        Postcode.objects.create(postcode=postcode, boundary_set="pcon2024", constituency=seat, source=source)
        seats.append(seat)
    poll = timezone.now().date() + dt.timedelta(days=180)
    election = Election.objects.create(id=f"parl.{poll.isoformat()}", name="Next", poll_date=poll,
                                       boundary_set="pcon2024")
    Candidacy.objects.create(election=election, constituency=seats[0], person_name="Alex Example", source=source)
    organisation = Organisation.objects.create(name="Browser Group", slug="browser-group",
                                               address="1 Park Row, Leeds, LS1 5AB")
    users = []
    for name in ("alice", "bob"):
        user = User.objects.create_user(name, password=f"pw-{name}-long-enough")
        role_grant(user=user, organisation=organisation, role="organiser")
        users.append(user)
    for n, postcode in enumerate(("LS1 1AA", "LS2 2BB")):
        s = supporter_sign_up(organisation=organisation, first_name=f"P{n}", phone=f"+4479112{n:05d}",
                              postcode=postcode, consents={"whatsapp", "special"})
        Supporter.objects.filter(pk=s.pk).update(phone_confirmed_at=s.created_at)
    segment = segment_create(organisation=organisation, name="WA", basis="list", channel="whatsapp",
                             gss_codes=[s.gss_code for s in seats])
    message = message_create(segment=segment, title="Backing", author=users[0], whatsapp_template="seat_update",
                             translations={"en": ("-", "In {seat}, vote for Alex Example.")})
    message_approve(message=message, approver=users[1])
    return message, users[1]


@pytest.mark.browser
@pytest.mark.slow
def test_the_law_panel_fits_a_phone(live_server, page, transactional_db, client, settings):
    settings.OUTREACH_WHATSAPP_PRICE_PENCE = 20_000  # £200 a message
    message, organiser = _world()
    client.force_login(organiser)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[
        settings.SESSION_COOKIE_NAME].value, "url": live_server.url}])
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/outreach/messages/{message.pk}/")
    law = page.locator("#law")
    text = law.inner_text()
    # Seat E14009991: £200 about Alex Example, £500 left of the £700 permitted sum (RPA 1983 s.75(1ZZB));
    # seat E14009992: £200 general, £500 left of the £700 anyone may spend (PPERA 2000 s.94)
    assert "Spending about a named candidate (RPA 1983 s.75)" in text and "General campaign spending" in text
    assert "Alex Example (Seat E14009991)" in text and "£500.00" in text
    assert "General-campaign spending (PPERA 2000 Part VI): £200.00 in 1 seat" in text
    assert law.is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the message page is {width} px wide on a {PHONE['width']} px screen"
