"""The questionnaire page's one read (web/assessments/page_read.py): one statement on the
driver's own cursor, kept because the 200-person seminar showed that it pays. What it
reads must be exactly what the models read, for every shape of answer, on both
databases."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.helpers import Survey, create_workshop, logged_in, participant
from web.assessments import page_read
from web.assessments import service as assessments
from web.platform.extensions import db
from web.storage.models import Answer, Workshop
from web.workshops import service as workshops

# Values as the JSON column keeps them, some awkward on purpose: floats that need 17
# digits, a tiny and a large one, a negative zero, text that must be escaped, lists, null.
AWKWARD = {
    "x_sum": 0.1 + 0.2,
    "x_third": 1 / 3,
    "x_tiny": 1e-7,
    "x_large": 12345678.9,
    "x_whole_float": 3.0,
    "x_negative_zero": -0.0,
    "x_int": 42,
    "x_text": "”citat” 'och' \"dubbla\" <b>&amp;</b> åäö\nrad två \\ \u2028",
    "x_list": ["a", "dont_know", "ö"],
    "x_empty_list": [],
    "x_null": None,
    "x_dont_know": "dont_know",
}


def _fields(found: Any, answers: dict[str, Any]) -> tuple[Any, ...]:
    """What a page reads of an assessment (a model or a PageState) and its answers."""
    workshop = None if found.workshop is None else found.workshop.is_open
    return (
        found.id,
        found.token,
        found.questionnaire_version,
        found.content_id,
        found.status,
        found.profile or {},
        found.workshop_id,
        workshop,
        answers,
    )


def _plain(token: str) -> tuple[Any, ...]:
    """What the models say, as the page would read them without the trick."""
    found = assessments.find(token)
    assert found is not None
    return _fields(found, assessments.stored_answers(found))


def _read(token: str) -> tuple[Any, ...] | None:
    with page_read.read_connection() as connection:
        state = page_read.page_state(connection, token)
    return None if state is None else _fields(state, state.answers)


def _add_awkward_answers(app: Flask, token: str) -> None:
    with app.app_context():
        a = assessments.find(token)
        assert a is not None
        for question_id, value in AWKWARD.items():
            db.session.add(Answer(assessment_id=a.id, question_id=question_id, value=value))
        db.session.commit()


def test_a_self_assessments_page_read_equals_the_models(app: Flask, survey: Survey) -> None:
    survey.start()
    with app.app_context():
        assert _read(survey.token) == _plain(survey.token)  # nothing answered yet
    assert (
        survey.post(1, {"employees": "45", "turnover_msek": "12,5", "sni": "25"}).status_code == 302
    )
    survey.answer_maturity_pages(3)
    _add_awkward_answers(app, survey.token)

    with app.app_context():
        read = _read(survey.token)
        assert read == _plain(survey.token)
    assert read is not None
    assert read[-1]["x_sum"] == 0.1 + 0.2 and read[-1]["x_text"] == AWKWARD["x_text"]
    assert read[4] == "completed"


@pytest.mark.parametrize("is_open", [True, False])
def test_a_participants_page_read_equals_the_models(
    app: Flask, questionnaire: Any, is_open: bool
) -> None:
    advisor = logged_in(app, "page-read@example.se")
    _, code = create_workshop(advisor)
    person = participant(app, questionnaire, code)
    person.answer_maturity_pages(2)
    _add_awkward_answers(app, person.token)
    with app.app_context():
        workshop = db.session.scalars(select(Workshop).where(Workshop.code == code)).one()
        workshops.set_open(workshop, is_open)

        read = _read(person.token)
        assert read == _plain(person.token)
    assert read is not None and read[7] is is_open


def test_an_unknown_or_malformed_token_reads_nothing(app: Flask, survey: Survey) -> None:
    survey.start()
    with app.app_context():
        for token in ("A" * 22, survey.token[:-1], "'; DROP TABLE answers; --", ""):
            assert _read(token) is None
