"""Completed assessments as anonymous rows, for statistics.

No company or participant names, no free text, no private links or ids, no contact
details, no exact dates or head counts: a row holds the size band, the industry's SNI
division, the county, the month, the scores and the recommended first step, and what
the company went on to do as its advisor recorded it (the offering, whether it was the
step the app recommended at the time, and the month; never the advisor's reason, which
is free text). A workshop participant's row carries the workshop's decision: it was
made on the team's result. Rows come sorted by their values, so their order says
nothing about who answered when.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from questionnaire.model import Questionnaire
from recommender.catalogue import Catalogue
from web.export import Cell
from web.extensions import db
from web.models import LOCAL_TIME, Assessment, Company, Decision, User, Workshop

FIXED_COLUMNS = [
    "kind",
    "questionnaire_version",
    "completed_month",
    "size_band",
    "sni_division",
    "region",
    "completed_offerings",
]


def headers(questionnaire: Questionnaire) -> list[str]:
    dimensions = [f"score_{d.id}" for d in questionnaire.dimensions]
    areas = [f"index_{a.id}" for a in questionnaire.areas]
    return [
        *FIXED_COLUMNS,
        *dimensions,
        *areas,
        "index_overall",
        "recommended_first_step",
        *DECISION_COLUMNS,
    ]


DECISION_COLUMNS = ["advisor_decision", "decision_agreed", "decision_month"]


def decision_cells(decision: Decision | None) -> list[Cell]:
    """The offering chosen, "yes"/"no" for the app's recommendation, the month."""
    if decision is None:
        return ["", "", ""]
    agreed = decision.agreed
    return [
        decision.offering,
        "" if agreed is None else ("yes" if agreed else "no"),
        decision.decided_at.astimezone(LOCAL_TIME).strftime("%Y-%m"),
    ]


def size_band(employees: Any, catalogue: Catalogue) -> str:
    if isinstance(employees, bool) or not isinstance(employees, int | float):
        return ""
    if employees <= catalogue.company.small_max_employees:
        return f"1-{catalogue.company.small_max_employees}"
    if employees <= catalogue.company.sme_max_employees:
        return f"{catalogue.company.small_max_employees + 1}-{catalogue.company.sme_max_employees}"
    return f"{catalogue.company.sme_max_employees + 1}+"


def sni_division(code: Any) -> str:
    """The two-digit division of an SNI code ("25.620" -> "25")."""
    return str(code)[:2] if isinstance(code, str) and code[:2].isdigit() else ""


def _completed(user: User) -> Any:
    """Completed assessments ``user`` may see: their companies' and workshops', or all."""
    query = (
        select(Assessment)
        .where(Assessment.status == "completed", Assessment.scores.is_not(None))
        .options(joinedload(Assessment.workshop))
    )
    if user.is_admin:
        return query
    own_workshops = select(Workshop.id).join(Workshop.company).where(Company.owner_id == user.id)
    own_companies = select(Company.id).where(Company.owner_id == user.id)
    return query.where(
        or_(
            Assessment.workshop_id.in_(own_workshops),
            Assessment.company_id.in_(own_companies),
        )
    )


def _row(
    assessment: Assessment,
    questionnaire: Questionnaire,
    catalogue: Catalogue,
    decision: Decision | None = None,
) -> list[Cell]:
    workshop = assessment.workshop
    profile = assessment.profile or (workshop.profile if workshop is not None else {}) or {}
    scores = assessment.scores or {}
    finished = assessment.completed_at or assessment.created_at
    primary = ((assessment.recommendation or {}).get("primary") or {}).get("id")
    completed = profile.get("completed")
    row: list[Cell] = [
        "workshop" if workshop is not None else assessment.source,
        assessment.questionnaire_version,
        finished.astimezone(LOCAL_TIME).strftime("%Y-%m"),
        size_band(profile.get("employees"), catalogue),
        sni_division(profile.get("sni")),
        str(profile.get("region") or ""),
        ";".join(sorted(str(o) for o in completed)) if isinstance(completed, list) else "",
    ]
    dimensions = scores.get("dimensions") or {}
    areas = scores.get("areas") or {}
    row += [(dimensions.get(d.id) or {}).get("score") for d in questionnaire.dimensions]
    row += [areas.get(a.id) for a in questionnaire.areas]
    row += [scores.get("overall"), primary or ""]
    row += decision_cells(decision)
    return row


def rows(user: User, questionnaire: Questionnaire, catalogue: Catalogue) -> list[list[Cell]]:
    """The header row, then one anonymous row per completed assessment ``user`` may see."""
    by_assessment, by_workshop = _decisions()
    body: list[list[Cell]] = []
    for assessment in _stream(_completed(user)):
        decision = (
            by_workshop.get(assessment.workshop_id)
            if assessment.workshop_id is not None
            else by_assessment.get(assessment.id)
        )
        body.append(_row(assessment, questionnaire, catalogue, decision))
    body.sort(key=_sort_key)
    return [headers(questionnaire), *body]


def _decisions() -> tuple[dict[int, Decision], dict[int, Decision]]:
    """Every decision, by assessment and by workshop (only the rows shown are used)."""
    by_assessment: dict[int, Decision] = {}
    by_workshop: dict[int, Decision] = {}
    for decision in db.session.execute(select(Decision)).scalars():
        if decision.assessment_id is not None:
            by_assessment[decision.assessment_id] = decision
        elif decision.workshop_id is not None:
            by_workshop[decision.workshop_id] = decision
    return by_assessment, by_workshop


def _stream(query: Any) -> Iterator[Assessment]:
    result = db.session.execute(query.execution_options(yield_per=500))
    yield from result.scalars()


def _sort_key(row: Sequence[Cell]) -> tuple[str, ...]:
    return tuple("" if cell is None else f"{cell:>12}" for cell in row)
