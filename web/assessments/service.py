"""Between the views and the database: saving answers, completing and describing assessments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import (
    bindparam,
    delete,
    select,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from questionnaire.model import LANGUAGES, Questionnaire, Text
from recommender.action_plan import PlanItem, action_plan
from recommender.catalogue import Catalogue
from recommender.outcome import Outcome, assess
from recommender.path import Reason, Recommendation, Step, render_reason
from recommender.stored import plan_item_to_stored
from web.assessments.page_read import TOKEN_SHAPE, PageState
from web.platform.extensions import db
from web.storage import learned_model as ranking
from web.storage import summaries
from web.storage.content import Content
from web.storage.models import Answer, Assessment, Workshop, utcnow

# The statements of every questionnaire page, built once: building one anew and finding
# it in SQLAlchemy's statement cache cost as much as running it.
_BY_TOKEN = (
    select(Assessment)
    .options(joinedload(Assessment.workshop))
    .where(Assessment.token == bindparam("token"))
)
_ANSWERS = Answer.__table__
_STORED_ANSWERS = select(_ANSWERS.c.question_id, _ANSWERS.c.value).where(
    _ANSWERS.c.assessment_id == bindparam("assessment_id")
)


def find(token: str) -> Assessment | None:
    """The assessment with this private token, with its workshop (if any) in the same
    query: a participant's every page asks whether the workshop is still open."""
    if not TOKEN_SHAPE.fullmatch(token):
        return None
    return db.session.execute(_BY_TOKEN, {"token": token}).scalar_one_or_none()


def stored_answers(assessment: Assessment) -> dict[str, Any]:
    """The stored answers by question id: one Core query for two columns, in the
    session's transaction (so it sees this request's ``save_answers``), no ORM."""
    rows = db.session.connection().execute(_STORED_ANSWERS, {"assessment_id": assessment.id})
    return {question_id: value for question_id, value in rows}


def accepts_answers(assessment: Assessment | PageState) -> bool:
    """False once the assessment's workshop is closed: its answers are then final."""
    return assessment.workshop is None or assessment.workshop.is_open


def lock_workshop(assessment: Assessment) -> None:
    """Before writing a participant's answers: take the workshop's row lock first.

    On PostgreSQL every transaction that writes both a workshop and its participants
    then locks them in the same order (the workshop first, as the advisor's profile save
    does), so the two cannot deadlock. SQLite has one writer at a time: nothing to do.
    """
    if assessment.workshop_id is None or db.session.get_bind().dialect.name == "sqlite":
        return
    db.session.execute(
        select(Workshop.id).where(Workshop.id == assessment.workshop_id).with_for_update(read=True)
    )


def still_accepts_answers(assessment: Assessment) -> bool:
    """``accepts_answers`` again, inside the transaction that writes the answers.

    Called after the write and before the commit. On PostgreSQL the workshop's row is
    read with a shared lock, so a close waits for this commit or is seen here; on
    SQLite the write already holds the only write lock, so the read is current.
    """
    if assessment.workshop_id is None:
        return True
    db.session.flush()  # the write first: on SQLite it takes the write lock
    status = db.session.execute(
        select(Workshop.status)
        .where(Workshop.id == assessment.workshop_id)
        .with_for_update(read=True)
    ).scalar_one()
    return status == "open"


def save_answers(assessment: Assessment, values: Mapping[str, Any]) -> None:
    """Store each answer (None removes it); the caller commits once per request.

    An upsert, not read-then-insert: an autosave and a submit of the same page may
    arrive together, and neither may fail on the other's row.
    """
    if assessment.id is None:  # not stored yet: nobody else can be writing its answers
        assessment.answers.extend(
            Answer(question_id=q, value=v) for q, v in values.items() if v is not None
        )
        return
    now = utcnow()
    rows = [
        {"assessment_id": assessment.id, "question_id": q, "value": v, "updated_at": now}
        for q, v in values.items()
        if v is not None
    ]
    if rows:
        insert = (
            postgresql_insert
            if db.session.get_bind().dialect.name == "postgresql"
            else sqlite_insert
        )
        # The rows as parameters, not in the statement: its compiled form is then cached.
        statement = insert(Answer.__table__)
        statement = statement.on_conflict_do_update(
            index_elements=["assessment_id", "question_id"],
            set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
        )
        db.session.execute(statement, rows)
    removed = [q for q, v in values.items() if v is None]
    if removed:
        db.session.execute(
            delete(Answer).where(
                Answer.assessment_id == assessment.id, Answer.question_id.in_(removed)
            )
        )
    db.session.expire(assessment, ["answers"])
    assessment.updated_at = now


