"""The track record's chart: per seat, the actual majority against the bloc's estimated effect (an interval)."""

from __future__ import annotations

from django.utils.html import escape

WIDTH, ROW, LEFT = 680, 30, 220


def majority_vs_effect_svg(*, seats: list[dict]) -> str:
    """A dot for the majority, a bar for the bloc's effect interval; green dot: the backed candidate won."""
    top = max([1.0] + [s["majority"] for s in seats]
              + [s["bloc_effect_interval"][1] for s in seats if s["bloc_effect_interval"]])
    scale = (WIDTH - LEFT - 20) / top
    height = ROW * len(seats) + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
             'aria-label="Majority against the bloc\'s estimated effect, per seat">']
    for i, s in enumerate(seats):
        y = 10 + i * ROW
        parts.append(f'<text x="{LEFT - 8}" y="{y + 14}" text-anchor="end" font-size="12">{escape(s["seat"])}</text>')
        if s["bloc_effect_interval"]:
            lo, hi = s["bloc_effect_interval"]
            parts.append(f'<rect x="{LEFT + lo * scale:.1f}" y="{y + 4}" width="{max((hi - lo) * scale, 1):.1f}" '
                         'height="12" fill="#c9d6e3"><title>bloc effect</title></rect>')
        colour = "#2e7d32" if s["won"] else "#b23b3b"
        parts.append(f'<circle cx="{LEFT + s["majority"] * scale:.1f}" cy="{y + 10}" r="5" fill="{colour}">'
                     f'<title>majority {s["majority"]:,}</title></circle>')
    parts.append(f'<text x="{LEFT}" y="{height - 8}" font-size="11">0</text>'
                 f'<text x="{WIDTH - 20}" y="{height - 8}" font-size="11" text-anchor="end">{int(top):,} votes</text>')
    parts.append("</svg>")
    return "".join(parts)
