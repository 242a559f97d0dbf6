"""Who a company is compared with, and how a percentile and a median come from counts."""

from __future__ import annotations

import random
import statistics

import pytest

from questionnaire.profile import CompanyProfile
from recommender.catalogue import Catalogue
from recommender.peers import (
    INDUSTRY_RELATED,
    MIN_PEERS,
    NON_MANUFACTURING,
    industry_group,
    median,
    standing,
)


@pytest.mark.parametrize(
    ("sni", "group"),
    [
        ("10", "food"),
        ("25.620", "metal"),
        ("28", "machinery"),
        ("33", "other_manufacturing"),
        ("62", NON_MANUFACTURING),
        ("other", NON_MANUFACTURING),
        ("07", INDUSTRY_RELATED),
        ("36", INDUSTRY_RELATED),
        ("71", INDUSTRY_RELATED),
        (None, None),
    ],
)
def test_industry_groups_follow_the_named_sets(
    sni: str | None, group: str | None, catalogue: Catalogue
) -> None:
    assert industry_group(CompanyProfile(employees=20, sni=sni), catalogue) == group


def test_fewer_than_the_minimum_peers_give_no_standing() -> None:
    few = {40: MIN_PEERS - 1}
    assert standing(50, few) is None
    enough = {40: MIN_PEERS}
    result = standing(50, enough)
    assert result is not None
    assert (result.peers, result.percentile, result.median) == (MIN_PEERS, 100, 40.0)


def test_percentile_counts_ties_as_half_and_the_median_is_exact() -> None:
    histogram = {20: 5, 50: 10, 80: 5}  # 20 peers
    middle = standing(50, histogram)
    assert middle is not None
    assert middle.percentile == 50  # 5 below, 10 tied: (5 + 5) / 20
    assert middle.median == 50.0
    top = standing(90, histogram)
    assert top is not None and top.percentile == 100
    bottom = standing(10, histogram)
    assert bottom is not None and bottom.percentile == 0


def test_median_matches_the_statistics_module_on_random_scores() -> None:
    rng = random.Random(7)
    for size in (10, 11, 57, 200):
        scores = [rng.randint(0, 100) for _ in range(size)]
        histogram: dict[int, int] = {}
        for s in scores:
            histogram[s] = histogram.get(s, 0) + 1
        assert median(histogram) == statistics.median(scores)
