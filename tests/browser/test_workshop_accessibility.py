"""The workshop pages pass axe-core too: participants on a phone, the advisor on a laptop."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.helpers import PASSWORD, Survey, create_workshop, logged_in, set_profile

from .helpers import PHONE, LiveServer, log_in
from .test_accessibility import violation_report

# One worker runs them all (pytest-xdist's loadgroup): one Chromium, one live server.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

axe = Axe()
EMAIL = "axe-radgivare@example.se"


@dataclass(frozen=True)
class Setting:
    workshop: str  # the advisor's path of the workshop
    code: str
    waiting: str  # a participant's path while results are hidden
    company: str  # the advisor's path of the workshop's company


@pytest.fixture(scope="module")
def setting(live_server: LiveServer) -> Setting:
    """A workshop with a profile and two finished participants, made through the app."""
    app = live_server.app
    advisor = logged_in(app, EMAIL)
    url, code = create_workshop(advisor, reveal="on_reveal")
    set_profile(advisor, url)
    questionnaire = app.extensions["lyftkollen.content"].questionnaire
    waiting = ""
    for level in (1, 3):
        person = Survey(app.test_client(), questionnaire)
        person.join(code, name=f"Deltagare {level}")
        waiting = person.answer_maturity_pages(level).location
    companies = advisor.get("/radgivare/foretag").text
    company = re.search(r'href="(/radgivare/foretag/[\w-]+)"', companies)
    assert company
    return Setting(workshop=url, code=code, waiting=waiting, company=company.group(1))


@pytest.fixture(scope="module")
def advisor_page(chromium_browser: Any, live_server: LiveServer, setting: Setting) -> Iterator[Any]:
    """One logged-in laptop for all the advisor's pages (logins are rate-limited)."""
    context = chromium_browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 800}, locale="sv-SE"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, EMAIL, PASSWORD)
    yield page
    context.close()


@pytest.fixture
def participant_page(chromium_browser: Any, live_server: LiveServer) -> Iterator[Any]:
    context = chromium_browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def assert_no_violations(page: Any) -> None:
    violations = axe.run(page).response["violations"]
    assert not violations, f"axe on {page.url}:\n" + violation_report(violations)


ADVISOR_PAGES = {
    "home": "/radgivare/",
    "new_workshop": "/radgivare/workshop/ny",
    "companies": "/radgivare/foretag",
    "workshop": "{w}",
    "profile": "{w}/profil",
    "present_join": "{w}/presentera",
    "present_result": "{w}/presentera/resultat",
    "report": "{w}/rapport",
    "confirm_reveal": "{w}/visa",
    "company": "{c}",
    "compare": "{c}/jamforelse",
}


@pytest.mark.parametrize("path", ADVISOR_PAGES.values(), ids=ADVISOR_PAGES.keys())
def test_advisor_pages_have_no_axe_violations(
    path: str, advisor_page: Any, setting: Setting
) -> None:
    response = advisor_page.goto(path.format(w=setting.workshop, c=setting.company))
    assert response is not None and response.status == 200
    assert_no_violations(advisor_page)


PARTICIPANT_PAGES = {"enter_code": "/w", "join": "/w/{code}", "waiting": "{waiting}"}


@pytest.mark.parametrize("path", PARTICIPANT_PAGES.values(), ids=PARTICIPANT_PAGES.keys())
def test_participant_pages_have_no_axe_violations(
    path: str, participant_page: Any, setting: Setting
) -> None:
    response = participant_page.goto(path.format(code=setting.code, waiting=setting.waiting))
    assert response is not None and response.status == 200
    assert_no_violations(participant_page)


FIELD_LOOK = """el => { const s = getComputedStyle(el);
  return [s.borderTopWidth, s.borderTopStyle, s.borderTopColor, s.paddingLeft, s.borderRadius,
          s.fontSize]; }"""


def test_every_field_looks_alike_and_destructive_buttons_look_destructive(
    advisor_page: Any, participant_page: Any, setting: Setting
) -> None:
    """The login's e-mail and password, a workshop's date and the overview's months are
    drawn like the text field a participant types a code in; deleting is red."""
    participant_page.goto("/w")
    text_field = participant_page.locator("input[type=text]").first.evaluate(FIELD_LOOK)
    participant_page.goto("/radgivare/logga-in")
    for selector in ("#email", "#password"):
        assert participant_page.locator(selector).evaluate(FIELD_LOOK) == text_field, selector
    advisor_page.goto("/radgivare/workshop/ny")
    assert advisor_page.locator("input[type=date]").evaluate(FIELD_LOOK) == text_field
    advisor_page.goto(f"{setting.workshop}/radera")
    error = advisor_page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--error')"
    )
    button = advisor_page.locator("form button[type=submit]").last
    colour = button.evaluate("el => getComputedStyle(el).backgroundColor")
    advisor_page.evaluate("c => document.body.style.color = c", error.strip())
    wanted = advisor_page.evaluate("getComputedStyle(document.body).color")
    assert colour == wanted  # the same red as every error
