"""A questionnaire page that is only shown (a GET): drawn once, filled in per person.

Everything on such a page but four things is the same for every person on the same
content, section, language and state (open or closed): the layout, the texts, the
questions. The four are the private token (in the page's links), the CSRF token, what
the answers mark (templates/survey/_question.html, drawn once by ``forms.drawn_questions``)
and the private link, which names the host. The page is rendered once by its own
templates with a mark in each of those places, split at the marks, and each view then
joins the parts with this person's values. ``tests/web/test_drawn_page.py`` checks that
the result is the template's own rendering, byte for byte.

A page that shows anything more (a flashed message, errors, an industry only this person's
answers add, a query string that the language switch carries) is rendered by the template
as before.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from flask import render_template, request, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from questionnaire.model import Section
from web.assessments.service import WorkshopState
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
