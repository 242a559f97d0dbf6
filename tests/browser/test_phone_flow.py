"""A person does the whole self-assessment on a 360 px touch phone, in Swedish."""

from __future__ import annotations

import re
from typing import Any

import pytest

from questionnaire.model import Questionnaire

from .helpers import PHONE, PROFILE, AnswerPlan, LiveServer, PlannedAnswer

# One worker runs them all (pytest-xdist's loadgroup): one Chromium, one live server.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

STEP_URL = re.compile(r"/a/[^/]+/steg/(\d+)$")
RESULT_URL = re.compile(r"/a/[^/]+/resultat$")


class Person:
    """Someone answering on their phone: taps what they see, types numbers, presses buttons."""

    def __init__(self, page: Any, server: LiveServer, questionnaire: Questionnaire) -> None:
        self.page, self.server, self.questionnaire = page, server, questionnaire

    @property
    def step(self) -> int:
        match = STEP_URL.search(self.page.url)
        assert match, f"not on a step page: {self.page.url}"
        return int(match.group(1))

    def press(self, msgid: str) -> None:
        self.page.get_by_role("button", name=self.server.sv(msgid), exact=True).click()

    def start(self) -> None:
        self.page.goto("/")
        self.press("Start the self-assessment")
        self.page.wait_for_url(STEP_URL)
        assert self.step == 1

    def fill_profile(self) -> None:
        profile = {q.id: q for q in self.questionnaire.profile_section.questions}
        employees = self.page.get_by_role("textbox", name=profile["employees"].text.sv)
        employees.fill(str(PROFILE["employees"]))
        industry = self.page.get_by_role("combobox", name=profile["sni"].text.sv)
        industry.select_option(PROFILE["sni"])

    def answer(self, planned: PlannedAnswer) -> None:
        """Tap the text of each chosen option, or type the number."""
        question = planned.question
        block = self.page.locator(f"#q-{question.id}")
        if question.type == "number":
            block.get_by_role("textbox", name=question.text.sv).fill(str(planned.number))
            return
        for value in planned.choices:
            label = question.option(value).label.sv  # type: ignore[union-attr]
            block.locator("label").filter(has_text=re.compile(f"^{re.escape(label)}$")).click()

    def is_chosen(self, planned: PlannedAnswer) -> bool:
        block = self.page.locator(f"#q-{planned.question.id}")
        return all(
            block.get_by_label(planned.question.option(v).label.sv, exact=True).is_checked()  # type: ignore[union-attr]
            for v in planned.choices
        )

    def next_step(self) -> None:
        number = self.step
        self.press("Save and continue")
        self.page.wait_for_url(re.compile(rf"/steg/{number + 1}$"))

    def reach_first_dimension(self) -> None:
        self.start()
        self.fill_profile()
        self.next_step()


@pytest.fixture
def person(phone_page: Any, live_server: LiveServer, live_questionnaire: Questionnaire) -> Person:
    return Person(phone_page, live_server, live_questionnaire)


def test_whole_assessment_on_a_phone(
    person: Person, live_server: LiveServer, answer_plan: AnswerPlan
) -> None:
    page = person.page
    sections = person.questionnaire.sections
    person.reach_first_dimension()

    for number, section in enumerate(sections[1:], start=2):
        assert person.step == number
        assert page.get_by_role("heading", level=1).inner_text() == section.title.sv
        if number == 3:
            assert page.locator(".progress").get_by_text("Steg 3 av 11", exact=True).is_visible()
        for planned in answer_plan.by_section[section.id]:
            person.answer(planned)
        if number < len(sections):
            person.next_step()
    person.press("Show my result")
    page.wait_for_url(RESULT_URL)

    catalogue = live_server.app.extensions["lyftkollen.content"].catalogue
    primary = page.locator(".offering-primary h3")
    assert primary.is_visible()
    assert primary.inner_text() in {o.name.sv for o in catalogue.offerings}

    rows = page.locator("table.score-table tbody tr")
    assert rows.count() == 10
    shown = {
        row.locator("th").inner_text(): int(row.locator("td .score").inner_text())
        for row in rows.all()
    }
    dimension_name = {d.id: d.name.sv for d in person.questionnaire.dimensions}
    assert shown == {dimension_name[d]: s for d, s in answer_plan.expected_scores.items()}


def test_going_back_keeps_the_answers(person: Person, answer_plan: AnswerPlan) -> None:
    person.reach_first_dimension()
    planned = answer_plan.by_section[person.questionnaire.sections[1].id]
    for item in planned:
        person.answer(item)
    person.next_step()

    person.press("Back")
    person.page.wait_for_url(re.compile(r"/steg/2$"))
    for item in planned:
        if item.choices:
            assert person.is_chosen(item), f"{item.question.id} lost its answer"


