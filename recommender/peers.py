"""Comparing a company with its peers: who counts as comparable, and where it stands.

The numbers come from real, stored results (the database counts them); this module
only decides the groups and turns counts into a percentile and a median, so the rules
are the same for every caller and can be tested without a database.

Comparable companies share the size band (:func:`recommender.features.size_band`) and,
when at least :data:`MIN_PEERS` of them do, the industry group too (:func:`industry_group`).
The groups follow the catalogue's named industry sets: manufacturing in groups of
neighbouring divisions, the rest of the target group as one group, everything else as
another.
A group smaller than :data:`MIN_PEERS` is never shown: with fewer companies, a
percentile says little and may point at a single company.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from questionnaire.profile import CompanyProfile
from recommender.catalogue import Catalogue
from recommender.eligibility import in_industries, in_target_group

# The fewest companies a comparison may be made with.
MIN_PEERS: Final = 10

# Manufacturing (SNI 10-33) in groups of neighbouring divisions, the way industry
# statistics usually group them. The ids are stored.
INDUSTRY_GROUPS: Final[tuple[tuple[str, range], ...]] = (
    ("food", range(10, 13)),  # food, beverages, tobacco
    ("textiles", range(13, 16)),  # textiles, clothing, leather
    ("wood_paper", range(16, 19)),  # wood, paper, printing
    ("chemicals", range(19, 24)),  # petroleum, chemicals, pharma, rubber, plastics, minerals
    ("metal", range(24, 26)),  # basic metals, fabricated metal products
    ("machinery", range(26, 29)),  # electronics, electrical equipment, machinery
    ("vehicles", range(29, 31)),  # motor vehicles, other transport equipment
    ("other_manufacturing", range(31, 34)),  # furniture, other, repair and installation
)
# The rest of the target group (mining, energy, water and waste, engineering and R&D by
# default); and every company outside it (the id is older than the target group).
INDUSTRY_RELATED: Final = "industry_related"
NON_MANUFACTURING: Final = "non_manufacturing"
INDUSTRY_GROUP_IDS: Final = (
    *(g for g, _ in INDUSTRY_GROUPS),
    INDUSTRY_RELATED,
    NON_MANUFACTURING,
)


def industry_group(profile: CompanyProfile, catalogue: Catalogue) -> str | None:
    """The company's industry group, or None when its industry is not known."""
    if in_target_group(profile, catalogue) is None:
        return None
    division = profile.sni_division
    if not in_target_group(profile, catalogue) or division is None:
        return NON_MANUFACTURING
    if in_industries(profile, catalogue, "manufacturing"):
        for group, divisions in INDUSTRY_GROUPS:
            if division in divisions:
                return group
    return INDUSTRY_RELATED


@dataclass(frozen=True)
class Standing:
    """Where one score stands among the peers' scores of the same dimension."""

    peers: int  # how many peers have a score for this dimension
    percentile: int  # share of peers below, counting ties as half: 0-100
    median: float  # the peers' median score


def standing(score: int, histogram: Mapping[int, int]) -> Standing | None:
    """Where ``score`` stands among peers whose scores are counted in ``histogram``.

    ``histogram`` maps a score to how many peers have it. The percentile is the mid-rank
    one: the share of peers strictly below, plus half of those with the same score, so a
    company in the middle of a tied group is at its middle. None when there are fewer
    than :data:`MIN_PEERS` peers.
    """
    total = sum(histogram.values())
    if total < MIN_PEERS:
        return None
    below = sum(n for s, n in histogram.items() if s < score)
    same = histogram.get(score, 0)
    percentile = round(100 * (below + same / 2) / total)
    return Standing(peers=total, percentile=percentile, median=median(histogram))


def median(histogram: Mapping[int, int]) -> float:
    """The median of the scores counted in ``histogram`` (the mean of the two middle ones
    when the count is even)."""
    total = sum(histogram.values())
    if total == 0:
        raise ValueError("no scores")
    ordered = sorted(histogram.items())

    def nth(k: int) -> int:  # the k-th smallest score, from 0
        seen = 0
        for value, n in ordered:
            seen += n
            if k < seen:
                return value
        raise AssertionError("k out of range")

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2
