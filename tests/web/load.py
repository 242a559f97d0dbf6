"""A room of workshop participants over real HTTP: who answers what, and what was stored.

Shared by the tests that send a workshop's worth of answers to a running server
(test_workshop_concurrency.py, test_crash_durability.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import select

from questionnaire.model import DONT_KNOW, Question
from web.platform.extensions import db
from web.storage.models import Answer, Assessment, User
from web.workshops import service as workshops

# Where joining a workshop leads: the participant's private link.
JOINED = re.compile(r"/a/([A-Za-z0-9_-]+)$")


def open_workshop(app: Flask, profile: dict[str, Any] | None = None) -> tuple[int, str]:
    """An advisor's company and an open workshop (results shown at once): its id and code.

    With ``profile``, the company's profile is given too, so a finished participant gets
    the team's path as well as the scores.
    """
    with app.app_context():
        advisor = User(email="radgivare@example.se", role="advisor")
        advisor.set_password("ett-långt-lösenord")
        db.session.add(advisor)
        company = workshops.create_company(advisor, "Verkstaden i Ljungby AB")
        workshop = workshops.create_workshop(
            company,
            title="Ledningsgruppen",
            held_on=date(2026, 3, 12),
            language="sv",
            reveal="immediate",
            content=app.extensions["lyftkollen.content"],
        )
        if profile is not None:
            workshop.profile = dict(profile)
            db.session.commit()
        return workshop.id, workshop.code


def answer(question: Question, person: int, position: int) -> tuple[dict[str, Any], Any]:
    """Person ``person``'s form data for ``question`` and the answer it must be stored as.

    No two people give the same answers, so an answer stored under the wrong person, or
    overwritten by someone else's, does not match.
    """
    seed = person * 7 + position * 3
    qid = question.id
    if question.type == "single":
        scored = [o.value for o in question.options if o.level is not None]
        if seed % 11 == 0:
            return {qid: DONT_KNOW}, DONT_KNOW
        value = scored[seed % len(scored)]
        return {qid: value}, value
    if question.type == "multi":
        scored = [o.value for o in question.options if not o.exclusive and o.level is not None]
        if seed % 13 == 0:
            return {qid: [DONT_KNOW]}, [DONT_KNOW]
        ticked = [v for bit, v in enumerate(scored) if (seed + person) >> bit & 1]
        ticked = ticked or ["none"]
        return {qid: ticked}, ticked
    assert question.type == "number"
    if seed % 9 == 0:
        return {f"{qid}__dont_know": "y"}, DONT_KNOW
    if question.integer:
        return {qid: str(person)}, person
    # Typed the Swedish way, with a decimal comma: "12,5" is stored as 12.5.
    number = person % 40 + 0.5
    return {qid: f"{number:g}".replace(".", ",")}, number


@dataclass(frozen=True)
class Plan:
    """What one participant sends: every maturity page, and how each answer is stored."""

    number: int
    pages: dict[int, dict[str, Any]]  # step number -> form data (without CSRF and action)
    expected: dict[str, Any]  # question id -> the answer as it must be stored
    questions: dict[int, tuple[str, ...]]  # step number -> the ids of its questions


def plans(questionnaire: Any, count: int) -> list[Plan]:
    """``count`` participants' answers, all different, to every page after the profile."""
    people = []
    for person in range(count):
        pages: dict[int, dict[str, Any]] = {}
        expected: dict[str, Any] = {}
        questions: dict[int, tuple[str, ...]] = {}
        position = 0
        for number, section in enumerate(questionnaire.sections, start=1):
            if section.dimension is None:
                continue  # the profile: the advisor gives it, participants skip it
            pages[number] = {}
            questions[number] = tuple(q.id for q in section.questions)
            for question in section.questions:
                data, stored = answer(question, person, position)
                pages[number].update(data)
                expected[question.id] = stored
                position += 1
        people.append(Plan(person, pages, expected, questions))
    return people


def stored_answers(app: Flask, workshop_id: int) -> tuple[dict[str, str], dict[str, dict]]:
    """Each participant's status and stored answers, by private token, read afresh."""
    with app.app_context():
        statuses = dict(
            db.session.execute(
                select(Assessment.token, Assessment.status).where(
                    Assessment.workshop_id == workshop_id
                )
            ).all()
        )
        answers: dict[str, dict[str, Any]] = {}
        rows = db.session.execute(
            select(Assessment.token, Answer.question_id, Answer.value)
            .join(Answer, Answer.assessment_id == Assessment.id)
            .where(Assessment.workshop_id == workshop_id)
        ).all()
        for token, question_id, value in rows:
            answers.setdefault(token, {})[question_id] = value
        return statuses, answers


def comparable(value: Any) -> Any:
    """A stored answer in a form that compares equal however its list was ordered."""
    return sorted(value) if isinstance(value, list) else value
