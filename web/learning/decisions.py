"""Advisor decisions: what a company went on to do after its result, and the training data
the learned ranking is made from.

A decision belongs to one online assessment (linked to a company) or one workshop (the
team's result). For training, each becomes a :class:`recommender.features.DecisionCase`:
an assessment's stored scores, coverage and profile; a workshop's team scores (from the
participants who finished) and the workshop's profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from questionnaire.dimensions import DIMENSION_IDS
from questionnaire.profile import company_profile
from questionnaire.team import team_result
from recommender.catalogue import Catalogue
from recommender.features import DecisionCase
from recommender.learned import Decision as LearnedDecision
from web.assessments.answering import profile_complete
from web.platform.extensions import db
from web.storage import summaries
from web.storage.content import Content, content, content_for
from web.storage.models import (
    DECISION_REASON_MAX,
    Answer,
    Assessment,
    Decision,
    ResultSummary,
    User,
    Workshop,
    utcnow,
)
from web.workshops import service as workshops


def offering_choices(
    catalogue: Catalogue, language: str, current: str | None = None
) -> list[tuple[str, str]]:
    """Every offering a decision may name, (id, name in ``language``), in catalogue
    order: those that take companies today, and the one already chosen, if any."""
    return [
        (o.id, o.name.get(language)) for o in catalogue.offerings if o.active or o.id == current
    ]


def for_assessment(assessment: Assessment) -> Decision | None:
    return db.session.execute(
        select(Decision)
        .where(Decision.assessment_id == assessment.id)
        .options(joinedload(Decision.decided_by))
    ).scalar_one_or_none()


def for_workshop(workshop: Workshop) -> Decision | None:
    return db.session.execute(
        select(Decision)
        .where(Decision.workshop_id == workshop.id)
        .options(joinedload(Decision.decided_by))
    ).scalar_one_or_none()


def recommended_for_assessment(assessment: Assessment) -> str | None:
    """The primary step the company was shown, or None."""
    outcome = assessment.outcome
    return outcome.primary if outcome is not None else None


def recommended_for_workshop(workshop: Workshop, content: Content) -> str | None:
    """The team's primary step as the advisor sees it now, or None."""
    team = workshops.team(workshop, content)
    if team is None or team.path is None or team.path.primary is None:
        return None
    return team.path.primary.offering


def record(
    existing: Decision | None,
    *,
    assessment: Assessment | None = None,
    workshop: Workshop | None = None,
    offering: str,
    reason: str,
    recommended: str | None,
    user: User,
) -> Decision:
    """Store (or change) the decision, and commit. The offering must be known.

    A result has one decision: when another request stored the first one meanwhile (a
    double click), this one changes that decision instead of failing on the unique key.
    """

    def store(decision: Decision | None) -> Decision:
        return _record(
            decision,
            assessment=assessment,
            workshop=workshop,
            offering=offering,
            reason=reason,
            recommended=recommended,
            user=user,
        )

    try:
        return store(existing)
    except IntegrityError:
        db.session.rollback()
        if existing is not None:
            raise
        stored = for_assessment(assessment) if assessment is not None else None
        if workshop is not None:
            stored = for_workshop(workshop)
        if stored is None:  # not the unique key: the record itself is gone, say
            raise
        return store(stored)


def _record(
    existing: Decision | None,
    *,
    assessment: Assessment | None = None,
    workshop: Workshop | None = None,
    offering: str,
    reason: str,
    recommended: str | None,
    user: User,
) -> Decision:
    if offering not in content().catalogue.by_id:
        raise ValueError(f"unknown offering {offering!r}")
    if (assessment is None) == (workshop is None):
        raise ValueError("a decision belongs to exactly one assessment or workshop")
    text = reason.strip()[:DECISION_REASON_MAX] or None
    # Locks in the order a deletion of the result takes them (its record, then by
    # cascade the summary row and the change counter), so that the two never wait for
    # each other on PostgreSQL: first a key-share lock on the record, which the new
    # decision's foreign key needs anyway, then the summary row (below), then the
    # decision row. (SQLite has one writer at a time and no FOR UPDATE.)
    parent = (
        select(Assessment.id).where(Assessment.id == assessment.id)
        if assessment is not None
        else select(Workshop.id).where(Workshop.id == cast(Workshop, workshop).id)
    )
    db.session.execute(parent.with_for_update(key_share=True))
    decision = existing
    if decision is None:
        decision = Decision(
            assessment_id=assessment.id if assessment else None,
            workshop_id=workshop.id if workshop else None,
            decided_at=utcnow(),
        )
        db.session.add(decision)
    elif (decision.offering, decision.reason, decision.recommended) == (
        offering,
        text,
        recommended,
    ):
        db.session.commit()  # nothing changed: who and when stay as they were
        return decision
    decision.offering = offering
    decision.reason = text
    decision.recommended = recommended
    decision.decided_by_id = user.id
    decision.updated_at = utcnow()
    # The result's summary row before the decision row: a respondent changing the same
    # finished result locks the summary row and then the change counter (migration
    # 0010's triggers), which the decision's own trigger would otherwise hold first.
    with db.session.no_autoflush:
        summaries.copy_decision(decision)  # the overview counts it with the result
    db.session.commit()
    return decision


