"""Inline SVG charts, generated here: no script, no font, no network.

Every function returns :class:`markupsafe.Markup`; every piece of text that goes into the SVG
(channel names, labels) is escaped here, so the template can insert the chart as is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"]

Line = tuple[str, Sequence[tuple[date, float | None]]]
"""A named line: its label and its (day, value) points."""


def _esc(text: object) -> Markup:
    """``text`` escaped for SVG, without control characters (invalid in XML)."""
    from smmcore.safeout import clean_terminal

    return escape(clean_terminal(str(text)))


def _nice_step(span: float, ticks: int = 5) -> float:
    if span <= 0:
        return 1.0
    raw = span / ticks
    mag = 10 ** math.floor(math.log10(raw))
    for mult in (1, 2, 2.5, 5, 10):
        if raw <= mult * mag:
            return mult * mag
    return 10 * mag


def _num(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M".replace(".0M", "M")
    if abs(value) >= 10_000:
        return f"{value / 1000:.0f}k"
    if abs(value) >= 1000 and value % 100 == 0:
        return f"{value / 1000:.1f}k".replace(".0k", "k")
    if abs(value) >= 1000:  # 1010 must not print as "1k" next to a 1000 tick
        return f"{value:.0f}"
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def _f(x: float) -> str:
    return f"{x:.1f}"


def _empty(width: int, height: int, message: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" class="chart empty"><text x="{width / 2}" y="{height / 2}" '
        f'text-anchor="middle" fill="#6b7280">{_esc(message)}</text></svg>'
    )


def line_chart(
    lines: Sequence[Line],
    *,
    title: str,
    empty: str = "no data",
    width: int = 760,
    height: int = 280,
    zero_based: bool = False,
    legend: bool = True,
    color: str | None = None,
    band: tuple[date, date] | None = None,
) -> Markup:
    """A multi-line chart over dates, with y ticks, first/last date labels and a legend.

    The y axis fits the data (so a small growth is visible) unless ``zero_based``; ``band``
    shades a date range (the report period) behind the lines.
    """
    points = [(d, v) for _, pts in lines for d, v in pts if v is not None]
    if not points:
        return _empty(width, height, empty)
    left, right, top = 56, 12, 12
    legend_rows = math.ceil(len(lines) / 3) if legend else 0
    bottom = 28 + 18 * legend_rows
    plot_w, plot_h = width - left - right, height - top - bottom
    d0 = min(d for d, _ in points)
    d1 = max(d for d, _ in points)
    span_days = max((d1 - d0).days, 1)
    lo = min(v for _, v in points)
    hi = max(v for _, v in points)
    if zero_based:
        lo = min(lo, 0.0)
    if hi == lo:
        hi = lo + 1
    step = _nice_step(hi - lo)
    lo = math.floor(lo / step) * step
    hi = math.ceil(hi / step) * step

    def x(d: date) -> float:
        return left + (d - d0).days / span_days * plot_w

    def y(v: float) -> float:
        return top + plot_h - (v - lo) / (hi - lo) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" class="chart line-chart"><title>{_esc(title)}</title>'
    ]
    if band is not None and band[1] >= d0 and band[0] <= d1:
        bx0, bx1 = x(max(band[0], d0)), x(min(band[1], d1))
        parts.append(
            f'<rect x="{_f(bx0)}" y="{top}" width="{_f(max(bx1 - bx0, 1))}" height="{plot_h}" '
            f'fill="#eff6ff"/>'
        )
    tick = lo
    while tick <= hi + step / 2:
        ty = y(tick)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_f(ty)}" y2="{_f(ty)}" '
            f'stroke="#e5e7eb"/><text x="{left - 6}" y="{_f(ty + 4)}" text-anchor="end" '
            f'font-size="11" fill="#6b7280">{_esc(_num(tick))}</text>'
        )
        tick += step
    base = top + plot_h
    parts.append(
        f'<text x="{left}" y="{base + 16}" font-size="11" fill="#6b7280">{d0.isoformat()}</text>'
        f'<text x="{width - right}" y="{base + 16}" font-size="11" fill="#6b7280" '
        f'text-anchor="end">{d1.isoformat()}</text>'
    )
    for i, (label, pts) in enumerate(lines):
        stroke = color if color and len(lines) == 1 else PALETTE[i % len(PALETTE)]
        segments: list[list[str]] = [[]]
        for d, v in pts:
            if v is None:
                segments.append([])
                continue
            segments[-1].append(f"{_f(x(d))},{_f(y(v))}")
        for seg in segments:
            if len(seg) > 1:
                parts.append(
                    f'<polyline fill="none" stroke="{stroke}" stroke-width="2" '
                    f'points="{" ".join(seg)}"><title>{_esc(label)}</title></polyline>'
                )
            elif len(seg) == 1:
                cx, cy = seg[0].split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="{stroke}"/>')
        if not legend:
            continue
        lx = left + (i % 3) * (plot_w / 3)
        ly = base + 34 + 18 * (i // 3)
        parts.append(
            f'<rect x="{_f(lx)}" y="{ly - 9}" width="12" height="4" fill="{stroke}"/>'
            f'<text x="{_f(lx + 16)}" y="{ly - 4}" font-size="12">{_esc(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def heatmap(
    values: Sequence[Sequence[float | None]],
    *,
    weekdays: Sequence[str],
    title: str,
    best: Sequence[tuple[int, int]] = (),
    empty: str = "no data",
    width: int = 760,
) -> Markup:
    """A 7 x 24 grid (weekday x hour): darker is better; the best cells are outlined."""
    cells = [v for row in values for v in row if v is not None]
    left, top, cell_h = 40, 20, 24
    cell_w = (width - left - 8) / 24
    height = top + 7 * cell_h + 8
    if not cells:
        return _empty(width, height, empty)
    hi = max(cells) or 1.0
    best_set = set(map(tuple, best[:3]))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" class="chart heatmap"><title>{_esc(title)}</title>'
    ]
    for h in range(0, 24, 3):
        parts.append(
            f'<text x="{_f(left + h * cell_w + cell_w / 2)}" y="14" font-size="11" '
            f'text-anchor="middle" fill="#6b7280">{h:02d}</text>'
        )
    for d in range(7):
        row = values[d] if d < len(values) else []
        cy = top + d * cell_h
        parts.append(
            f'<text x="{left - 6}" y="{cy + cell_h / 2 + 4}" font-size="11" text-anchor="end" '
            f'fill="#374151">{_esc(weekdays[d] if d < len(weekdays) else str(d))}</text>'
        )
        for h in range(24):
            v = row[h] if h < len(row) else None
            cx = left + h * cell_w
            if v is None:
                fill, opacity = "#f3f4f6", 1.0
            else:
                fill, opacity = "#2563eb", 0.08 + 0.92 * max(v, 0) / hi
            outline = ' stroke="#111827" stroke-width="2"' if (d, h) in best_set else ""
            label = f"{weekdays[d] if d < len(weekdays) else d} {h:02d}:00 " + (
                "-" if v is None else _num(round(v, 2))
            )
            parts.append(
                f'<rect x="{_f(cx + 1)}" y="{cy + 1}" width="{_f(cell_w - 2)}" '
                f'height="{cell_h - 2}" fill="{fill}" fill-opacity="{opacity:.2f}"{outline}>'
                f"<title>{_esc(label)}</title></rect>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(
    bars: Sequence[tuple[str, float | None, bool]],
    *,
    title: str,
    unit: str = "",
    empty: str = "no data",
    width: int = 760,
) -> Markup:
    """Horizontal bars, one per (label, value, highlighted); the client is highlighted."""
    known = [v for _, v, _ in bars if v is not None]
    bar_h, gap, left, right = 22, 8, 170, 70
    height = max(len(bars), 1) * (bar_h + gap) + 10
    if not known:
        return _empty(width, height, empty)
    hi = max(max(known), 0) or 1.0
    plot_w = width - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" class="chart bars"><title>{_esc(title)}</title>'
    ]
    for i, (label, v, highlight) in enumerate(bars):
        yy = 5 + i * (bar_h + gap)
        weight = ' font-weight="bold"' if highlight else ""
        parts.append(
            f'<text x="{left - 8}" y="{yy + bar_h / 2 + 4}" font-size="12" text-anchor="end"'
            f"{weight}>{_esc(label)}</text>"
        )
        if v is None:
            parts.append(
                f'<text x="{left + 4}" y="{yy + bar_h / 2 + 4}" font-size="12" '
                f'fill="#6b7280">n/a</text>'
            )
            continue
        w = max(v, 0) / hi * plot_w
        color = PALETTE[0] if highlight else "#9ca3af"
        text = _num(round(v, 2)) + (unit if unit == "%" else "")
        parts.append(
            f'<rect x="{left}" y="{yy}" width="{_f(w)}" height="{bar_h}" fill="{color}" rx="2"/>'
            f'<text x="{_f(left + w + 6)}" y="{yy + bar_h / 2 + 4}" font-size="12">'
            f"{_esc(text)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
