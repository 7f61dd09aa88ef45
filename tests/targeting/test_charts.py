"""The SVG figures on hand-made inputs: hex geometry (odd-r, north up), colours, escaping, missing layouts."""

import json
import re

import pytest

from swingfund.targeting.charts import (
    NO_DATA_COLOUR,
    ChartError,
    Hex,
    hex_map_svg,
    hexes_load,
    hexjson_path,
    leverage_bars_svg,
)


def centres(svg: str) -> dict[str, tuple[float, float]]:
    out = {}
    for code, points in re.findall(r'data-code="(\w+)" points="([^"]+)"', svg):
        xy = [tuple(map(float, p.split(","))) for p in points.split()]
        out[code] = (sum(x for x, _ in xy) / 6, sum(y for _, y in xy) / 6)
    return out


def test_odd_rows_shift_right_and_north_is_up():
    hexes = [Hex("A", "A", 0, 0), Hex("B", "B", 0, 1), Hex("C", "C", 1, 0), Hex("D", "D", 0, -1)]
    c = centres(hex_map_svg(hexes=hexes, values={"A": 0.1}, titles={}, size=10))
    width = 3 ** 0.5 * 10
    assert c["C"][0] - c["A"][0] == pytest.approx(width, abs=0.2)
    assert c["B"][0] - c["A"][0] == pytest.approx(width / 2, abs=0.2)  # row 1 is odd: half a hex right
    assert c["D"][0] - c["A"][0] == pytest.approx(width / 2, abs=0.2)  # row −1 is odd too
    assert c["B"][1] < c["A"][1] < c["D"][1]  # a higher row is further north, drawn higher up
    assert c["A"][1] - c["B"][1] == pytest.approx(15, abs=0.2)  # rows 1.5 × size apart


def test_hexes_without_value_are_grey_and_titles_are_escaped():
    svg = hex_map_svg(hexes=[Hex("A", "A & <B>", 0, 0), Hex("B", "B", 1, 0)], values={"B": float("nan")},
                      titles={"A": "A & <B>: leverage 2.00"})
    assert svg.count('class="hex"') == 2 and svg.count(f'fill="{NO_DATA_COLOUR}" stroke="#fff"') == 2
    assert "<title>A &amp; &lt;B&gt;: leverage 2.00</title>" in svg and "<B>" not in svg


def test_bars_one_per_seat_with_no_data_and_infinity():
    svg = leverage_bars_svg(labels=["Tie", "Big", "None", "A very long constituency name indeed and more"],
                            values=[float("inf"), 12.5, float("nan"), 0.3])
    assert svg.count('class="bar"') == 3 and "∞" in svg and "12.50" in svg and "no data" in svg
    assert "A very long constituency na…" in svg  # 28 characters: the name is whole in the bar's title
    # the phone's layout: the same bars and values, 296 units wide, every name at the left edge above its bar
    narrow = leverage_bars_svg(labels=["Tie", "Big", "None", "A very long constituency name indeed and more"],
                               values=[float("inf"), 12.5, float("nan"), 0.3], narrow=True)
    assert 'class="barchart narrow" viewBox="0 0 296 ' in narrow and narrow.count('class="bar"') == 3
    assert narrow.count('<text x="0" ') == 4 and "∞" in narrow and "12.50" in narrow


def test_layout_errors(tmp_path, settings):
    settings.SWINGFUND_DATA = str(tmp_path)
    settings.SWINGFUND_CACHE = str(tmp_path / "cache")
    with pytest.raises(ChartError, match="hexmap-uk-constituencies-2024.hexjson not found"):
        hexjson_path(boundary_set="pcon2024")
    bad = tmp_path / "hexmap-uk-constituencies-2024.hexjson"
    bad.write_text(json.dumps({"layout": "even-q", "hexes": {}}))
    with pytest.raises(ChartError, match="layout is 'even-q'"):
        hexes_load(path=hexjson_path(boundary_set="pcon2024"))
    bad.write_text("{not json")
    with pytest.raises(ChartError, match="not a HexJSON file"):
        hexes_load(path=bad)


def test_real_layouts_have_650_seats(data_dir, settings):
    settings.SWINGFUND_DATA = str(data_dir)
    for boundary_set in ("pcon2024", "pcon2010"):
        hexes = hexes_load(path=hexjson_path(boundary_set=boundary_set))
        assert len(hexes) == 650 and len({(h.q, h.r) for h in hexes}) == 650  # one hex per seat, no overlaps
