"""Inline SVG charts, generated here: no script, no font, no network.

Every function returns :class:`markupsafe.Markup`; every piece of text that goes into the SVG
(channel names, labels) is escaped here, so the template can insert the chart as is. Numbers
and dates on the axes follow the report's language (:mod:`smmcore.i18n`): one format per axis
(one scale suffix, one number of decimals) with round steps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

from markupsafe import Markup, escape

from smmcore import i18n

PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"]
MUTED = "#6b7280"

Line = tuple[str, Sequence[tuple[date, float | None]]]
"""A named line: its label and its (day, value) points."""


def _esc(text: object) -> Markup:
    """``text`` escaped for SVG, without control characters (invalid in XML)."""
    from smmcore.safeout import clean_terminal

    return escape(clean_terminal(str(text)))


def nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about ``ticks`` ticks."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    mag = 10 ** math.floor(math.log10(raw))
    for mult in (1, 2, 2.5, 5, 10):
        if raw <= mult * mag:
            return mult * mag
    return 10 * mag


def axis_labels(ticks: Sequence[float], step: float, lang: str = "en", unit: str = "") -> list[str]:
    """The labels of one axis, all in one format: the same scale suffix (``k``/``mila``,
    ``M``/``Mln``, ``B``/``Mld``) and the same number of decimals, as few as the step needs."""
    largest = max((abs(v) for v in ticks), default=0.0)
    divisor, key = i18n.compact_scale(largest)
    scaled_step = step / divisor
    digits = 0  # as many decimals as the step has, the same for every tick
    while digits < 4 and abs(round(scaled_step, digits) - scaled_step) > 1e-9 * max(1, step):
        digits += 1
    labels = []
    for v in ticks:
        text = i18n.with_suffix(i18n.number(v / divisor, lang, digits), key, lang)
        labels.append(text + ("%" if unit == "%" else ""))
    return labels


def value_label(value: float, lang: str = "en", unit: str = "") -> str:
    """One number on a chart (a bar's value, a cell's tooltip): a large one with its
    language's suffix, a percentage with ``%``."""
    if unit == "%":
        return i18n.percent(value, lang)
    return i18n.compact(value, lang)


def _f(x: float) -> str:
    return f"{x:.1f}"


def _svg_open(width: int, height: int, kind: str, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" class="chart {kind}"><title>{_esc(title)}</title>'
    )


def _empty(width: int, height: int, message: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" class="chart empty"><text x="{width / 2}" y="{height / 2}" '
        f'text-anchor="middle" fill="{MUTED}">{_esc(message)}</text></svg>'
    )


