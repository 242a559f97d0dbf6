"""A company then and now: the change per dimension, whether the next step moved, and
which steps of the first action plan the second result reached.

Pure functions of two measurements' figures, like scoring.py: no web, no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from questionnaire.answers import AnswerValue
from questionnaire.model import Questionnaire
from questionnaire.scoring import item_level, round_half_up
from recommender.action_plan import PlanItem
from recommender.path import Recommendation


@dataclass(frozen=True)
class DimensionChange:
    dimension: str
    then: int | None
    now: int | None
    change: int | None  # now - then; None unless both were measured
    spread_then: int | None  # the team's standard deviation in whole points
    spread_now: int | None  # None for a single self-assessment or an unmeasured dimension


def _points(spread: Mapping[str, float | None] | None, dimension: str) -> int | None:
    value = spread.get(dimension) if spread is not None else None
    return round_half_up(value) if value is not None else None


def compare(
    then_scores: Mapping[str, int | None],
    now_scores: Mapping[str, int | None],
    then_spread: Mapping[str, float | None] | None = None,
    now_spread: Mapping[str, float | None] | None = None,
) -> list[DimensionChange]:
    """One row per dimension in either measurement, in the order they come (then first)."""
    dimensions = list(dict.fromkeys([*then_scores, *now_scores]))
    rows = []
    for dimension in dimensions:
        then = then_scores.get(dimension)
        now = now_scores.get(dimension)
        rows.append(
            DimensionChange(
                dimension=dimension,
                then=then,
                now=now,
                change=now - then if then is not None and now is not None else None,
                spread_then=_points(then_spread, dimension),
                spread_now=_points(now_spread, dimension),
            )
        )
    return rows


def primary_changed(then: Recommendation | None, now: Recommendation | None) -> bool | None:
    """Whether the path's first step is another offering now; None if either path is unknown."""
    if then is None or now is None:
        return None
    before = then.primary.offering if then.primary else None
    after = now.primary.offering if now.primary else None
    return before != after


@dataclass(frozen=True)
class PlanProgress:
    """One item of the first result's action plan, as the second result found it."""

    item: PlanItem
    answer_now: AnswerValue | None  # the second result's answer (a team's: at its median)
    level_now: float | None  # None: not answered in a way that counts the second time
    reached: bool  # the second result stands at the item's next step or above


def plan_progress(
    plan: Sequence[PlanItem],
    answers_now: Mapping[str, AnswerValue],
    questionnaire_now: Questionnaire,
) -> tuple[PlanProgress, ...]:
    """Which items of the first result's plan the second result reached: its answer to
    the item's question is at the item's next level or higher. A question the second
    result's questionnaire no longer asks, or an answer that does not count, is not
    reached (and says so with ``level_now`` None)."""
    found = []
    for item in plan:
        question = questionnaire_now.question(item.question)
        answer = answers_now.get(item.question)
        level = item_level(question, answer) if question is not None else None
        found.append(
            PlanProgress(
                item=item,
                answer_now=answer,
                level_now=level,
                reached=level is not None and level >= item.next.level,
            )
        )
    return tuple(found)
