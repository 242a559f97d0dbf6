"""A live workshop: three phones answer, and the advisor's page follows without a reload."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from statistics import pstdev
from typing import Any

import pytest
from flask_babel import force_locale, ngettext
from playwright.sync_api import expect

from app import create_app
from questionnaire.model import DONT_KNOW, Questionnaire

from .helpers import (
    DESKTOP,
    PHONE,
    LiveServer,
    PlannedAnswer,
    check_by_value,
    plan_answer,
    round_half_up,
    serving,
)

# One worker runs them all (pytest-xdist's loadgroup): one Chromium, one live server.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

# How long a live figure may take to appear: polls once a second, on a busy 2-core CI box.
LIVE_UPDATE_MS = 20_000

EMAIL = "radgivare@example.se"
PASSWORD = "ett-långt-lösenord"
STEP_URL = re.compile(r"/a/[^/]+/steg/(\d+)$")
RESULT_URL = re.compile(r"/a/[^/]+/resultat$")
WORKSHOP_URL = re.compile(r"/radgivare/workshop/([^/]+)$")

# Each participant's level per dimension, in questionnaire order: three people who see
# the company clearly differently, yet on every item at most two levels apart ...
LEVELS = {
    "Anna": (1, 2, 0, 1, 2, 1, 0, 2, 1, 0),
    "Bengt": (2, 3, 1, 2, 2, 2, 1, 3, 2, 1),
    "Cecilia": (3, 3, 2, 3, 4, 3, 2, 4, 2, 2),
}
# ... except this item, answered at both ends of the scale: the team's widest split.
SPLIT_ITEM = "data_backup"
SPLIT_LEVELS = {"Anna": 0, "Bengt": 2, "Cecilia": 4}
# And one "don't know", which counts towards neither Bengt's score nor the split.
DONT_KNOW_ANSWER = ("Bengt", "economic_margin")

# A person's answers: section id -> one planned answer per question, None for "don't know".
Plan = dict[str, list[PlannedAnswer | None]]


def _plans(questionnaire: Questionnaire) -> dict[str, Plan]:
    plans: dict[str, Plan] = {}
    for name, levels in LEVELS.items():
        plan: Plan = {}
        for section, level in zip(questionnaire.maturity_sections, levels, strict=True):
            answers: list[PlannedAnswer | None] = []
            for question in section.questions:
                if (name, question.id) == DONT_KNOW_ANSWER:
                    answers.append(None)
                elif question.id == SPLIT_ITEM:
                    answers.append(plan_answer(question, SPLIT_LEVELS[name]))
                else:
                    answers.append(plan_answer(question, level))
            plan[section.id] = answers
        plans[name] = plan
    return plans


def _spread_by_item(questionnaire: Questionnaire, plans: dict[str, Plan]) -> dict[str, float]:
    """The standard deviation of the planned levels per item ("don't know" left out)."""
    spread: dict[str, float] = {}
    for section in questionnaire.maturity_sections:
        for position, question in enumerate(section.questions):
            levels = [
                answer.level
                for plan in plans.values()
                if (answer := plan[section.id][position]) is not None
            ]
            spread[question.id] = pstdev(levels)
    return spread


@pytest.fixture(scope="module")
def workshop_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with its own database, polling every second so the test need not wait long."""
    database: Path = tmp_path_factory.mktemp("workshop") / "lyftkollen.sqlite3"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "AUTO_MIGRATE": True,
            "SECRET_KEY": "browser-workshop-tests",
            "LIVE_POLL_SECONDS": 1,  # live.js asks at most once a second
        }
    )
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", EMAIL, "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    with serving(app) as server:
        yield server


@pytest.fixture
def open_context(
    chromium_browser: Any, workshop_server: LiveServer
) -> Iterator[Callable[..., Any]]:
    """Opens fresh browser profiles (own cookies) on the workshop server; closes them after."""
    contexts: list[Any] = []

    def open_(**options: Any) -> Any:
        context = chromium_browser.new_context(base_url=workshop_server.url, **options)
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context

    yield open_
    for context in contexts:
        context.close()


def _press(page: Any, server: LiveServer, msgid: str) -> None:
    page.get_by_role("button", name=server.sv(msgid), exact=True).click()


def _answer_page(page: Any, questions: list[Any], answers: list[PlannedAnswer | None]) -> None:
    for question, planned in zip(questions, answers, strict=True):
        if planned is not None:
            check_by_value(page, planned)
        elif question.type == "number":
            page.locator(f'input[name="{question.id}__dont_know"]').check()
        else:
            page.locator(f'#q-{question.id} input[value="{DONT_KNOW}"]').check()


def _shown_scores(page: Any, questionnaire: Questionnaire) -> dict[str, int]:
    """The scores on a participant's own result page, by dimension id."""
    dimension_id = {d.name.sv: d.id for d in questionnaire.dimensions}
    rows = page.locator("table.score-table tbody tr")
    return {
        dimension_id[row.locator("th").inner_text()]: int(row.locator("td .score").inner_text())
        for row in rows.all()
    }


