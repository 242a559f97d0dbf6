"""The OpenAPI 3.1 document, built from the questionnaire so the two cannot drift apart."""

from __future__ import annotations

from typing import Any

from questionnaire.model import Question, Questionnaire
from questionnaire.profile import OTHER_INDUSTRY, SNI_DIVISIONS
from recommender.path import STATUSES, WHENS

_TEXT = {"$ref": "#/components/schemas/Text"}
_ERROR = {
    "description": "An error, naming the field it concerns (a dotted path) where there is one; "
    'a list\'s item is named by its index ("answers.readiness_systems.1").',
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}

_RATE_LIMITED = {
    "description": "Too many new assessments from this address; Retry-After says when to try "
    "again.",
    "content": _ERROR["content"],
}

_UNAVAILABLE = {
    "description": "The database could not be reached for a moment; what was sent may not "
    "have been stored. Retry later.",
    "content": _ERROR["content"],
}


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def _answer_schema(question: Question) -> dict[str, Any]:
    values = [o.value for o in question.options]
    if question.type == "single":
        return {"type": "string", "enum": values}
    if question.type == "multi":
        # Any mix of ordinary options, or one exclusive option (none, dont_know) alone.
        alone = [o.value for o in question.options if o.exclusive]
        ordinary = [o.value for o in question.options if not o.exclusive]
        least = 1 if question.required else 0
        choices: list[dict[str, Any]] = [
            {"type": "array", "items": {"type": "string", "enum": ordinary}, "minItems": least}
        ]
        choices += [{"type": "array", "items": {"const": value}, "minItems": 1} for value in alone]
        return choices[0] if len(choices) == 1 else {"anyOf": choices}
    if question.type == "number":
        number: dict[str, Any] = {
            "type": "integer" if question.integer else "number",
            "minimum": question.min,
            "maximum": question.max,
        }
        boxes = [o.value for o in question.options]  # dont_know, and not_relevant if offered
        if not boxes:
            return number
        return {"oneOf": [number, {"type": "string", "enum": boxes}]}
    return {"type": "string", "maxLength": question.max_length}


def _profile_schema(q: Questionnaire) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for question in q.profile_section.questions:
        properties[question.id] = _answer_schema(question)
    divisions = "|".join(f"{d:02d}" for d in sorted(SNI_DIVISIONS))
    properties["sni"] = {
        "type": "string",
        "pattern": rf"^(({divisions})(\.\d{{1,3}})?|{OTHER_INDUSTRY})$",
        "description": 'SNI 2007 code, e.g. "25" or "25.620", or "other" for an industry '
        "the questionnaire's list does not name. The programmes are made for the target "
        "group (GET /api/v1/offerings does not list it; the questionnaire's sni options "
        'do): a company outside it gets status "outside_target_group", and one that '
        'gives no industry "needs_more_answers".',
    }
    for question in q.profile_section.questions:
        if not question.required:
            # An optional field may also be sent as null: it means "not given".
            properties[question.id] = {"anyOf": [properties[question.id], {"type": "null"}]}
    return {
        "type": "object",
        "properties": properties,
        "required": [q.id for q in q.profile_section.questions if q.required],
        "additionalProperties": False,
    }


def _answers_schema(q: Questionnaire) -> dict[str, Any]:
    questions = [item for s in q.maturity_sections for item in s.questions]
    return {
        "type": "object",
        "description": "Question id to answer; every maturity question is required "
        'and offers "dont_know", which does not count as zero (except on the few items '
        "where not knowing is itself the finding: there it is level 0); some offer "
        '"not_relevant", which never counts.',
        "properties": {item.id: _answer_schema(item) for item in questions},
        "required": [item.id for item in questions if item.required],
        "additionalProperties": False,
    }


def _scores_schema(q: Questionnaire, value: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {d.id: value for d in q.dimensions},
        "additionalProperties": False,
    }


