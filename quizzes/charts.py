"""Server-rendered SVG charts: a year's heatmap, simple bar charts, a card's stability over time.

Each chart is an accessible image (role="img", a <title> and a <desc> that says what it shows in
words), every bar and cell carries its own <title> as a tooltip, and the page puts a table beside
it for screen readers. Colours come from CSS classes, so the charts follow the light/dark theme.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import count

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

_ids = count(1)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class Bar:
    label: str  # short axis label ("3 Mar")
    value: float | None  # None: no data (drawn as a gap, not as zero)
    title: str  # the tooltip and text alternative ("3 Mar: 12 reviews")


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(
    width: float, height: float, title: str, desc: str, body: list[str], cls: str
) -> SafeString:
    ident = f"chart{next(_ids)}"
    head = format_html(
        '<svg class="chart {}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}t {}d"'
        ' preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}t">{}</title><desc id="{}d">{}</desc>',
        cls,
        _fmt(width),
        _fmt(height),
        ident,
        ident,
        ident,
        title,
        ident,
        desc,
    )
    return mark_safe(head + "".join(body) + "</svg>")  # parts escaped as built


def _grid_line(left: float, y: float, width: float) -> SafeString:
    """A horizontal grid line (a chart's baseline or top) across the plot."""
    return format_html(
        '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"/>', left, y, left + width, y
    )


def heat_level(value: int, peak: int) -> int:
    """0 for none, then 1–4 by quarters of the busiest day (as GitHub's calendar)."""
    if value <= 0 or peak <= 0:
        return 0
    return min(4, 1 + (4 * (value - 1)) // max(peak, 1))


def heatmap(counts: dict[date, int], *, today: date, weeks: int = 53) -> SafeString:
    """A calendar of the past year, one square per day, Monday at the top of each column."""
    cell, gap, left, top = 11, 2, 28, 16
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    peak = max(counts.values(), default=0)
    body: list[str] = []
    month_seen = None
    total = 0
    active = 0
    for week in range(weeks):
        x = left + week * (cell + gap)
        monday = first + timedelta(weeks=week)
        if monday.month != month_seen:
            # The first column's month is left unnamed when the next one starts right after it:
            # the two labels would overlap.
            if week > 0 or (monday + timedelta(days=14)).month == monday.month:
                body.append(
                    format_html(
                        '<text class="axis" x="{}" y="{}">{}</text>',
                        x,
                        top - 5,
                        MONTHS[monday.month - 1],
                    )
                )
            month_seen = monday.month
        for weekday in range(7):
            day = monday + timedelta(days=weekday)
            if day > today:
                continue
            n = counts.get(day, 0)
            total += n
            active += n > 0
            body.append(
                format_html(
                    '<rect class="heat{}" x="{}" y="{}" width="{}" height="{}" rx="2">'
                    "<title>{}: {} review{}</title></rect>",
                    heat_level(n, peak),
                    x,
                    top + weekday * (cell + gap),
                    cell,
                    cell,
                    day.strftime("%a %-d %b %Y"),
                    n,
                    "" if n == 1 else "s",
                )
            )
    for weekday, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
        body.append(
            format_html(
                '<text class="axis" x="0" y="{}">{}</text>',
                top + weekday * (cell + gap) + cell - 2,
                name,
            )
        )
    width = left + weeks * (cell + gap)
    height = top + 7 * (cell + gap)
    desc = f"{total} reviews on {active} of the last {weeks * 7} days; the busiest day had {peak}."
    return _svg(width, height, "Reviews per day over the past year", desc, body, "heatmap")


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    desc: str,
    unit: str = "",
    maximum: float | None = None,
    target: float | None = None,
    target_label: str = "",
    label_every: int = 7,
) -> SafeString:
    """Vertical bars with a y axis (0 and the top value) and every `label_every`th x label."""
    width, height = 640, 200
    left, right, top, bottom = 34, 8, 10, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = maximum if maximum is not None else max((b.value or 0 for b in bars), default=0)
    peak = peak or 1
    step = plot_w / max(len(bars), 1)
    body = [
        _grid_line(left, top + plot_h, plot_w),
        _grid_line(left, top, plot_w),
        format_html(
            '<text class="axis" x="{}" y="{}" text-anchor="end">{}{}</text>',
            left - 4,
            top + 8,
            _fmt(peak),
            unit,
        ),
        format_html(
            '<text class="axis" x="{}" y="{}" text-anchor="end">0</text>', left - 4, top + plot_h
        ),
    ]
    for index, bar in enumerate(bars):
        x = left + index * step
        if bar.value is not None:
            h = plot_h * min(bar.value, peak) / peak
            body.append(
                format_html(
                    '<rect class="bar" x="{}" y="{}" width="{}" height="{}">'
                    "<title>{}</title></rect>",
                    _fmt(x + step * 0.12),
                    _fmt(top + plot_h - h),
                    _fmt(max(step * 0.76, 1)),
                    _fmt(max(h, 0.5 if bar.value else 0)),
                    bar.title,
                )
            )
        if index % label_every == 0:
            body.append(
                format_html(
                    '<text class="axis" x="{}" y="{}">{}</text>',
                    _fmt(x + step * 0.12),
                    height - 6,
                    bar.label,
                )
            )
    if target is not None and 0 <= target <= peak:
        y = top + plot_h - plot_h * target / peak
        body.append(
            format_html(
                '<line class="target" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="axis target-label" x="{}" y="{}" text-anchor="end">{}</text>',
                left,
                _fmt(y),
                left + plot_w,
                _fmt(y),
                left + plot_w,
                _fmt(y - 3),
                target_label,
            )
        )
    return _svg(width, height, title, desc, body, "bars")


@dataclass(frozen=True)
class Point:
    when: datetime
    value: float
    title: str  # the tooltip and text alternative ("3 Mar: Good, stability 4.2 days")
    marked: bool = False  # drawn in the warning colour (a lapse)


def _days_label(days: float) -> str:
    if days < 1:
        return f"{_fmt(days * 24)}h"
    if days < 60:
        return f"{_fmt(days)}d"
    if days < 730:
        return f"{_fmt(days / 30)}mo"
    return f"{_fmt(days / 365)}y"


def stability_chart(points: Sequence[Point], *, title: str, desc: str) -> SafeString:
    """A line over time of a card's stability (days) after each review, on a log scale: it grows
    from minutes to years, and each review's gain is a step of the same height for the same
    factor. Marked points (lapses) are drawn apart."""
    width, height = 640, 180
    left, right, top, bottom = 42, 10, 10, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [max(p.value, 1e-3) for p in points]
    low, high = math.log10(min(values, default=1)), math.log10(max(values, default=1))
    if high - low < 1:
        low, high = low - 0.5, high + 0.5
    start = points[0].when if points else None
    span = (points[-1].when - start).total_seconds() if points and start else 0

    def x(point: Point) -> float:
        if not span or start is None:
            return left + plot_w / 2
        return left + plot_w * (point.when - start).total_seconds() / span

    def y(value: float) -> float:
        return top + plot_h - plot_h * (math.log10(max(value, 1e-3)) - low) / (high - low)

    body = [
        _grid_line(left, top + plot_h, plot_w),
        format_html(
            '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>',
            left - 4,
            top + 8,
            _days_label(10**high),
        ),
        format_html(
            '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>',
            left - 4,
            top + plot_h,
            _days_label(10**low),
        ),
    ]
    if len(points) > 1:
        path = " ".join(f"{_fmt(x(p))},{_fmt(y(p.value))}" for p in points)
        body.append(format_html('<polyline class="line" points="{}"/>', path))
    for point in points:
        body.append(
            format_html(
                '<circle class="dot{}" cx="{}" cy="{}" r="3.5"><title>{}</title></circle>',
                " again" if point.marked else "",
                _fmt(x(point)),
                _fmt(y(point.value)),
                point.title,
            )
        )
    if points:
        for point, anchor in ((points[0], "start"), (points[-1], "end")):
            if point is points[-1] and len(points) == 1:
                break
            body.append(
                format_html(
                    '<text class="axis" x="{}" y="{}" text-anchor="{}">{}</text>',
                    _fmt(x(point)),
                    height - 6,
                    anchor,
                    f"{point.when:%-d %b %Y}",
                )
            )
    return _svg(width, height, title, desc, body, "stability")
