"""A radar chart drawn as SVG geometry on the server: no script, prints as it shows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

SIZE = 560  # the chart's square viewBox
CENTRE = SIZE / 2
RADIUS = 170
RINGS = (25, 50, 75, 100)  # the band boundaries as rings


@dataclass(frozen=True)
class Axis:
    label: str
    score: int | None
    x: float  # end of the axis line
    y: float
    label_x: float
    label_y: float
    anchor: str  # text-anchor for the label


@dataclass(frozen=True)
class Radar:
    size: int
    axes: tuple[Axis, ...]
    rings: tuple[tuple[int, str], ...]  # (value, polygon points)
    outline: str  # the company's polygon; unmeasured dimensions sit at the centre
    dots: tuple[tuple[float, float], ...]
    others: tuple[str, ...] = ()  # thin outlines drawn under it: a team's participants


def _point(index: int, count: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    r = RADIUS * value / 100
    return CENTRE + r * math.cos(angle), CENTRE + r * math.sin(angle)


def _points(values: Sequence[float]) -> str:
    count = len(values)
    return " ".join(
        f"{x:.1f},{y:.1f}" for x, y in (_point(i, count, v) for i, v in enumerate(values))
    )


def radar(
    labels: Sequence[str],
    scores: Sequence[int | None],
    others: Sequence[Sequence[int | None]] = (),
) -> Radar:
    """Geometry for a radar of ``scores`` (0-100) around ``labels``, over ``others``."""
    count = len(labels)
    axes = []
    for i, (label, score) in enumerate(zip(labels, scores, strict=True)):
        x, y = _point(i, count, 100)
        lx, ly = _point(i, count, 118)
        anchor = "middle" if abs(lx - CENTRE) < 20 else ("start" if lx > CENTRE else "end")
        axes.append(Axis(label, score, x, y, lx, ly + (4 if ly > CENTRE else 0), anchor))
    values = [float(s) if s is not None else 0.0 for s in scores]
    return Radar(
        size=SIZE,
        axes=tuple(axes),
        rings=tuple((ring, _points([ring] * count)) for ring in RINGS),
        outline=_points(values),
        dots=tuple(_point(i, count, v) for i, v in enumerate(values) if scores[i] is not None),
        others=tuple(_points([float(v) if v is not None else 0.0 for v in o]) for o in others),
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float  # top of the bar
    height: float
    labelled: bool  # whether its label is written under the axis (at most about twelve are)


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int  # of the plot; labels go below it
    bar_width: float
    maximum: int
    bars: tuple[Bar, ...]


def bar_chart(items: Sequence[tuple[str, int]], width: int = 640, height: int = 160) -> BarChart:
    """Geometry for vertical bars of ``items`` (label, count) from left to right."""
    maximum = max((value for _, value in items), default=0)
    slot = width / max(len(items), 1)
    step = max(1, math.ceil(len(items) / 12))
    bars = []
    for i, (label, value) in enumerate(items):
        bar_height = height * value / maximum if maximum else 0.0
        bars.append(
            Bar(label, value, i * slot + slot * 0.1, height - bar_height, bar_height, i % step == 0)
        )
    return BarChart(width, height, slot * 0.8, maximum, tuple(bars))
