"""Keeping ``result_summaries`` in step with the records it summarises.

A completed online self-assessment gets its row when it is completed; a workshop gets
its team's row when it is closed (and loses it when reopened: its answers may change
again). Deleting the record deletes the row (ON DELETE CASCADE). ``rebuild`` recreates
every row from the records, for an upgrade or after a repair.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import case, delete, select, update

from questionnaire.answers import AnswerError
from questionnaire.dimensions import DIMENSION_IDS
from questionnaire.profile import company_profile
from recommender.features import size_band
from recommender.outcome import Outcome
from recommender.peers import industry_group
from web.platform.extensions import db
from web.storage.content import Content
from web.storage.models import LOCAL_TIME, Assessment, Decision, ResultSummary, Workshop

# A column per dimension: the model and the fixed ids must agree.
if not all(d in ResultSummary.__table__.c for d in DIMENSION_IDS):
    raise RuntimeError("result_summaries needs a column for every dimension id")


def _profile_columns(profile: Mapping[str, Any], content: Content) -> dict[str, Any]:
    """Size band, industry group, SNI division and county; None for what is not known."""
    try:
        parsed = company_profile(profile)
    except (KeyError, TypeError, ValueError, AnswerError):
        return {"size_band": None, "industry_group": None, "sni_division": None, "region": None}
    region = parsed.region if isinstance(parsed.region, str) else None
    return {
        "size_band": size_band(parsed, content.catalogue),
        "industry_group": industry_group(parsed, content.catalogue),
        "sni_division": parsed.sni_division,
        "region": region,
    }


def _write(source: Assessment | Workshop, values: dict[str, Any]) -> None:
    """Write the source's row: added if it has none, else only what changed (an autosave
    of a finished assessment changes nothing and writes nothing). Its decision's copy
    comes along (see :func:`copy_decision`)."""
    kind = "workshop" if isinstance(source, Workshop) else "assessment"
    if source.id is None:  # not stored yet: no row, and no decision
        db.session.add(ResultSummary(**{kind: source}, **values, **decision_values(None)))
        return
    column = ResultSummary.workshop_id if kind == "workshop" else ResultSummary.assessment_id
    key = Decision.workshop_id if kind == "workshop" else Decision.assessment_id
    decided = db.session.execute(select(Decision).where(key == source.id)).scalar_one_or_none()
    values = {**values, **decision_values(decided)}
    current = db.session.execute(select(ResultSummary).where(column == source.id)).scalar()
    if current is None:
        db.session.add(ResultSummary(**{kind: source}, **values))
        return
    for name, value in values.items():
        if getattr(current, name) != value:
            setattr(current, name, value)


def decision_values(decision: Decision | None) -> dict[str, Any]:
    """The summary's copy of the advisor's decision on its result."""
    if decision is None:
        return {"decision": None, "decision_agreed": None}
    return {"decision": decision.offering, "decision_agreed": decision.agreed}


def copy_decision(decision: Decision) -> None:
    """As a decision is saved: its result's summary row counts it (caller commits)."""
    if decision.assessment_id is not None:
        where = ResultSummary.assessment_id == decision.assessment_id
    else:
        where = ResultSummary.workshop_id == decision.workshop_id
    db.session.execute(update(ResultSummary).where(where).values(**decision_values(decision)))


def copy_all_decisions() -> None:
    """Every summary row's copy of its decision, from ``decisions`` (two UPDATEs)."""
    for key in ("assessment_id", "workshop_id"):
        match = getattr(Decision, key) == getattr(ResultSummary, key)
        offering = select(Decision.offering).where(match).scalar_subquery()
        agreed = (
            select(
                case(
                    (Decision.recommended.is_(None), None),
                    else_=Decision.offering == Decision.recommended,
                )
            )
            .where(match)
            .scalar_subquery()
        )
        db.session.execute(
            update(ResultSummary)
            .where(getattr(ResultSummary, key).is_not(None))
            .values(decision=offering, decision_agreed=agreed)
            .execution_options(synchronize_session=False)
        )


def assessment_values(assessment: Assessment, content: Content) -> dict[str, Any] | None:
    """The row of a completed online self-assessment; None for any other assessment."""
    if assessment.workshop_id is not None or assessment.workshop is not None:
        return None
    outcome = assessment.outcome if assessment.completed else None
    if outcome is None:
        return None
    scores = outcome.scores
    finished = assessment.completed_at or assessment.created_at
    return {
        "demo": bool(assessment.demo),
        "completed_on": finished.astimezone(LOCAL_TIME).date(),
        "respondents": 1,
        "overall": outcome.overall,
        "recommended": outcome.primary,
        **_profile_columns(assessment.profile or {}, content),
        **{d: scores.get(d) for d in DIMENSION_IDS},
    }


def refresh_assessment(assessment: Assessment, content: Content) -> None:
    """Bring a self-assessment's row up to date: written while it is completed, removed
    when it is not (caller commits)."""
    values = assessment_values(assessment, content)
    if values is None:
        if assessment.id is not None:
            db.session.execute(
                delete(ResultSummary).where(ResultSummary.assessment_id == assessment.id)
            )
        return
    _write(assessment, values)


def workshop_values(
    workshop: Workshop, content: Content, team: Outcome | None, respondents: int
) -> dict[str, Any] | None:
    """The row of a closed workshop's team, from its outcome and how many answered; None
    while open or before anyone finished (``team`` None)."""
    if workshop.is_open or team is None:
        return None
    return {
        "demo": bool(workshop.demo),
        "completed_on": workshop.held_on,
        "respondents": respondents,
        "overall": team.overall,
        "recommended": team.primary,
        **_profile_columns(workshop.profile or {}, content),
        **{d: team.scores.get(d) for d in DIMENSION_IDS},
    }


def refresh_workshop(workshop: Workshop, values: dict[str, Any] | None) -> None:
    """Write a workshop's team row (``workshop_values``), or remove it (None)."""
    if values is None:
        db.session.execute(delete(ResultSummary).where(ResultSummary.workshop_id == workshop.id))
        return
    _write(workshop, values)
