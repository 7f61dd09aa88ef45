"""The calibration chart of `/targets/method/`: forecast probability against how often it came true (SVG), sized for
the screen it is on: a square plot that shrinks to a phone's width and stops at MAX_WIDTH on a laptop, its text at
11 map units or more (about 11 px or more wherever it is drawn), and its key in HTML under it, in people's words."""

from __future__ import annotations

from xml.sax.saxutils import escape

SIZE = 320
PAD = 40
COLOURS = ("#1f77b4", "#d62728", "#2ca02c")
TEXT = 11  # the smallest text, in map units: the chart is never drawn smaller than SIZE px on a 390 px phone
MAX_WIDTH = "26rem"  # on a laptop: a square of about 416 px, not a page-high figure


def calibration_svg(*, series: list[tuple[str, list[dict[str, object]]]]) -> str:
    """One dot per reliability bin (area by count) per backtest, and the diagonal of perfect calibration; `series`
    is [(the backtest's name in words, its bins)]. Returns the SVG and, under it, its key (HTML)."""
    inner = SIZE - 2 * PAD

    def x(p: float) -> float:
        return PAD + p * inner

    def y(p: float) -> float:
        return SIZE - PAD - p * inner

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="calibration" viewBox="0 0 {SIZE} {SIZE}" '
             f'font-size="{TEXT}" role="img" aria-label="Calibration of the winner forecast: '
             f'{escape("; ".join(label for label, _ in series))}" '
             f'style="width:100%;max-width:{MAX_WIDTH};height:auto;display:block">',
             f'<rect x="{PAD}" y="{PAD}" width="{inner}" height="{inner}" fill="none" stroke="#999"/>',
             f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(1)}" stroke="#999" stroke-dasharray="4 3"/>']
    for t in (0, 0.5, 1):
        parts.append(f'<text x="{x(t)}" y="{y(0) + 15}" text-anchor="middle">{t:g}</text>')
        parts.append(f'<text x="{PAD - 6}" y="{y(t) + 4}" text-anchor="end">{t:g}</text>')
    parts.append(f'<text x="{x(0.5)}" y="{SIZE - 6}" text-anchor="middle">forecast chance of winning</text>')
    parts.append(f'<text x="13" y="{y(0.5)}" text-anchor="middle" transform="rotate(-90 13 {y(0.5)})">'
                 "how often it came true</text>")
    key = []
    for k, (label, rows) in enumerate(series):
        colour = COLOURS[k % len(COLOURS)]
        for r in rows:
            if not r["count"]:
                continue
            radius = min(3 + r["count"] ** 0.5 / 3, 12)
            parts.append(f'<circle class="bin" cx="{x(r["mean_forecast"]):.1f}" cy="{y(r["observed"]):.1f}" '
                         f'r="{radius:.1f}" fill="{colour}" fill-opacity="0.6"><title>{escape(label)}, {r["bin"]}: '
                         f'{r["count"]} forecasts, mean {r["mean_forecast"]:.2f}, came true {r["observed"]:.2f}'
                         '</title></circle>')
        key.append(f'<li><span class="dot" style="background:{colour}"></span>{escape(label)}</li>')
    parts.append("</svg>")
    return "".join(parts) + (f'<ul class="chart-key">{"".join(key)}</ul>' if key else "")