def _date_ticks(d0: date, d1: date, target: int = 6) -> list[date]:
    """Evenly spaced days from ``d0`` to ``d1`` (about ``target``), on round intervals."""
    span = (d1 - d0).days
    if span <= 0:
        return [d0]
    for days in (1, 2, 7, 14, 28, 56, 91, 182, 364):
        if span / days <= target:
            break
    ticks = [d0 + timedelta(days=days * i) for i in range(span // days + 1)]
    return ticks


def line_chart(
    lines: Sequence[Line],
    *,
    title: str,
    lang: str = "en",
    y_title: str = "",
    x_title: str = "",
    empty: str = "no data",
    width: int = 760,
    height: int = 300,
    zero_based: bool = False,
    legend: bool = True,
    color: str | None = None,
    band: tuple[date, date] | None = None,
    partial: dict[date, int] | None = None,
    bucket_days: int = 1,
    unit: str = "",
) -> Markup:
    """A multi-line chart over dates, with titled axes, round y ticks, date ticks and a
    legend.

    The y axis fits the data (so a small growth is visible) unless ``zero_based``; ``band``
    shades a date range (the report period) behind the lines. ``partial`` maps the first
    day of a bucket that holds fewer days of data than ``bucket_days`` to its number of days:
    the line into such a point is dashed, the point hollow and labelled.
    """
    points = [(d, v) for _, pts in lines for d, v in pts if v is not None]
    if not points:
        return _empty(width, height, empty)
    partial = partial or {}
    left = 72 if y_title else 56
    right, top = 16, 12
    extras = (1 if partial else 0) + (1 if band else 0)  # longer texts: two per row
    legend_rows = math.ceil((len(lines) if legend else 0) / 3) + math.ceil(extras / 2)
    bottom = 34 + (18 if x_title else 0) + 18 * legend_rows
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
    step = nice_step(hi - lo)
    lo = math.floor(lo / step) * step
    hi = math.ceil(hi / step) * step

    def x(d: date) -> float:
        return left + (d - d0).days / span_days * plot_w

    def y(v: float) -> float:
        return top + plot_h - (v - lo) / (hi - lo) * plot_h

    parts = [_svg_open(width, height, "line-chart", title)]
    if band is not None and band[1] >= d0 and band[0] <= d1:
        bx0, bx1 = x(max(band[0], d0)), x(min(band[1], d1))
        parts.append(
            f'<rect x="{_f(bx0)}" y="{top}" width="{_f(max(bx1 - bx0, 1))}" height="{plot_h}" '
            f'fill="#eff6ff" class="period-band"/>'
        )
    ticks = [lo + i * step for i in range(round((hi - lo) / step) + 1)]
    for tick, label in zip(ticks, axis_labels(ticks, step, lang, unit), strict=True):
        ty = y(tick)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_f(ty)}" y2="{_f(ty)}" '
            f'stroke="#e5e7eb"/><text x="{left - 6}" y="{_f(ty + 4)}" text-anchor="end" '
            f'font-size="11" fill="{MUTED}" class="y-tick">{_esc(label)}</text>'
        )
    base = top + plot_h
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{base}" y2="{base}" stroke="#9ca3af"/>'
    )
    with_year = d0.year != d1.year
    date_ticks = _date_ticks(d0, d1)
    for i, tick_day in enumerate(date_ticks):
        tx = x(tick_day)
        anchor = "start" if i == 0 else "middle"
        if i == len(date_ticks) - 1 and tx > left + plot_w - 30:
            anchor = "end"  # the last date stays inside the chart
        parts.append(
            f'<line x1="{_f(tx)}" x2="{_f(tx)}" y1="{base}" y2="{base + 4}" stroke="#9ca3af"/>'
            f'<text x="{_f(tx)}" y="{base + 16}" font-size="11" fill="{MUTED}" '
            f'text-anchor="{anchor}" class="x-tick">'
            f"{_esc(i18n.day_short(tick_day, lang, year=with_year))}</text>"
        )
    if y_title:
        cy = top + plot_h / 2
        parts.append(
            f'<text x="14" y="{_f(cy)}" font-size="12" fill="#374151" text-anchor="middle" '
            f'transform="rotate(-90 14 {_f(cy)})" class="axis-title">{_esc(y_title)}</text>'
        )
    if x_title:
        parts.append(
            f'<text x="{_f(left + plot_w / 2)}" y="{base + 34}" font-size="12" fill="#374151" '
            f'text-anchor="middle" class="axis-title">{_esc(x_title)}</text>'
        )
    for i, (label, pts) in enumerate(lines):
        stroke = color if color and len(lines) == 1 else PALETTE[i % len(PALETTE)]
        segments: list[list[tuple[date, float]]] = [[]]
        for d, v in pts:
            if v is None:
                segments.append([])
                continue
            segments[-1].append((d, v))
        for seg in segments:
            solid = [p for p in seg if p[0] not in partial]
            coords = " ".join(f"{_f(x(d))},{_f(y(v))}" for d, v in solid)
            if len(solid) > 1:
                parts.append(
                    f'<polyline fill="none" stroke="{stroke}" stroke-width="2" '
                    f'points="{coords}"><title>{_esc(label)}</title></polyline>'
                )
            elif len(solid) == 1:
                d, v = solid[0]
                parts.append(f'<circle cx="{_f(x(d))}" cy="{_f(y(v))}" r="2.5" fill="{stroke}"/>')
            for j, (d, v) in enumerate(seg):
                if d not in partial:
                    continue
                neighbours = [seg[k] for k in (j - 1, j + 1) if 0 <= k < len(seg)]
                for nd, nv in neighbours:
                    parts.append(
                        f'<line x1="{_f(x(nd))}" y1="{_f(y(nv))}" x2="{_f(x(d))}" '
                        f'y2="{_f(y(v))}" stroke="{stroke}" stroke-width="2" '
                        f'stroke-dasharray="5 4" class="partial"/>'
                    )
                note = i18n.t("partial_week", lang).format(days=partial[d])
                anchor = "end" if x(d) > left + plot_w * 0.8 else "start"
                dx = -6 if anchor == "end" else 6
                parts.append(
                    f'<circle cx="{_f(x(d))}" cy="{_f(y(v))}" r="4" fill="#ffffff" '
                    f'stroke="{stroke}" stroke-width="2" class="partial-point">'
                    f"<title>{_esc(note)}</title></circle>"
                )
                if i == 0:
                    parts.append(
                        f'<text x="{_f(x(d) + dx)}" y="{_f(max(y(v) - 8, top + 10))}" '
                        f'font-size="11" fill="{MUTED}" text-anchor="{anchor}" '
                        f'class="partial-label">{_esc(i18n.t("partial", lang))}</text>'
                    )
    items: list[tuple[str, str]] = []
    extra_items: list[tuple[str, str]] = []
    if legend:
        items += [
            (
                f'<rect x="0" y="-9" width="12" height="4" '
                f'fill="{color if color and len(lines) == 1 else PALETTE[i % len(PALETTE)]}"/>',
                label,
            )
            for i, (label, _pts) in enumerate(lines)
        ]
    if partial:
        extra_items.append(
            (
                '<line x1="0" y1="-7" x2="12" y2="-7" stroke="#374151" stroke-width="2" '
                'stroke-dasharray="4 3"/>',
                i18n.t("partial_legend", lang),
            )
        )
    if band:
        extra_items.append(
            (
                '<rect x="0" y="-11" width="12" height="8" fill="#eff6ff" stroke="#bfdbfe"/>',
                i18n.t("period_band", lang),
            )
        )
    legend_top = base + 34 + (18 if x_title else 0)
    placed = [(i % 3 * plot_w / 3, i // 3, item) for i, item in enumerate(items)]
    first_row = math.ceil(len(items) / 3)
    placed += [(i % 2 * plot_w / 2, first_row + i // 2, item) for i, item in enumerate(extra_items)]
    for offset, row, (swatch, label) in placed:
        lx = left + offset
        ly = legend_top + 18 * row
        parts.append(
            f'<g transform="translate({_f(lx)},{ly})" class="legend">{swatch}'
            f'<text x="16" y="-4" font-size="12">{_esc(label)}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def heatmap(
    values: Sequence[Sequence[float | None]],
    *,
    weekdays: Sequence[str],
    title: str,
    lang: str = "en",
    best: Sequence[tuple[int, int]] = (),
    empty: str = "no data",
    width: int = 760,
) -> Markup:
    """A 7 x 24 grid (weekday x hour): darker is better; the best cells are outlined; a
    colour scale below says what the shades mean."""
    cells = [v for row in values for v in row if v is not None]
    left, top, cell_h = 40, 20, 24
    cell_w = (width - left - 8) / 24
    grid_bottom = top + 7 * cell_h
    height = grid_bottom + 84
    if not cells:
        return _empty(width, height, empty)
    hi = max(cells) or 1.0
    best_set = set(map(tuple, best[:3]))
    parts = [_svg_open(width, height, "heatmap", title)]
    for h in range(0, 24, 3):
        parts.append(
            f'<text x="{_f(left + h * cell_w + cell_w / 2)}" y="14" font-size="11" '
            f'text-anchor="middle" fill="{MUTED}">{h:02d}</text>'
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
                i18n.t("heat_empty", lang) if v is None else value_label(v, lang)
            )
            parts.append(
                f'<rect x="{_f(cx + 1)}" y="{cy + 1}" width="{_f(cell_w - 2)}" '
                f'height="{cell_h - 2}" fill="{fill}" fill-opacity="{opacity:.2f}"{outline}>'
                f"<title>{_esc(label)}</title></rect>"
            )
    # the hour axis title and the colour scale
    parts.append(
        f'<text x="{_f(left + 12 * cell_w)}" y="{grid_bottom + 18}" font-size="12" '
        f'fill="#374151" text-anchor="middle" class="axis-title">'
        f"{_esc(i18n.t('axis_hour', lang))}</text>"
    )
    sy = grid_bottom + 36
    parts.append(
        f'<g class="heat-scale"><text x="{left}" y="{sy + 11}" font-size="12" fill="#374151">'
        f"{_esc(i18n.t('heat_scale', lang))}</text>"
    )
    sx = left + 170
    steps = 6
    for i in range(steps):
        v = hi * i / (steps - 1)
        opacity = 0.08 + 0.92 * v / hi
        parts.append(
            f'<rect x="{_f(sx + i * 34)}" y="{sy}" width="32" height="14" fill="#2563eb" '
            f'fill-opacity="{opacity:.2f}"/><text x="{_f(sx + i * 34 + 16)}" y="{sy + 28}" '
            f'font-size="10" fill="{MUTED}" text-anchor="middle">'
            f"{_esc(value_label(round(v, 1), lang))}</text>"
        )
    ex = sx + steps * 34 + 16
    parts.append(
        f'<rect x="{_f(ex)}" y="{sy}" width="14" height="14" fill="#f3f4f6"/>'
        f'<text x="{_f(ex + 18)}" y="{sy + 11}" font-size="11" fill="{MUTED}">'
        f"{_esc(i18n.t('heat_empty', lang))}</text>"
        f'<rect x="{_f(ex + 100)}" y="{sy}" width="14" height="14" fill="none" '
        f'stroke="#111827" stroke-width="2"/><text x="{_f(ex + 118)}" y="{sy + 11}" '
        f'font-size="11" fill="{MUTED}">{_esc(i18n.t("best_cell", lang))}</text></g>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(
    bars: Sequence[tuple[str, float | None, bool]],
    *,
    title: str,
    lang: str = "en",
    unit: str = "",
    empty: str = "no data",
    width: int = 760,
) -> Markup:
    """Horizontal bars, one per (label, value, highlighted); the client is highlighted."""
    known = [v for _, v, _ in bars if v is not None]
    bar_h, gap, left, right = 22, 8, 170, 90
    height = max(len(bars), 1) * (bar_h + gap) + 10
    if not known:
        return _empty(width, height, empty)
    hi = max(max(known), 0) or 1.0
    plot_w = width - left - right
    parts = [_svg_open(width, height, "bars", title)]
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
                f'fill="{MUTED}">{_esc(i18n.t("unknown", lang))}</text>'
            )
            continue
        w = max(v, 0) / hi * plot_w
        color = PALETTE[0] if highlight else "#9ca3af"
        parts.append(
            f'<rect x="{left}" y="{yy}" width="{_f(w)}" height="{bar_h}" fill="{color}" rx="2"/>'
            f'<text x="{_f(left + w + 6)}" y="{yy + bar_h / 2 + 4}" font-size="12">'
            f"{_esc(value_label(v, lang, unit))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
