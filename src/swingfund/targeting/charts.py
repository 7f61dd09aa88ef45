"""Server-side SVG figures for targeting: a bar chart of leverage and a hex map of every seat.

Plain strings of SVG, no JavaScript, no network: the page works offline and the figures print. Every text
is escaped. The hex map reads a HexJSON file (Open Innovations' layouts of the constituencies, one hex per
seat, "odd-r": odd rows shifted right by half a hex; rows count *up* the map, so north is at the top).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings

HEXJSON_FILES = {
    "pcon2024": "hexmap-uk-constituencies-2024.hexjson",
    "pcon2010": "hexmap-uk-constituencies-2010.hexjson",
}
HEXJSON_MISSING = (
    "Hex map layout {name} not found in SWINGFUND_DATA or the download cache: run `swingfund data fetch`."
)
HEXJSON_BAD = "Hex map layout {path} is not a HexJSON file with an odd-r layout: {problem}."
HEX_CREDIT = "Hex map layout: Open Innovations (open-innovations/constituencies)."

# Leverage classes (upper bounds) and their colours: greys-to-greens below 1, warm above; no data is grey.
LEVERAGE_BINS = (0.25, 0.5, 1.0, 2.0, 4.0, math.inf)
LEVERAGE_COLOURS = ("#e8eef3", "#bfd3e0", "#8fb3c9", "#f6c35b", "#e8812c", "#b3261e")
NO_DATA_COLOUR = "#b8b8b8"
LABEL_CHARS = 28


class ChartError(ValueError):
    """A layout file is missing or malformed."""


@dataclass(frozen=True)
class Hex:
    code: str
    name: str
    q: int
    r: int


def hexjson_path(*, boundary_set: str) -> Path:
    """The HexJSON layout for a boundary set, from SWINGFUND_DATA or else the download cache."""
    name = HEXJSON_FILES.get(boundary_set)
    if name is None:
        raise ChartError(HEXJSON_MISSING.format(name=f"for {boundary_set}"))
    for folder in (settings.SWINGFUND_DATA, settings.SWINGFUND_CACHE):
        if folder and (Path(folder) / name).is_file():
            return Path(folder) / name
    raise ChartError(HEXJSON_MISSING.format(name=name))


def hexes_load(*, path: Path) -> list[Hex]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("layout") != "odd-r":
            raise ChartError(HEXJSON_BAD.format(path=path, problem=f"layout is {data.get('layout')!r}"))
        return [Hex(code, h.get("n", code), int(h["q"]), int(h["r"])) for code, h in data["hexes"].items()]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        if isinstance(exc, ChartError):
            raise
        raise ChartError(HEXJSON_BAD.format(path=path, problem=exc)) from exc


def leverage_colour(value: float | None) -> str:
    if value is None or math.isnan(value):
        return NO_DATA_COLOUR
    for bound, colour in zip(LEVERAGE_BINS, LEVERAGE_COLOURS, strict=True):
        if value < bound:
            return colour
    return LEVERAGE_COLOURS[-1]


def legend_items() -> list[tuple[str, str]]:
    """The colour classes of leverage as (label, colour), lowest first, then no data."""
    labels = ["< 0.25", "0.25–0.5", "0.5–1", "1–2", "2–4", "≥ 4", "no data"]
    return list(zip(labels, [*LEVERAGE_COLOURS, NO_DATA_COLOUR], strict=True))


def _legend(x: float, y: float) -> list[str]:
    out = [f'<g class="legend" font-size="11" transform="translate({x:.1f},{y:.1f})">',
           '<text x="0" y="-6" font-weight="600">Leverage</text>']
    for i, (label, colour) in enumerate(legend_items()):
        out.append(f'<rect x="0" y="{i * 16}" width="14" height="12" fill="{colour}" stroke="#666" '
                   f'stroke-width="0.5"/><text x="20" y="{i * 16 + 10}">{escape(label)}</text>')
    out.append("</g>")
    return out


def hex_map_svg(*, hexes: list[Hex], values: dict[str, float], titles: dict[str, str], size: float = 6.0) -> str:
    """Every seat as a hex coloured by its value (leverage); `titles` gives each hex's hover text."""
    width_hex = math.sqrt(3) * size
    top = max(h.r for h in hexes)
    left = min(h.q for h in hexes)
    corners = [(math.cos(math.radians(60 * k - 30)) * size, math.sin(math.radians(60 * k - 30)) * size)
               for k in range(6)]
    shapes = []
    max_x = max_y = 0.0
    for h in sorted(hexes, key=lambda h: (-h.r, h.q)):
        cx = (h.q - left) * width_hex + (width_hex / 2 if h.r % 2 else 0) + width_hex
        cy = (top - h.r) * 1.5 * size + size + 4
        max_x, max_y = max(max_x, cx), max(max_y, cy)
        points = " ".join(f"{cx + dx:.1f},{cy + dy:.1f}" for dx, dy in corners)
        value = values.get(h.code)
        title = titles.get(h.code, f"{h.name}: no data")
        shapes.append(f'<polygon class="hex" data-code="{escape(h.code)}" points="{points}" '
                      f'fill="{leverage_colour(value)}" stroke="#fff" stroke-width="0.6">'
                      f"<title>{escape(title)}</title></polygon>")
    legend_x = max_x + 3 * size
    width = legend_x + 130
    height = max(max_y + size + 4, 140)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="hexmap" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'role="img" aria-label="Hex map of all seats coloured by leverage">'
            + "".join(shapes) + "".join(_legend(legend_x, 30)) + "</svg>")


