"""A live Lyftkollen server and Debian's Chromium, driven by Playwright, for browser tests.

What the tests import (the phone, the live server, answer plans) is in helpers.py.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from questionnaire.model import Questionnaire

from .helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DIMENSION_LEVELS,
    PHONE,
    PROFILE,
    AnswerPlan,
    LiveServer,
    PlannedAnswer,
    browser_app,
    plan_answer,
    require_chromium,
    round_half_up,
    serving,
)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on a free local port, with its own empty SQLite database."""
    database = tmp_path_factory.mktemp("browser") / "lyftkollen.sqlite3"
    with serving(browser_app(database, "browser-tests")) as server:
        yield server


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """Debian's Chromium; Playwright never downloads a browser of its own here."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def phone_context(chromium_browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A fresh browser profile on a 360 px wide touch phone, in Swedish."""
    context = chromium_browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(10_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def phone_page(phone_context: Any) -> Any:
    """A page in a fresh phone context (no cookies, no earlier answers)."""
    return phone_context.new_page()


@pytest.fixture(scope="session")
def live_questionnaire(live_server: LiveServer) -> Questionnaire:
    return live_server.app.extensions["lyftkollen.content"].questionnaire


@pytest.fixture(scope="session")
def answer_plan(live_questionnaire: Questionnaire) -> AnswerPlan:
    by_section: dict[str, list[PlannedAnswer]] = {}
    expected: dict[str, int] = {}
    sections = live_questionnaire.maturity_sections
    assert len(sections) == len(DIMENSION_LEVELS)
    for section, level in zip(sections, DIMENSION_LEVELS, strict=True):
        answers = [plan_answer(q, level) for q in section.questions]
        by_section[section.id] = answers
        weight = sum(a.question.weight for a in answers)
        mean_level = sum(a.question.weight * a.level for a in answers) / weight
        assert section.dimension is not None
        expected[section.dimension] = round_half_up(100 * mean_level / 4)
    return AnswerPlan(by_section, expected)


@pytest.fixture(scope="session")
def completed_result_path(live_server: LiveServer, answer_plan: AnswerPlan) -> str:
    """The result page of an assessment completed through the API (fast, for page checks)."""
    body = json.dumps({"profile": PROFILE, "answers": answer_plan.api_answers()}).encode()
    request = urllib.request.Request(
        live_server.url + "/api/v1/assessments",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        document = json.load(response)
    return f"/a/{document['id']}/resultat"
