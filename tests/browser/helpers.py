"""What the browser tests share: the phone and the laptop, a live server, answer plans."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale, gettext

from questionnaire.model import DONT_KNOW, Question
from tests.helpers import threaded_server

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium tries to reach hosts this machine cannot.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The level answered in each dimension, in questionnaire order: different levels, so a
# score shown in the wrong row of the result is caught.
DIMENSION_LEVELS = (1, 2, 3, 4, 0, 2, 3, 1, 4, 2)
# The company in every test: a manufacturing SME (SNI 25, fabricated metal products).
PROFILE = {"employees": 45, "sni": "25"}
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "locale": "sv-SE",
}
# An advisor's laptop.
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "sv-SE"}


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Flask

    def sv(self, msgid: str, **params: Any) -> str:
        """The Swedish text the running app shows for ``msgid``."""
        with self.app.test_request_context(), force_locale("sv"):
            return gettext(msgid, **params)


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run the browser tests", pytrace=False)
    pytest.skip(reason)


def browser_app(database: Path, secret_key: str, **config: Any) -> Flask:
    """The app on its own SQLite database, migrated on start, for a live server."""
    from app import create_app

    settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "AUTO_MIGRATE": True}
    return create_app({**settings, "SECRET_KEY": secret_key, **config})


def log_in(page: Any, email: str, password: str) -> None:
    """An advisor logs in through the form (logins are rate-limited: once a context)."""
    page.goto("/radgivare/logga-in")
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator("form button.primary").click()
    page.wait_for_url("**/radgivare/")


@contextmanager
def serving(app: Flask) -> Iterator[LiveServer]:
    """``app`` on a free local port, one thread per request, until the block ends.

    The session's ``live_server``, and a test's own for an app with its own settings.
    """
    with threaded_server(app, "live-server") as url:
        yield LiveServer(url=url, app=app)


@dataclass(frozen=True)
class PlannedAnswer:
    """What a person answers to one maturity question, and the level it is worth."""

    question: Question
    level: float
    choices: tuple[str, ...] = ()  # option values to choose or tick
    number: int | None = None

    def api_value(self) -> Any:
        if self.question.type == "number":
            return self.number
        if self.question.type == "multi":
            return list(self.choices)
        return self.choices[0]


def plan_answer(question: Question, level: int) -> PlannedAnswer:
    """An answer worth ``level`` (0-4), read from the question's own options and thresholds."""
    if question.type == "single":
        option = next(o for o in question.options if o.level == level)
        return PlannedAnswer(question, level, choices=(option.value,))
    if question.type == "number":
        assert question.thresholds is not None
        number = question.thresholds[level - 1] if level else question.thresholds[0] - 1
        return PlannedAnswer(question, level, number=int(number))
    assert question.type == "multi" and question.full_score is not None
    if level == 0:
        return PlannedAnswer(question, 0, choices=("none",))
    ticked: list[str] = []
    points = 0.0
    for option in question.options:
        if points >= level * question.full_score / 4:
            break
        if option.exclusive or option.level is None or option.value == DONT_KNOW:
            continue
        ticked.append(option.value)
        points += option.level
    return PlannedAnswer(question, min(4.0, 4 * points / question.full_score), tuple(ticked))


def check_by_value(page: Any, planned: PlannedAnswer) -> None:
    """Give a planned answer by the options' values (quicker than finding their labels)."""
    question = planned.question
    block = page.locator(f"#q-{question.id}")
    if question.type == "number":
        block.locator(f'input[name="{question.id}"]').fill(str(planned.number))
        return
    for value in planned.choices:
        block.locator(f'input[name="{question.id}"][value="{value}"]').check()


def round_half_up(value: float) -> int:
    return int(value + 0.5)


@dataclass(frozen=True)
class AnswerPlan:
    """Answers to every maturity question and the score each dimension must get."""

    by_section: dict[str, list[PlannedAnswer]]
    expected_scores: dict[str, int]  # dimension id -> 0-100

    def api_answers(self) -> dict[str, Any]:
        return {a.question.id: a.api_value() for s in self.by_section.values() for a in s}
