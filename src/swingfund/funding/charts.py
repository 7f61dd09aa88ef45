"""Server-side SVG charts of money (no JavaScript, no network): a campaign's progress bar and money in and
out over time. Pure functions from numbers to markup; amounts are integer pence, formatted only here."""

from __future__ import annotations

import datetime as dt
from html import escape

from swingfund.display import money

IN_COLOUR = "#0b6e4f"
OUT_COLOUR = "#a4330d"
NET_COLOUR = "#1d2433"
GRID_COLOUR = "#d9dee7"


def progress_svg(*, raised_pence: int, goal_pence: int, width: int = 600, height: int = 28) -> str:
    """A bar filled to the share of the goal raised (capped at full), labelled with both amounts."""
    share = 0.0 if goal_pence <= 0 else max(0.0, min(1.0, raised_pence / goal_pence))
    filled = round(width * share)
    label = f"{money(raised_pence, short=True)} of {money(goal_pence, short=True)} ({round(share * 100)}%)"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="progress" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="{escape(label)}">'
        f'<rect x="0" y="0" width="{width}" height="{height}" rx="4" fill="#eef1f5"/>'
        f'<rect class="filled" x="0" y="0" width="{filled}" height="{height}" rx="4" fill="{IN_COLOUR}"/>'
        f'<text x="8" y="{height * 0.68:.0f}" font-size="14" fill="#1d2433" stroke="#fff" stroke-width="3" '
        f'paint-order="stroke">'
        f"{escape(label)}</text></svg>"
    )


def _nice_ceiling(value: int) -> int:
    if value <= 0:
        return 100
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def money_flow_svg(series: list[tuple[dt.date, int, int]], *, width: int = 760, height: int = 260,
                   title: str = "Money in and out") -> str:
    """Bars of money in (up) and out (down) per day, and a line of the running balance.

    `series` is [(day, in pence, out pence)] in date order. An empty series draws an empty, labelled frame.
    """
    pad_left, pad_right, pad_top, pad_bottom = 70, 16, 28, 34
    plot_w, plot_h = width - pad_left - pad_right, height - pad_top - pad_bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart money-flow" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="{escape(title)}">',
        f'<text x="{pad_left}" y="16" font-size="13" font-weight="600">{escape(title)}</text>',
    ]
    if not series:
        parts.append(f'<text x="{pad_left}" y="{pad_top + plot_h / 2:.0f}" font-size="13" fill="#5b6475">'
                     "No money has moved yet.</text></svg>")
        return "".join(parts)
    running, balances = 0, []
    for _, money_in, money_out in series:
        running += money_in - money_out
        balances.append(running)
    top = _nice_ceiling(max(max(i for _, i, _ in series), max(balances), 1))
    bottom = _nice_ceiling(max(max(o for _, _, o in series), -min(balances), 0)) if any(
        o for _, _, o in series) or min(balances) < 0 else 0
    span = top + bottom

    def y(value: int) -> float:
        return pad_top + (top - value) / span * plot_h

    zero = y(0)
    for value in (top, top // 2, 0, -bottom // 2, -bottom):
        if -bottom <= value <= top:
            parts.append(f'<line x1="{pad_left}" x2="{width - pad_right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                         f'stroke="{GRID_COLOUR}"/><text x="{pad_left - 6}" y="{y(value) + 4:.1f}" font-size="11" '
                         f'text-anchor="end">{escape(money(value, short=True))}</text>')
    slot = plot_w / len(series)
    bar = max(1.0, slot * 0.7)
    points = []
    for index, ((day, money_in, money_out), balance) in enumerate(zip(series, balances, strict=True)):
        x = pad_left + index * slot + (slot - bar) / 2
        if money_in:
            parts.append(f'<rect class="in" x="{x:.1f}" y="{y(money_in):.1f}" width="{bar:.1f}" '
                         f'height="{zero - y(money_in):.1f}" fill="{IN_COLOUR}"><title>{day}: in '
                         f"{escape(money(money_in, short=True))}</title></rect>")
        if money_out:
            parts.append(f'<rect class="out" x="{x:.1f}" y="{zero:.1f}" width="{bar:.1f}" '
                         f'height="{y(-money_out) - zero:.1f}" fill="{OUT_COLOUR}"><title>{day}: out '
                         f"{escape(money(money_out, short=True))}</title></rect>")
        points.append(f"{x + bar / 2:.1f},{y(balance):.1f}")
    parts.append(f'<polyline class="balance" fill="none" stroke="{NET_COLOUR}" stroke-width="2" '
                 f'points="{" ".join(points)}"/>')
    first, last = series[0][0], series[-1][0]
    parts.append(f'<text x="{pad_left}" y="{height - 10}" font-size="11">{first.isoformat()}</text>')
    parts.append(f'<text x="{width - pad_right}" y="{height - 10}" font-size="11" text-anchor="end">'
                 f"{last.isoformat()}</text>")
    parts.append(f'<text x="{width / 2:.0f}" y="{height - 10}" font-size="11" text-anchor="middle">'
                 f'<tspan fill="{IN_COLOUR}">■ in</tspan> <tspan fill="{OUT_COLOUR}">■ out</tspan> '
                 f"— running balance</text>")
    parts.append("</svg>")
    return "".join(parts)
