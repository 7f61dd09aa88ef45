"""Server-side SVG charts for scorecard pages (no scripts, no network). Pure functions returning markup."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

STANCE_VALUE = {"agree": 1.0, "mixed": 0.5, "disagree": 0.0}
STANCE_COLOUR = {"agree": "#0b6e4f", "mixed": "#c98a12", "disagree": "#a4330d", "unknown": "#9aa3b2"}


@dataclass(frozen=True)
class Bar:
    label: str
    stance: str  # agree | disagree | mixed | unknown
    agreement: float | None  # 0–1, from votes (1 − distance) when there are votes, else from the stance
    detail: str = ""


def bar_for(*, label: str, stance: str, vote_distance: float | None, band: str = "") -> Bar:
    """Agreement shown as 1 − vote distance when there are votes, else agree = 1, mixed = ½, disagree = 0."""
    if vote_distance is not None:
        return Bar(label, stance, 1.0 - vote_distance, band)
    return Bar(label, stance, STANCE_VALUE.get(stance), "")


def _svg_open(*, css_class: str, width: int, height: int, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{label}">'
    )


def _row_label(*, text: str, limit: int, right: int, y: float, size: int) -> str:
    """A row's name, right-aligned at `right` and cut to `limit` characters with an ellipsis."""
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return f'<text x="{right}" y="{y:.1f}" font-size="{size}" text-anchor="end" fill="#1d2433">{escape(shown)}</text>'


def agreement_chart(*, bars: Sequence[Bar], width: int = 640, row: int = 30) -> str:
    """A horizontal bar per statement: length = agreement (0–100%), colour = stance; unknown = an outline."""
    label_w, pad = 250, 8
    plot_w = width - label_w - 70
    height = row * len(bars) + 28
    out = [_svg_open(css_class="agreement-chart", width=width, height=height, label="Agreement with each statement")]
    for tick in (0, 0.5, 1):
        x = label_w + tick * plot_w
        out.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 20}" stroke="#d9dee7"/>')
        out.append(
            f'<text x="{x:.1f}" y="{height - 6}" font-size="11" text-anchor="middle" fill="#5b6475">'
            f"{int(tick * 100)}%</text>"
        )
    for i, bar in enumerate(bars):
        y = i * row + 4
        out.append(_row_label(text=bar.label, limit=34, right=label_w - pad, y=y + row / 2 + 4, size=12))
        colour = STANCE_COLOUR.get(bar.stance, STANCE_COLOUR["unknown"])
        title = f"{bar.label}: {bar.stance}" + (f" — {bar.detail}" if bar.detail else "")
        if bar.agreement is None:
            out.append(
                f'<rect x="{label_w}" y="{y + 4}" width="{plot_w}" height="{row - 12}" fill="none" '
                f'stroke="{colour}" stroke-dasharray="4 3" data-stance="unknown"><title>{escape(title)}</title>'
                f"</rect>"
            )
            out.append(
                f'<text x="{label_w + 6}" y="{y + row / 2 + 4:.1f}" font-size="11" fill="#5b6475">unknown</text>'
            )
            continue
        w = max(bar.agreement * plot_w, 2)
        out.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row - 12}" fill="{colour}" '
            f'data-stance="{escape(bar.stance)}"><title>{escape(title)}</title></rect>'
        )
        out.append(
            f'<text x="{label_w + w + 4:.1f}" y="{y + row / 2 + 4:.1f}" font-size="11" fill="#1d2433">'
            f"{bar.agreement * 100:.0f}%</text>"
        )
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class SeatBar:
    seat: str
    action: str  # back | stay_out
    p_decisive: float | None
    leverage: float | None = None


def _leverage_words(leverage: float | None) -> str:
    if leverage is None or leverage != leverage:  # NaN: no census figures for the seat
        return ""
    return "leverage ∞" if leverage == float("inf") else f"leverage {leverage:.1f}"


def decisions_chart(*, seats: Sequence[SeatBar], width: int = 680, row: int = 20) -> str:
    """One bar per seat: length = P(decisive); green where we back a candidate, grey where we stay out."""
    label_w = 220
    plot_w = width - label_w - 130
    height = row * len(seats) + 56
    label = "P(decisive) of each target seat and our decision"
    out = [_svg_open(css_class="decisions-chart", width=width, height=height, label=label)]
    for i, s in enumerate(seats):
        y = i * row + 2
        out.append(_row_label(text=s.seat, limit=32, right=label_w - 6, y=y + row / 2 + 4, size=11))
        value = 0.0 if s.p_decisive is None else max(0.0, min(1.0, s.p_decisive))
        colour = STANCE_COLOUR["agree"] if s.action == "back" else STANCE_COLOUR["unknown"]
        words = "back a candidate" if s.action == "back" else "stay out"
        shown = "no figure" if s.p_decisive is None else f"{value:.2f}"
        out.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{max(value * plot_w, 1):.1f}" height="{row - 6}" '
            f'fill="{colour}" data-action="{escape(s.action)}"><title>{escape(s.seat)}: P(decisive) {shown}, '
            f"{words}</title></rect>"
        )
        lev = _leverage_words(s.leverage)
        out.append(
            f'<text x="{label_w + max(value * plot_w, 1) + 4:.1f}" y="{y + row / 2 + 4:.1f}" font-size="10" '
            f'fill="#5b6475">{shown}{" · " + lev if lev else ""}</text>'
        )
    y = len(seats) * row + 16
    out.append(
        f'<rect x="{label_w}" y="{y - 9}" width="10" height="10" fill="{STANCE_COLOUR["agree"]}"/>'
        f'<text x="{label_w + 14}" y="{y}" font-size="11" fill="#1d2433">we back a candidate</text>'
        f'<rect x="{label_w + 150}" y="{y - 9}" width="10" height="10" fill="{STANCE_COLOUR["unknown"]}"/>'
        f'<text x="{label_w + 164}" y="{y}" font-size="11" fill="#1d2433">we stay out</text>'
        f'<text x="{label_w}" y="{y + 16}" font-size="11" fill="#5b6475">'
        f"bar length = P(decisive), 0–1; figures: P(decisive) · leverage</text>"
    )
    out.append("</svg>")
    return "".join(out)
