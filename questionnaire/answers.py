"""What counts as a valid answer to a question: one rule for the forms and the API."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from questionnaire.model import DONT_KNOW, NOT_RELEVANT, Question

AnswerValue = str | float | int | list[str]


@dataclass(frozen=True)
class AnswerError(Exception):
    """Why a value is not a valid answer. ``code`` is stable; the UI translates it."""

    question_id: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """An English message for the API and logs."""
        return _ENGLISH[self.code].format(**self.params)


_ENGLISH = {
    "required": "an answer is required",
    "wrong_type": "expected {expected}",
    "not_an_option": "'{value}' is not one of the options",
    "exclusive": "'{value}' cannot be combined with other options",
    "not_a_number": "expected a number",
    "not_integer": "expected a whole number",
    "below_min": "must be at least {min:g}",
    "above_max": "must be at most {max:g}",
    "too_long": "must be at most {max_length} characters",
    "unknown_field": "unknown field",
    "unknown_question": "no question has this id",
}


def is_blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def parse_answer(question: Question, value: Any) -> AnswerValue | None:
    """The stored form of ``value`` as an answer to ``question``; None when left blank.

    Raises AnswerError when the value is not allowed. Blank answers are not checked
    against ``required`` here: whether a blank is acceptable depends on the moment
    (moving back through the pages, or submitting the whole).
    """
    if is_blank(value):
        return None
    qid = question.id
    if question.type == "single":
        if not isinstance(value, str):
            raise AnswerError(qid, "wrong_type", {"expected": "an option value (string)"})
        if question.option(value) is None:
            raise AnswerError(qid, "not_an_option", {"value": value})
        return value
    if question.type == "multi":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise AnswerError(qid, "wrong_type", {"expected": "a list of option values"})
        chosen: list[str] = []
        for v in value:
            option = question.option(v)
            if option is None:
                raise AnswerError(qid, "not_an_option", {"value": v})
            if v not in chosen:
                chosen.append(v)
        for v in chosen:
            if question.option(v).exclusive and len(chosen) > 1:  # type: ignore[union-attr]
                raise AnswerError(qid, "exclusive", {"value": v})
        return chosen
    if question.type == "number":
        if value in (DONT_KNOW, NOT_RELEVANT) and question.option(value) is not None:
            return str(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            if isinstance(value, str):
                value = _number_from_text(qid, value)
            else:
                raise AnswerError(qid, "not_a_number")
        # An int is compared as it is: one of 309 digits or more has no float, and
        # math.isnan would raise OverflowError on it.
        if isinstance(value, float) and math.isnan(value):
            raise AnswerError(qid, "not_a_number")
        if question.min is None or question.max is None:
            raise ValueError(f"{qid}: a number question needs min and max (see the loader)")
        if value < question.min:  # also -infinity
            raise AnswerError(qid, "below_min", {"min": question.min})
        if value > question.max:  # also a number too long for a float
            raise AnswerError(qid, "above_max", {"max": question.max})
        if question.integer and value != int(value):
            raise AnswerError(qid, "not_integer")
        return int(value) if question.integer or value == int(value) else float(value)
    # text
    if not isinstance(value, str):
        raise AnswerError(qid, "wrong_type", {"expected": "text"})
    # Control characters (NUL included; tab and line breaks stay) cannot be stored in
    # PostgreSQL or written to Excel, and no one means to type them: the forms and the
    # API drop them alike.
    text = strip_control(value).strip()
    if question.single_line:
        text = " ".join(strip_format(text).split())
    if len(text) > question.max_length:
        raise AnswerError(qid, "too_long", {"max_length": question.max_length})
    return text or None


# C0 and C1 control characters, NUL included, but tab and line breaks; and U+FFFE and
# U+FFFF, which are no characters and which XML (so an Excel file) cannot hold.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


# Invisible format characters (Unicode category Cf: zero-width spaces and joiners,
# direction marks and overrides, the byte-order mark): nothing to see on one line.
_FORMAT = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)


def strip_format(value: str) -> str:
    """``value`` without invisible format characters: nothing to see on one line."""
    return _FORMAT.sub("", value)


def strip_control(value: str) -> str:
    """``value`` without control characters and the two noncharacters U+FFFE and U+FFFF
    (tab and line breaks kept)."""
    return _CONTROL.sub("", value)


_NUMBER = re.compile(r"^[+-]?[0-9]+(?:\.[0-9]+)?$")


def _number_from_text(question_id: str, text: str) -> float:
    # People type "1 200" or "3,5"; both are numbers to a Swede. Nothing else is.
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not _NUMBER.match(cleaned):
        raise AnswerError(question_id, "not_a_number")
    return float(cleaned)
