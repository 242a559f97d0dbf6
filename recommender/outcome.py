"""A company's outcome: its scores and its path, as one typed value.

Two entry points make it, and everything that scores or recommends calls one of them:

- :func:`assess` for a set of answers (a self-assessment, a workshop participant, an
  assessment made through the API);
- :func:`assess_scores` for dimension scores given as figures (a workshop team's means,
  ``POST /api/v1/recommendations``).

Which ranking chooses the path (the rules of thumb, or a learned model) is a parameter:
a :class:`Ranking`. The hard rules apply within either.

Plain Python: no Flask, no database. How an outcome is kept is :mod:`recommender.stored`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from questionnaire.answers import AnswerValue
from questionnaire.model import Questionnaire
from questionnaire.profile import company_profile
from questionnaire.scoring import (
    area_indices,
    overall_index,
    round_half_up,
    score_dimensions,
    strongest_and_weakest,
)
from recommender.action_plan import PlanItem, action_plan
from recommender.catalogue import Catalogue
from recommender.eligibility import excluded_offerings
from recommender.evidence import Evidence, evidence
from recommender.features import DecisionCase
from recommender.gate import gate, measured_dimensions, referrals
from recommender.learned import (
    DimensionWeight,
    RankedRecommendation,
    TrainedModel,
    recommendation_for,
    rules_recommendation,
)
from recommender.path import Recommendation
from recommender.ranking import exclusions


class ContentLike(Protocol):
    """What an outcome is computed from: the questionnaire and the offering catalogue."""

    @property
    def questionnaire(self) -> Questionnaire: ...

    @property
    def catalogue(self) -> Catalogue: ...


class Ranking(Protocol):
    """Chooses a path for a case, within the hard rules, and says which ranking did."""

    def __call__(self, case: DecisionCase, catalogue: Catalogue) -> RankedRecommendation: ...


def rules_ranking(case: DecisionCase, catalogue: Catalogue) -> RankedRecommendation:
    """The rules of thumb."""
    return RankedRecommendation(rules_recommendation(case, catalogue), "rules")


def learned_ranking(model: TrainedModel | None) -> Ranking:
    """The learned model when it may be used (it beat the rules), else the rules."""
    if model is None:
        return rules_ranking
    return functools.partial(_learned, model=model)


def _learned(
    case: DecisionCase, catalogue: Catalogue, *, model: TrainedModel
) -> RankedRecommendation:
    return recommendation_for(case, catalogue, model)


@dataclass(frozen=True)
class DimensionOutcome:
    """One dimension's figures. ``coverage``, ``answered`` and ``total`` are None when the
    outcome was made from scores alone: they are then not known."""

    score: int | None
    band: str | None
    coverage: float | None
    answered: int | None = None
    total: int | None = None


@dataclass(frozen=True)
class PathExplanation:
    """Why a learned model chose the primary step, as the result page tells it."""

    decisions: int | None  # advisor decisions the model learned from (None: not kept)
    offering: str
    probability: float
    dimensions: tuple[DimensionWeight, ...]  # most weight first


@dataclass(frozen=True)
class Basis:
    """Which ranking made the path: ``learned`` (with why) or ``rules``."""

    source: Literal["learned", "rules"] = "rules"
    explanation: PathExplanation | None = None

    @property
    def decisions(self) -> int | None:
        return self.explanation.decisions if self.explanation else None


RULES = Basis()


@dataclass(frozen=True)
class Outcome:
    """Scores per dimension, area and overall indices, and the path with its reasons.

    ``recommendation`` is None when no path was asked for: a workshop participant
    before the advisor has given the company's profile. ``action_plan`` is the plan
    made with the path from the answers (recommender.action_plan); None when it was not
    made: from figures alone, or kept before plans existed (the reader then makes it
    from the answers and the content they were given on).
    """

    dimensions: Mapping[str, DimensionOutcome]  # in the questionnaire's order
    areas: Mapping[str, int | None]
    overall: int | None
    recommendation: Recommendation | None = None
    basis: Basis = field(default=RULES)
    action_plan: tuple[PlanItem, ...] | None = None

    @property
    def scores(self) -> dict[str, int | None]:
        return {d: r.score for d, r in self.dimensions.items()}

    @property
    def coverage(self) -> dict[str, float]:
        """The known coverage per dimension (none for an outcome made from scores)."""
        return {d: r.coverage for d, r in self.dimensions.items() if r.coverage is not None}

    @property
    def primary(self) -> str | None:
        """The primary step's offering id, or None."""
        if self.recommendation is None or self.recommendation.primary is None:
            return None
        return self.recommendation.primary.offering

    def strongest_and_weakest(self, n: int = 2) -> tuple[list[str], list[str]]:
        return strongest_and_weakest(self.scores, n)