def _nice_log_ticks(lo: float, hi: float) -> list[float]:
    ticks = []
    for exponent in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1):
        for m in (1, 2, 5):
            t = m * 10 ** exponent
            if lo <= t <= hi:
                ticks.append(t)
    return ticks


def leverage_bars_svg(*, labels: list[str], values: list[float], titles: list[str] | None = None,
                      narrow: bool = False) -> str:
    """Horizontal bars of leverage on a log scale (leverage spans orders of magnitude), with a line at 1.

    Two layouts, each drawn at one unit per pixel or more where the stylesheet shows it (its 11-unit text at 11 px or
    more, no sideways scrolling): 520 units wide, names beside their bars; `narrow`, 296 units (a 360 px phone),
    each seat's name on its own line above its bar."""
    titles = titles or labels
    finite = [v for v in values if v is not None and math.isfinite(v) and v > 0]
    lo = 0.1
    hi = max([2.0, *finite]) * 1.15
    if narrow:
        label_w, bar_w, row_h, bar_dy, text_x = 0, 240, 32, 15, 0
    else:
        label_w, bar_w, row_h, bar_dy, text_x = 180, 280, 18, 2, 174
    width = label_w + bar_w + (56 if narrow else 60)  # 296 and 520: see NARROW_BARS_BELOW in site.css
    height = 30 + row_h * len(values) + 40

    def x(v: float) -> float:
        v = min(max(v, lo), hi)
        return label_w + bar_w * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="barchart{" narrow" if narrow else ""}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="Leverage of the top seats" font-size="11">']
    for t in _nice_log_ticks(lo, hi):
        parts.append(f'<line x1="{x(t):.1f}" y1="22" x2="{x(t):.1f}" y2="{height - 34}" stroke="#e3e7ee"/>'
                     f'<text x="{x(t):.1f}" y="{height - 16}" text-anchor="middle">{t:g}</text>')
    for i, (label, value, title) in enumerate(zip(labels, values, titles, strict=True)):
        y = 26 + i * row_h
        short = label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"
        anchor = "start" if narrow else "end"
        parts.append(f'<text x="{text_x}" y="{y + 12}" text-anchor="{anchor}">{escape(short)}</text>')
        if value is None or math.isnan(value):
            parts.append(f'<text x="{label_w + (90 if narrow else 4)}" y="{y + 12}" fill="#777">no data</text>')
            continue
        end = x(value) if math.isfinite(value) else label_w + bar_w
        shown = "∞" if math.isinf(value) else f"{value:.2f}"
        parts.append(f'<rect class="bar" x="{label_w}" y="{y + bar_dy}" width="{max(end - label_w, 1):.1f}" '
                     f'height="13" fill="{leverage_colour(value)}" stroke="#555" stroke-width="0.4">'
                     f"<title>{escape(title)}</title></rect>"
                     f'<text x="{end + 4:.1f}" y="{y + bar_dy + 10}">{shown}</text>')
    one = x(1.0)
    note = escape("1 = bloc vote equals majority")
    at_end = narrow and one > width / 2  # the note ends at the line, inside the chart
    parts.append(f'<line x1="{one:.1f}" y1="18" x2="{one:.1f}" y2="{height - 34}" stroke="#b3261e" '
                 f'stroke-dasharray="4 3"/><text x="{one + (-3 if at_end else 3):.1f}" y="14" fill="#b3261e"'
                 f'{" text-anchor=" + quoteattr("end") if at_end else ""}>{note}</text>')
    parts.append(f"<text x=\"{label_w + bar_w / 2}\" y=\"{height - 2}\" text-anchor=\"middle\" fill=\"#555\" "
                 f"{'font-style=' + quoteattr('italic')}>leverage (log scale)</text></svg>")
    return "".join(parts)
