"""The company profile: parsed from the profile section's answers or from the API."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from questionnaire.answers import AnswerError, is_blank, parse_answer
from questionnaire.model import Questionnaire

# SNI 2007 divisions (two-digit codes) that exist; finer codes start with one of them.
SNI_DIVISIONS = frozenset(
    [
        1,
        2,
        3,
        *range(5, 10),
        *range(10, 34),
        *range(35, 40),
        41,
        42,
        43,
        45,
        46,
        47,
        *range(49, 54),
        55,
        56,
        *range(58, 64),
        64,
        65,
        66,
        68,
        *range(69, 76),
        *range(77, 83),
        84,
        85,
        86,
        87,
        88,
        *range(90, 94),
        94,
        95,
        96,
        97,
        98,
        99,
    ]
)
_SNI_CODE = re.compile(r"^([0-9]{2})(?:\.[0-9]{1,3})?$")  # ASCII digits only


# "Annan bransch": an industry given that the profile's list does not name.
OTHER_INDUSTRY: Final = "other"


@dataclass(frozen=True)
class CompanyProfile:
    employees: int
    turnover_msek: float | None = None
    sni: str | None = None  # an SNI 2007 code, "other", or None when not given
    region: str | None = None
    completed: frozenset[str] = field(default_factory=frozenset)

    @property
    def sni_division(self) -> int | None:
        """The SNI division; None when the industry was not given, or given as "other"."""
        if not self.sni or self.sni == OTHER_INDUSTRY:
            return None
        return int(self.sni[:2])


def parse_sni(question_id: str, value: Any) -> str | None:
    """An SNI 2007 code such as "25" or "25.620", checked against the real divisions, or
    "other" for an industry the profile's list does not name."""
    if is_blank(value):
        return None
    if not isinstance(value, str):
        raise AnswerError(question_id, "wrong_type", {"expected": "an SNI code as a string"})
    if value.strip() == OTHER_INDUSTRY:
        return OTHER_INDUSTRY
    match = _SNI_CODE.match(value.strip())
    if not match or int(match.group(1)) not in SNI_DIVISIONS:
        shown = value if len(value) <= 40 else value[:40] + "…"  # not all of a huge value
        raise AnswerError(question_id, "not_an_option", {"value": shown})
    return value.strip()


def parse_profile_answers(
    questionnaire: Questionnaire, raw: Mapping[str, Any]
) -> tuple[dict[str, Any], list[AnswerError]]:
    """Valid profile values, and an error for each value that is not (unknown keys too)."""
    values: dict[str, Any] = {}
    errors: list[AnswerError] = []
    known = {q.id: q for q in questionnaire.profile_section.questions}
    for key, value in raw.items():
        question = known.get(key)
        if question is None:
            errors.append(AnswerError(str(key), "unknown_field"))
            continue
        if value == "" and question.type != "text":
            # In data sent by a program, an empty string is a mistake; null means "not given".
            errors.append(AnswerError(str(key), "wrong_type", {"expected": "a value or null"}))
            continue
        try:
            parsed = parse_sni(key, value) if key == "sni" else parse_answer(question, value)
        except AnswerError as error:
            errors.append(error)
            continue
        if parsed is not None:
            values[key] = parsed
    for question in questionnaire.profile_section.questions:
        if (
            question.required
            and question.id not in values
            and not any(e.question_id == question.id for e in errors)
        ):
            errors.append(AnswerError(question.id, "required"))
    return values, errors


def company_profile(values: Mapping[str, Any]) -> CompanyProfile:
    """The profile the recommender uses, from parsed profile values."""
    return CompanyProfile(
        employees=int(values["employees"]),
        turnover_msek=values.get("turnover_msek"),
        sni=values.get("sni"),
        region=values.get("region"),
        completed=frozenset(values.get("completed") or ()),
    )
