"""The result page's content, in the person's language, from what was stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from questionnaire.scoring import strongest_and_weakest
from recommender.catalogue import Offering
from recommender.outcome import Basis
from recommender.path import Reason, Recommendation, render_reason
from web.assessments.service import dimension_names
from web.platform.charts import Radar, radar
from web.storage.content import Content
from web.storage.models import Assessment


@dataclass(frozen=True)
class DimensionRow:
    id: str
    name: str
    area: str
    score: int | None
    band: str | None
    coverage: float


@dataclass(frozen=True)
class PathStep:
    offering: Offering
    reasons: list[str]


@dataclass(frozen=True)
class Result:
    overall: int | None
    overall_band: str | None
    areas: list[tuple[str, str, int | None, str | None]]  # id, name, index, band name
    dimensions: list[DimensionRow]
    strongest: list[DimensionRow]
    weakest: list[DimensionRow]
    radar: Radar
    primary: PathStep | None
    complementary: list[PathStep]
    later: PathStep | None
    excluded: list[PathStep]
    low_coverage: list[DimensionRow]
    has_path: bool  # False for a workshop participant until the advisor gives the profile
    basis: PathBasis  # which ranking made the path: the learned one or the rules


@dataclass(frozen=True)
class PathBasis:
    """Where the path came from, as the page says it."""

    learned: bool
    decisions: int | None  # N in "Based on N advisor decisions"
    # The company's dimensions that weighed most: (name, score), most weight first.
    dimensions: list[tuple[str, int | None]]


class _Row(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def score(self) -> int | None: ...


def path_basis(basis: Basis, rows: Sequence[_Row]) -> PathBasis:
    """The page's words on where a path came from (a path from before the learned
    ranking existed is the rules')."""
    by_id = {r.id: r for r in rows}
    explanation = basis.explanation
    weighed = [w.dimension for w in explanation.dimensions] if explanation else []
    return PathBasis(
        learned=basis.source == "learned",
        decisions=basis.decisions,
        dimensions=[(by_id[d].name, by_id[d].score) for d in weighed if d in by_id],
    )


def build_result(assessment: Assessment, content: Content, language: str) -> Result:
    q = content.questionnaire
    catalogue = content.catalogue
    outcome = assessment.outcome
    if outcome is None:
        raise ValueError("only a completed assessment has a result")
    names = dimension_names(q)

    def band_name(score: int | None) -> str | None:
        band = q.band_for(score)
        return band.name.get(language) if band else None

    rows = []
    for dimension in q.dimensions:
        scored = outcome.dimensions[dimension.id]
        rows.append(
            DimensionRow(
                id=dimension.id,
                name=dimension.name.get(language),
                area=dimension.area,
                score=scored.score,
                band=band_name(scored.score),
                coverage=scored.coverage if scored.coverage is not None else 1.0,
            )
        )
    by_id = {r.id: r for r in rows}
    strongest, weakest = strongest_and_weakest({r.id: r.score for r in rows})

    def words(reason: Reason) -> str:
        return render_reason(reason, language, catalogue, names)

    def path_step(step: Any) -> PathStep | None:
        if step is None:
            return None
        return PathStep(catalogue.offering(step.offering), [words(r) for r in step.reasons])

    recommendation = outcome.recommendation or Recommendation(None, (), None, ())
    areas = outcome.areas
    return Result(
        overall=outcome.overall,
        overall_band=band_name(outcome.overall),
        areas=[
            (a.id, a.name.get(language), areas.get(a.id), band_name(areas.get(a.id)))
            for a in q.areas
        ],
        dimensions=rows,
        strongest=[by_id[d] for d in strongest],
        weakest=[by_id[d] for d in weakest],
        radar=radar([r.name for r in rows], [r.score for r in rows]),
        primary=path_step(recommendation.primary),
        complementary=[s for s in map(path_step, recommendation.complementary) if s],
        later=path_step(recommendation.later),
        excluded=[
            PathStep(catalogue.offering(e.offering), [words(e.reason)])
            for e in recommendation.excluded
        ],
        low_coverage=[r for r in rows if r.coverage < 0.5],
        has_path=outcome.recommendation is not None,
        basis=path_basis(outcome.basis, rows),
    )
