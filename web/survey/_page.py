"""A speed trick of the questionnaire page (the other is its one read,
web/assessments/page_read.py): a page that is only shown (a GET) is drawn once and
filled in for each person.

Everything on such a page but four things is the same for every person on the same
content, section, language and state (open or closed): the layout, the texts, the
questions. The four are the private token (in the page's links), the CSRF token, what
the answers mark and the private link, which names the host. So the page is rendered
once by its own templates with a mark in each of those places, split at the marks, and
each view joins the parts with this person's values. The questions are drawn the same
way by their own macro (templates/survey/_question.html), with a numbered mark wherever
an answer shows.

The 200-person seminar measured it (bench/README.md, 2026-12-05): a questionnaire page
costs 0.9 ms of CPU in process this way and 1.9 ms drawn by its templates, about 9 % of
the seminar's CPU per request. ``tests/web/test_drawn_page.py`` and
``tests/web/test_page_drawing.py`` check that the result is the templates' own rendering,
byte for byte; ``DRAW_ONCE = False`` in the view draws every page by its templates.

A page that shows anything more (a flashed message, errors, an industry only this person's
answers add, a query string that the language switch carries) is rendered by the template
as before.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import get_template_attribute, render_template, request, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from questionnaire.model import Section
from web.assessments.forms import PageQuestion, Shown, page_questions
from web.assessments.page_read import WorkshopState
from web.platform.links import absolute_url_for
from web.storage.content import Content

# Stands for the private token while a page is drawn. It goes through url_for (so it is
# made of URL-safe characters) and is random, so no content can hold it by chance.
_TOKEN_MARK = "lyftkollen0mark0" + secrets.token_hex(12)
_SLOTS = ("token", "csrf", "questions", "private")
_SLOT = re.compile("\x00(" + "|".join(_SLOTS) + ")\x00")


@dataclass(frozen=True)
class _MarkedAssessment:
    """What the page's templates read of an assessment, with the token marked, and
    nothing else: a template that reads more fails while drawing, instead of drawing one
    person's data into everyone's page."""

    token: str
    workshop: WorkshopState | None


@dataclass(frozen=True)
class DrawnPage:
    parts: tuple[str, ...]  # one more than the slots
    slots: tuple[str, ...]

    def fill(self, values: dict[str, str]) -> str:
        html = [self.parts[0]]
        for slot, part in zip(self.slots, self.parts[1:], strict=True):
            html.append(values[slot])
            html.append(part)
        return "".join(html)


def csrf_input() -> Markup:
    """The CSRF field as Flask-WTF's form draws it, without making a form."""
    return Markup('<input id="csrf_token" name="csrf_token" type="hidden" value="%s">') % (
        generate_csrf()
    )


def drawn_step_page(
    c: Content, section: Section, language: str, first: int, closed: bool
) -> DrawnPage:
    """The page of ``section``, drawn once per content, language, first step (workshop
    participants start at 2), state and script root (where the app is mounted)."""
    key = ("step-page", section.id, language, first, closed, request.script_root)
    return c.derived(key, lambda: _draw(c, section, language, first, closed))


def _draw(c: Content, section: Section, language: str, first: int, closed: bool) -> DrawnPage:
    sections = c.questionnaire.sections
    number = sections.index(section) + 1
    action_url = url_for("survey.step", token=_TOKEN_MARK, number=number)
    html = render_template(
        "survey/step.html",
        assessment=_MarkedAssessment(_TOKEN_MARK, WorkshopState(False) if closed else None),
        section=section,
        questions=(),
        shown=None,
        questions_html=Markup("\x00questions\x00"),
        form={"csrf_token": Markup("\x00csrf\x00")},
        errors={},
        number=number - first + 1,
        total=len(sections) - first + 1,
        lang=language,
        closed=closed,
        action_url=action_url,
        private_url=Markup("\x00private\x00"),
        here=f"{action_url.removeprefix(request.script_root)}?",
    )
    own = (request.view_args or {}).get("token")
    if own and own in html:  # the request's own token, from somewhere not marked
        raise RuntimeError(f"the page of section {section.id} holds a private token")
    pieces = _SLOT.split(html.replace(_TOKEN_MARK, "\x00token\x00"))
    if "\x00" in "".join(pieces[0::2]):
        raise RuntimeError(f"the page of section {section.id} holds a mark it did not make")
    return DrawnPage(tuple(pieces[0::2]), tuple(pieces[1::2]))


def fill_step_page(page: DrawnPage, token: str, questions_html: Markup) -> str:
    """``page`` for the assessment with private ``token``."""
    return page.fill(
        {
            "token": token,  # URL-safe base64 (assessments.find checks): nothing to escape
            "csrf": csrf_input(),
            "questions": questions_html,
            "private": escape(absolute_url_for("survey.resume", token=token)),
        }
    )


_MARK = re.compile("\x00([0-9]+)\x00")


class _Marks:
    """Stands in for a Shown while a page is drawn once: each bit that depends on the
    answers becomes a numbered mark, and the Shown method that fills it in is kept."""

    def __init__(self) -> None:
        self.calls: list[tuple[Callable[..., Markup], tuple[Any, ...]]] = []

    def _mark(self, method: Callable[..., Markup], *args: Any) -> Markup:
        self.calls.append((method, args))
        return Markup("\x00%d\x00") % (len(self.calls) - 1)

    def checked(self, q: PageQuestion, value: str) -> Markup:
        return self._mark(Shown.checked, q, value)

    def selected(self, q: PageQuestion, value: str) -> Markup:
        return self._mark(Shown.selected, q, value)

    def dont_know(self, q: PageQuestion) -> Markup:
        return self._mark(Shown.dont_know, q)

    def not_relevant(self, q: PageQuestion) -> Markup:
        return self._mark(Shown.not_relevant, q)

    def text(self, q: PageQuestion) -> Markup:
        return self._mark(Shown.text, q)


@dataclass(frozen=True)
class DrawnQuestions:
    """A page's questions as HTML without errors, drawn once by the page's own macro,
    with a gap for each bit that depends on the answers."""

    parts: tuple[str, ...]  # one more than the gaps
    gaps: tuple[tuple[Callable[..., Markup], tuple[Any, ...]], ...]

    def fill(self, shown: Shown) -> Markup:
        html = [self.parts[0]]
        for (method, args), part in zip(self.gaps, self.parts[1:], strict=True):
            html.append(method(shown, *args))
            html.append(part)
        return Markup("".join(html))  # noqa: S704 (the template's own escaped output)


def _draw_once(questions: tuple[PageQuestion, ...]) -> DrawnQuestions:
    marks = _Marks()
    render_all = get_template_attribute("survey/_question.html", "render_all")
    pieces = _MARK.split(str(render_all(questions, marks, {})))
    if pieces[1::2] != [str(n) for n in range(len(marks.calls))]:
        raise RuntimeError("a page's HTML holds a mark it did not make")
    return DrawnQuestions(tuple(pieces[0::2]), tuple(marks.calls))


def drawn_questions(
    c: Content, section: Section, language: str, questions: tuple[PageQuestion, ...], shown: Shown
) -> Markup | None:
    """The page's questions as HTML, for a page without errors: drawn once per content,
    section and language, with only what the fields show filled in for this person.

    None when ``questions`` are not the section's own (an industry the list lacks, which
    only this person's page offers): the template then draws them itself.
    """
    if questions is not page_questions(c, section, language):
        return None
    drawn = c.derived(("page-html", section.id, language), lambda: _draw_once(questions))
    return drawn.fill(shown)
