"""JSON API v1: the questionnaire, assessments and recommendations."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import jsonify, request
from werkzeug.wrappers import Response

from questionnaire.answers import AnswerError, is_blank, parse_answer
from questionnaire.model import LANGUAGES, Question, Questionnaire
from questionnaire.profile import parse_profile_answers
from recommender.outcome import assess_scores, rules_ranking
from web.api import bp
from web.api.openapi import openapi_document
from web.assessments import answering
from web.assessments import service as assessments
from web.platform.extensions import new_assessment_limit
from web.platform.links import absolute_url_for
from web.platform.text import LoneSurrogate, clean_text, map_strings, replace_surrogates
from web.storage.content import content, content_for
from web.storage.models import Assessment


class ApiError(Exception):
    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


@bp.errorhandler(ApiError)
def api_error(error: ApiError) -> tuple[Response, int]:
    return jsonify({"error": error.message, "field": error.field}), error.status


def _body(allowed: set[str]) -> dict[str, Any]:
    """The request's JSON object; 400 when it is not JSON, 422 when it is not an object."""
    raw = request.get_data(cache=True)
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise ApiError(400, "the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(422, "the request body must be a JSON object", None)
    body = map_strings(body, _clean_text)
    for key in body:
        if key not in allowed:
            raise ApiError(422, "unknown field", str(key))
    return body


LONE_SURROGATE = (
    "the text holds a lone UTF-16 surrogate (an escape from \\ud800 to \\udfff without "
    "its pair), which is no character; send the text as UTF-8, or both halves of a pair"
)


def _clean_text(path: str, text: str, is_key: bool) -> str:
    """Every string in a body, keys too: a lone surrogate is refused (422, naming where
    it is; in the name, each one is shown as U+FFFD), control characters in values are
    removed as the forms remove them. Keys are only checked: a changed key would hide an
    unknown field."""
    try:
        cleaned = clean_text(text)
    except LoneSurrogate:
        raise ApiError(422, LONE_SURROGATE, replace_surrogates(path) or None) from None
    return text if is_key else cleaned


def _object(body: Mapping[str, Any], key: str, required: bool = True) -> dict[str, Any]:
    value = body.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise ApiError(422, "expected an object" if key in body else "this field is required", key)
    return value


def _profile(body: Mapping[str, Any], questionnaire: Questionnaire) -> dict[str, Any]:
    values, errors = parse_profile_answers(questionnaire, _object(body, "profile"))
    if errors:
        first = errors[0]
        raise ApiError(422, first.message, f"profile.{first.question_id}")
    unknown = set(values.get("completed") or ()) - set(content().catalogue.by_id)
    if unknown:
        raise ApiError(422, "unknown offering", "profile.completed")
    return values


def _answers(body: Mapping[str, Any], questionnaire: Questionnaire) -> dict[str, Any]:
    raw = _object(body, "answers")
    maturity: dict[str, Question] = {
        q.id: q for s in questionnaire.maturity_sections for q in s.questions
    }
    values: dict[str, Any] = {}
    for question_id, value in raw.items():
        question = maturity.get(question_id)
        if question is None:
            raise ApiError(422, "no question has this id", f"answers.{question_id}")
        if value == "" or value is None:
            raise ApiError(
                422, 'expected an answer ("dont_know" is allowed)', f"answers.{question_id}"
            )
        try:
            parsed = parse_answer(question, value)
        except AnswerError as error:
            raise ApiError(422, error.message, f"answers.{question_id}") from None
        if parsed is not None:
            values[question_id] = parsed
    for question_id, question in maturity.items():
        if question.required and is_blank(values.get(question_id)):
            raise ApiError(
                422, 'an answer is required ("dont_know" is allowed)', f"answers.{question_id}"
            )
    return values


def _language(body: Mapping[str, Any]) -> str:
    language = body.get("language", "sv")
    if language not in LANGUAGES:
        raise ApiError(422, 'expected "sv" or "en"', "language")
    return language


@bp.get("/questionnaire")
def questionnaire() -> Response:
    c = content()
    return jsonify(
        c.derived("questionnaire_document", lambda: questionnaire_document(c.questionnaire))
    )


@bp.post("/assessments")
@new_assessment_limit
def create_assessment() -> tuple[Response, int, dict[str, str]]:
    q = content().questionnaire
    body = _body({"profile", "answers", "language"})
    profile = _profile(body, q)
    answers = _answers(body, q)
    assessment = answering.submit(profile, answers, _language(body), content())
    location = absolute_url_for("api.get_assessment", token=assessment.token)
    return jsonify(_document(assessment)), 201, {"Location": location}


@bp.get("/assessments/<token>")
def get_assessment(token: str) -> Response:
    assessment = assessments.find(token)
    # A workshop participant's answers are the workshop's, shown through the advisor.
    if assessment is None or not assessment.completed or assessment.workshop_id is not None:
        raise ApiError(404, "no completed assessment has this id", "id")
    return jsonify(_document(assessment))


@bp.post("/recommendations")
def recommendations() -> Response:
    q = content().questionnaire
    body = _body({"profile", "scores"})
    profile = _profile(body, q)
    raw_scores = _object(body, "scores")
    scores: dict[str, float | None] = {d.id: None for d in q.dimensions}
    for key, value in raw_scores.items():
        if key not in scores:
            raise ApiError(422, "unknown dimension", f"scores.{key}")
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
            raise ApiError(422, "expected a number from 0 to 100, or null", f"scores.{key}")
        scores[key] = float(value)
    # By the rules of thumb, as this endpoint has always answered.
    recommendation = assess_scores(scores, profile, content(), rules_ranking).recommendation
    if recommendation is None:  # never: a profile was given
        raise RuntimeError("a path was asked for with a profile and none was made")
    return jsonify(assessments.recommendation_document(recommendation, content()))


@bp.get("/offerings")
def offerings() -> Response:
    c = content()
    return jsonify(
        c.derived("offerings_document", lambda: assessments.offerings_document(c.catalogue))
    )


@bp.get("/openapi.json")
def openapi() -> Response:
    c = content()
    return jsonify(c.derived("openapi_document", lambda: openapi_document(c.questionnaire)))


def _document(assessment: Assessment) -> dict[str, Any]:
    url = absolute_url_for("survey.result", token=assessment.token)
    return assessments.assessment_document(assessment, content_for(assessment), url)


def questionnaire_document(q: Questionnaire) -> dict[str, Any]:
    """The questionnaire as data: what to ask, in both languages, and what is allowed."""

    def question(item: Question, dimension: str | None, section: str) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "id": item.id,
            "section": section,
            "type": item.type,
            "dimension": dimension,
            "required": item.required,
            "text": item.text.model_dump(),
            "help": item.help.model_dump() if item.help else None,
            "options": [
                {
                    "value": o.value,
                    "level": o.level,
                    "label": o.label.model_dump(),
                    "exclusive": o.exclusive,
                }
                for o in item.options
            ],
        }
        if item.type == "number":
            doc.update(
                min=item.min,
                max=item.max,
                integer=item.integer,
                unit=item.unit.model_dump() if item.unit else None,
            )
        if item.type == "text":
            doc["max_length"] = item.max_length
        return doc

    return {
        "version": q.version,
        "areas": [
            {"id": a.id, "name": a.name.model_dump(), "description": a.description.model_dump()}
            for a in q.areas
        ],
        "dimensions": [
            {
                "id": d.id,
                "area": d.area,
                "name": d.name.model_dump(),
                "description": d.description.model_dump(),
            }
            for d in q.dimensions
        ],
        "bands": [{"id": b.id, "max": b.max, "name": b.name.model_dump()} for b in q.bands],
        "questions": [
            question(item, s.dimension, s.id) for s in q.sections for item in s.questions
        ],
    }
