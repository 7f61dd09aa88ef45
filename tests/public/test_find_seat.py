"""Find my seat, always: by postcode, by seat name or by place name, with no postcode directory imported (the demo
world holds one test postcode in Birmingham Ladywood). What the visitor reads is plain words, never an instruction
for the operator, and every example the page offers works."""

from __future__ import annotations

import re
from html import unescape

import pytest
from playwright.sync_api import expect

from swingfund.elections.models import Constituency
from tests.public.conftest import DESKTOP, PHONE, POSTCODE


def seat_code(name: str) -> str:
    return Constituency.objects.get(name=name, boundary_set="pcon2024").gss_code


def test_a_place_name_lists_its_seats_as_links(world, client):
    response = client.get("/postcode/", {"postcode": "Bradford"})
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("Bradford East", "Bradford South", "Bradford West"):
        assert f'href="/seats/{seat_code(name)}/"' in html and name in html
    assert html.index("Bradford East") < html.index("Bradford West")  # in alphabetical order


def test_a_seat_name_goes_straight_to_its_seat_in_any_case(world, client):
    response = client.get("/postcode/", {"postcode": "  bradford west "})
    assert response.status_code == 302 and response["Location"] == f"/seats/{seat_code('Bradford West')}/"


def test_a_region_lists_its_seats(world, client):
    html = client.get("/postcode/", {"postcode": "Wales"}).content.decode()
    assert f'href="/seats/{seat_code("Cardiff East")}/"' in html
    assert html.count('class="seat-match"') == Constituency.objects.filter(
        boundary_set="pcon2024", region="Wales").count()


def test_a_postcode_not_in_the_list_is_explained_in_plain_words_with_a_way_on(world, client):
    from swingfund.public.views import POSTCODE_NOT_LISTED

    response = client.get("/postcode/", {"postcode": "b16 8ha"})
    html = response.content.decode()
    assert response.status_code == 404
    message = re.search(r'id="postcode-error"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert "B16 8HA" in message and "import" not in message.lower() and "directory" not in message.lower()
    assert POSTCODE_NOT_LISTED.split("{")[0] in unescape(html)
    example = re.search(r'id="postcode-error"[^>]*>[^<]*?for example <a href="([^"]+)"', html)
    assert example, "the message offers a search by name with an example"
    assert client.get(example.group(1)).status_code in (200, 302)


def test_half_a_postcode_asks_for_the_whole_one(world, client):
    from swingfund.public.views import POSTCODE_PARTIAL

    response = client.get("/postcode/", {"postcode": "bd7"})
    assert response.status_code == 404
    assert POSTCODE_PARTIAL.split("{")[0] in unescape(response.content.decode())


def test_nothing_matching_a_name_says_so_and_the_home_pages_examples_work(world, client):
    from swingfund.public.views import NOTHING_MATCHES

    response = client.get("/postcode/", {"postcode": "Xanadu"})
    assert response.status_code == 404 and NOTHING_MATCHES.split(":")[0].format(text="Xanadu") in \
        unescape(response.content.decode())
    home = client.get("/").content.decode()
    hint = re.search(r'id="postcode-hint">(.*?)</p>', home, re.S).group(1)
    examples = re.findall(r"<kbd>([^<]+)</kbd>", hint)
    assert POSTCODE in examples and len(examples) == 2
    for text in examples:
        assert client.get("/postcode/", {"postcode": text}).status_code in (200, 302), text
    assert "IG6 3AA" not in home


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_visitor_finds_bradford_west_by_typing_bradford_and_by_its_name(live_server, browser, journey, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.fill("#postcode", "Bradford")
    page.click("#find-seat")
    matches = page.locator("a.seat-match")
    expect(matches).to_have_text(["Bradford East", "Bradford South", "Bradford West"])
    page.click("a.seat-match >> text=Bradford West")
    expect(page.locator("h1")).to_have_text("Bradford West")
    page.goto(live_server.url + "/")
    page.fill("#postcode", "Bradford West")
    page.press("#postcode", "Enter")
    expect(page.locator("h1")).to_have_text("Bradford West")
    context.close()