def complete(
    assessment: Assessment,
    content: Content,
    with_path: bool = True,
    answers: Mapping[str, Any] | None = None,
) -> None:
    """Score the answers, choose the path, and keep both as shown to the company.

    The path is the learned ranking's when a saved model may be used (see
    :mod:`web.storage.learned_model`), else the rules'; the hard rules apply on top of either. Which
    ranking made it, and why, is kept with it, so it is shown as it was.

    A workshop participant without the company's profile yet gets scores only
    (``with_path=False``): the path needs the profile, which the advisor gives.
    ``answers`` are the stored answers if the caller has read them already.
    """
    if answers is None:
        answers = assessment.answer_map()
    profile = assessment.profile if with_path else None
    assessment.keep_outcome(assess(answers, profile, content, ranking.ranking_for(content)))
    assessment.status = "completed"
    assessment.completed_at = assessment.completed_at or utcnow()
    summaries.refresh_assessment(assessment, content)


def reason_document(
    reason: Reason,
    catalogue: Catalogue,
    dimension_names: Mapping[str, Text],
    questionnaire: Questionnaire | None = None,
) -> dict[str, Any]:
    return {
        "code": reason.code,
        "params": dict(reason.params),
        "text": {
            language: render_reason(reason, language, catalogue, dimension_names, questionnaire)
            for language in LANGUAGES
        },
    }


def recommendation_document(recommendation: Recommendation, content: Content) -> dict[str, Any]:
    """The recommendation as the API gives it: ids with reasons worded in both languages."""
    q = content.questionnaire
    names = dimension_names(q)
    catalogue = content.catalogue

    def step(s: Step | None) -> dict[str, Any] | None:
        if s is None:
            return None
        return {
            "id": s.offering,
            "reasons": [reason_document(r, catalogue, names, q) for r in s.reasons],
            "when": s.when,
        }

    missing = recommendation.missing
    return {
        "status": recommendation.status,
        "primary": step(recommendation.primary),
        "complementary": [step(s) for s in recommendation.complementary],
        "later": step(recommendation.later),
        "deferred": [step(s) for s in recommendation.deferred],
        "referrals": [step(s) for s in recommendation.referrals],
        "missing": None
        if missing is None
        else {"dimensions": list(missing.dimensions), "profile": list(missing.profile)},
        "excluded": [
            {"id": e.offering, "reason": reason_document(e.reason, catalogue, names)}
            for e in recommendation.excluded
        ],
    }


def offerings_document(catalogue: Catalogue) -> dict[str, Any]:
    """The offering catalogue as the API lists it."""

    def industries(set_id: str | None) -> dict[str, Any] | None:
        if set_id is None:
            return None
        named = catalogue.industry_set(set_id)
        return {
            "id": set_id,
            "name": named.name.model_dump(),
            "divisions": [list(r) for r in named.divisions],
        }

    return {
        "offerings": [
            {
                "id": o.id,
                "kind": o.kind,
                "name": o.name.model_dump(),
                "summary": o.summary.model_dump(),
                "status": o.status,
                "ended_on": o.ended_on,
                "successor": o.successor,
                "url": o.url,
                "verified_on": o.verified_on,
                "remedies": list(o.remedies),
                "eligibility": {
                    "sme_only": o.eligibility.sme_only,
                    "industries": industries(o.eligibility.industry_set),
                    "requires_completed": list(o.eligibility.requires_completed),
                },
            }
            for o in catalogue.offerings
        ]
    }


def plan_for(assessment: Assessment, content: Content) -> tuple[PlanItem, ...]:
    """The assessment's action plan: as kept with its result, or, for a result kept
    before plans existed, made from its answers on the content it was given on."""
    outcome = assessment.outcome
    if outcome is None or outcome.recommendation is None:
        return ()
    if outcome.action_plan is not None:
        return outcome.action_plan
    answers = {k: v for k, v in assessment.answer_map().items() if v is not None}
    return action_plan(content.questionnaire, answers, outcome.recommendation, content.catalogue)


def dimension_names(questionnaire: Questionnaire) -> dict[str, Text]:
    return {d.id: d.name for d in questionnaire.dimensions}


def scores_document(outcome: Outcome) -> dict[str, Any]:
    dimensions = outcome.dimensions
    return {
        "scores": {d: r.score for d, r in dimensions.items()},
        "bands": {d: r.band for d, r in dimensions.items()},
        "coverage": {d: r.coverage for d, r in dimensions.items()},
        "areas": dict(outcome.areas),
        "overall": outcome.overall,
    }


def assessment_document(assessment: Assessment, content: Content, url: str) -> dict[str, Any]:
    """A completed assessment as the API describes it."""
    outcome = assessment.outcome
    if outcome is None or outcome.recommendation is None:
        raise ValueError("only a completed assessment with a path has a document")
    return {
        "id": assessment.token,
        "url": url,
        "questionnaire_version": assessment.questionnaire_version,
        "status": assessment.status,
        "profile": assessment.profile,
        "answers": assessment.answer_map(),
        **scores_document(outcome),
        "recommendation": recommendation_document(outcome.recommendation, content),
        "action_plan": [plan_item_to_stored(i) for i in plan_for(assessment, content)],
        "created_at": assessment.created_at.isoformat(),
        "completed_at": assessment.completed_at.isoformat() if assessment.completed_at else None,
    }
