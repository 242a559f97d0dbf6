"""A radar chart drawn as SVG geometry on the server: no script, prints as it shows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import pyphen

SIZE = 560  # the chart's square
CENTRE = SIZE / 2
RADIUS = 145
RINGS = (25, 50, 75, 100)  # the band boundaries as rings
# Room around the square for the labels, in the chart's units: the viewBox is the
# square widened by PAD_X on each side and heightened by PAD_Y above and below.
PAD_X = 105
PAD_Y = 110
# The labels' size in the chart's units. A 360 px phone shows the chart about 328 px
# wide, so a label is 27 * 328 / (SIZE + 2 * PAD_X) ≈ 11.4 px there: at least 11.
LABEL_UNITS = 27
CHAR_UNITS = 0.57 * LABEL_UNITS  # a character's width, roughly (DejaVu Sans and the like)
LABEL_AT = 118  # labels sit at this share of the full radius, in per cent
# Labels are spread further apart up and down than across: a wrapped label is taller
# than it is wide, and a page has more room in height than in width.
LABEL_STRETCH = 1.4


@dataclass(frozen=True)
class Axis:
    label: str
    score: int | None
    x: float  # end of the axis line
    y: float
    label_x: float
    label_y: float
    anchor: str  # text-anchor for the label
    lines: tuple[str, ...] = ()  # the label as written: wrapped to its room, hyphenated
    lift: float = 0.0  # how far the first line is moved up from label_y, in ems


@lru_cache(maxsize=4)
def _hyphenator(language: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="sv" if language == "sv" else "en_GB")


@dataclass(frozen=True)
class LabelLayout:
    """How big a radar's labels are, and the room they have (in the chart's units)."""

    units: int = LABEL_UNITS
    pad_x: int = PAD_X
    room: int = 220  # at most this wide, so that neighbouring labels do not meet
    large: bool = False  # drawn with the stylesheet's large labels (a projector's)
    # How much further out than the ring the labels sit, across and up and down.
    stretch_x: float = 1.0
    stretch_y: float = LABEL_STRETCH
    radius: float = RADIUS  # the chart's own radius in its square
    # Whether a label beside the chart is held to ``room`` too (on a narrow page), or
    # may run to the edge (on a wide screen, where its neighbours are above and below).
    cap_sides: bool = True


PAGE = LabelLayout()
# On a projector the chart is as tall as the screen allows, and a 16:9 screen is wide:
# larger labels, spread out sideways, with more room beside the chart.
PROJECTOR = LabelLayout(
    units=36,
    pad_x=500,
    room=340,
    large=True,
    stretch_x=1.45,
    stretch_y=1.08,
    cap_sides=False,
    radius=195,
)


@lru_cache(maxsize=1024)  # the same ten labels on every page: wrapped once each
def label_lines(
    label: str, room: float, language: str, units: float = LABEL_UNITS
) -> tuple[str, ...]:
    """``label`` in lines of at most ``room`` chart units, words kept whole where they
    fit and otherwise hyphenated by the language's rules (SVG text is not hyphenated by
    the browser)."""
    width = max(4, int(room / (CHAR_UNITS * units / LABEL_UNITS)))
    lines: list[str] = []
    line = ""
    for word in label.split():
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while len(word) > width:
            split = _hyphenator(language).wrap(word, width)
            if split is None:  # no hyphenation point early enough: keep the word whole
                break
            head, word = split
            lines.append(head)
        line = word
    if line:
        lines.append(line)
    return tuple(lines)


LINE_EMS = 1.1  # a label's line height


def _lift(y: float, lines: Sequence[str], radius: float = RADIUS) -> float:
    """Where a label's first line goes, in ems above its anchor: a label beside the
    chart is centred on it (its score line counted); one above grows upwards, away from
    the chart; one below hangs down from it."""
    if abs(y - CENTRE) < radius * 0.6:
        return (len(lines) + 1) * LINE_EMS / 2 - 0.35
    if y < CENTRE:
        return (len(lines) - 1) * LINE_EMS
    return 0.0


def _label_room(x: float, anchor: str, layout: LabelLayout) -> float:
    """The width a label has: from where it is anchored to the edge of the viewBox, and
    never more than the layout's room."""
    if anchor == "start":
        room = SIZE + layout.pad_x - x
    elif anchor == "end":
        room = x + layout.pad_x
    else:
        return min(2 * min(x + layout.pad_x, SIZE + layout.pad_x - x), layout.room)
    return min(room, layout.room) if layout.cap_sides else room


@dataclass(frozen=True)
class Radar:
    size: int
    pad_x: int
    pad_y: int
    axes: tuple[Axis, ...]
    rings: tuple[tuple[int, str], ...]  # (value, polygon points)
    outline: str  # the company's polygon; unmeasured dimensions sit at the centre
    dots: tuple[tuple[float, float], ...]
    others: tuple[str, ...] = ()  # thin outlines drawn under it: a team's participants
    large_labels: bool = False


def _point(index: int, count: int, value: float, radius: float = RADIUS) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    r = radius * value / 100
    return CENTRE + r * math.cos(angle), CENTRE + r * math.sin(angle)


def _points(values: Sequence[float], radius: float = RADIUS) -> str:
    count = len(values)
    return " ".join(
        f"{x:.1f},{y:.1f}" for x, y in (_point(i, count, v, radius) for i, v in enumerate(values))
    )


def radar(
    labels: Sequence[str],
    scores: Sequence[int | None],
    others: Sequence[Sequence[int | None]] = (),
    language: str = "sv",
    layout: LabelLayout = PAGE,
) -> Radar:
    """Geometry for a radar of ``scores`` (0-100) around ``labels``, over ``others``."""
    count = len(labels)
    axes = []
    for i, (label, score) in enumerate(zip(labels, scores, strict=True)):
        x, y = _point(i, count, 100, layout.radius)
        lx, ly = _point(i, count, LABEL_AT, layout.radius)
        lx = CENTRE + layout.stretch_x * (lx - CENTRE)
        ly = CENTRE + layout.stretch_y * (ly - CENTRE)
        anchor = "middle" if abs(lx - CENTRE) < 20 else ("start" if lx > CENTRE else "end")
        lines = label_lines(label, _label_room(lx, anchor, layout), language, layout.units)
        below = 4 if ly > CENTRE else 0
        axes.append(
            Axis(label, score, x, y, lx, ly + below, anchor, lines, _lift(ly, lines, layout.radius))
        )
    values = [float(s) if s is not None else 0.0 for s in scores]
    return Radar(
        size=SIZE,
        pad_x=layout.pad_x,
        pad_y=PAD_Y,
        large_labels=layout.large,
        axes=tuple(axes),
        rings=tuple((ring, _points([ring] * count, layout.radius)) for ring in RINGS),
        outline=_points(values, layout.radius),
        dots=tuple(
            _point(i, count, v, layout.radius)
            for i, v in enumerate(values)
            if scores[i] is not None
        ),
        others=tuple(
            _points([float(v) if v is not None else 0.0 for v in o], layout.radius) for o in others
        ),
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
