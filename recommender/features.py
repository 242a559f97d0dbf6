"""What the learned ranking looks at: one definition, shared by training and prediction.

A case (a company's profile, its dimension scores and their coverage) becomes a fixed
list of numbers, in the order of :data:`FEATURE_NAMES`:

``score:<dimension>``
    the dimension's score 0-100, NaN when it was not measured;
``coverage:<dimension>``
    the share 0-1 of the dimension's questions that counted, NaN when not known;
``area:<area>`` and ``overall``
    the area indices and the overall index, by the scoring's own functions (NaN when
    nothing in them was measured);
``size:small``, ``size:medium``, ``size:large``
    the size band, one-hot, from the catalogue's company thresholds (small firms,
    other SMEs, large companies);
``industry:manufacturing``, ``industry:other``, ``industry:unknown``
    manufacturing or not by the hard rules' own test, one-hot;
``completed:<offering>``
    1 for each offering the company has completed, one-hot over the offering ids.

Missing values stay NaN here; the pipeline imputes them and adds an indicator, so
"not measured" is itself something the model can learn from.

The names map back to the dimensions (:func:`feature_dimensions`), which is how an
explanation of the learned ranking speaks of the company's own dimensions.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from questionnaire.dimensions import AREA_IDS, AREA_OF, DIMENSION_IDS
from questionnaire.profile import CompanyProfile
from questionnaire.scoring import ScoreReport, area_indices, overall_index
from recommender.catalogue import OFFERING_IDS, Catalogue
from recommender.eligibility import is_manufacturing
from recommender.evidence import Evidence

# Bump when the meaning or order of the features changes: saved models then go stale.
FEATURE_VERSION: Final = 1

SIZE_BANDS: Final = ("small", "medium", "large")
INDUSTRIES: Final = ("manufacturing", "other", "unknown")

FEATURE_NAMES: Final[tuple[str, ...]] = (
    *(f"score:{d}" for d in DIMENSION_IDS),
    *(f"coverage:{d}" for d in DIMENSION_IDS),
    *(f"area:{a}" for a in AREA_IDS),
    "overall",
    *(f"size:{b}" for b in SIZE_BANDS),
    *(f"industry:{i}" for i in INDUSTRIES),
    *(f"completed:{o}" for o in OFFERING_IDS),
)

_NAN = math.nan


@dataclass(frozen=True)
class DecisionCase:
    """What is known about a company when its next step is chosen.

    ``scores`` are the dimension scores 0-100 (None: not measured); ``coverage`` the
    share 0-1 of each dimension's questions that counted, as the scoring reports it
    (a dimension left out is treated as unknown coverage).
    """

    profile: CompanyProfile
    scores: Mapping[str, float | None]
    coverage: Mapping[str, float] = field(default_factory=dict)
    # What the answers say beyond the scores, for the path's reasons; not a feature.
    evidence: Evidence | None = field(default=None, compare=False)

    @classmethod
    def from_report(cls, profile: CompanyProfile, report: ScoreReport) -> DecisionCase:
        """The case for a scored assessment: its scores and coverage per dimension."""
        return cls(
            profile=profile,
            scores=dict(report.scores),
            coverage={d: r.coverage for d, r in report.dimensions.items()},
        )


def size_band(profile: CompanyProfile, catalogue: Catalogue) -> str:
    """``small`` (IUC's natural partners), ``medium`` (the rest of the SMEs) or ``large``."""
    if profile.employees <= catalogue.company.small_max_employees:
        return "small"
    if profile.employees <= catalogue.company.sme_max_employees:
        return "medium"
    return "large"


def industry(profile: CompanyProfile, catalogue: Catalogue) -> str:
    """``manufacturing``, ``other`` or ``unknown``, by the hard rules' own test."""
    manufacturing = is_manufacturing(profile, catalogue)
    if manufacturing is None:
        return "unknown"
    return "manufacturing" if manufacturing else "other"


def measured_scores(case: DecisionCase) -> dict[str, float]:
    """The measured dimensions' scores, as floats; unknown keys are ignored."""
    return {
        d: float(s)
        for d, s in case.scores.items()
        if s is not None and d in DIMENSION_IDS and not math.isnan(float(s))
    }


def _number(value: float | int | None) -> float:
    return _NAN if value is None else float(value)


def feature_vector(case: DecisionCase, catalogue: Catalogue) -> list[float]:
    """The case's features, in the order of :data:`FEATURE_NAMES` (NaN where unknown)."""
    scores = measured_scores(case)
    areas = area_indices(scores)
    band = size_band(case.profile, catalogue)
    kind = industry(case.profile, catalogue)
    completed = case.profile.completed
    return [
        *(_number(scores.get(d)) for d in DIMENSION_IDS),
        *(_number(case.coverage.get(d)) for d in DIMENSION_IDS),
        *(_number(areas[a]) for a in AREA_IDS),
        _number(overall_index(areas)),
        *(1.0 if band == b else 0.0 for b in SIZE_BANDS),
        *(1.0 if kind == i else 0.0 for i in INDUSTRIES),
        *(1.0 if o in completed else 0.0 for o in OFFERING_IDS),
    ]


def feature_dimensions(case: DecisionCase) -> list[dict[str, float]]:
    """For each feature, the dimensions it speaks for and in what share (summing to 1).

    A score or coverage belongs to its dimension. An area index is the mean of its
    measured dimensions, so each has an equal share; the overall index is the mean of
    the measured areas, so a dimension's share is 1 / (measured areas x measured
    dimensions in its area). Where nothing was measured, the shares fall on every
    dimension of the area alike. Size, industry and completed offerings speak for no
    dimension (an empty mapping).
    """
    measured = measured_scores(case)

    def in_area(area: str) -> list[str]:
        dims = [d for d in DIMENSION_IDS if AREA_OF[d] == area]
        return [d for d in dims if d in measured] or dims

    def area_shares(area: str) -> dict[str, float]:
        dims = in_area(area)
        return {d: 1 / len(dims) for d in dims}

    areas_measured = [a for a in AREA_IDS if any(AREA_OF[d] == a for d in measured)]
    areas_for_overall = areas_measured or list(AREA_IDS)
    overall: dict[str, float] = {}
    for area in areas_for_overall:
        for dimension, share in area_shares(area).items():
            overall[dimension] = share / len(areas_for_overall)

    none: dict[str, float] = {}
    return [
        *({d: 1.0} for d in DIMENSION_IDS),
        *({d: 1.0} for d in DIMENSION_IDS),
        *(area_shares(a) for a in AREA_IDS),
        overall,
        *(dict(none) for _ in SIZE_BANDS),
        *(dict(none) for _ in INDUSTRIES),
        *(dict(none) for _ in OFFERING_IDS),
    ]


def feature_spec(catalogue: Catalogue) -> dict[str, Any]:
    """Everything the features depend on besides the case: a model trained on other
    features (or other size and industry thresholds) is stale."""
    company = catalogue.company
    return {
        "version": FEATURE_VERSION,
        "names": list(FEATURE_NAMES),
        "small_max_employees": company.small_max_employees,
        "sme_max_employees": company.sme_max_employees,
        # The named set's ranges, flat: [10, 33] as before the sets, so models stay valid.
        "manufacturing_divisions": [
            d for bounds in catalogue.industry_set("manufacturing").divisions for d in bounds
        ],
    }


def feature_spec_hash(catalogue: Catalogue) -> str:
    """The sha256 of :func:`feature_spec` in canonical JSON."""
    text = json.dumps(feature_spec(catalogue), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
