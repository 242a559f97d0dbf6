"""Between the views and the database: saving answers, completing and describing assessments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from questionnaire.model import Questionnaire, Text
from questionnaire.profile import company_profile
from questionnaire.scoring import ScoreReport, score_assessment
from recommender.catalogue import Catalogue
from recommender.path import (
    Reason,
    Recommendation,
    recommendation_from_dict,
    recommendation_to_dict,
    render_reason,
)
from recommender.ranking import recommend
from web.content import Content
from web.extensions import db
from web.models import Answer, Assessment, utcnow


def find(token: str) -> Assessment | None:
    return db.session.execute(
        select(Assessment).where(Assessment.token == token)
    ).scalar_one_or_none()


def save_answers(assessment: Assessment, values: Mapping[str, Any]) -> None:
    """Store each answer (None removes it); the caller commits once per request."""
    existing = {a.question_id: a for a in assessment.answers}
    for question_id, value in values.items():
        answer = existing.get(question_id)
        if value is None:
            if answer is not None:
                assessment.answers.remove(answer)
        elif answer is None:
            assessment.answers.append(Answer(question_id=question_id, value=value))
        elif answer.value != value:
            answer.value = value
    assessment.updated_at = utcnow()


def evaluate(
    content: Content, profile_values: Mapping[str, Any], answers: Mapping[str, Any]
) -> tuple[ScoreReport, Recommendation]:
    report = score_assessment(content.questionnaire, answers)
    recommendation = recommend(company_profile(profile_values), report.scores, content.catalogue)
    return report, recommendation


def report_to_dict(report: ScoreReport) -> dict[str, Any]:
    return {
        "dimensions": {
            d: {
                "score": r.score,
                "band": r.band,
                "coverage": r.coverage,
                "answered": r.answered,
                "total": r.total,
            }
            for d, r in report.dimensions.items()
        },
        "areas": report.areas,
        "overall": report.overall,
    }


def complete(assessment: Assessment, content: Content) -> None:
    """Score the answers, choose the path, and keep both as shown to the company."""
    report, recommendation = evaluate(content, assessment.profile, assessment.answer_map())
    assessment.scores = report_to_dict(report)
    assessment.recommendation = recommendation_to_dict(recommendation)
    assessment.status = "completed"
    assessment.completed_at = assessment.completed_at or utcnow()


def reason_document(
    reason: Reason, catalogue: Catalogue, dimension_names: Mapping[str, Text]
) -> dict[str, Any]:
    return {
        "code": reason.code,
        "params": dict(reason.params),
        "text": {
            language: render_reason(reason, language, catalogue, dimension_names)
            for language in ("sv", "en")
        },
    }


def recommendation_document(recommendation: Recommendation, content: Content) -> dict[str, Any]:
    """The recommendation as the API gives it: ids with reasons worded in both languages."""
    names = dimension_names(content.questionnaire)
    catalogue = content.catalogue

    def step(s: Any) -> dict[str, Any] | None:
        if s is None:
            return None
        return {
            "id": s.offering,
            "reasons": [reason_document(r, catalogue, names) for r in s.reasons],
        }

    return {
        "primary": step(recommendation.primary),
        "complementary": [step(s) for s in recommendation.complementary],
        "later": step(recommendation.later),
        "excluded": [
            {"id": e.offering, "reason": reason_document(e.reason, catalogue, names)}
            for e in recommendation.excluded
        ],
    }


def dimension_names(questionnaire: Questionnaire) -> dict[str, Text]:
    return {d.id: d.name for d in questionnaire.dimensions}


def scores_document(scores: Mapping[str, Any]) -> dict[str, Any]:
    dimensions = scores["dimensions"]
    return {
        "scores": {d: r["score"] for d, r in dimensions.items()},
        "bands": {d: r["band"] for d, r in dimensions.items()},
        "coverage": {d: r["coverage"] for d, r in dimensions.items()},
        "areas": scores["areas"],
        "overall": scores["overall"],
    }


def assessment_document(assessment: Assessment, content: Content, url: str) -> dict[str, Any]:
    """A completed assessment as the API describes it."""
    assert assessment.scores is not None and assessment.recommendation is not None
    return {
        "id": assessment.token,
        "url": url,
        "questionnaire_version": assessment.questionnaire_version,
        "status": assessment.status,
        "profile": assessment.profile,
        "answers": assessment.answer_map(),
        **scores_document(assessment.scores),
        "recommendation": recommendation_document(
            recommendation_from_dict(assessment.recommendation), content
        ),
        "created_at": assessment.created_at.isoformat(),
        "completed_at": assessment.completed_at.isoformat() if assessment.completed_at else None,
    }
