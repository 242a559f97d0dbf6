"""A questionnaire page's questions, drawn once and filled in for each person, are exactly
what the page's macro draws for that person (web/assessments/forms.py, drawn_questions)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, get_template_attribute, session

from questionnaire.model import DONT_KNOW, Section
from web.assessments.forms import (
    DONT_KNOW_SUFFIX,
    Shown,
    drawn_questions,
    page_questions,
    with_stored_industry,
)
from web.storage.content import content

TEXTS = ["<b>&\"'</b> åäö\r\nrad två", "", "{{ 1 }}", "  x  "]


def _values(section: Section, variant: int) -> dict[str, Any]:
    """What the fields show, as stored answers and as posted ones come: options, several
    options, "don't know", blanks, numbers as text, text that must be escaped, nothing."""
    values: dict[str, Any] = {}
    for position, q in enumerate(section.questions):
        k = variant + position
        options = [o.value for o in q.options]
        if k % 5 == 4:
            continue  # nothing given
        if q.type == "single":
            values[q.id] = [options[k % len(options)], DONT_KNOW, "", "not-an-option"][k % 4]
        elif q.type == "multi":
            values[q.id] = [options[: 1 + k % len(options)], [DONT_KNOW], [], options][k % 4]
        elif q.type == "number":
            if k % 3 == 0:
                values[q.id + DONT_KNOW_SUFFIX] = True
            values[q.id] = ["12", "3.5", "", "abc"][k % 4]
        else:
            values[q.id] = TEXTS[k % len(TEXTS)]
    return values


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_page_drawn_once_and_filled_in_is_the_page_its_macro_draws(
    app: Flask, language: str
) -> None:
    with app.test_request_context("/"):
        session["lang"] = language
        c = content()
        render_all = get_template_attribute("survey/_question.html", "render_all")
        for section in c.questionnaire.sections:
            questions = page_questions(c, section, language)
            for variant in range(8):
                shown = Shown(_values(section, variant))
                drawn = drawn_questions(c, section, language, questions, shown)
                assert drawn is not None
                assert str(drawn) == str(render_all(questions, shown, {})), (section.id, variant)


def test_a_page_offering_a_persons_own_industry_is_drawn_by_its_macro(app: Flask) -> None:
    with app.test_request_context("/"):
        c = content()
        section = c.questionnaire.profile_section
        questions = page_questions(c, section, "sv")
        offered = next(q for q in questions if q.id == "sni").choices[0].value
        # An industry the list offers keeps the section's own questions, drawn once.
        assert with_stored_industry(questions, {"sni": f"{offered}.100"}) is questions
        # One it lacks is this person's page alone: it is drawn by the macro, not kept.
        own = with_stored_industry(questions, {"sni": "99.000"})
        assert own is not questions
        assert drawn_questions(c, section, "sv", own, Shown({"sni": "99"})) is None
