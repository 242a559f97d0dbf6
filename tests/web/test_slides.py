"""The presenter's slides as the server cuts them: what each holds, and the addresses."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import create_workshop, logged_in, participant


@pytest.fixture
def advisor(app: Flask) -> FlaskClient:
    return logged_in(app, "anna@example.se")


def _slides(html: str) -> list[tuple[str, str, bool]]:
    """(kind, inner HTML, shown) of each slide."""
    return [
        (kind, inner, not hidden)
        for kind, hidden, inner in re.findall(
            r'<section class="slide kind-(\w+)"[^>]*?( hidden)?>(.*?)</section>', html, re.S
        )
    ]


def test_the_slides_follow_the_room_in_order(
    app: Flask, questionnaire: Any, advisor: FlaskClient
) -> None:
    url, code = create_workshop(advisor, employees="45", sni="25")
    for level in (1, 2, 4):
        participant(app, questionnaire, code, name=f"Person {level}").answer_maturity_pages(level)
    page = advisor.get(f"{url}/presentera/3").text
    slides = _slides(page)
    kinds = [k for k, _, _ in slides]
    order = ["join", "answered", "indices", "radar", "area", "disagreement", "path", "plan"]
    assert [k for k in dict.fromkeys(kinds)] == order
    assert kinds.count("area") == len(questionnaire.areas)
    assert [shown for _, _, shown in slides].count(True) == 1 and slides[2][2]  # slide 3 only
    per_slide = app.extensions["lyftkollen.site"].workshop.plan_items_per_slide
    plans = [inner.count("<li") for kind, inner, _ in slides if kind == "plan"]
    assert plans and max(plans) <= per_slide
    names = next(inner for kind, inner, _ in slides if kind == "answered")
    assert all(f"Person {level}" in names for level in (1, 2, 4))

    # A larger team than the setting names is shown as counts only.
    settings = app.extensions["lyftkollen.site"]
    workshop = settings.workshop.model_copy(update={"names_up_to": 2})
    app.extensions["lyftkollen.site"] = settings.model_copy(update={"workshop": workshop})
    names = next(
        i for k, i, _ in _slides(advisor.get(f"{url}/presentera/2").text) if k == "answered"
    )
    assert "Person 1" not in names and "Namnen visas inte för ett så stort team." in names


def test_slide_addresses(advisor: FlaskClient) -> None:
    url, _ = create_workshop(advisor)
    assert advisor.get(f"{url}/presentera/resultat").location.endswith(f"{url}/presentera/3")
    assert advisor.get(f"{url}/presentera/0").location.endswith(f"{url}/presentera")
    beyond = _slides(advisor.get(f"{url}/presentera/999").text)
    assert beyond[-1][2]  # the last slide
    waiting = [k for k, _, _ in beyond]
    assert waiting == ["join", "answered", "waiting"]  # no one has finished yet
    other = logged_in(advisor.application, "bertil@example.se")
    assert other.get(f"{url}/presentera/2").status_code == 404
    assert other.get(f"{url}/presentera/bilder").status_code == 404
