""" "Companies like yours": nearest score profiles, imputation, and counting decisions."""

from __future__ import annotations

import math

import pytest

from questionnaire.dimensions import DIMENSION_IDS
from recommender.neighbours import (
    MIN_DECIDED,
    K,
    NeighbourIndex,
    OfferingCount,
    most_often,
)


def flat(score: float | None) -> dict[str, float | None]:
    return dict.fromkeys(DIMENSION_IDS, score)


def test_the_nearest_profiles_come_first() -> None:
    index = NeighbourIndex([flat(0), flat(50), flat(100), flat(55)], ["a", "b", "c", "d"])
    assert index.nearest(flat(52), k=2) == [1, 3]
    assert index.nearest(flat(100), k=10) == [2, 3, 1, 0]  # k larger than the index


def test_unmeasured_scores_are_imputed_with_the_dimensions_mean() -> None:
    first = DIMENSION_IDS[0]
    profiles = [flat(20), flat(40), {**flat(30), first: None}]
    index = NeighbourIndex(profiles, ["a", "b", "c"])
    assert index.means[0] == pytest.approx(30.0)  # of the two that measured it
    assert index.means[1] == pytest.approx(30.0)
    # A company that measured nothing stands at the means: the third profile exactly.
    assert index.nearest(flat(None), k=1) == [2]
    assert index.nearest({first: math.nan}, k=1) == [2]


def test_a_dimension_nobody_measured_is_imputed_with_the_middle_of_the_scale() -> None:
    index = NeighbourIndex([flat(None), flat(None)], ["a", "b"])
    assert list(index.means) == [50.0] * len(DIMENSION_IDS)


def test_decisions_need_enough_decided_results_and_leave_out_the_company_itself() -> None:
    near = [flat(50 + i % 3) for i in range(K)]
    far = [flat(0) for _ in range(MIN_DECIDED - K)]
    offerings = ["robotlyftet"] * 10 + ["iuc"] * 5 + ["testbadd"] * len(far)
    index = NeighbourIndex(near + far, offerings)
    found = index.decisions(flat(50))
    assert found is not None and found.nearest == K
    assert found.offerings == (OfferingCount("robotlyftet", 10), OfferingCount("iuc", 5))
    # With its own decided result left out, one short of the minimum: nothing shown.
    assert index.decisions(flat(50), exclude=0) is None
    too_few = NeighbourIndex(near + far[1:], offerings[:-1])
    assert too_few.decisions(flat(50)) is None


def test_most_often_breaks_ties_by_the_nearest_and_leaves_out_single_decisions() -> None:
    decided = ["iuc", "robotlyftet", "robotlyftet", "iuc", "testbadd", "kunskapslyft"]
    assert most_often(decided) == (OfferingCount("iuc", 2), OfferingCount("robotlyftet", 2))
    many = ["a"] * 4 + ["b"] * 3 + ["c"] * 2 + ["d"] * 2
    assert [o.offering for o in most_often(many)] == ["a", "b", "c"]  # at most three


def test_an_empty_index_finds_nobody() -> None:
    index = NeighbourIndex([], [])
    assert index.nearest(flat(50)) == [] and index.decisions(flat(50)) is None