# ---------------------------------------------------------------- training data


@dataclass(frozen=True)
class TrainingData:
    decisions: list[LearnedDecision]
    skipped: int  # decisions whose record has no usable scores or profile


def _assessment_case(assessment: Assessment) -> DecisionCase | None:
    outcome = assessment.outcome
    if outcome is None or not outcome.dimensions or not assessment.profile:
        return None
    try:
        profile = company_profile(assessment.profile)
    except (KeyError, TypeError, ValueError):
        return None
    return DecisionCase(
        profile=profile,
        scores=dict(outcome.scores),
        coverage=outcome.coverage,
    )


def _workshop_case(
    workshop: Workshop, scores: Mapping[str, int | None] | None
) -> DecisionCase | None:
    """The team's case from its scores (None: nobody has finished)."""
    c = content_for(workshop)
    if scores is None or not profile_complete(c.questionnaire, workshop.profile):
        return None
    return DecisionCase(profile=company_profile(workshop.profile), scores=dict(scores))


def _team_scores(workshop_ids: list[int]) -> dict[int, dict[str, int | None]]:
    """The team scores of many workshops: a closed one's from its summary row, an open
    one's from its finished participants' answers (one query for all of them)."""
    found: dict[int, dict[str, int | None]] = {}
    if not workshop_ids:
        return found
    summarised = db.session.execute(
        select(ResultSummary).where(ResultSummary.workshop_id.in_(workshop_ids))
    ).scalars()
    for row in summarised:
        found[row.workshop_id] = {d: getattr(row, d) for d in DIMENSION_IDS}  # type: ignore[index]
    rest = [w for w in workshop_ids if w not in found]
    if not rest:
        return found
    sets: dict[int, dict[int, dict[str, Any]]] = {}
    rows = db.session.execute(
        select(Assessment.workshop_id, Answer.assessment_id, Answer.question_id, Answer.value)
        .join(Assessment, Answer.assessment_id == Assessment.id)
        .where(Assessment.workshop_id.in_(rest), Assessment.status == "completed")
    )
    for workshop_id, assessment_id, question_id, value in rows:
        sets.setdefault(workshop_id, {}).setdefault(assessment_id, {})[question_id] = value
    for workshop in db.session.execute(select(Workshop).where(Workshop.id.in_(sets))).scalars():
        questionnaire = content_for(workshop).questionnaire
        found[workshop.id] = team_result(questionnaire, list(sets[workshop.id].values())).scores
    return found


def training_data(include_demo: bool = False) -> TrainingData:
    """Every decision with the case it was made on, oldest first; decisions on demo
    records only with ``include_demo``."""
    query = (
        select(Decision)
        .options(joinedload(Decision.assessment), joinedload(Decision.workshop))
        .order_by(Decision.id)
    )
    if not include_demo:
        real_assessments = select(Assessment.id).where(Assessment.demo.is_(False))
        real_workshops = select(Workshop.id).where(Workshop.demo.is_(False))
        query = query.where(
            or_(
                Decision.assessment_id.in_(real_assessments),
                Decision.workshop_id.in_(real_workshops),
            )
        )
    rows = db.session.execute(query).scalars().all()
    teams = _team_scores([d.workshop_id for d in rows if d.workshop_id is not None])
    known = content().catalogue.by_id
    found: list[LearnedDecision] = []
    skipped = 0
    for decision in rows:
        case = None
        demo = False  # a real advisor's decision, unless on a demo record
        if decision.assessment is not None:
            case = _assessment_case(decision.assessment)
            demo = decision.assessment.demo
        elif decision.workshop is not None:
            case = _workshop_case(decision.workshop, teams.get(decision.workshop.id))
            demo = decision.workshop.demo
        if case is None or decision.offering not in known:
            skipped += 1
            continue
        found.append(LearnedDecision(case=case, chosen=decision.offering, demo=demo))
    return TrainingData(found, skipped)
