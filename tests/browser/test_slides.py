"""The projector's slides in Chromium: each fits the screen, steps by key or link, passes
axe, and follows the team live. A workshop of seven made-up managers (their answers are
tests/data/companies.yaml's) with long names, long questions and a full action plan."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import expect

from questionnaire.model import Questionnaire
from tests.helpers import PASSWORD, Survey, create_workshop, logged_in

from .helpers import LiveServer, browser_app, log_in, serving
from .test_accessibility import violation_report

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

EMAIL = "bildspel@example.se"
COMPANIES = yaml.safe_load(
    (Path(__file__).parents[1] / "data" / "companies.yaml").read_text("utf-8")
)
NAMES = [
    "Anna Lindqvist-Bergström",
    "Per Olsson",
    "Karin Åberg",
    "",
    "Mohammed Al-Sayed",
    "Lars-Göran Johansson",
    "Eva",
]
SCREENS = [(1280, 720), (1920, 1080)]
LIVE_UPDATE_MS = 20_000


def answer_as(person: Survey, company: dict[str, Any], questionnaire: Questionnaire) -> None:
    """Answer every page as ``company`` answered it, through the forms."""
    total = len(questionnaire.sections)
    for number, section in enumerate(questionnaire.sections[1:], start=2):
        data: dict[str, Any] = {}
        for question in section.questions:
            value = company["answers"].get(question.id)
            if value is None:
                continue
            if question.type == "number" and value in ("dont_know", "not_relevant"):
                data[f"{question.id}__{value}"] = "y"
            else:
                data[question.id] = value if isinstance(value, str | list) else str(value)
        action = "finish" if number == total else "next"
        assert person.post(number, data, action=action).status_code == 302


@dataclass(frozen=True)
class Deck:
    server: LiveServer
    path: str  # the workshop's advisor path
    code: str

    @property
    def app(self) -> Flask:
        return self.server.app

    @property
    def questionnaire(self) -> Questionnaire:
        return self.app.extensions["lyftkollen.content"].questionnaire  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deck]:
    database = tmp_path_factory.mktemp("slides") / "lyftkollen.sqlite3"
    app = browser_app(database, "browser-slides", LIVE_POLL_SECONDS=1)
    advisor = logged_in(app, EMAIL)
    path, code = create_workshop(
        advisor,
        title="Ledningsgruppen, start av Utvecklingsprogrammet hösten 2026",
        new_company="Värnamo Legoverkstad AB",
        employees="45",
        sni="25",
    )
    questionnaire = app.extensions["lyftkollen.content"].questionnaire
    for index, name in zip((1, 3, 7, 9, 0, 5, 8), NAMES, strict=True):
        person = Survey(app.test_client(), questionnaire)
        person.join(code, name=name)
        answer_as(person, COMPANIES[index], questionnaire)
    with serving(app) as server:
        yield Deck(server, path, code)


@pytest.fixture(scope="module")
def projector(chromium_browser: Any, deck: Deck) -> Iterator[Any]:
    """A logged-in laptop on a projector (logins are rate-limited: one for the module)."""
    context = chromium_browser.new_context(
        base_url=deck.server.url, viewport={"width": 1280, "height": 720}, locale="sv-SE"
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    log_in(page, EMAIL, PASSWORD)
    yield page
    context.close()


def slide_count(page: Any) -> int:
    return int(page.locator(".slide").count())


def shown(page: Any) -> int:
    """The number of the one slide shown (and that only one is)."""
    visible = page.locator(".slide:not([hidden])")
    assert visible.count() == 1
    return int(visible.get_attribute("data-slide"))


# What of the shown slide lies below the navigation bar (hidden behind it), and the
# size of its text: for SVG text, as drawn on the screen.
FIT = """() => {
  const slide = document.querySelector('.slide:not([hidden])');
  const navTop = document.querySelector('.slide-nav').getBoundingClientRect().top;
  const below = [], small = [];
  for (const el of slide.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.height > 0 && box.bottom > navTop + 0.5) below.push(el.tagName + ' ' + el.className);
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.data.trim());
    if (!own) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    const svgText = el.closest('text');
    if (svgText) size *= svgText.getScreenCTM().a;
    if (size < 24) small.push(el.tagName + ' ' + size.toFixed(1));
  }
  return {below: below.slice(0, 5), small: small.slice(0, 5)};
}"""


@pytest.mark.parametrize("width,height", SCREENS, ids=["1280x720", "1920x1080"])
def test_every_slide_fits_the_screen_with_text_of_24_px_or_more(
    projector: Any, deck: Deck, width: int, height: int
) -> None:
    projector.set_viewport_size({"width": width, "height": height})
    projector.goto(f"{deck.path}/presentera")
    total = slide_count(projector)
    assert total >= 14  # join, who, indices, radar, 3 areas, 5 splits, path, plan
    kinds = set()
    for number in range(1, total + 1):
        projector.goto(f"{deck.path}/presentera/{number}")
        assert shown(projector) == number
        kinds.add(projector.locator(".slide:not([hidden])").get_attribute("class"))
        scroll = projector.evaluate("document.documentElement.scrollHeight")
        assert scroll <= height, (number, scroll)
        fit = projector.evaluate(FIT)
        assert fit["below"] == [], (number, fit["below"])
        if (width, height) == (1280, 720):
            assert fit["small"] == [], (number, fit["small"])
    wanted = {"join", "answered", "indices", "radar", "area", "disagreement", "path", "plan"}
    assert {k.split("kind-")[1] for k in kinds} == wanted
    projector.set_viewport_size({"width": 1280, "height": 720})


def test_every_slide_passes_axe(projector: Any, deck: Deck) -> None:
    projector.goto(f"{deck.path}/presentera")
    for number in range(1, slide_count(projector) + 1):
        projector.goto(f"{deck.path}/presentera/{number}")
        violations = Axe().run(projector).response["violations"]
        assert not violations, f"slide {number}:\n" + violation_report(violations)


def test_the_keys_a_clicker_sends_step_through_the_slides(projector: Any, deck: Deck) -> None:
    projector.goto(f"{deck.path}/presentera")
    projector.evaluate("window.notReloaded = true")
    total = slide_count(projector)
    for key, expected in [
        ("ArrowRight", 2),
        ("PageDown", 3),
        (" ", 4),
        ("ArrowDown", 5),
        ("ArrowLeft", 4),
        ("PageUp", 3),
        ("ArrowUp", 2),
        ("End", total),
        ("PageDown", total),  # the last slide stays the last
        ("Home", 1),
        ("PageUp", 1),
    ]:
        projector.keyboard.press(key)
        assert shown(projector) == expected, key
        assert projector.url.endswith(f"/presentera/{expected}"), key
    projector.get_by_role("link", name="Nästa").click()
    assert shown(projector) == 2
    expect(projector.locator("#slide-count")).to_have_text(f"2 av {total}")
    projector.keyboard.press(" ")  # the focus on the link just clicked: space still steps
    assert shown(projector) == 3
    assert projector.evaluate("window.notReloaded") is True  # all without a reload


def test_without_javascript_each_slide_is_a_page_with_links(
    chromium_browser: Any, deck: Deck
) -> None:
    context = chromium_browser.new_context(
        base_url=deck.server.url,
        viewport={"width": 1280, "height": 720},
        java_script_enabled=False,
    )
    page = context.new_page()
    log_in(page, EMAIL, PASSWORD)
    page.goto(f"{deck.path}/presentera")
    total = slide_count(page)
    assert shown(page) == 1
    for number in range(2, total + 1):
        page.get_by_role("link", name="Nästa").click()
        page.wait_for_url(re.compile(rf"/presentera/{number}$"))
        assert shown(page) == number
    page.get_by_role("link", name="Föregående").click()
    page.wait_for_url(re.compile(rf"/presentera/{total - 1}$"))
    assert shown(page) == total - 1
    context.close()


def test_live_figures_update_on_the_slide_that_shows_them(projector: Any, deck: Deck) -> None:
    projector.goto(f"{deck.path}/presentera/2")  # who has answered
    slide = projector.locator(".slide:not([hidden])")
    finished = slide.locator('[data-count="completed"]')
    before = int(finished.inner_text())
    person = Survey(deck.app.test_client(), deck.questionnaire)
    person.join(deck.code, name="Sen Deltagare")
    answer_as(person, COMPANIES[2], deck.questionnaire)
    expect(slide.locator('[data-count="completed"]')).to_have_text(
        str(before + 1), timeout=LIVE_UPDATE_MS
    )
    expect(projector.locator(".slide:not([hidden]) .slide-names")).to_contain_text(
        "Sen Deltagare", timeout=LIVE_UPDATE_MS
    )
    assert shown(projector) == 2  # still the same slide


def test_a_small_team_shows_no_ones_own_outline(projector: Any, deck: Deck) -> None:
    """Seven (eight) participants: each has an outline. A team of three: none."""
    projector.goto(f"{deck.path}/presentera/4")
    assert projector.locator(".slide:not([hidden]) .other-outline").count() >= 7
    advisor = logged_in(deck.app, "liten@example.se")
    path, code = create_workshop(advisor, employees="12", sni="25")
    for index in (0, 1, 3):
        person = Survey(deck.app.test_client(), deck.questionnaire)
        person.join(code)
        answer_as(person, COMPANIES[index], deck.questionnaire)
    page = advisor.get(f"{path}/presentera/4").text
    assert 'class="slide kind-radar"' in page and "other-outline" not in page


def test_the_slide_shown_stays_when_slides_are_added_before_it(
    chromium_browser: Any, deck: Deck
) -> None:
    """One participant has finished: no disagreements yet, the path is slide 8. When a
    second finishes, five disagreement slides come before it: the wall stays on the
    path. The workshop's title is as long as a title may be: two lines on the wall."""
    advisor = logged_in(deck.app, "nyss@example.se")
    title = ("Ledningsgruppen och produktionsledarna, uppföljning av handlingsplanen " * 3)[:200]
    path, code = create_workshop(advisor, title=title, employees="28", sni="25")
    first = Survey(deck.app.test_client(), deck.questionnaire)
    first.join(code)
    answer_as(first, COMPANIES[1], deck.questionnaire)
    deck_html = advisor.get(f"{path}/presentera/1").text
    keys = re.findall(r'data-key="([\w-]+)"', deck_html)
    number = keys.index("path-1") + 1
    # A projector of its own, logged in as this workshop's advisor (their session).
    cookie = advisor.get_cookie("session")
    assert cookie is not None
    context = chromium_browser.new_context(
        base_url=deck.server.url, viewport={"width": 1280, "height": 720}
    )
    context.add_cookies([{"name": "session", "value": cookie.value, "url": deck.server.url}])
    projector = context.new_page()
    projector.goto(f"{path}/presentera/1")
    fit = projector.evaluate(FIT)
    assert fit["below"] == []  # a 200-character title fits the join slide
    projector.goto(f"{path}/presentera/{number}")
    assert "kind-path" in projector.locator(".slide:not([hidden])").get_attribute("class")
    second = Survey(deck.app.test_client(), deck.questionnaire)
    second.join(code)
    answer_as(second, COMPANIES[7], deck.questionnaire)
    expect(projector.locator(".slide.kind-disagreement").first).to_be_attached(
        timeout=LIVE_UPDATE_MS
    )
    visible = projector.locator(".slide:not([hidden])")
    assert "kind-path" in visible.get_attribute("class")
    moved = int(visible.get_attribute("data-slide"))
    assert moved > number and projector.url.endswith(f"/presentera/{moved}")
    context.close()
