"""Keyboard and screen readers, in a real Chromium: the first tab stop is a skip link to the main content, the
header's links are a navigation landmark, focus shows as a strong outline, the hex map is one tab stop (its table
is the alternative), and the ledger row a decision links to is highlighted."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.public.conftest import DESKTOP, PHONE

FOCUSABLE = "a[href]:not([tabindex='-1']), [tabindex]:not([tabindex='-1']), button, input, select, textarea"


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_tab_from_the_top_reaches_the_skip_link_first_and_it_leads_to_main(live_server, browser, journey, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Skip to main content")
    expect(skip).to_be_visible()  # shown when focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert float(outline.removesuffix("px")) >= 3
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # the next stop is inside main, not the header's links
    assert page.evaluate("document.activeElement.closest('main') !== null")
    expect(page.locator("header.site nav a[href='/funding/ledger/']")).to_have_count(1)
    page.locator("header.site nav a[href='/targets/']").focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert float(outline.removesuffix("px")) >= 3
    context.close()


@pytest.mark.browser
def test_the_hex_map_is_one_tab_stop_and_the_linked_ledger_row_is_highlighted(live_server, page, journey):
    page.goto(live_server.url + "/targets/")
    page.wait_for_selector("svg.hexmap")
    stops = page.evaluate(f"""() => [...document.querySelectorAll("svg.hexmap, svg.hexmap *")]
        .filter(e => e.matches("{FOCUSABLE}")).length""")
    assert stops == 1
    # the map is the one stop; London enlarged beside it is a picture only (aria-hidden, no stops)
    assert page.locator("svg.hexmap:not(.inset)").get_attribute("tabindex") == "0"
    assert page.locator("svg.hexmap.inset").get_attribute("aria-hidden") == "true"

    payment = journey.grant.payment_id
    page.goto(f"{live_server.url}/funding/ledger/#tx-{payment}")
    row = page.locator(f"#tx-{payment}")
    other = page.locator("tbody tr:not(:target)").first
    colour = row.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", other.evaluate("e => getComputedStyle(e).backgroundColor"))
