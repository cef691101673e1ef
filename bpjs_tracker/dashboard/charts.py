"""Inline SVG charts drawn on the server (no script, no CDN): readable on screen and in print."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from bpjs_tracker.money import format_rupiah

BAR_COLOUR = "#417690"
TARGET_COLOUR = "#ba2121"


def coverage_bars(rows, *, width: int = 640) -> str:
    """Horizontal bars: coverage % against the target per row, with the 100% target line."""
    rows = [r for r in rows if r.target]
    if not rows:
        return ""
    label_w, bar_h, gap, scale_max = 210, 16, 6, 120
    plot_w = width - label_w - 50
    height = len(rows) * (bar_h + gap) + 30
    x100 = label_w + plot_w * 100 / scale_max
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
        f'viewBox="0 0 {width} {height}" class="chart">',
        f"<title>{escape(_('Cakupan terhadap target (%)'))}</title>",
    ]
    for i, row in enumerate(rows):
        y = 10 + i * (bar_h + gap)
        pct = row.coverage_pct or 0
        w = plot_w * min(pct, scale_max) / scale_max
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h - 4}" text-anchor="end" font-size="11">'
            f"{escape(row.name[:32])}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{BAR_COLOUR}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 4}" font-size="11">'
            f"{str(pct).replace('.', ',')}%</text>"
        )
    parts.append(
        f'<line x1="{x100:.1f}" x2="{x100:.1f}" y1="4" y2="{height - 18}" '
        f'stroke="{TARGET_COLOUR}" stroke-dasharray="4 3"/>'
        f'<text x="{x100:.1f}" y="{height - 4}" text-anchor="middle" font-size="11" '
        f'fill="{TARGET_COLOUR}">{escape(_("target 100%"))}</text></svg>'
    )
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above


def _line(points, values, *, x0, y0, w, h, colour) -> str:
    top = max(values) or 1
    step = w / max(len(points) - 1, 1)
    coords = " ".join(
        f"{x0 + i * step:.1f},{y0 + h - h * v / top:.1f}" for i, v in enumerate(values)
    )
    return f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{coords}"/>'


def trend_lines(points, *, width: int = 640) -> str:
    """Two small line charts over the months: covered workers, and arrears (Rp)."""
    if not points:
        return ""
    panels = [
        (_("Pekerja terlindungi"), [p.covered for p in points], BAR_COLOUR, str),
        (_("Tunggakan"), [p.arrears for p in points], TARGET_COLOUR, format_rupiah),
    ]
    panel_h, h = 110, 70
    height = panel_h * len(panels) + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
        f'viewBox="0 0 {width} {height}" class="chart">',
        f"<title>{escape(_('12 bulan terakhir'))}</title>",
    ]
    for n, (title, values, colour, fmt) in enumerate(panels):
        y0 = 20 + n * panel_h
        parts.append(
            f'<text x="10" y="{y0 - 4}" font-size="12" font-weight="bold">{escape(title)}: '
            f"{escape(fmt(values[-1]))}</text>"
            f'<line x1="60" x2="{width - 20}" y1="{y0 + h}" y2="{y0 + h}" stroke="#999"/>'
            + _line(points, values, x0=60, y0=y0, w=width - 80, h=h, colour=colour)
        )
        step = (width - 80) / max(len(points) - 1, 1)
        for i, p in enumerate(points):
            if i % 2 == 0 or i == len(points) - 1:
                parts.append(
                    f'<text x="{60 + i * step:.1f}" y="{y0 + h + 14}" font-size="10" '
                    f'text-anchor="middle">{p.period:%m/%y}</text>'
                )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above
