"""Server-side SVG gauges: an amount against a legal figure, with the warning mark and the limit line.

No scripts, no network: the markup is built here with every text escaped, and the page embeds it inline.
"""

from __future__ import annotations

from html import escape

from swingfund.compliance.checks import WARN_AT_PERCENT
from swingfund.reports.position import Gauge

WIDTH = 800
ROW = 46
LABEL_W = 280
BAR_W = 280
SCALE_PERCENT = 125  # the bar's full width is 125 % of the figure, so "over" stays visible
COLOURS = {"ok": "#0b6e4f", "near": "#b7791f", "over": "#a4330d", "passed": "#2b5f9e"}


def _state(gauge: Gauge) -> str:
    """'passed' for a threshold crossed lawfully with its action named (a grant over £50): not an alarm."""
    return "passed" if gauge.kind == "threshold" and gauge.action and gauge.state == "over" else gauge.state


def _x(percent: float) -> float:
    return LABEL_W + BAR_W * min(percent, SCALE_PERCENT) / SCALE_PERCENT


def gauges_svg(gauges: list[Gauge], *, title: str) -> str:
    """One horizontal bar per gauge; a dashed mark at the warning level and a solid line at 100 %."""
    height = ROW * len(gauges) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'style="max-width:{WIDTH}px" aria-labelledby="t"><title id="t">{escape(title)}</title>',
        f'<text x="{_x(WARN_AT_PERCENT):.1f}" y="12" font-size="10" text-anchor="middle" fill="#5b6475">'
        f"{WARN_AT_PERCENT}%</text>",
        f'<text x="{_x(100):.1f}" y="12" font-size="10" text-anchor="middle" fill="#5b6475">100%</text>',
    ]
    for i, gauge in enumerate(gauges):
        y = 20 + i * ROW
        exact = gauge.amount_pence * 100 / gauge.threshold_pence if gauge.threshold_pence else 0
        state = _state(gauge)
        colour = COLOURS[state]
        parts += [
            f'<g class="gauge gauge-{state}" data-key="{escape(gauge.figure.key)}" '
            f'data-percent="{gauge.percent}">',
            f'<text x="0" y="{y + 14}" font-size="12" fill="#1d2433">{escape(gauge.label[:42])}</text>',
            f'<text x="0" y="{y + 30}" font-size="10" fill="#5b6475">{escape(gauge.name[:50])}</text>',
            f'<rect x="{LABEL_W}" y="{y + 4}" width="{BAR_W}" height="20" fill="#eef1f5" rx="3"/>',
            f'<rect x="{LABEL_W}" y="{y + 4}" width="{_x(exact) - LABEL_W:.1f}" height="20" fill="{colour}" rx="3"/>',
            f'<line x1="{_x(WARN_AT_PERCENT):.1f}" x2="{_x(WARN_AT_PERCENT):.1f}" y1="{y}" y2="{y + 28}" '
            'stroke="#b7791f" stroke-dasharray="3 2"/>',
            f'<line x1="{_x(100):.1f}" x2="{_x(100):.1f}" y1="{y}" y2="{y + 28}" stroke="#1d2433" stroke-width="2"/>',
            f'<text x="{LABEL_W + BAR_W + 8}" y="{y + 19}" font-size="11" fill="{colour}">'
            f"{escape(gauge.summary)}</text>",
            "</g>",
        ]
    parts.append("</svg>")
    return "".join(parts)
