"""The geometry of the server-rendered SVG charts (drawn by the macros of `charts.html`):
plain numbers in, shapes with their values out. Every shape keeps the value it plots
(`data-value` on the page), so tests check the plotted numbers, not pixels, and every chart
has a table of the same numbers beside it for those who cannot see it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

WIDTH: Final = 640
HEIGHT: Final = 180
PAD_LEFT: Final = 34
PAD_BOTTOM: Final = 22
PAD_TOP: Final = 10


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    value: float
    label: str
    series: str


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    rects: list[Rect]
    ticks_x: list[Tick]
    ticks_y: list[Tick]
    points: str = ""  # a polyline's points, for a line chart
    dots: tuple[Rect, ...] = ()


def _nice_top(values: Sequence[float]) -> float:
    top = max(values, default=0.0)
    if top <= 0:
        return 1.0
    for step in (0.25, 0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if top <= step * 4:
            return float(step * 4)
    return float(top)


def _y_ticks(top: float, height: int) -> list[Tick]:
    inner = height - PAD_BOTTOM - PAD_TOP
    return [
        Tick(x=PAD_LEFT - 4, y=PAD_TOP + inner * (1 - k / 4), text=f"{top * k / 4:g}")
        for k in range(5)
    ]


def bars(
    labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], height: int = HEIGHT
) -> Chart:
    """Grouped bars: one group per label, one bar per series."""
    top = _nice_top([v for _, values in series for v in values])
    inner_w = WIDTH - PAD_LEFT - 4
    inner_h = height - PAD_BOTTOM - PAD_TOP
    group = inner_w / max(1, len(labels))
    bar = group * 0.8 / max(1, len(series))
    rects = []
    for i, label in enumerate(labels):
        for j, (name, values) in enumerate(series):
            value = float(values[i])
            h = inner_h * value / top
            rects.append(
                Rect(
                    x=round(PAD_LEFT + i * group + group * 0.1 + j * bar, 1),
                    y=round(PAD_TOP + inner_h - h, 1),
                    w=round(bar, 1),
                    h=round(h, 1),
                    value=value,
                    label=label,
                    series=name,
                )
            )
    every = max(1, len(labels) // 6)
    ticks_x = [
        Tick(x=round(PAD_LEFT + i * group + group / 2, 1), y=height - 6, text=label)
        for i, label in enumerate(labels)
        if i % every == 0
    ]
    return Chart(WIDTH, height, rects, ticks_x, _y_ticks(top, height))


def line(
    labels: Sequence[str], values: Sequence[float], top: float = 100.0, height: int = HEIGHT
) -> Chart:
    """A line through the values, 0 to `top`, a dot at each."""
    inner_w = WIDTH - PAD_LEFT - 12
    inner_h = height - PAD_BOTTOM - PAD_TOP
    step = inner_w / max(1, len(values) - 1)
    dots = tuple(
        Rect(
            x=round(PAD_LEFT + 6 + i * step, 1),
            y=round(PAD_TOP + inner_h * (1 - min(v, top) / top), 1),
            w=0,
            h=0,
            value=float(v),
            label=labels[i],
            series="value",
        )
        for i, v in enumerate(values)
    )
    every = max(1, len(labels) // 6)
    ticks_x = [
        Tick(x=d.x, y=height - 6, text=d.label) for i, d in enumerate(dots) if i % every == 0
    ]
    points = " ".join(f"{d.x},{d.y}" for d in dots)
    return Chart(WIDTH, height, [], ticks_x, _y_ticks(top, height), points, dots)


def heatmap(days: Sequence[tuple[date, float]], cell: int = 12) -> Chart:
    """A calendar heatmap: one column per week (Monday on top), one cell per day; each
    cell's level 0-4 is its share of the busiest day (the `series` of the shape)."""
    if not days:
        return Chart(WIDTH, 7 * cell + PAD_BOTTOM, [], [], [])
    first = days[0][0] - timedelta(days=days[0][0].weekday())
    top = max((v for _, v in days), default=0.0) or 1.0
    rects = []
    ticks_x = []
    for d, v in days:
        week = (d - first).days // 7
        level = 0 if v <= 0 else min(4, 1 + int(3 * v / top))
        rects.append(
            Rect(
                x=PAD_LEFT + week * (cell + 2),
                y=d.weekday() * (cell + 2),
                w=cell,
                h=cell,
                value=v,
                label=d.isoformat(),
                series=f"l{level}",
            )
        )
        if d.day <= 7 and d.weekday() == 0:
            ticks_x.append(
                Tick(x=PAD_LEFT + week * (cell + 2), y=7 * (cell + 2) + 12, text=d.strftime("%b"))
            )
    weeks = (days[-1][0] - first).days // 7 + 1
    width = PAD_LEFT + weeks * (cell + 2)
    ticks_y = [
        Tick(x=PAD_LEFT - 4, y=k * (cell + 2) + cell - 2, text=t)
        for k, t in ((0, "Mon"), (2, "Wed"), (4, "Fri"))
    ]
    return Chart(width, 7 * (cell + 2) + PAD_BOTTOM, rects, ticks_x, ticks_y)


@dataclass(frozen=True)
class Row:
    label: str
    href: str
    y: float
    touches: list[Rect]
    due: list[Rect]  # series: kept, missed, upcoming


def timeline(
    rows: Sequence[tuple[str, str, Sequence[date], Sequence[tuple[date, str]]]],
    first: date,
    last: date,
    row_height: int = 26,
    label_width: int = 150,
) -> tuple[list[Row], list[Tick], int]:
    """One row per member: a dot at each touch, a mark at each due date, on a day axis."""
    span = max(1, (last - first).days)
    inner = WIDTH - label_width - 10

    def x(d: date) -> float:
        return round(label_width + inner * (d - first).days / span, 1)

    out = []
    for i, (label, href, touches, due) in enumerate(rows):
        y = 8 + i * row_height + row_height / 2
        out.append(
            Row(
                label=label,
                href=href,
                y=y,
                touches=[Rect(x(d), y, 0, 0, 1, d.isoformat(), "touch") for d in touches],
                due=[Rect(x(d), y, 0, 0, 1, d.isoformat(), state) for d, state in due],
            )
        )
    ticks = []
    d = first + timedelta(days=(7 - first.weekday()) % 7)
    while d <= last:
        ticks.append(Tick(x(d), 0, d.strftime("%d %b")))
        d += timedelta(weeks=2)
    height = 8 + len(rows) * row_height + PAD_BOTTOM
    return out, ticks, height
