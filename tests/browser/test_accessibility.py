"""Every kind of page passes axe-core with no violations, on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from .helpers import LiveServer

# One worker runs them all (pytest-xdist's loadgroup): one Chromium, one live server.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

axe = Axe()


def start(page: Any, server: LiveServer) -> str:
    """Start an assessment from the home page; the path of its first step."""
    page.goto("/")
    page.get_by_role("button", name=server.sv("Start the self-assessment")).click()
    page.wait_for_url(re.compile(r"/steg/1$"))
    return page.url.removeprefix(server.url)


def home(page: Any, server: LiveServer, result: str) -> None:
    page.goto("/")


def profile_step(page: Any, server: LiveServer, result: str) -> None:
    start(page, server)


def dimension_step(page: Any, server: LiveServer, result: str) -> None:
    # Step 2 has single choices (radio buttons) and a checklist (checkboxes).
    page.goto(start(page, server).replace("/steg/1", "/steg/2"))
    assert page.locator("input[type=radio]").count() > 0
    assert page.locator("input[type=checkbox]").count() > 0


def step_with_errors(page: Any, server: LiveServer, result: str) -> None:
    dimension_step(page, server, result)
    page.get_by_role("button", name=server.sv("Save and continue"), exact=True).click()
    page.get_by_role("alert").wait_for()
    assert page.locator(".question.has-error").count() > 0


def result_page(page: Any, server: LiveServer, result: str) -> None:
    page.goto(result)
    page.locator("svg.radar").wait_for()


def how_we_score(page: Any, server: LiveServer, result: str) -> None:
    page.goto("/sa-raknar-vi")


def not_found(page: Any, server: LiveServer, result: str) -> None:
    response = page.goto("/finns-inte")
    assert response is not None and response.status == 404


def home_in_english(page: Any, server: LiveServer, result: str) -> None:
    page.goto("/sprak/en?next=/")
    assert page.locator("html").get_attribute("lang") == "en"


def advisor_login(page: Any, server: LiveServer, result: str) -> None:
    page.goto("/radgivare/logga-in")


def delete_answers(page: Any, server: LiveServer, result: str) -> None:
    page.goto(result.replace("/resultat", "/radera"))


PAGES: list[Callable[[Any, LiveServer, str], None]] = [
    home,
    advisor_login,
    delete_answers,
    profile_step,
    dimension_step,
    step_with_errors,
    result_page,
    how_we_score,
    not_found,
    home_in_english,
]


def violation_report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        nodes = violation["nodes"]
        target = " ".join(map(str, nodes[0]["target"])) if nodes else "-"
        lines.append(
            f"{violation['id']} ({violation['impact']}, {len(nodes)} element(s)): "
            f"{violation['help']}\n    first: {target}\n    {violation['helpUrl']}"
        )
    return "\n".join(lines)


@pytest.mark.parametrize("open_page", PAGES, ids=[p.__name__ for p in PAGES])
def test_page_has_no_axe_violations(
    open_page: Callable[[Any, LiveServer, str], None],
    phone_page: Any,
    live_server: LiveServer,
    completed_result_path: str,
) -> None:
    open_page(phone_page, live_server, completed_result_path)
    violations = axe.run(phone_page).response["violations"]
    assert not violations, (
        f"axe found {len(violations)} violation(s) on {phone_page.url}:\n"
        + violation_report(violations)
    )