def _basis(ranked: RankedRecommendation) -> Basis:
    explanation = ranked.explanation
    if ranked.source != "learned" or explanation is None:
        return RULES
    return Basis(
        "learned",
        PathExplanation(
            decisions=explanation.decisions,
            offering=explanation.offering,
            probability=explanation.probability,
            dimensions=explanation.dimensions,
        ),
    )


def _path(
    profile: Mapping[str, Any] | None,
    scores: Mapping[str, float | None],
    coverage: Mapping[str, float],
    measured: Mapping[str, bool],
    catalogue: Catalogue,
    ranking: Ranking,
    found: Evidence | None = None,
) -> tuple[Recommendation | None, Basis]:
    """The path behind the gate: with too few answers, or for a company outside the
    target group, there is none, and the recommendation says why."""
    if profile is None:
        return None, RULES
    company = company_profile(profile)
    status, missing = gate(company, measured, catalogue)
    if status != "ready":
        excluded = exclusions(excluded_offerings(company, catalogue), catalogue)
        sent = referrals(company, catalogue) if status == "outside_target_group" else ()
        return Recommendation(None, (), None, excluded, status, missing, sent), RULES
    case = DecisionCase(company, dict(scores), dict(coverage), found)
    ranked = ranking(case, catalogue)
    return ranked.recommendation, _basis(ranked)


def assess(
    answers: Mapping[str, AnswerValue],
    profile: Mapping[str, Any] | None,
    content: ContentLike,
    ranking: Ranking = rules_ranking,
) -> Outcome:
    """Score ``answers`` and, given the company's ``profile``, choose its path.

    ``profile`` is the parsed profile (``employees`` at least); None: scores only.
    """
    scored = score_dimensions(content.questionnaire, answers)
    dimensions = {
        d: DimensionOutcome(r.score, r.band, r.coverage, r.answered, r.total)
        for d, r in scored.items()
    }
    scores = {d: r.score for d, r in scored.items()}
    areas = area_indices(scores)
    coverage = {d: r.coverage for d, r in scored.items()}
    measured = measured_dimensions(
        {d: (r.coverage, r.answered) for d, r in scored.items()}, content.catalogue
    )
    found = evidence(content.questionnaire, answers, content.catalogue)
    recommendation, basis = _path(
        profile, scores, coverage, measured, content.catalogue, ranking, found
    )
    plan = (
        None
        if recommendation is None
        else action_plan(content.questionnaire, answers, recommendation, content.catalogue)
    )
    return Outcome(dimensions, areas, overall_index(areas), recommendation, basis, plan)


def assess_scores(
    scores: Mapping[str, float | None],
    profile: Mapping[str, Any] | None,
    content: ContentLike,
    ranking: Ranking = rules_ranking,
) -> Outcome:
    """The outcome for dimension scores given as figures (None: not measured).

    The path is ranked from the figures as given; the outcome keeps each rounded half
    up, as a score is shown, and its area and overall indices are those of the shown
    scores. Coverage is not known. Dimensions the questionnaire does not
    have are ignored; those not given count as not measured.
    """
    q = content.questionnaire
    given = {d.id: scores.get(d.id) for d in q.dimensions}
    rounded = {d: None if s is None else round_half_up(float(s)) for d, s in given.items()}
    dimensions = {
        d: DimensionOutcome(s, band.id if (band := q.band_for(s)) else None, None)
        for d, s in rounded.items()
    }
    areas = area_indices(rounded)  # the mean of the scores as shown, as for a team
    measured = {d: s is not None for d, s in given.items()}  # a figure given is measured
    recommendation, basis = _path(profile, given, {}, measured, content.catalogue, ranking)
    return Outcome(dimensions, areas, overall_index(areas), recommendation, basis)
