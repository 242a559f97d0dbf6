"""A questionnaire page's questions, drawn once and filled in for each person, are exactly
what the page's macro draws for that person (web/survey/_page.py, drawn_questions)."""

from __future__ import annotations

import pytest
from flask import Flask, get_template_attribute, session

from tests.helpers import page_values
from web.assessments.forms import (
    Shown,
    page_questions,
    with_stored_industry,
)
from web.storage.content import content
from web.survey._page import drawn_questions


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
                shown = Shown(page_values(section, variant))
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
