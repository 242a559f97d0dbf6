"""A questionnaire page that is only shown (a GET) is drawn once per content, section,
language and state, and filled in for each person (web/survey/_page.py). What a person
gets must be exactly what the page's template draws for them, and never anything of
another person's."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import (
    Survey,
    create_workshop,
    csrf_token,
    logged_in,
    participant,
    set_profile,
)
from web.survey import _routes as routes

PROFILE = {"employees": "45", "sni": "25", "region": "06"}
_CSRF_VALUE = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]*(")')


def _same_csrf(html: str) -> str:
    """The CSRF token is signed with the time in seconds: the two drawings of a page may
    fall on either side of a second. Everything else must be the same."""
    return _CSRF_VALUE.sub(r"\1…\2", html)


def _both_ways(client: FlaskClient, url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    drawn_once = client.get(url)
    with monkeypatch.context() as m:
        m.setattr(routes, "DRAW_ONCE", False)
        by_template = client.get(url)
    assert drawn_once.status_code == by_template.status_code == 200
    return _same_csrf(drawn_once.text), _same_csrf(by_template.text)


def _answer_half(survey: Survey, number: int, level: int) -> None:
    """Some answers on the page, so what is drawn once must be filled in."""
    section = survey.questionnaire.sections[number - 1]
    data: dict[str, Any] = {}
    for position, q in enumerate(section.questions):
        if position % 2:
            continue
        if q.type == "single":
            data[q.id] = q.options[min(level, len(q.options) - 1)].value
        elif q.type == "multi":
            data[q.id] = [o.value for o in q.answer_options[: level + 1]]
        elif q.type == "number":
            data[q.id] = "12,5"
        else:
            data[q.id] = '<b>"Vi & de"</b>'
    assert survey.post(number, data, action="autosave").status_code in (204, 422)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_page_drawn_once_is_the_page_its_template_draws(
    survey: Survey, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    survey.start()
    survey.client.get(f"/sprak/{language}")
    assert survey.post(1, PROFILE).status_code == 302
    for number in range(2, len(survey.questionnaire.sections) + 1):
        _answer_half(survey, number, number % 3)
    for number in range(1, len(survey.questionnaire.sections) + 1):
        drawn_once, by_template = _both_ways(survey.client, survey.url(number), monkeypatch)
        assert drawn_once == by_template, number
        assert f'<html lang="{language}">' in drawn_once


def test_a_page_drawn_for_one_person_holds_nothing_of_another(
    app: Flask, questionnaire: Any
) -> None:
    first, second = (
        Survey(app.test_client(), questionnaire),
        Survey(app.test_client(), questionnaire),
    )
    first.start()
    second.start()
    assert first.post(1, {**PROFILE, "employees": "173"}).status_code == 302
    first.client.get(first.url(2))  # drawn here, for the first person
    page = second.client.get(second.url(2)).text
    assert first.token not in page
    # The second person's own links: the form, the language switch, deletion, the link.
    assert f'action="/a/{second.token}/steg/2"' in page
    assert f'next=/a/{second.token}/steg/2?"' in page
    assert f'href="/a/{second.token}/radera"' in page
    assert re.search(rf'class="url">https?://[^<]+/a/{second.token}</a>', page)
    # And the first person's stored profile shows on their page, not on the second's.
    assert 'value="173"' in first.client.get(first.url(1)).text
    assert 'value="173"' not in second.client.get(second.url(1)).text
    # Each keeps their own session's CSRF token, which their post is checked against.
    data = {"csrf_token": csrf_token(page), "action": "next", **PROFILE}
    assert second.client.post(second.url(1), data=data).status_code == 302
    assert first.client.post(second.url(1), data=data).status_code == 400


def test_a_participants_pages_drawn_once_follow_the_workshop_open_then_closed(
    app: Flask, questionnaire: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    advisor = logged_in(app, "radgivare@example.se")
    url, code = create_workshop(advisor)
    set_profile(advisor, url)
    person = participant(app, questionnaire, code)
    _answer_half(person, 3, 1)
    open_page, by_template = _both_ways(person.client, person.url(3), monkeypatch)
    assert open_page == by_template
    assert "Steg 2 av" in open_page  # a participant starts after the profile
    assert "data-autosave" in open_page and "/radera" in open_page

    page = advisor.get(url)
    advisor.post(f"{url}/stang", data={"csrf_token": csrf_token(page.text), "open": "0"})
    closed_page, by_template = _both_ways(person.client, person.url(3), monkeypatch)
    assert closed_page == by_template
    assert "Workshoppen är avslutad" in closed_page
    assert "data-autosave" not in closed_page and "/radera" not in closed_page


def test_a_page_with_a_message_or_a_query_is_drawn_by_its_template(
    survey: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    survey.start()
    # Drawn once first, so the page kept for everyone exists.
    assert f'next=/a/{survey.token}/steg/1?"' in survey.client.get(survey.url(1)).text
    # A query string travels with the language switch, which the page kept can't know.
    page = survey.client.get(survey.url(1) + "?fran=epost").text
    assert f'next=/a/{survey.token}/steg/1?fran%3Depost"' in page
    # A flashed message shows once, on the page it was flashed for.
    with survey.client.session_transaction() as session:
        session["_flashes"] = [("message", "Ett meddelande")]
    assert "Ett meddelande" in survey.client.get(survey.url(1)).text
    assert "Ett meddelande" not in survey.client.get(survey.url(1)).text


def test_a_number_comes_back_exactly_as_it_was_stored(survey: Survey) -> None:
    """A number is shown as it is kept and scored, to its last digit: a shown page read
    back with fewer digits would save a different number when it is sent unchanged."""
    survey.start()
    number, question = next(
        (n, q)
        for n, section in enumerate(survey.questionnaire.sections, start=1)
        for q in section.questions
        if section.dimension is not None and q.type == "number" and not q.integer
    )
    typed = "12.345678901234567"  # 17 significant digits: one float, and only that one
    assert survey.post(number, {question.id: typed}, action="autosave").status_code == 204
    page = survey.client.get(survey.url(number)).text
    assert re.search(f'<input[^>]*name="{question.id}"[^>]*value="{typed}"', page), page