def openapi_document(q: Questionnaire) -> dict[str, Any]:
    score = {"type": ["integer", "null"], "minimum": 0, "maximum": 100}
    reason = {
        "type": "object",
        "required": ["code", "params", "text"],
        "properties": {
            "code": {"type": "string"},
            "params": {"type": "object"},
            "text": _TEXT,
        },
    }
    step = {
        "type": "object",
        "required": ["id", "reasons", "when"],
        "properties": {
            "id": {"type": "string"},
            "reasons": {
                "type": "array",
                "minItems": 1,
                "items": {"$ref": "#/components/schemas/Reason"},
            },
            "when": {"type": "string", "enum": list(WHENS)},
        },
    }
    steps = {"type": "array", "items": {"$ref": "#/components/schemas/Step"}}
    recommendation = {
        "type": "object",
        "description": 'With "status" other than "ready" there is no path: "primary" and '
        '"later" are null and "complementary" is empty. "needs_more_answers" says in '
        '"missing" what to answer first; "outside_target_group" lists in "referrals" '
        'where to turn instead. "excluded" is listed either way.',
        "required": [
            "status",
            "primary",
            "complementary",
            "later",
            "deferred",
            "referrals",
            "missing",
            "excluded",
        ],
        "properties": {
            "status": {"type": "string", "enum": list(STATUSES)},
            "primary": {"oneOf": [{"$ref": "#/components/schemas/Step"}, {"type": "null"}]},
            "complementary": {**steps, "maxItems": 2},
            "later": {"oneOf": [{"$ref": "#/components/schemas/Step"}, {"type": "null"}]},
            "deferred": {
                **steps,
                "description": "Steps that would run beside the primary one, moved later "
                "for a company with little time for development.",
            },
            "referrals": steps,
            "missing": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["dimensions", "profile"],
                        "properties": {
                            "dimensions": {"type": "array", "items": {"type": "string"}},
                            "profile": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                ]
            },
            "excluded": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "reason"],
                    "properties": {
                        "id": {"type": "string"},
                        "reason": {"$ref": "#/components/schemas/Reason"},
                    },
                },
            },
        },
        "if": {"properties": {"status": {"const": "ready"}}},
        "then": {"properties": {"missing": {"type": "null"}, "referrals": {"maxItems": 0}}},
        "else": {
            "properties": {
                "primary": {"type": "null"},
                "complementary": {"maxItems": 0},
                "later": {"type": "null"},
                "deferred": {"maxItems": 0},
            }
        },
    }
    text_or_null = {"oneOf": [_TEXT, {"type": "null"}]}
    state = {
        "type": "object",
        "required": ["value", "label", "level"],
        "properties": {
            "value": {"description": "An option value, the ticked values, or a number."},
            "label": text_or_null,
            "level": {"type": "number", "minimum": 0, "maximum": 4},
        },
    }
    plan_item = {
        "type": "object",
        "description": "One step of the action plan: the answer now and one step up. "
        "gain is the points the dimension's 0-100 score would rise by if this item alone "
        "moved up; offering the step in the path that helps with it, if any.",
        "required": ["dimension", "question", "kind", "now", "next", "gain", "offering"],
        "properties": {
            "dimension": {"type": "string"},
            "question": {"type": "string"},
            "kind": {"type": "string", "enum": ["single", "checklist", "number"]},
            "now": state,
            "next": state,
            "gain": {"type": "integer", "minimum": 1},
            "offering": {"type": ["string", "null"]},
        },
    }
    offering = {
        "type": "object",
        "required": [
            "id",
            "kind",
            "name",
            "summary",
            "status",
            "ended_on",
            "successor",
            "url",
            "verified_on",
            "remedies",
            "eligibility",
        ],
        "properties": {
            "id": {"type": "string"},
            "kind": {"type": "string", "enum": ["track", "initiative", "referral"]},
            "name": _TEXT,
            "summary": _TEXT,
            "status": {"type": "string", "enum": ["active", "paused", "ended"]},
            "ended_on": {"type": ["string", "null"], "description": "YYYY-MM"},
            "successor": {
                "type": ["string", "null"],
                "description": "The active offering that takes the place of one that is not.",
            },
            "url": {"type": ["string", "null"]},
            "verified_on": {
                "type": ["string", "null"],
                "description": "When a person last checked the facts (YYYY-MM-DD); null: never.",
            },
            "remedies": {"type": "array", "items": {"type": "string"}},
            "eligibility": {
                "type": "object",
                "required": ["sme_only", "industries", "requires_completed"],
                "properties": {
                    "sme_only": {"type": "boolean"},
                    "industries": {
                        "oneOf": [
                            {"type": "null"},
                            {
                                "type": "object",
                                "required": ["id", "name", "divisions"],
                                "properties": {
                                    "id": {"type": "string"},
                                    "name": text_or_null,
                                    "divisions": {
                                        "type": "array",
                                        "items": {"type": "array", "items": {"type": "integer"}},
                                    },
                                },
                            },
                        ]
                    },
                    "requires_completed": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    }
    assessment = {
        "type": "object",
        "required": [
            "id",
            "url",
            "questionnaire_version",
            "scores",
            "areas",
            "bands",
            "recommendation",
            "action_plan",
        ],
        "properties": {
            "id": {"type": "string", "description": "Unguessable; also the private link's key."},
            "url": {"type": "string", "description": "The result page for people."},
            "questionnaire_version": {"type": "string"},
            "status": {"type": "string", "enum": ["completed"]},
            "profile": {"type": "object"},
            "answers": {"type": "object"},
            "scores": _scores_schema(q, score),
            "bands": _scores_schema(q, {"type": ["string", "null"]}),
            "coverage": _scores_schema(q, {"type": "number", "minimum": 0, "maximum": 1}),
            "areas": {
                "type": "object",
                "properties": {a.id: score for a in q.areas},
                "additionalProperties": False,
            },
            "overall": score,
            "recommendation": {"$ref": "#/components/schemas/Recommendation"},
            "action_plan": {
                "type": "array",
                "maxItems": 8,
                "items": {"$ref": "#/components/schemas/PlanItem"},
                "description": "Empty while more answers are needed.",
            },
            "created_at": {"type": "string"},
            "completed_at": {"type": ["string", "null"]},
        },
    }
    errors = {"400": _ERROR, "422": _ERROR}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Lyftkollen API",
            "version": "1.0.0",
            "description": "Self-assessment of digital maturity, sustainability and change "
            f"capability, and the recommended next step. Questionnaire version {q.version}. "
            "Every string in a request body, keys too, is refused (422) if it holds a lone "
            "UTF-16 surrogate (an escape from \\ud800 to \\udfff without its pair); control "
            "characters other than tab and line breaks are removed from values.",
        },
        "paths": {
            "/api/v1/questionnaire": {
                "get": {
                    "summary": "The questionnaire: dimensions, questions and options",
                    "responses": {
                        "200": {
                            "description": "The questionnaire",
                            "content": _json("Questionnaire"),
                        }
                    },
                }
            },
            "/api/v1/assessments": {
                "post": {
                    "summary": "Score a complete set of answers and recommend a path",
                    "requestBody": {"required": True, "content": _json("AssessmentInput")},
                    "responses": {
                        "201": {
                            "description": "Stored, scored and recommended",
                            "content": _json("Assessment"),
                            "links": {
                                "GetAssessment": {
                                    "operationId": "getAssessment",
                                    "parameters": {"id": "$response.body#/id"},
                                }
                            },
                        },
                        **errors,
                        "429": _RATE_LIMITED,
                        "503": _UNAVAILABLE,
                    },
                }
            },
            "/api/v1/assessments/{id}": {
                "get": {
                    "operationId": "getAssessment",
                    "summary": "A stored assessment",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {"description": "The assessment", "content": _json("Assessment")},
                        "404": _ERROR,
                        "503": _UNAVAILABLE,
                    },
                }
            },
            "/api/v1/offerings": {
                "get": {
                    "summary": "The offering catalogue: every offering, and whether it takes "
                    "companies today",
                    "responses": {
                        "200": {
                            "description": "The catalogue",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["offerings"],
                                        "properties": {
                                            "offerings": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Offering"},
                                            }
                                        },
                                    }
                                }
                            },
                        }
                    },
                }
            },
            "/api/v1/recommendations": {
                "post": {
                    "summary": "The recommended path for a profile and dimension scores",
                    "requestBody": {"required": True, "content": _json("RecommendationInput")},
                    "responses": {
                        "200": {"description": "The path", "content": _json("Recommendation")},
                        **errors,
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Text": {
                    "type": "object",
                    "required": ["sv", "en"],
                    "properties": {"sv": {"type": "string"}, "en": {"type": "string"}},
                },
                "Error": {
                    "type": "object",
                    "required": ["error", "field"],
                    "properties": {
                        "error": {"type": "string"},
                        "field": {"type": ["string", "null"]},
                    },
                },
                "Profile": _profile_schema(q),
                "AssessmentInput": {
                    "type": "object",
                    "required": ["profile", "answers"],
                    "properties": {
                        "profile": {"$ref": "#/components/schemas/Profile"},
                        "answers": _answers_schema(q),
                        "language": {"type": "string", "enum": ["sv", "en"]},
                    },
                    "additionalProperties": False,
                },
                "RecommendationInput": {
                    "type": "object",
                    "required": ["profile", "scores"],
                    "properties": {
                        "profile": {"$ref": "#/components/schemas/Profile"},
                        "scores": _scores_schema(
                            q, {"type": ["number", "null"], "minimum": 0, "maximum": 100}
                        ),
                    },
                    "additionalProperties": False,
                },
                "Reason": reason,
                "Step": step,
                "Offering": offering,
                "PlanItem": plan_item,
                "Recommendation": recommendation,
                "Assessment": assessment,
                "Questionnaire": {
                    "type": "object",
                    "required": ["version", "dimensions", "questions"],
                    "properties": {
                        "version": {"type": "string"},
                        "dimensions": {"type": "array", "items": {"type": "object"}},
                        "questions": {"type": "array", "items": {"type": "object"}},
                    },
                },
            }
        },
    }
