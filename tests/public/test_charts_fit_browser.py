"""Charts sized for the screen they are on (issue 22), in a real Chromium at 390 × 844 and 1280 × 800: the hex map's
key sits above the map and on the screen, London's inset is on the screen, and the calibration chart of the method
page fits a phone's width, stays a sensible size on a laptop, keeps its text readable and names its series in
words."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.public.conftest import DESKTOP, PHONE, shoot

TARGETS = "/targets/?election=parl.2024-07-04&bloc=religion:muslim&draws=200"
BOX = "el => { const b = el.getBoundingClientRect(); return {x: b.left, y: b.top, w: b.width, h: b.height}; }"
# Pixel sizes drawn on the screen, from the layout (not from the chart code): hex widths and text heights.
HEX_WIDTHS = "els => els.map(e => e.getBoundingClientRect().width)"
TEXT_HEIGHTS = "els => els.map(e => e.getBoundingClientRect().height)"
RAW_ID = re.compile(r"\b(parl|local|mayor|pcc)\.[\w-]*\d{4}-\d{2}-\d{2}|→|\.notional\b")


def page_box(page, selector: str) -> dict:
    """The element's box in page coordinates (scrolled into view first: the maps are laid out lazily)."""
    element = page.locator(selector).first
    element.scroll_into_view_if_needed()
    box = element.evaluate(BOX)
    scroll_y = page.evaluate("() => window.scrollY")
    return {**box, "y": box["y"] + scroll_y}


def inside_width(box: dict, width: int) -> bool:
    return box["x"] >= 0 and box["x"] + box["w"] <= width + 0.5 and box["w"] > 0


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_hex_map_key_is_above_the_map_and_london_is_on_screen(official_db, live_server, browser, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(live_server.url + TARGETS)
    legend = page_box(page, "#hex-figure .map-legend")
    hexmap = page_box(page, "#hex-figure svg.hexmap:not(.inset)")
    inset = page_box(page, "#hex-figure svg.hexmap.inset")
    shoot(page, f"hexmap-{viewport['width']}")
    width = viewport["width"]
    assert legend["y"] + legend["h"] <= hexmap["y"] + 0.5, (legend, hexmap)  # the key is above the map
    assert inside_width(legend, width) and inside_width(hexmap, width) and inside_width(inset, width)
    assert page.locator("#hex-figure .map-legend li").count() == 7  # six classes of leverage and "no data"
    # The key's words as drawn (innerText): read once the key is back on screen. The figure is laid out lazily
    # (content-visibility), and after the inset was scrolled to and the screenshot taken one CI run read '' here.
    key = page.locator("#hex-figure .map-legend")
    key.scroll_into_view_if_needed()
    for words in ("< 0.25", "≥ 4", "no data"):
        expect(key).to_contain_text(words, use_inner_text=True)
    # The map and its labels are drawn at the screen's width: no sideways scrolling inside the figure.
    assert page.locator("#hex-figure").evaluate("f => f.scrollWidth <= f.clientWidth + 1")
    labels = page.locator("#hex-figure svg.hexmap text.region")
    assert labels.count() >= 10 and min(labels.evaluate_all(TEXT_HEIGHTS)) >= 11  # readable region names
    inset_hexes = page.locator("#hex-figure svg.hexmap.inset use").evaluate_all(HEX_WIDTHS)
    assert len(inset_hexes) == 75 and min(inset_hexes) >= 24  # London's hexes are big enough to tap
    if viewport is PHONE:
        # the whole country at a phone's width leaves each hex under 24 px: tapping one shows its figures instead
        hex_link = page.locator("#hex-figure svg.hexmap:not(.inset) a").first
        hex_link.dispatch_event("click")
        figures = page.locator(".hex-figures")
        figures.wait_for()
        # drawn on screen: the map's figure is laid out only when it nears the screen (content-visibility), so its
        # rendered text may lag the tap by a frame on a loaded machine
        page.wait_for_function("() => document.querySelector('.hex-figures').innerText.includes('leverage')")
        assert "leverage" in figures.inner_text()
        assert inside_width(page_box(page, ".hex-figures"), width)
        # London's enlarged hexes are taps too: they show the seat's figures from the main map
        inset_link = page.locator("#hex-figure svg.hexmap.inset a").first
        inset_link.scroll_into_view_if_needed()
        href = inset_link.get_attribute("href")
        inset_link.dispatch_event("click")
        seat_title = page.locator(f'#hex-figure svg.hexmap:not(.inset) a[href="{href}"] title').text_content()
        page.wait_for_function("t => document.querySelector('.hex-figures').textContent.startsWith(t)", arg=seat_title)
        assert "leverage" in seat_title and page.locator(".hex-figures a").get_attribute("href") == href
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_calibration_chart_fits_the_screen_and_names_its_series_in_words(official_db, live_server, browser,
                                                                         viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(live_server.url + "/targets/method/")
    chart = page_box(page, "svg.calibration")
    shoot(page, f"calibration-{viewport['width']}")
    assert inside_width(chart, viewport["width"]), chart  # nothing clipped on a phone
    assert 280 <= chart["h"] <= 480, chart  # a sensible size: not a page-high figure, not a thumbnail
    assert page.locator("svg.calibration").evaluate("s => s.parentElement.scrollWidth <= s.parentElement.clientWidth")
    heights = page.locator("svg.calibration text:not([transform])").evaluate_all(TEXT_HEIGHTS)
    assert len(heights) >= 7 and min(heights) >= 12 and max(heights) <= 24  # readable, and no 40 px labels
    key = page.locator("ul.chart-key li").all_inner_texts()
    assert len(key) == 2 and page.locator("svg.calibration circle.bin").count() >= 6
    assert [k for k in key if RAW_ID.search(k)] == []  # "UK general election 2019, forecast from 2017", not an id
    assert any("2019" in k and "2017" in k for k in key) and any("2024" in k for k in key)
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_the_leverage_bars_fit_the_screen_with_readable_names(official_db, live_server, browser, viewport):
    """The leverage bars of /targets/ on the screen they are on: no sideways scrolling, every seat's name and value
    drawn at 11 px or more, the same seats in both layouts (a phone's names above their bars)."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(live_server.url + TARGETS)
    shown = page.locator("#bar-figure svg.barchart:visible")
    assert shown.count() == 1
    chart = page_box(page, "#bar-figure svg.barchart:visible")
    assert inside_width(chart, viewport["width"]), chart
    assert shown.evaluate("s => s.parentElement.scrollWidth <= s.parentElement.clientWidth + 1")
    heights = page.locator("#bar-figure svg.barchart:visible text").evaluate_all(TEXT_HEIGHTS)
    assert len(heights) > 20 and min(heights) >= 11, min(heights)
    names = [page.locator(f"#bar-figure svg.barchart{s} rect.bar title").all_text_contents()
             for s in (".narrow", ":not(.narrow)")]
    assert names[0] == names[1] and len(names[0]) >= 10
    assert ("narrow" in (shown.get_attribute("class") or "")) == (viewport is PHONE)
    shoot(page, f"leverage-bars-{viewport['width']}")
    context.close()
