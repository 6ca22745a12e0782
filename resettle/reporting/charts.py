"""Charts as inline SVG, drawn on the server (pure: no Django).

Why by hand: the pages' Content-Security-Policy allows no inline script and no inline style, so
JavaScript chart libraries are out, and the SVG that matplotlib or pygal write carries `style=`
attributes or <style> elements the browser would refuse. Here every colour, size and font is an
SVG presentation attribute, which the CSP does not govern. Each chart has a <title> and <desc>
for screen readers; the page shows the same numbers as a table beside it.

A suppressed value (None) is drawn as no bar with a dash in its place, never as zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

# Okabe-Ito: distinguishable with the common colour-vision deficiencies, and in greyscale print.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
INK = "#1b1b1b"
MUTED = "#5a5a5a"
GRID = "#d9d9d9"
FONT = "system-ui, 'Noto Sans', sans-serif"
SUPPRESSED_MARK = "–"


@dataclass(frozen=True)
class SeriesData:
    label: str
    values: Sequence[float | int | None]


def _a(**attrs) -> str:
    """Attributes, escaped; a trailing underscore drops (class_) and underscores become dashes."""
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        parts.append(f'{name}="{escape(str(value), quote=True)}"')
    return " ".join(parts)


def nice_max(value: float) -> float:
    """A round upper end for the axis (1, 2, 2.5, 5 or 10 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def fmt(value: float | int | None) -> str:
    if value is None:
        return SUPPRESSED_MARK
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _ticks(top: float, count: int = 4) -> list[float]:
    return [top * i / count for i in range(count + 1)]


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> list[str]:
    return [
        f'<svg {_a(xmlns="http://www.w3.org/2000/svg", viewBox=f"0 0 {width} {height}", width="100%", role="img", aria_labelledby=f"{chart_id}-t {chart_id}-d", font_family=FONT, font_size=13, fill=INK, class_="chart-svg", preserveAspectRatio="xMinYMin meet")}>',
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>',
        f'<rect {_a(x=0, y=0, width=width, height=height, fill="#ffffff")}/>',
    ]


def _legend(series: Sequence[SeriesData], x: float, y: float) -> list[str]:
    out = []
    for i, s in enumerate(series):
        out.append(f'<rect {_a(x=x, y=y - 10, width=12, height=12, fill=PALETTE[i % len(PALETTE)], class_="legend-key")}/>')
        out.append(f'<text {_a(x=x + 17, y=y)}>{escape(s.label)}</text>')
        x += 17 + 7.2 * len(s.label) + 22
    return out


def horizontal_bars(chart_id: str, title: str, categories: Sequence[str], series: Sequence[SeriesData], *,
                    unit: str = "", width: int = 600, label_width: int | None = None) -> str:
    """Grouped horizontal bars, one group per category (long labels such as stage names read
    well down the side). Values are written at the end of each bar."""
    n_series = max(1, len(series))
    if label_width is None:  # room for the longest label at about 7 units a character
        label_width = int(min(width * 0.45, 14 + 7.2 * max((len(c) for c in categories), default=4)))
    bar_h = 14 if n_series > 1 else 18
    group_h = n_series * bar_h + 10
    top_pad = 34 if n_series > 1 else 12
    plot_h = max(1, len(categories)) * group_h
    height = top_pad + plot_h + 30
    plot_x0, plot_x1 = label_width, width - 56
    values = [v for s in series for v in s.values if v is not None]
    top = nice_max(max(values, default=0))

    def x_of(v: float) -> float:
        return plot_x0 + (plot_x1 - plot_x0) * (v / top)

    desc = f"{title}: " + "; ".join(
        f"{c}: " + ", ".join(f"{s.label} {fmt(s.values[i])}{(' ' + unit) if unit and s.values[i] is not None else ''}"
                             for s in series)
        for i, c in enumerate(categories))
    out = _open(chart_id, title, desc, width, height)
    if n_series > 1:
        out += _legend(series, plot_x0, 18)
    for t in _ticks(top):
        x = x_of(t)
        out.append(f'<line {_a(x1=x, y1=top_pad - 4, x2=x, y2=top_pad + plot_h, stroke=GRID, stroke_width=1)}/>')
        out.append(f'<text {_a(x=x, y=top_pad + plot_h + 16, text_anchor="middle", fill=MUTED, font_size=11)}>{fmt(t)}</text>')
    if unit:
        out.append(f'<text {_a(x=plot_x1, y=top_pad + plot_h + 28, text_anchor="end", fill=MUTED, font_size=11)}>{escape(unit)}</text>')
    for i, category in enumerate(categories):
        gy = top_pad + i * group_h
        out.append(f'<text {_a(x=plot_x0 - 8, y=gy + group_h / 2 + 1, text_anchor="end", dominant_baseline="middle")}>{escape(category)}</text>')
        for j, s in enumerate(series):
            v = s.values[i]
            y = gy + 5 + j * bar_h
            if v is None:
                out.append(f'<text {_a(x=plot_x0 + 4, y=y + bar_h / 2 + 1, dominant_baseline="middle", fill=MUTED, class_="suppressed")}>{SUPPRESSED_MARK} suppressed</text>')
                continue
            w = max(0.0, x_of(v) - plot_x0)
            out.append(f'<rect {_a(x=plot_x0, y=y, width=round(w, 2), height=bar_h - 2, fill=PALETTE[j % len(PALETTE)], class_="bar")}><title>{escape(f"{category}, {s.label}: {fmt(v)}")}</title></rect>')
            out.append(f'<text {_a(x=plot_x0 + w + 4, y=y + bar_h / 2, dominant_baseline="middle", font_size=11)}>{fmt(v)}</text>')
    out.append(f'<line {_a(x1=plot_x0, y1=top_pad - 4, x2=plot_x0, y2=top_pad + plot_h, stroke=INK, stroke_width=1)}/>')
    out.append("</svg>")
    return "\n".join(out)


def vertical_bars(chart_id: str, title: str, categories: Sequence[str], series: Sequence[SeriesData], *,
                  unit: str = "", width: int = 600, height: int = 300, max_labels: int = 12) -> str:
    """Grouped vertical bars over time (quarters, months, flights). With many categories only
    every k-th label is written so they never overlap; each bar has its own tooltip."""
    n_series = max(1, len(series))
    n = max(1, len(categories))
    left, right, top_pad, bottom = 48, 12, 34, 44
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    group_w = plot_w / n
    bar_w = max(1.0, (group_w * 0.8) / n_series)
    values = [v for s in series for v in s.values if v is not None]
    top = nice_max(max(values, default=0))

    def y_of(v: float) -> float:
        return top_pad + plot_h - plot_h * (v / top)

    desc = f"{title}: " + "; ".join(
        f"{c}: " + ", ".join(f"{s.label} {fmt(s.values[i])}" for s in series) for i, c in enumerate(categories))
    out = _open(chart_id, title, desc, width, height)
    out += _legend(series, left, 18)
    for t in _ticks(top):
        y = y_of(t)
        out.append(f'<line {_a(x1=left, y1=y, x2=width - right, y2=y, stroke=GRID, stroke_width=1)}/>')
        out.append(f'<text {_a(x=left - 6, y=y, text_anchor="end", dominant_baseline="middle", fill=MUTED, font_size=11)}>{fmt(t)}</text>')
    every = max(1, math.ceil(n / max_labels))
    for i, category in enumerate(categories):
        gx = left + i * group_w + group_w * 0.1
        for j, s in enumerate(series):
            v = s.values[i]
            x = gx + j * bar_w
            if v is None:
                out.append(f'<text {_a(x=x + bar_w / 2, y=top_pad + plot_h - 4, text_anchor="middle", fill=MUTED, class_="suppressed")}>{SUPPRESSED_MARK}</text>')
                continue
            y = y_of(v)
            out.append(f'<rect {_a(x=round(x, 2), y=round(y, 2), width=round(max(bar_w - 1, 1), 2), height=round(top_pad + plot_h - y, 2), fill=PALETTE[j % len(PALETTE)], class_="bar")}><title>{escape(f"{category}, {s.label}: {fmt(v)}")}</title></rect>')
        if i % every == 0:
            cx = left + i * group_w + group_w / 2
            out.append(f'<text {_a(x=round(cx, 2), y=top_pad + plot_h + 16, text_anchor="middle", font_size=11)}>{escape(category)}</text>')
    out.append(f'<line {_a(x1=left, y1=top_pad + plot_h, x2=width - right, y2=top_pad + plot_h, stroke=INK, stroke_width=1)}/>')
    if unit:
        out.append(f'<text {_a(x=left, y=height - 6, fill=MUTED, font_size=11)}>{escape(unit)}</text>')
    out.append("</svg>")
    return "\n".join(out)
