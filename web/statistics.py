"""Completed assessments as anonymous rows, for statistics.

No company or participant names, no free text, no private links or ids, no contact
details, no exact dates or head counts: a row holds the size band, the industry's SNI
division, the county, the month, the scores and the recommended first step. Rows come
sorted by their values, so their order says nothing about who answered when.
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
from web.models import LOCAL_TIME, Assessment, Company, User, Workshop

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
    return [*FIXED_COLUMNS, *dimensions, *areas, "index_overall", "recommended_first_step"]


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


def _row(assessment: Assessment, questionnaire: Questionnaire, catalogue: Catalogue) -> list[Cell]:
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
    return row


def rows(user: User, questionnaire: Questionnaire, catalogue: Catalogue) -> list[list[Cell]]:
    """The header row, then one anonymous row per completed assessment ``user`` may see."""
    body: list[list[Cell]] = []
    for assessment in _stream(_completed(user)):
        body.append(_row(assessment, questionnaire, catalogue))
    body.sort(key=_sort_key)
    return [headers(questionnaire), *body]


def _stream(query: Any) -> Iterator[Assessment]:
    result = db.session.execute(query.execution_options(yield_per=500))
    yield from result.scalars()


def _sort_key(row: Sequence[Cell]) -> tuple[str, ...]:
    return tuple("" if cell is None else f"{cell:>12}" for cell in row)
