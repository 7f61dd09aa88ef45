"""The calibration chart of `/targets/method/`: forecast probability against how often it came true (SVG)."""

from __future__ import annotations

from xml.sax.saxutils import escape

SIZE = 320
PAD = 40
COLOURS = ("#1f77b4", "#d62728", "#2ca02c")


def calibration_svg(*, series: list[tuple[str, list[dict[str, object]]]]) -> str:
    """One dot per reliability bin (area by count) per backtest, and the diagonal of perfect calibration."""
    inner = SIZE - 2 * PAD

    def x(p: float) -> float:
        return PAD + p * inner

    def y(p: float) -> float:
        return SIZE - PAD - p * inner

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE + 20 * len(series)}" '
             'role="img" aria-label="Calibration of the winner forecast" '
             'style="width:100%;max-width:26rem;height:auto">',
             f'<rect x="{PAD}" y="{PAD}" width="{inner}" height="{inner}" fill="none" stroke="#999"/>',
             f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(1)}" stroke="#999" stroke-dasharray="4 3"/>']
    for t in (0, 0.5, 1):
        parts.append(f'<text x="{x(t)}" y="{SIZE - PAD + 14}" font-size="10" text-anchor="middle">{t:g}</text>')
        parts.append(f'<text x="{PAD - 6}" y="{y(t) + 3}" font-size="10" text-anchor="end">{t:g}</text>')
    parts.append(f'<text x="{SIZE / 2}" y="{SIZE - 8}" font-size="11" text-anchor="middle">forecast probability</text>')
    parts.append(f'<text x="12" y="{SIZE / 2}" font-size="11" text-anchor="middle" '
                 f'transform="rotate(-90 12 {SIZE / 2})">observed frequency</text>')
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
        parts.append(f'<circle cx="{PAD + 6}" cy="{SIZE + 8 + 20 * k}" r="5" fill="{colour}"/>'
                     f'<text x="{PAD + 16}" y="{SIZE + 12 + 20 * k}" font-size="11">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
