"""From answers to scores: levels per item, 0-100 per dimension, area and overall indices.

Everything here is a pure function of the questionnaire and the answers. The page
"Så räknar vi" describes these same steps from the same data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from statistics import fmean

from questionnaire.answers import AnswerValue
from questionnaire.dimensions import AREA_IDS, AREA_OF, LEVEL_MAX
from questionnaire.model import DONT_KNOW, Question, Questionnaire


def round_half_up(value: float) -> int:
    """Round as people do (24.5 -> 25), not to even as Python's round() does."""
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)


def item_level(question: Question, answer: AnswerValue | None) -> float | None:
    """The answer's level on 0..LEVEL_MAX, or None when it does not count.

    Unanswered, "don't know", "not relevant" and unscored questions do not count: they
    are left out of the dimension's score instead of pulling it towards zero. Where the
    data says not knowing is itself the finding (``dont_know_scores_zero``), "don't
    know" counts as level 0.
    """
    if answer is None:
        return None
    if answer == DONT_KNOW or answer == [DONT_KNOW]:
        return 0.0 if question.dont_know_scores_zero else None
    if question.type == "single":
        option = question.option(str(answer))
        return option.level if option is not None else None
    if question.type == "multi":
        ticked = [question.option(v) for v in answer] if isinstance(answer, list) else []
        if not ticked or any(o is None or o.level is None for o in ticked):
            return None
        if not question.full_score:  # the loader requires one for every scored checklist
            return None
        points = sum(o.level for o in ticked if o is not None and o.level is not None)
        return min(float(LEVEL_MAX), LEVEL_MAX * points / question.full_score)
    if question.type == "number" and question.thresholds is not None:
        if isinstance(answer, int | float) and not isinstance(answer, bool):
            return float(sum(1 for t in question.thresholds if answer >= t))
    return None


@dataclass(frozen=True)
class DimensionResult:
    dimension: str
    score: int | None
    band: str | None
    coverage: float  # share of the dimension's weight that was answered with something counting
    answered: int
    total: int


@dataclass(frozen=True)
class ScoreReport:
    dimensions: dict[str, DimensionResult]
    areas: dict[str, int | None]
    overall: int | None

    @property
    def scores(self) -> dict[str, int | None]:
        return {d: r.score for d, r in self.dimensions.items()}

    @property
    def bands(self) -> dict[str, str | None]:
        return {d: r.band for d, r in self.dimensions.items()}

    def strongest(self, n: int = 2) -> list[str]:
        return strongest_and_weakest(self.scores, n)[0]

    def weakest(self, n: int = 2) -> list[str]:
        return strongest_and_weakest(self.scores, n)[1]


def strongest_and_weakest(
    scores: Mapping[str, int | None], n: int = 2
) -> tuple[list[str], list[str]]:
    """The ``n`` highest and ``n`` lowest measured dimensions, best and worst first.

    The weakest are given only when the two lists cannot share a dimension; ties keep
    the questionnaire's order.
    """
    measured = sorted(
        ((score, d) for d, score in scores.items() if score is not None), key=lambda p: -p[0]
    )
    strongest = [d for _, d in measured[:n]]
    weakest = [d for _, d in reversed(measured[-n:])] if len(measured) >= 2 * n else []
    return strongest, weakest


def score_dimensions(
    questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]
) -> dict[str, DimensionResult]:
    """Each dimension's score: the weighted mean of its counting items, scaled to 0-100."""
    results: dict[str, DimensionResult] = {}
    for dimension, section in questionnaire.dimension_sections:
        weighted = 0.0
        weight_answered = 0.0
        weight_total = 0.0
        answered = 0
        for question in section.questions:
            weight_total += question.weight
            level = item_level(question, answers.get(question.id))
            if level is None:
                continue
            answered += 1
            weight_answered += question.weight
            weighted += question.weight * level
        score = (
            round_half_up(100 * weighted / (weight_answered * LEVEL_MAX))
            if weight_answered
            else None
        )
        band = questionnaire.band_for(score)
        results[dimension] = DimensionResult(
            dimension=dimension,
            score=score,
            band=band.id if band else None,
            coverage=round(weight_answered / weight_total, 2) if weight_total else 0.0,
            answered=answered,
            total=len(section.questions),
        )
    return results


def area_indices(scores: Mapping[str, float | None]) -> dict[str, int | None]:
    """Each area's index: the unweighted mean of its measured dimensions, rounded."""
    indices: dict[str, int | None] = {}
    for area in AREA_IDS:
        measured = [
            float(score)
            for dimension, score in scores.items()
            if score is not None and AREA_OF.get(dimension) == area
        ]
        indices[area] = round_half_up(fmean(measured)) if measured else None
    return indices


def overall_index(areas: Mapping[str, int | None]) -> int | None:
    """The mean of the measured area indices: digital, sustainability and change weigh alike."""
    measured = [v for v in areas.values() if v is not None]
    return round_half_up(fmean(measured)) if measured else None


def score_assessment(
    questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]
) -> ScoreReport:
    """Everything the result page and the recommender need from the answers."""
    dimensions = score_dimensions(questionnaire, answers)
    areas = area_indices({d: r.score for d, r in dimensions.items()})
    return ScoreReport(dimensions=dimensions, areas=areas, overall=overall_index(areas))