def test_a_missing_answer_is_shown_next_to_its_question_in_swedish(
    person: Person, live_server: LiveServer, answer_plan: AnswerPlan
) -> None:
    page = person.page
    person.reach_first_dimension()
    planned = answer_plan.by_section[person.questionnaire.sections[1].id]
    answered, missing = planned[:2], planned[2:]
    for item in answered:
        person.answer(item)
    person.press("Save and continue")
    summary = page.get_by_role("alert")
    summary.wait_for()

    assert person.step == 2
    message = live_server.sv("Please answer this question.")
    assert message != "Please answer this question.", "the Swedish translation is missing"
    for item in missing:
        block = page.locator(f"#q-{item.question.id}")
        error = block.locator(".error")
        assert error.is_visible()
        assert message in error.inner_text()
        # A screen reader hears the message with the question, not only in the summary.
        described_by = block.locator("fieldset").get_attribute("aria-describedby") or ""
        assert error.get_attribute("id") in described_by.split()
    for item in answered:
        assert page.locator(f"#q-{item.question.id} .error").count() == 0
        assert person.is_chosen(item)
    assert summary.get_by_role("link").count() == len(missing)


def test_no_sideways_scrolling_at_360_px(person: Person, completed_result_path: str) -> None:
    page = person.page
    person.reach_first_dimension()
    for path in (page.url, completed_result_path):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width} px wide on a 360 px screen"


def test_the_private_link_resumes_in_another_browser(person: Person, chromium_browser: Any) -> None:
    person.reach_first_dimension()
    private_url = person.page.locator(".private-link a").get_attribute("href")
    assert private_url and private_url.startswith(person.server.url)

    other = chromium_browser.new_context(**PHONE)
    try:
        page = other.new_page()
        page.goto(private_url)
        assert page.url == person.page.url
        title = person.questionnaire.sections[1].title.sv
        assert page.get_by_role("heading", level=1).inner_text() == title
    finally:
        other.close()


def test_a_closed_tab_loses_no_answer(person: Person, chromium_browser: Any) -> None:
    person.reach_first_dimension()
    page = person.page
    private_url = page.locator(".private-link a").get_attribute("href")
    first = person.questionnaire.sections[1].questions[0]
    chosen = next(o for o in first.options if o.level == 3)
    page.locator(f"#q-{first.id} label").filter(
        has_text=re.compile(f"^{re.escape(chosen.label.sv)}$")
    ).click()
    # The page says so once the answer is stored; then the tab is closed, no button pressed.
    status = page.locator("#autosave-status")
    status.filter(has_text=person.server.sv("Every answer on this page is saved.")).wait_for()
    page.close()

    other = chromium_browser.new_context(**PHONE)
    try:
        again = other.new_page()
        again.goto(private_url)
        assert again.url.endswith("/steg/2")
        assert again.get_by_label(chosen.label.sv, exact=True).is_checked()
    finally:
        other.close()


def test_the_home_page_leads_each_kind_of_user_in(phone_page: Any, live_server: LiveServer) -> None:
    """A participant with a code and an advisor each find their way in from the home page."""
    page = phone_page
    page.goto("/")
    page.get_by_role("link", name=live_server.sv("Enter the code"), exact=True).click()
    page.wait_for_url(re.compile(r"/w$"))
    assert page.get_by_role("textbox").count() == 1  # the code field
    page.goto("/")
    page.get_by_role("link", name=live_server.sv("Log in as an advisor"), exact=True).click()
    page.wait_for_url(re.compile(r"/radgivare/logga-in$"))
    assert page.locator("input[type=password]").count() == 1
    page.goto("/")
    about = live_server.app.extensions["lyftkollen.site"].about.sv
    assert about in page.locator("main").inner_text()


# Every word of every heading on one line: a word split over two lines without a hyphen
# is what "broken mid-word" looks like (Debian's Chromium has no hyphenation dictionaries,
# so here a word either fits or is broken anywhere).
WORDS_SPLIT = """() => { const out = [];
  for (const h of document.querySelectorAll('h1, h2, h3, h4, legend, .index-name')) {
    const walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT); let node;
    while ((node = walker.nextNode())) { const words = /\\S+/g; let m;
      while ((m = words.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
          .map(r => Math.round(r.top)));
        if (tops.size > 1) out.push(m[0]); } } }
  return out; }"""


def test_the_result_and_every_step_read_well_on_a_phone(
    phone_page: Any, live_server: LiveServer, completed_result_path: str
) -> None:
    """360 px: radar labels of at least 11 px, a score table as wide as the screen at
    most, and no heading broken in the middle of a word."""
    page = phone_page
    page.goto(completed_result_path)
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('.radar .axis-label')].map(t =>
             t.getScreenCTM().a * parseFloat(getComputedStyle(t).fontSize))"""
    )
    assert len(sizes) == 10 and min(sizes) >= 11, sizes

    table = page.locator("table.score-table").bounding_box()
    assert table is not None and table["x"] >= 0 and table["x"] + table["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    token = completed_result_path.split("/")[2]
    for language in ("sv", "en"):
        page.goto(f"/sprak/{language}")
        for path in [completed_result_path, "/", "/sa-raknar-vi"] + [
            f"/a/{token}/steg/{n}" for n in range(1, 12)
        ]:
            page.goto(path)
            assert page.evaluate(WORDS_SPLIT) == [], (language, path)
    page.goto("/sprak/sv")
