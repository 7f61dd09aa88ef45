"""An SVG chart of the plan: expected aligned candidates elected, optimiser against the baselines, with intervals."""

from __future__ import annotations

from django.utils.html import escape

WIDTH, ROW, LEFT = 640, 34, 200


def comparison_svg(*, rows: list[tuple[str, float, float, float]]) -> str:
    """rows: (label, expected, low, high). Bars show the expectation, whiskers the interval."""
    top = max([r[3] for r in rows] + [1.0])
    scale = (WIDTH - LEFT - 40) / top
    height = ROW * len(rows) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-label="Expected aligned candidates elected">']
    for i, (label, expected, low, high) in enumerate(rows):
        y = 10 + i * ROW
        parts.append(f'<text x="{LEFT - 8}" y="{y + 16}" text-anchor="end" font-size="13">{escape(label)}</text>')
        parts.append(f'<rect x="{LEFT}" y="{y + 4}" width="{expected * scale:.1f}" height="16" '
                     f'fill="{"#2a6f97" if i == 0 else "#9aa5b1"}"/>')
        parts.append(f'<line x1="{LEFT + low * scale:.1f}" x2="{LEFT + high * scale:.1f}" y1="{y + 12}" '
                     f'y2="{y + 12}" stroke="#222" stroke-width="1.5"/>')
        parts.append(f'<text x="{LEFT + expected * scale + 6:.1f}" y="{y + 16}" font-size="12">{expected:.2f} '
                     f'({low:g}–{high:g})</text>')
    parts.append("</svg>")
    return "".join(parts)
