"""A team's result: each person's scores side by side, where they agree and where they do not.

Pure functions of the questionnaire and the participants' answers, like scoring.py.
The team's score for a dimension is the mean of the participants' scores as each of
them was shown it, so a person can check it by hand from the individual results.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean

from questionnaire.answers import AnswerValue
from questionnaire.model import DONT_KNOW, Question, Questionnaire
from questionnaire.scoring import (
    area_indices,
    item_level,
    overall_index,
    round_half_up,
    score_dimensions,
)

# How many items the disagreement list shows at most.
DISAGREEMENTS_SHOWN = 5


@dataclass(frozen=True)
class DimensionSpread:
    dimension: str
    score: int | None  # the team mean, rounded half up
    mean: float | None  # the same, unrounded
    minimum: int | None
    maximum: int | None
    spread: float | None  # standard deviation of the participants' scores, in points
    measured: int  # participants with a score in this dimension


@dataclass(frozen=True)
class Disagreement:
    """One question the team answered far apart, with how the answers fell."""

    question_id: str
    dimension: str
    spread: float  # standard deviation of the answers' levels (0-4)
    distance: float  # highest level minus lowest
    counted: int  # answers with a level
    answered: int  # everyone who answered, "don't know" included
    # (option value, how many chose it) for choices; (number, how many) for numbers.
    distribution: tuple[tuple[str, int], ...]
    dont_know: int


@dataclass(frozen=True)
class TeamResult:
    participants: int
    dimensions: dict[str, DimensionSpread]
    areas: dict[str, int | None]
    overall: int | None
    # Each participant's dimension scores, without names and in an order that says
    # nothing about who joined when (sorted by the scores themselves).
    outlines: tuple[dict[str, int | None], ...]
    disagreements: tuple[Disagreement, ...]

    @property
    def scores(self) -> dict[str, int | None]:
        return {d: s.score for d, s in self.dimensions.items()}


def pstdev(values: Sequence[float]) -> float:
    """The population standard deviation, in floats.

    ``statistics.pstdev`` computes exactly with fractions, which made a team of 200 take
    most of a team view's time; the answers' levels need no such precision.
    """
    n = len(values)
    total = math.fsum(values)
    variance = max(0.0, (n * math.fsum(v * v for v in values) - total * total) / (n * n))
    return math.sqrt(variance)


def _spread(dimension: str, scores: Sequence[int | None]) -> DimensionSpread:
    measured = [s for s in scores if s is not None]
    if not measured:
        return DimensionSpread(dimension, None, None, None, None, None, 0)
    mean = fmean(measured)
    return DimensionSpread(
        dimension=dimension,
        score=round_half_up(mean),
        mean=mean,
        minimum=min(measured),
        maximum=max(measured),
        spread=pstdev(measured) if len(measured) > 1 else 0.0,
        measured=len(measured),
    )


def _distribution(
    question: Question, answers: Sequence[AnswerValue]
) -> tuple[tuple[str, int], ...]:
    if question.type == "single":
        counts = {o.value: 0 for o in question.answer_options}
        for answer in answers:
            if isinstance(answer, str) and answer in counts:
                counts[answer] += 1
        return tuple(counts.items())
    if question.type == "multi":
        counts = {o.value: 0 for o in question.answer_options}
        for answer in answers:
            for value in answer if isinstance(answer, list) else []:
                if value in counts:
                    counts[value] += 1
        return tuple(counts.items())
    numbers: dict[str, int] = {}
    for answer in sorted(a for a in answers if isinstance(a, int | float)):
        key = f"{answer:g}"
        numbers[key] = numbers.get(key, 0) + 1
    return tuple(numbers.items())


def disagreements(
    questionnaire: Questionnaire,
    answer_sets: Sequence[Mapping[str, AnswerValue]],
    limit: int = DISAGREEMENTS_SHOWN,
) -> tuple[Disagreement, ...]:
    """The items the team answered furthest apart, most disagreed first.

    Measured by the standard deviation of the answers' levels; ties go to the wider
    range, then to the questionnaire's order. Items where fewer than two people gave a
    counting answer, or where everyone agreed, are not disagreements.
    """
    found: list[tuple[float, float, int, Disagreement]] = []
    order = 0
    for dimension, section in questionnaire.dimension_sections:
        for question in section.questions:
            order += 1
            given = [s[question.id] for s in answer_sets if s.get(question.id) is not None]
            levels = [
                level for level in (item_level(question, a) for a in given) if level is not None
            ]
            if len(levels) < 2 or max(levels) == min(levels):
                continue
            item = Disagreement(
                question_id=question.id,
                dimension=dimension,
                spread=pstdev(levels),
                distance=max(levels) - min(levels),
                counted=len(levels),
                answered=len(given),
                distribution=_distribution(question, [a for a in given if a != DONT_KNOW]),
                dont_know=sum(1 for a in given if a == DONT_KNOW),
            )
            # Rounded for ordering: equal spreads computed in floats stay a tie.
            found.append((-round(item.spread, 9), -item.distance, order, item))
    found.sort(key=lambda entry: entry[:3])
    return tuple(entry[3] for entry in found[:limit])


def lower_median(values: Sequence[float]) -> float:
    """The lower of the two middle values (the middle one for an odd count): always a
    value someone gave, and the cautious one where a team splits evenly."""
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2]


def team_answers(
    questionnaire: Questionnaire, answer_sets: Sequence[Mapping[str, AnswerValue]]
) -> dict[str, AnswerValue]:
    """One answer per question that stands for the team: an answer given at the lower
    median level of the answers that count (the one most people gave at that level;
    on a tie, the first in the question's order). Questions nobody answered in a way
    that counts are left out.

    The team's action plan starts from these: its "today" is where the middle of the
    team stands, on the cautious side.
    """
    found: dict[str, AnswerValue] = {}
    for _dimension, section in questionnaire.dimension_sections:
        for question in section.questions:
            counted = [
                (level, answer)
                for answer in (s.get(question.id) for s in answer_sets)
                if answer is not None and (level := item_level(question, answer)) is not None
            ]
            if not counted:
                continue
            if question.type == "number":
                # Levels rise with the number, so the lower median number is at the
                # lower median level ("don't know" counting as 0 comes first).
                ordered = sorted(counted, key=lambda entry: (entry[0], _number(entry[1])))
                found[question.id] = ordered[(len(ordered) - 1) // 2][1]
                continue
            middle = lower_median([level for level, _ in counted])
            at_middle = [answer for level, answer in counted if level == middle]
            tally: dict[str, tuple[int, AnswerValue]] = {}
            for answer in at_middle:
                key = repr(sorted(answer) if isinstance(answer, list) else answer)
                count, _ = tally.get(key, (0, answer))
                tally[key] = (count + 1, answer)
            order = {o.value: i for i, o in enumerate(question.answer_options)}
            found[question.id] = max(
                tally.values(),
                key=lambda entry: (entry[0], -_position(entry[1], order)),
            )[1]
    return found


def _number(value: AnswerValue) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return -math.inf


def _position(answer: AnswerValue, order: Mapping[str, int]) -> int:
    """Where an answer comes in its question's options (a checklist: its first tick)."""
    values = answer if isinstance(answer, list) else [answer]
    return min((order.get(str(v), len(order)) for v in values), default=len(order))


def team_result(
    questionnaire: Questionnaire, answer_sets: Sequence[Mapping[str, AnswerValue]]
) -> TeamResult:
    """The team's result from each participant's answers (one mapping per person)."""
    individual = [
        {d: r.score for d, r in score_dimensions(questionnaire, answers).items()}
        for answers in answer_sets
    ]
    dimensions = {
        d.id: _spread(d.id, [scores[d.id] for scores in individual])
        for d in questionnaire.dimensions
    }
    areas = area_indices({d: s.score for d, s in dimensions.items()})
    outlines = sorted(
        individual, key=lambda scores: [-1 if v is None else v for v in scores.values()]
    )
    return TeamResult(
        participants=len(answer_sets),
        dimensions=dimensions,
        areas=areas,
        overall=overall_index(areas),
        outlines=tuple(outlines),
        disagreements=disagreements(questionnaire, answer_sets),
    )
