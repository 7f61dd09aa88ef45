"""The hex map as a way into the site: every seat a link to its page (keyboard, touch and click), its figures in
the hex's title, region labels, London drawn again larger in an inset, and optional marks (the seats a group
backs). A server-side SVG string like `charts.hex_map_svg`, every text escaped."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from swingfund.targeting.charts import NO_DATA_COLOUR, ChartError, legend_items, leverage_colour

# ONS region and nation codes used by the HexJSON layouts, named as people know them.
REGION_NAMES = {
    "E12000001": "North East", "E12000002": "North West", "E12000003": "Yorkshire", "E12000004": "East Midlands",
    "E12000005": "West Midlands", "E12000006": "East of England", "E12000007": "London",
    "E12000008": "South East", "E12000009": "South West", "S92000003": "Scotland", "W92000004": "Wales",
    "N92000002": "Northern Ireland",
}
LONDON = "E12000007"
INSET_SCALE = 2.0
MARK_COLOUR = "#1d2433"
# Region labels at this size in map units; a phone shows the map about this much smaller, and site.css sets
# them to 11 px on wider screens.
REGION_LABEL_PX = 14


@dataclass(frozen=True)
class MapHex:
    code: str
    name: str
    q: int
    r: int
    region: str


def map_hexes_load(*, path: Path) -> list[MapHex]:
    """The layout's hexes with their region code (`region` or `a` in HexJSON; blank when absent)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [MapHex(code, h.get("n", code), int(h["q"]), int(h["r"]), h.get("region") or h.get("a") or "")
                for code, h in data["hexes"].items()]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ChartError(f"Hex map layout {path} could not be read: {exc}") from exc


def _centre(h: MapHex, *, size: float, left: int, top: int) -> tuple[float, float]:
    width_hex = math.sqrt(3) * size
    return ((h.q - left) * width_hex + (width_hex / 2 if h.r % 2 else 0) + width_hex,
            (top - h.r) * 1.5 * size + size + 4)


def _hex_path(size: float) -> str:
    pts = [(math.cos(math.radians(60 * k - 30)) * size, math.sin(math.radians(60 * k - 30)) * size) for k in range(6)]
    return "M" + "L".join(f"{x:.2f},{y:.2f}" for x, y in pts) + "Z"