def test_the_advisor_sees_three_phones_finish_and_the_team_result_without_reloading(
    workshop_server: LiveServer, open_context: Callable[..., Any]
) -> None:
    server = workshop_server
    questionnaire: Questionnaire = server.app.extensions["lyftkollen.content"].questionnaire
    plans = _plans(questionnaire)
    spread = _spread_by_item(questionnaire, plans)
    widest_elsewhere = max(s for q, s in spread.items() if q != SPLIT_ITEM)
    assert spread[SPLIT_ITEM] > widest_elsewhere + 0.5, "the plan has no single clear split"

    # The advisor logs in on a laptop and creates the workshop.
    advisor = open_context(**DESKTOP).new_page()
    advisor.goto("/radgivare/logga-in")
    advisor.locator('input[name="email"]').fill(EMAIL)
    advisor.locator('input[name="password"]').fill(PASSWORD)
    _press(advisor, server, "Log in")
    advisor.wait_for_url(re.compile(r"/radgivare/$"))
    advisor.goto("/radgivare/workshop/ny")
    advisor.locator('select[name="company"]').select_option("new")
    advisor.locator('input[name="new_company"]').fill("Verkstaden i Ljungby AB")
    advisor.locator('input[name="title"]').fill("Ledningsgruppen, start")
    advisor.locator('input[name="held_on"]').fill("2026-03-12")
    advisor.locator('input[name="language"][value="sv"]').check()
    advisor.locator('input[name="reveal"][value="immediate"]').check()
    _press(advisor, server, "Create the workshop")
    advisor.wait_for_url(WORKSHOP_URL)
    match = WORKSHOP_URL.search(advisor.url)
    assert match
    live_path = f"/radgivare/workshop/{match.group(1)}"

    # The projector shows the code; the advisor's own page stays open from here on.
    projector = advisor.context.new_page()
    projector.goto(f"{live_path}/presentera")
    code = projector.locator("#join-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{6}", code), code
    advisor.goto(live_path)
    advisor.evaluate("window.loadedOnce = true")  # gone if the page is ever reloaded
    count = {
        k: advisor.locator(f'[data-count="{k}"]') for k in ("joined", "in_progress", "completed")
    }
    expect(count["joined"]).to_have_text("0", timeout=LIVE_UPDATE_MS)
    expect(advisor.locator("#team .team-empty")).to_be_visible(timeout=LIVE_UPDATE_MS)
    # While nothing changes, the polls are answered 304, though the browser stores none of
    # the advisor's responses (no-store): the script sends the last ETag back itself.
    unchanged = advisor.expect_response(
        lambda r: r.url.endswith(f"{live_path}/status") and r.status == 304,
        timeout=LIVE_UPDATE_MS,
    )
    with unchanged:
        pass

    # Three people join on their phones.
    phones: dict[str, Any] = {}
    for name in plans:
        phone = open_context(**PHONE).new_page()
        phone.goto(f"/w/{code}")
        phone.locator('input[name="name"]').fill(name)
        _press(phone, server, "Start answering")
        phone.wait_for_url(STEP_URL)
        assert phone.url.endswith("/steg/2")
        phones[name] = phone
    expect(count["joined"]).to_have_text("3", timeout=LIVE_UPDATE_MS)
    expect(count["in_progress"]).to_have_text("3", timeout=LIVE_UPDATE_MS)

    # They answer page by page, side by side, and each sees their own result.
    sections = questionnaire.sections
    for number, section in enumerate(sections[1:], start=2):
        last = number == len(sections)
        for name, phone in phones.items():
            _answer_page(phone, section.questions, plans[name][section.id])
            _press(phone, server, "Show my result" if last else "Save and continue")
        for phone in phones.values():
            phone.wait_for_url(RESULT_URL if last else re.compile(rf"/steg/{number + 1}$"))
    shown = {name: _shown_scores(phone, questionnaire) for name, phone in phones.items()}
    dimensions = [d.id for d in questionnaire.dimensions]
    for name, scores in shown.items():
        assert sorted(scores) == sorted(dimensions), f"{name}'s result lacks a dimension"
    assert len({tuple(s[d] for d in dimensions) for s in shown.values()}) == 3

    # The advisor's page, never reloaded, follows: three finished, and the team's result.
    expect(count["completed"]).to_have_text("3", timeout=LIVE_UPDATE_MS)
    expect(count["in_progress"]).to_have_text("0", timeout=LIVE_UPDATE_MS)
    team = advisor.locator("#team")
    with server.app.test_request_context(), force_locale("sv"):
        basis = ngettext(
            "Based on %(num)d finished participant.", "Based on %(num)d finished participants.", 3
        )
    expect(team.locator(".team-basis")).to_have_text(basis, timeout=LIVE_UPDATE_MS)
    for dimension in dimensions:
        mean = round_half_up(sum(s[dimension] for s in shown.values()) / len(shown))
        expect(team.locator(f'[data-team-mean="{dimension}"]')).to_have_text(
            str(mean), timeout=LIVE_UPDATE_MS
        )
    expect(team.locator("li.disagreement").first).to_have_attribute(
        "data-question", SPLIT_ITEM, timeout=LIVE_UPDATE_MS
    )
    assert advisor.evaluate("window.loadedOnce") is True, "the advisor's page was reloaded"
