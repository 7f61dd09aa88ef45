"""On a 390 px phone the main table of every public page that has one shows its key columns on the screen, without
sideways scrolling: seat, P(pivotal) and the decision for targets and whom we back; date, seat and decision for
the committee's decisions; date, amount and what for the ledger. Tapping a hex of the map shows its figures."""

from __future__ import annotations

import pytest

from tests.public.conftest import PHONE, shoot

# page → (table, the key cells of its rows)
KEY_CELLS = {
    "/targets/": ("table#targets", ["td.seat", "td.p"]),
    "/recommendations/": ("table#whom-we-back", ["td.seat", "td.p", "td.decision"]),
    "/committee/decisions/": ("table.decisions", ["td.date", "td.seat", "td.decision", "td.amount"]),
    "/funding/ledger/": ("table#ledger", ["td.date", "td.amount", "td.what"]),
}
OFF_SCREEN = """([table, cells, width]) => {
  const rows = [...document.querySelectorAll(table + ' > tbody > tr')].slice(0, 8);
  const out = [];
  if (!rows.length) out.push(table + ': no rows');
  for (const row of rows) for (const sel of cells) {
    const cell = row.querySelector(sel);
    if (!cell) { out.push(table + ' ' + sel + ': missing'); continue; }
    const box = cell.getBoundingClientRect();
    if (!cell.getClientRects().length || box.width < 1) out.push(sel + ': hidden');
    else if (box.left < 0 || box.right > width + 0.5)
      out.push(sel + ' ' + cell.innerText.slice(0, 30) + ': ' + box.left.toFixed(0) + '–' + box.right.toFixed(0));
  }
  return out;
}"""


@pytest.mark.browser
def test_key_columns_of_every_main_table_are_on_a_phone_screen(live_server, browser, journey):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    problems = []
    for path, (table, cells) in KEY_CELLS.items():
        page.goto(live_server.url + path)
        shoot(page, "phone-table" + path.replace("/", "_"))
        problems += [f"{path}: {p}" for p in page.evaluate(OFF_SCREEN, [table, cells, PHONE["width"]])]
    # tapping a hex of the map shows its figures above the map, on the screen; tapping it again opens the seat
    page.goto(live_server.url + "/targets/")
    hex_link = page.locator("svg.hexmap a").first
    hex_link.scroll_into_view_if_needed()  # a visitor taps a hex on the screen (the map is drawn when near it)
    hex_link.dispatch_event("click")
    figures = page.locator(".hex-figures")
    figures.wait_for()
    # drawn on screen: the map's figure is laid out only when it nears the screen (content-visibility), so its
    # rendered text may lag the tap by a frame on a loaded machine
    page.wait_for_function("() => document.querySelector('.hex-figures').innerText.includes('leverage')")
    assert "leverage" in figures.inner_text()
    box = figures.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5
    href = hex_link.get_attribute("href")
    hex_link.dispatch_event("click")
    page.wait_for_url("**" + href)
    context.close()
    assert problems == []
