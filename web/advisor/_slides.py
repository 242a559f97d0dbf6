"""The presenter's slides: a workshop's result cut into screens that fit a projector.

In the order a room follows it: how to join, who has answered, the team's indices, the
radar, each area, each of the top disagreements, the team's path, and its action plan.
Each slide must fit 1280×720 and 1920×1080 without scrolling at a body text of 24 px or
more; what does not fit on one continues on the next. How much fits is estimated here
from the texts' lengths (SLIDE_LINES lines of LINE_CHARS characters), and the browser
tests check every slide at both sizes.

The slides are built in the workshop's language (the caller sets the locale).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from flask_babel import gettext

from questionnaire.model import Questionnaire
from web.advisor._team_view import DisagreementView, TeamRow, TeamView
from web.assessments.results import PathStep, PlanRow
from web.platform.site import WorkshopDisplay

Kind = Literal[
    "join", "answered", "waiting", "indices", "radar", "area", "disagreement", "path", "plan"
]

# What fits under a slide's title: lines of body text, and characters on a full line.
SLIDE_LINES = 14
LINE_CHARS = 66
# A disagreement's bars sit beside their labels: a label line is shorter; beyond this
# many lines of labels, the bars go in two columns.
BAR_LABEL_CHARS = 46
BAR_LINES_IN_ONE_COLUMN = 10


@dataclass(frozen=True)
class Index:
    id: str
    name: str
    value: int | None
    band: str | None


@dataclass(frozen=True)
class PathPart:
    """One step of the team's path on a slide: what kind of step, and the step."""

    role: str  # primary, complement, deferred, later or referral
    step: PathStep


@dataclass(frozen=True)
class Slide:
    kind: Kind
    title: str
    indices: Sequence[Index] = ()
    rows: Sequence[TeamRow] = ()
    disagreement: DisagreementView | None = None
    parts: Sequence[PathPart] = ()
    plan: Sequence[PlanRow] = ()
    names: Sequence[str] = ()
    unnamed: int = 0  # finished participants who gave no name
    note: str | None = None  # a sentence in place of the content (no path yet, say)
    missing: Sequence[str] = ()  # dimensions the team's path still needs
    extra: dict[str, Any] = field(default_factory=dict)
    # Which slide this is, whatever its number: its kind and its place among its kind
    # ("disagreement-2"). The page's script keeps the same slide when slides are added.
    key: str = ""


def _lines(text: str, width: int = LINE_CHARS) -> int:
    return max(1, math.ceil(len(text) / width))


def _part_lines(part: PathPart) -> int:
    """A step's name and when, then its reasons."""
    return 2 + sum(_lines(r) for r in part.step.reasons)


def _pack(items: Sequence[Any], size: Any, capacity: int = SLIDE_LINES) -> list[list[Any]]:
    """``items`` in order, as many on a slide as fit ``capacity`` lines (at least one)."""
    chunks: list[list[Any]] = []
    used = 0
    for item in items:
        lines = size(item)
        if chunks and used + lines <= capacity:
            chunks[-1].append(item)
            used += lines
        else:
            chunks.append([item])
            used = lines
    return chunks


def _continued(title: str, index: int, count: int) -> str:
    if count == 1:
        return title
    return gettext("%(title)s (%(num)d of %(count)d)", title=title, num=index + 1, count=count)


def _path_parts(team: TeamView) -> list[PathPart]:
    path = team.path
    if path is None:
        return []
    if path.status == "outside_target_group":
        return [PathPart("referral", s) for s in path.referrals]
    parts = [PathPart("primary", path.primary)] if path.primary else []
    parts += [PathPart("complement", s) for s in path.complementary]
    parts += [PathPart("deferred", s) for s in path.deferred]
    parts += [PathPart("later", path.later)] if path.later else []
    return parts


def _path_slides(team: TeamView) -> list[Slide]:
    title = gettext("The team’s path")
    path = team.path
    if path is None:
        note = gettext(
            "Enter the company’s profile to see the team’s path: it depends on the "
            "company’s size and industry."
        )
        return [Slide("path", title, note=note)]
    if path.status == "needs_more_answers":
        note = gettext("The team has not answered enough for a path yet.")
        missing = [d.name for d in path.missing_dimensions]
        if path.missing_industry:
            missing.insert(0, gettext("The company’s industry"))
        return [Slide("path", title, note=note, missing=missing)]
    parts = _path_parts(team)
    if not parts:
        if path.status == "outside_target_group":
            note = gettext(
                "The company’s industry is not one of those the programmes here are made "
                "for, so no programme is suggested."
            )
        else:
            note = gettext(
                "None of the offerings fits the team’s answers well; talk it through with the team."
            )
        return [Slide("path", title, note=note)]
    chunks = _pack(parts, _part_lines)
    return [
        Slide("path", _continued(title, i, len(chunks)), parts=chunk)
        for i, chunk in enumerate(chunks)
    ]


