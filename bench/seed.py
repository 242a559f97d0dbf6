"""Filling a fresh benchmark database through the app's own functions, and counting after.

Runs in the driver's process against the same ``DATABASE_URL`` the bench server uses:
the schema is migrated as on a deploy (``AUTO_MIGRATE``), advisors are made with the
``users create`` command, workshops with ``web.workshops.service``, stored assessments with the
survey's own ``pin``/``save_answers``/``complete``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from common import DONT_KNOW_SUFFIX, PROFILE, maturity_pages  # also puts the repo on sys.path
from flask import Flask
from sqlalchemy import func, select

from app import create_app
from questionnaire.answers import parse_answer
from questionnaire.model import DONT_KNOW
from questionnaire.profile import parse_profile_answers
from web.assessments import service as assessments
from web.platform.extensions import db
from web.storage.content import pin
from web.storage.models import Answer, Assessment, User, Workshop
from web.workshops import service as workshops

ADVISOR_EMAIL = "radgivare@bench.example"
ADVISOR_PASSWORD = "ett-långt-bänklösenord"  # noqa: S105 (a throwaway bench account)


def bench_app(database_url: str, migrate: bool = False) -> Flask:
    """The real app on ``database_url``, as the bench server will run it."""
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "AUTO_MIGRATE": migrate,
            "SECRET_KEY": "bench-seeding",
        }
    )


def migrate(database_url: str) -> None:
    app = bench_app(database_url, migrate=True)
    with app.app_context():
        db.engine.dispose()


def _values(person: int) -> dict[str, Any]:
    """Person ``person``'s answers as the domain stores them, from the same form data."""
    q = {question.id: question for question in _questions()}
    values: dict[str, Any] = {}
    for page in maturity_pages(person).values():
        for key, raw in page.items():
            if key.endswith(DONT_KNOW_SUFFIX):
                qid = key.removesuffix(DONT_KNOW_SUFFIX)
                values[qid] = parse_answer(q[qid], DONT_KNOW)
            else:
                values[key] = parse_answer(q[key], raw)
    return values


def _questions() -> list[Any]:
    from common import questionnaire

    return [question for s in questionnaire().sections for question in s.questions]


def profile_values() -> dict[str, Any]:
    """The bench company's profile (``common.PROFILE``), parsed as the API parses one."""
    from common import questionnaire

    values, errors = parse_profile_answers(questionnaire(), {k: v for k, v in PROFILE.items() if v})
    if errors:
        raise ValueError(f"the bench profile is not valid: {errors}")
    return values


def stored_assessments(app: Flask, count: int) -> list[str]:
    """``count`` online self-assessments with a profile and every answer; every other one
    completed (scores and path stored). Returns their private tokens."""
    content = app.extensions["lyftkollen.content"]
    tokens = []
    with app.app_context():
        for person in range(count):
            assessment = Assessment(language="sv", source="web")
            pin(assessment, content)
            assessment.profile = profile_values()
            db.session.add(assessment)
            db.session.flush()
            assessments.save_answers(assessment, _values(person))
            if person % 2 == 0:
                assessments.complete(assessment, content)
            db.session.commit()
            tokens.append(assessment.token)
        db.session.remove()
        db.engine.dispose()
    return tokens


def advisor_and_workshop(app: Flask) -> dict[str, Any]:
    """An advisor (through ``flask users create``) with an open workshop whose company's
    profile is given and whose results are shown at once."""
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email",
            ADVISOR_EMAIL,
            "--password",
            ADVISOR_PASSWORD,
            "--role",
            "advisor",
        ]
    )
    if result.exit_code != 0:
        raise RuntimeError(f"users create failed: {result.output}")
    content = app.extensions["lyftkollen.content"]
    with app.app_context():
        advisor = db.session.execute(select(User).where(User.email == ADVISOR_EMAIL)).scalar_one()
        company = workshops.create_company(advisor, "Seminariet i Jönköping AB")
        workshop = workshops.create_workshop(
            company,
            title="Seminarium, Produktionslyftet",
            held_on=date(2026, 11, 21),
            language="sv",
            reveal="immediate",
            content=content,
        )
        workshops.set_profile(workshop, profile_values(), content)
        db.session.commit()
        seeded = {"id": workshop.id, "public_id": workshop.public_id, "code": workshop.code}
        db.session.remove()
        db.engine.dispose()
    return {**seeded, "email": ADVISOR_EMAIL, "password": ADVISOR_PASSWORD}


def workshop_tally(app: Flask, workshop_id: int) -> dict[str, int]:
    """Participants, finished participants and stored answers of the workshop, counted afresh."""
    with app.app_context():
        joined = db.session.execute(
            select(func.count(Assessment.id)).where(Assessment.workshop_id == workshop_id)
        ).scalar_one()
        completed = db.session.execute(
            select(func.count(Assessment.id)).where(
                Assessment.workshop_id == workshop_id, Assessment.status == "completed"
            )
        ).scalar_one()
        answers = db.session.execute(
            select(func.count(Answer.id))
            .join(Assessment, Answer.assessment_id == Assessment.id)
            .where(Assessment.workshop_id == workshop_id)
        ).scalar_one()
        open_ = db.session.execute(
            select(Workshop.status).where(Workshop.id == workshop_id)
        ).scalar_one()
        db.session.remove()
        db.engine.dispose()
    return {"joined": joined, "completed": completed, "answers": answers, "open": open_ == "open"}


def self_assessment_tally(app: Flask) -> dict[str, int]:
    """Online self-assessments (not workshop participants): started, completed, answers."""
    with app.app_context():
        online = Assessment.workshop_id.is_(None)
        started = db.session.execute(select(func.count(Assessment.id)).where(online)).scalar_one()
        completed = db.session.execute(
            select(func.count(Assessment.id)).where(online, Assessment.status == "completed")
        ).scalar_one()
        answers = db.session.execute(
            select(func.count(Answer.id))
            .join(Assessment, Answer.assessment_id == Assessment.id)
            .where(online)
        ).scalar_one()
        db.session.remove()
        db.engine.dispose()
    return {"started": started, "completed": completed, "answers": answers}
