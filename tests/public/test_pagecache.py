"""The public page cache: a second anonymous visit is served from memory, and any change to what the page shows
(a new ledger transaction, a decision) is seen at once; signed-in visitors are never served from it."""

from __future__ import annotations

import gzip

from tests.public.conftest import JOURNEY_SEAT


def test_cached_until_the_ledger_moves(world, client):
    from swingfund.funding import services
    from swingfund.funding.models import Campaign
    from tests.funding.conftest import make_donor

    first = client.get("/funding/ledger/")
    second = client.get("/funding/ledger/")
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    campaign = Campaign.objects.get(slug="demo-community-group-fund")
    services.donation_record(campaign=campaign, donor=make_donor("Ada Cache"), amount_pence=4321,
                             method="cheque", reference="CHQ 777", received_at=campaign.starts_at)
    third = client.get("/funding/ledger/")
    assert third["X-Page-Cache"] == "miss" and "£43.21" in third.content.decode()


def test_gzip_answers_are_kept_apart_and_the_signed_in_are_never_cached(world, client):
    plain = client.get(f"/seats/{JOURNEY_SEAT}/")
    zipped = client.get(f"/seats/{JOURNEY_SEAT}/", HTTP_ACCEPT_ENCODING="gzip")
    again = client.get(f"/seats/{JOURNEY_SEAT}/", HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip" and again["X-Page-Cache"] == "hit"
    assert gzip.decompress(again.content) == plain.content
    client.force_login(world.organiser)
    signed_in = client.get(f"/seats/{JOURNEY_SEAT}/")
    assert "X-Page-Cache" not in signed_in and "Sign out" in signed_in.content.decode()


def test_targets_default_view_is_under_100_kb_compressed(world, client):
    response = client.get("/targets/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert len(response.content) < 100_000, len(response.content)
    html = gzip.decompress(response.content).decode()
    assert html.count('class="hex"') == 650 and 'id="all-rows"' in html
