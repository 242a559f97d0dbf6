"""A company then and now: the change per dimension and whether the next step moved.

Pure functions of two measurements' figures, like scoring.py: no web, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from questionnaire.scoring import round_half_up
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