def linked_hex_map_html(*, hexes: list[MapHex], values: dict[str, float], titles: dict[str, str],
                        link: Callable[[str], str], marked: set[str] | frozenset[str] = frozenset(),
                        legend_title: str = "Leverage", legend_href: str = "", size: float = 7.0,
                        inset: str | None = LONDON) -> str:
    """Every seat as a linked hex coloured by `values` (leverage), `titles` its figures; `marked` seats outlined;
    regions labelled. Laid out for the screen it is on: the legend (HTML, titled `legend_title`, linked to the
    definition at `legend_href`) comes first, above the map, so a phone shows it before the map; the `inset`
    region (London) is drawn again at INSET_SCALE in a map of its own, beside the main map where there is room and
    under it on a phone, so nothing of the figure lies off-screen. The map is one tab stop (its hexes' links are
    out of the tab order, for pointer users): the page's table of seats is its keyboard and screen-reader
    alternative."""
    top, left = max(h.r for h in hexes), min(h.q for h in hexes)
    centres = {h.code: _centre(h, size=size, left=left, top=top) for h in hexes}
    max_x = max(x for x, _ in centres.values())
    max_y = max(y for _, y in centres.values())

    def hex_use(h: MapHex, x: float, y: float, *, ref: str, focusable: bool) -> str:
        cls = "hex" if focusable else "hex-inset"
        value = values.get(h.code)
        title = titles.get(h.code, f"{h.name}: no data")
        mark = ' stroke="%s" stroke-width="2"' % MARK_COLOUR if h.code in marked else ""
        tab = ' tabindex="-1"' if focusable else ' tabindex="-1" aria-hidden="true"'
        fill = leverage_colour(value) if value is not None else NO_DATA_COLOUR
        # the inset's copy has no title: tapping it shows the main map's (site.js), and fewer elements to parse
        backed = " — backed by the group" if h.code in marked else ""
        tip = f"<title>{escape(title)}{backed}</title>" if focusable else ""
        return (f'<a href="{escape(link(h.code))}"{tab}><use href="#{ref}" class="{cls}{" marked" if mark else ""}" '
                f'data-code="{escape(h.code)}" x="{x:.1f}" y="{y:.1f}" fill="{fill}"{mark}/>{tip}</a>')

    ordered = sorted(hexes, key=lambda h: (-h.r, h.q))
    shapes = ['<g stroke="#fff" stroke-width="0.6">',
              *(hex_use(h, *centres[h.code], ref="hx", focusable=True) for h in ordered), "</g>"]

    by_region: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for h in hexes:
        by_region[h.region].append(centres[h.code])
    labels = []
    for region, points in sorted(by_region.items()):
        if region not in REGION_NAMES:
            continue
        # about half the label's width at its phone size (REGION_LABEL_PX, bold): keep it inside the map
        half = len(REGION_NAMES[region]) * REGION_LABEL_PX * 0.32
        cx = min(max(sum(x for x, _ in points) / len(points), half + 2), max_x + size - half)
        cy = sum(y for _, y in points) / len(points)
        labels.append(f'<text class="region" x="{cx:.0f}" y="{cy:.0f}" text-anchor="middle">'
                      f"{escape(REGION_NAMES[region])}</text>")
    width, height = max_x + size + 2, max_y + size + 4
    main = (f'<svg xmlns="http://www.w3.org/2000/svg" class="hexmap" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'font-size="{REGION_LABEL_PX}" role="group" tabindex="0" aria-label="Hex map of all seats coloured by '
            f'{escape(legend_title.lower())}; each hex links to its seat (one tab stop: the table lists the same '
            f'seats)"><defs><path id="hx" d="{_hex_path(size)}"/></defs>' + "".join(shapes) + "".join(labels)
            + "</svg>")
    return ('<div class="hexmap-block">' + _legend_html(title=legend_title, href=legend_href, marked=bool(marked))
            + '<div class="hexmap-maps">' + main
            + _inset_svg(hexes=[h for h in hexes if h.region == inset] if inset else [], centres=centres,
                         size=size, hex_use=hex_use, name=REGION_NAMES.get(inset or "", inset or ""))
            + "</div></div>")


def _legend_html(*, title: str, href: str, marked: bool) -> str:
    """The map's key as HTML (wraps on a phone; always readable): the title, linked to its definition, then a
    swatch per colour class, and the outline of a backed seat when the map marks any."""
    head = f'<a href="{escape(href)}">{escape(title)}</a>' if href else escape(title)
    items = [f'<li><span class="swatch" style="background:{colour}"></span>{escape(label)}</li>'
             for label, colour in legend_items()]
    if marked:
        items.append(f'<li><span class="swatch marked" style="border-color:{MARK_COLOUR}"></span>backed seat</li>')
    return f'<div class="map-legend"><strong>{head}</strong><ul>{"".join(items)}</ul></div>'


def _inset_svg(*, hexes: list[MapHex], centres: dict[str, tuple[float, float]], size: float,
               hex_use: Callable[..., str], name: str) -> str:
    """The inset region's hexes again, INSET_SCALE times larger, as a map of its own (hidden from screen readers
    and the tab order: the main map and the table hold the same seats)."""
    if not hexes:
        return ""
    xs = [centres[h.code][0] for h in hexes]
    ys = [centres[h.code][1] for h in hexes]
    big = size * INSET_SCALE
    box_w = (max(xs) - min(xs)) * INSET_SCALE + 2 * big + 4
    box_h = (max(ys) - min(ys)) * INSET_SCALE + 2 * big + 4
    uses = [hex_use(h, big + 2 + (centres[h.code][0] - min(xs)) * INSET_SCALE,
                    big + 2 + (centres[h.code][1] - min(ys)) * INSET_SCALE, ref="hx2", focusable=False)
            for h in hexes]
    return (f'<figure class="map-inset"><figcaption>{escape(name)}, enlarged</figcaption>'
            f'<svg xmlns="http://www.w3.org/2000/svg" class="hexmap inset" viewBox="0 0 {box_w:.0f} {box_h:.0f}" '
            f'aria-hidden="true"><defs><path id="hx2" d="{_hex_path(big)}"/></defs>'
            f'<g stroke="#fff" stroke-width="0.8">{"".join(uses)}</g></svg></figure>')
