"""One rule for what a valid answer is, for the forms and the API alike."""

from typing import Any

import pytest

from questionnaire.answers import AnswerError, parse_answer
from questionnaire.model import Option, Question, Text


def _text(value: str) -> Text:
    return Text(sv=value, en=value)


NUMBER = Question(
    id="hours",
    type="number",
    text=_text("Hours"),
    required=True,
    min=0,
    max=500,
    thresholds=(2, 8, 16, 32),
    options=(Option(value="dont_know", label=_text("?")),),
)
EMPLOYEES = Question(
    id="employees", type="number", text=_text("n"), min=1, max=100000, integer=True
)
CHECKLIST = Question(
    id="systems",
    type="multi",
    text=_text("Systems"),
    required=True,
    full_score=3,
    options=(
        Option(value="erp", level=1, label=_text("ERP")),
        Option(value="cad", level=1, label=_text("CAD")),
        Option(value="none", level=0, exclusive=True, label=_text("None")),
        Option(value="dont_know", exclusive=True, label=_text("?")),
    ),
)


@pytest.mark.parametrize(
    ("question", "raw", "expected"),
    [
        (NUMBER, "3,5", 3.5),  # a Swedish decimal comma
        (NUMBER, " 12 ", 12),
        (NUMBER, "dont_know", "dont_know"),
        (NUMBER, 0, 0),
        (EMPLOYEES, "1 200", 1200),  # a space between thousands
        (CHECKLIST, ["erp", "cad", "erp"], ["erp", "cad"]),
        (CHECKLIST, ["none"], ["none"]),
        (CHECKLIST, [], None),
        (NUMBER, "", None),
    ],
)
def test_valid_answers(question: Question, raw: Any, expected: Any) -> None:
    assert parse_answer(question, raw) == expected


@pytest.mark.parametrize(
    ("question", "raw", "code"),
    [
        (NUMBER, "many", "not_a_number"),
        (NUMBER, "-1", "below_min"),
        (NUMBER, 501, "above_max"),
        (NUMBER, float("nan"), "not_a_number"),
        (NUMBER, True, "not_a_number"),
        (EMPLOYEES, "2.5", "not_integer"),
        (EMPLOYEES, "dont_know", "not_a_number"),  # no "don't know" offered for this one
        (CHECKLIST, ["none", "erp"], "exclusive"),
        (CHECKLIST, ["dont_know", "cad"], "exclusive"),
        (CHECKLIST, ["robot"], "not_an_option"),
        (CHECKLIST, "erp", "wrong_type"),
        (NUMBER, "1_000", "not_a_number"),
        (NUMBER, "١٢", "not_a_number"),  # Arabic-Indic digits
        (NUMBER, "9" * 400, "above_max"),
        (EMPLOYEES, float("inf"), "above_max"),
    ],
)
def test_invalid_answers_say_why(question: Question, raw: Any, code: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer(question, raw)
    assert caught.value.code == code
    assert caught.value.question_id == question.id
    assert caught.value.message  # an English sentence for the API


def test_a_text_answer_loses_control_characters_but_keeps_tabs_and_line_breaks() -> None:
    goal = Question(id="goal", type="text", text=_text("Goal"), max_length=100)
    assert parse_answer(goal, " a\x00b\x1fc\x7f\td\r\ne\x85 ") == "abc\td\r\ne"
    assert parse_answer(goal, "\x01\x02") is None  # nothing left: no answer


def test_a_single_line_answer_is_one_visible_line() -> None:
    """A company's name: line breaks and tabs become spaces, invisible characters go, and
    only what is left counts towards the length."""
    name = Question(id="name", type="text", text=_text("Name"), max_length=10, single_line=True)
    assert parse_answer(name, " Bo\r\n  AB\t") == "Bo AB"
    assert parse_answer(name, "\u200b\u200b") is None  # nothing to see: no answer
    assert parse_answer(name, "\u202eBA oB\ufeff") == "BA oB"
    assert parse_answer(name, "x" * 5 + "\r\n" + "y" * 4) == "xxxxx yyyy"  # 10, not 11


def test_a_whole_number_too_large_for_a_float_is_above_max_not_a_crash() -> None:
    # JSON allows any number of digits; from 309 on, an int has no float.
    with pytest.raises(AnswerError) as error:
        parse_answer(NUMBER, 10**400)
    assert error.value.code == "above_max"
    with pytest.raises(AnswerError) as error:
        parse_answer(NUMBER, -(10**400))
    assert error.value.code == "below_min"
