"""Completed measurements as anonymous rows, for statistics.

One row per online self-assessment and one per closed workshop's team (its finished
participants' mean scores and the team's path: individuals are never rows of their
own): the results the program overview counts, so the number of rows is its total. No
company or participant names, no free text, no private links or ids, no contact
details, no exact dates or head counts: a row holds how it was answered (online or
workshop), the head count as a range ("5-9"), the questionnaire version, the month, the
size band, the industry's SNI division, the county, the programmes already taken part
in, the scores, the recommended first step, and what the company went on to do as its
advisor recorded it (the offering, whether it was the step recommended at the time, and
the month; never the advisor's reason, which is free text).

k-anonymity (``data/statistics.yaml``: ``min_group``, 5, and the head-count ranges):
no row's combination of kind, head count, size band, industry, county and completed
programmes is shared by fewer than ``min_group`` rows. Rare combinations are
generalised, not dropped, so every result is still counted: the programmes are left out
first, then the county, the industry, the head count, the size band, and last the kind
(web.reporting.anonymity.generalise). A left-out fact is an empty cell. Rows come sorted by their
values, so their order says nothing about who answered when.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import select

from questionnaire.model import Questionnaire
from recommender.catalogue import Catalogue
from recommender.outcome import Outcome
from web.platform.extensions import db
from web.reporting.anonymity import Anonymity, generalise
from web.reporting.export import Cell
from web.storage.content import content_for
from web.storage.models import LOCAL_TIME, Assessment, Company, Decision, User, Workshop
from web.workshops import service as workshops

FIXED_COLUMNS = [
    "kind",
    "respondents",
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


def _online(user: User, include_demo: bool) -> Any:
    """Completed online self-assessments ``user`` may see: their companies', or all."""
    query = select(Assessment).where(
        Assessment.status == "completed",
        Assessment.scores.is_not(None),
        Assessment.workshop_id.is_(None),
    )
    if not include_demo:
        query = query.where(Assessment.demo.is_(False))
    if user.is_admin:
        return query
    own_companies = select(Company.id).where(Company.owner_id == user.id)
    return query.where(Assessment.company_id.in_(own_companies))


def _workshops(user: User, include_demo: bool) -> Any:
    """Closed workshops ``user`` may see: their companies', or all. (An open workshop's
    answers may still change: like the overview, the export counts it once closed.)"""
    query = select(Workshop).where(Workshop.status == "closed").order_by(Workshop.id)
    if not include_demo:
        query = query.where(Workshop.demo.is_(False))
    if user.is_admin:
        return query
    return query.join(Workshop.company).where(Company.owner_id == user.id)


def _row(
    record: Assessment | Workshop,
    outcome: Outcome,
    respondents: str,
    questionnaire: Questionnaire,
    catalogue: Catalogue,
    decision: Decision | None,
) -> list[Cell]:
    profile = record.profile or {}
    if isinstance(record, Workshop):
        finished = record.created_at
    else:
        finished = record.completed_at or record.created_at
    completed = profile.get("completed")
    row: list[Cell] = [
        "workshop" if isinstance(record, Workshop) else "online",
        respondents,
        record.questionnaire_version,
        finished.astimezone(LOCAL_TIME).strftime("%Y-%m"),
        size_band(profile.get("employees"), catalogue),
        sni_division(profile.get("sni")),
        str(profile.get("region") or ""),
        ";".join(sorted(str(o) for o in completed)) if isinstance(completed, list) else "",
    ]
    scores = outcome.scores
    row += [scores.get(d.id) for d in questionnaire.dimensions]
    row += [outcome.areas.get(a.id) for a in questionnaire.areas]
    row += [outcome.overall, outcome.primary or ""]
    row += decision_cells(decision)
    return row


def rows(
    user: User,
    questionnaire: Questionnaire,
    catalogue: Catalogue,
    anonymity: Anonymity,
    include_demo: bool = False,
) -> list[list[Cell]]:
    """The header row, then one anonymous row per measurement ``user`` may see (demo
    records only with ``include_demo``)."""
    by_assessment, by_workshop = _decisions()
    body: list[list[Cell]] = []
    for assessment in _stream(_online(user, include_demo)):
        outcome = assessment.outcome
        if outcome is None:
            continue
        decision = by_assessment.get(assessment.id)
        respondents = anonymity.head_count(1)
        body.append(_row(assessment, outcome, respondents, questionnaire, catalogue, decision))
    for workshop in db.session.execute(_workshops(user, include_demo)).scalars():
        team = workshops.team(workshop, content_for(workshop))
        if team is None:
            continue
        respondents = anonymity.head_count(team.result.participants)
        decision = by_workshop.get(workshop.id)
        body.append(_row(workshop, team.outcome, respondents, questionnaire, catalogue, decision))
    generalise(body, LADDER, anonymity.min_group)
    body.sort(key=_sort_key)
    return [list(headers(questionnaire)), *body]


# The identifying facts, in the order they are given up when a combination is rare:
# the programmes first, the kind last.
LADDER = tuple(
    FIXED_COLUMNS.index(c)
    for c in (
        "completed_offerings",
        "region",
        "sni_division",
        "respondents",
        "size_band",
        "kind",
    )
)


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