# Characters on a line of a plan item, by how many items share the slide's width.
PLAN_LINE_CHARS = {1: 66, 2: 44, 3: 28}
PLAN_ITEM_LINES = 16  # an item's lines that fit under the title, in its column


def _plan_lines(item: PlanRow, columns: int) -> int:
    width = PLAN_LINE_CHARS[min(columns, 3)]
    texts = [f"{item.dimension}: {item.question}"]
    texts += [] if item.discuss else [item.now, item.next]
    return 1 + sum(_lines(t, width) + 1 for t in texts)  # the number; labels' room


def _plan_chunks(items: Sequence[PlanRow], per_slide: int) -> list[list[PlanRow]]:
    """Items side by side, at most ``per_slide`` on a slide, fewer when one would be too
    long for a column that narrow."""
    chunks: list[list[PlanRow]] = []
    for item in items:
        current = chunks[-1] if chunks else None
        if current is not None and len(current) < per_slide:
            together = [*current, item]
            if all(_plan_lines(i, len(together)) <= PLAN_ITEM_LINES for i in together):
                current.append(item)
                continue
        chunks.append([item])
    return chunks


def _plan_slides(team: TeamView, per_slide: int) -> list[Slide]:
    if not team.plan:
        return []
    title = gettext("Suggested action plan")
    chunks = _plan_chunks(team.plan, per_slide)
    slides = []
    start = 1
    for i, chunk in enumerate(chunks):
        extra = {"start": start, "columns": len(chunk)}
        slides.append(Slide("plan", _continued(title, i, len(chunks)), plan=chunk, extra=extra))
        start += len(chunk)
    return slides


def _disagreement_slides(team: TeamView) -> list[Slide]:
    title = gettext("Where you see things differently")
    found = team.disagreements
    if not found:
        if team.participants < 2:
            return []
        note = gettext("No question split the team: everyone who answered gave the same level.")
        return [Slide("disagreement", title, note=note)]
    return [
        Slide(
            "disagreement",
            _continued(title, i, len(found)),
            disagreement=item,
            # Many long options: the bars in two columns, so they fit in height.
            extra={
                "columns": 2 if bar_lines(item) > BAR_LINES_IN_ONE_COLUMN else 1,
                # Numbers and short options: the bars right beside their labels.
                "short": max((len(b.label) for b in item.bars), default=0) <= 12,
            },
        )
        for i, item in enumerate(found)
    ]


def build_slides(
    workshop_title: str,
    team: TeamView | None,
    questionnaire: Questionnaire,
    language: str,
    finished_names: Sequence[str | None],
    display: WorkshopDisplay,
) -> list[Slide]:
    """Every slide of the workshop's presentation, in order."""
    slides = [Slide("join", workshop_title)]
    named = [n for n in finished_names if n]
    shown = named if len(finished_names) <= display.names_up_to else []
    slides.append(
        Slide(
            "answered",
            gettext("Who has answered"),
            names=shown,
            unnamed=len(finished_names) - len(shown),
            extra={"listed": len(finished_names) <= display.names_up_to},
        )
    )
    if team is None:
        note = gettext(
            "The team result appears here as soon as the first participant has finished."
        )
        slides.append(Slide("waiting", gettext("The team’s result"), note=note))
        return _keyed(slides)

    def band(value: int | None) -> str | None:
        found = questionnaire.band_for(value)
        return found.name.get(language) if found else None

    indices = [Index("overall", gettext("Overall"), team.overall, band(team.overall))]
    indices += [Index(i, name, value, band(value)) for i, name, value in team.areas]
    slides.append(Slide("indices", gettext("The team’s indices"), indices=indices))
    slides.append(Slide("radar", gettext("Where the team stands")))
    for area in questionnaire.areas:
        rows = [r for r in team.rows if questionnaire.dimension(r.id).area == area.id]
        slides.append(Slide("area", area.name.get(language), rows=rows))
    slides += _disagreement_slides(team)
    slides += _path_slides(team)
    slides += _plan_slides(team, display.plan_items_per_slide)
    return _keyed(slides)


def _keyed(slides: list[Slide]) -> list[Slide]:
    seen: dict[str, int] = {}
    keyed = []
    for slide in slides:
        seen[slide.kind] = seen.get(slide.kind, 0) + 1
        keyed.append(replace(slide, key=f"{slide.kind}-{seen[slide.kind]}"))
    return keyed


def bar_lines(item: DisagreementView) -> int:
    """How many lines a disagreement's bars take (for the template's layout choice)."""
    return sum(_lines(b.label, BAR_LABEL_CHARS) for b in item.bars)
