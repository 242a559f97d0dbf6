"""The questionnaire's pages: what each shows, and the WTForms classes that read a post.

A page is drawn from ``PageQuestion``s, made once per content, section and language,
and the answers to show (stored or just posted). WTForms reads and checks what is
posted (CSRF included); it draws no field: one field object per option on every page
view cost more than all the rest of the request.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    Field,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from questionnaire.answers import AnswerError, parse_answer
from questionnaire.model import DONT_KNOW, NOT_RELEVANT, Question, Section
from questionnaire.profile import OTHER_INDUSTRY, parse_sni
from web.storage.content import Content

# A single choice with this many options or more is a drop-down, not radio buttons.
SELECT_FROM = 9
DONT_KNOW_SUFFIX = "__dont_know"
NOT_RELEVANT_SUFFIX = "__not_relevant"
# A number question's boxes beside its field: the value each stands for, and its name's end.
NUMBER_BOXES = ((DONT_KNOW, DONT_KNOW_SUFFIX), (NOT_RELEVANT, NOT_RELEVANT_SUFFIX))


def _field_for(question: Question, language: str) -> dict[str, Field]:
    label = question.text.get(language)
    choices = [SelectChoice(o.value, o.label.get(language)) for o in question.options]
    # Choices are checked by the domain's parse_answer, with the messages the API gives.
    if question.type == "single":
        if len(choices) >= SELECT_FROM:
            return {question.id: SelectField(label, choices=choices, validate_choice=False)}
        return {question.id: RadioField(label, choices=choices, validate_choice=False)}
    if question.type == "multi":
        checkboxes = SelectMultipleField(
            label,
            choices=choices,
            validate_choice=False,
            widget=ListWidget(prefix_label=False),
            option_widget=CheckboxInput(),
        )
        return {question.id: checkboxes}
    if question.type == "number":
        mode = "numeric" if question.integer else "decimal"
        fields: dict[str, Field] = {
            question.id: StringField(label, render_kw={"inputmode": mode, "autocomplete": "off"})
        }
        for value, suffix in NUMBER_BOXES:
            box = question.option(value)
            if box is not None:
                fields[question.id + suffix] = BooleanField(box.label.get(language))
        return fields
    return {question.id: TextAreaField(label, render_kw={"maxlength": question.max_length})}


def section_form_class(section: Section, language: str) -> type[FlaskForm]:
    """The form class for one page (the caller keeps it: the questionnaire does not change)."""
    attrs: dict[str, Any] = {}
    for question in section.questions:
        attrs.update(_field_for(question, language))
    return type(f"SectionForm_{section.id}_{language}", (FlaskForm,), attrs)


def raw_value(form: FlaskForm, question: Question) -> Any:
    """What the person entered for ``question``, in the shape parse_answer expects."""
    field = form[question.id]
    if question.type == "number":
        ticked = [
            value
            for value, suffix in NUMBER_BOXES
            if (box := form._fields.get(question.id + suffix)) is not None and box.data
        ]
        if len(ticked) > 1 or (ticked and (field.data or "").strip()):
            return ["both"]
        return ticked[0] if ticked else field.data
    if question.type == "multi":
        return list(field.data or [])
    return field.data


def read_section(
    form: FlaskForm, section: Section
) -> tuple[dict[str, Any], dict[str, AnswerError]]:
    """Valid answers on the page (None for blanks) and an error per invalid one."""
    values: dict[str, Any] = {}
    errors: dict[str, AnswerError] = {}
    for question in section.questions:
        raw = raw_value(form, question)
        if raw == ["both"]:
            errors[question.id] = AnswerError(question.id, "number_and_dont_know")
            continue
        try:
            if question.id == "sni":  # any real SNI code, also one the list does not offer
                values[question.id] = parse_sni(question.id, raw)
            else:
                values[question.id] = parse_answer(question, raw)
        except AnswerError as error:
            errors[question.id] = error
    return values, errors


def keep_finer_industry(values: dict[str, Any], stored: dict[str, Any]) -> None:
    """The list offers divisions ("25"); keep a finer stored code ("25.620") within it."""
    chosen, kept = values.get("sni"), stored.get("sni")
    if chosen and kept and chosen != OTHER_INDUSTRY and kept.startswith(f"{chosen}."):
        values["sni"] = kept


@dataclass(frozen=True)
class PageChoice:
    value: str
    label: str
    aside: bool  # "don't know" or an exclusive option: set apart below the others


@dataclass(frozen=True)
class PageQuestion:
    """One question as its page draws it, in one language (templates/survey/_question.html)."""

    id: str
    kind: str  # "radio", "select", "checkboxes", "number", "text" or "line"
    text: str
    help: str | None
    required: bool
    choices: tuple[PageChoice, ...] = ()
    unit: str | None = None
    inputmode: str = "decimal"
    max_length: int | None = None
    dont_know: str | None = None  # a number's "don't know" box, its label
    not_relevant: str | None = None  # a number's "not relevant" box, its label

    @property
    def dont_know_name(self) -> str:
        return self.id + DONT_KNOW_SUFFIX

    @property
    def not_relevant_name(self) -> str:
        return self.id + NOT_RELEVANT_SUFFIX


def _page_question(question: Question, language: str) -> PageQuestion:
    choices = tuple(
        PageChoice(
            o.value, o.label.get(language), o.value in (DONT_KNOW, NOT_RELEVANT) or o.exclusive
        )
        for o in question.options
    )
    base = PageQuestion(
        id=question.id,
        kind="text",
        text=question.text.get(language),
        help=question.help.get(language) if question.help else None,
        required=question.required,
    )
    if question.type == "single":
        kind = "select" if len(choices) >= SELECT_FROM else "radio"
        return replace(base, kind=kind, choices=choices)
    if question.type == "multi":
        return replace(base, kind="checkboxes", choices=choices)
    if question.type == "number":
        return replace(
            base,
            kind="number",
            unit=question.unit.get(language) if question.unit else None,
            inputmode="numeric" if question.integer else "decimal",
            dont_know=question.dont_know.label.get(language) if question.dont_know else None,
            not_relevant=not_relevant.label.get(language)
            if (not_relevant := question.option(NOT_RELEVANT))
            else None,
        )
    kind = "line" if question.single_line else "text"
    return replace(base, kind=kind, max_length=question.max_length)


def page_questions(c: Content, section: Section, language: str) -> tuple[PageQuestion, ...]:
    """The page's questions as drawn, made once per section and language for ``c``."""
    return c.derived(
        ("page", section.id, language),
        lambda: tuple(_page_question(q, language) for q in section.questions),
    )


def with_stored_industry(
    questions: tuple[PageQuestion, ...], stored: dict[str, Any]
) -> tuple[PageQuestion, ...]:
    """Keep an industry given through the API selectable, even if the list lacks it."""
    code = stored.get("sni")
    if not code:
        return questions
    division = _division(code)

    def lacks(q: PageQuestion) -> bool:
        return q.id == "sni" and all(choice.value != division for choice in q.choices)

    if not any(lacks(q) for q in questions):
        return questions  # the same tuple: the page is then drawn from its HTML drawn once
    return tuple(
        replace(q, choices=(*q.choices, PageChoice(division, f"SNI {division}", False)))
        if lacks(q)
        else q
        for q in questions
    )


CHECKED = Markup("checked ")
SELECTED = Markup("selected ")
NOTHING = Markup("")


class Shown:
    """What each field of a page shows (the stored or the posted answers, by field name),
    as the bits of HTML templates/survey/_question.html puts in."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def checked(self, q: PageQuestion, value: str) -> Markup:
        shown = self.values.get(q.id)
        chosen = (shown or ()) if q.kind == "checkboxes" else (shown,)
        return CHECKED if value in chosen else NOTHING

    def selected(self, q: PageQuestion, value: str) -> Markup:
        return SELECTED if value == self.values.get(q.id) else NOTHING

    def dont_know(self, q: PageQuestion) -> Markup:
        return CHECKED if self.values.get(q.dont_know_name) else NOTHING

    def not_relevant(self, q: PageQuestion) -> Markup:
        return CHECKED if self.values.get(q.not_relevant_name) else NOTHING

    def text(self, q: PageQuestion) -> Markup:
        shown = self.values.get(q.id)
        return escape(shown if shown is not None else "")


def drawn_page(
    c: Content, section: Section, language: str, profile: dict[str, Any], shown: dict[str, Any]
) -> dict[str, Any]:
    """What templates/survey/_question.html draws the page from: questions, what each shows."""
    return {
        "questions": with_stored_industry(page_questions(c, section, language), profile),
        "shown": Shown(shown),
    }


def _division(code: str) -> str:
    """The list's value for a stored industry: its division ("25.620" -> "25"), or
    "other" as it is."""
    return code if code == OTHER_INDUSTRY else code[:2]


def shown_answers(section: Section, stored: dict[str, Any]) -> dict[str, Any]:
    """What a page that was not posted shows: the stored answers, by field name, as text."""
    shown: dict[str, Any] = {}
    for question in section.questions:
        value = stored.get(question.id)
        if value is None:
            continue
        if question.id == "sni":
            shown[question.id] = _division(value)
        elif question.type == "number" and value in (DONT_KNOW, NOT_RELEVANT):
            suffix = DONT_KNOW_SUFFIX if value == DONT_KNOW else NOT_RELEVANT_SUFFIX
            shown[question.id + suffix] = True
        elif question.type == "number":
            shown[question.id] = _number_text(value)
        else:
            shown[question.id] = value
    return shown


def posted_answers(form: FlaskForm) -> dict[str, Any]:
    """What a posted page shows again: what was entered, by field name."""
    return {name: field.data for name, field in form._fields.items() if name != "csrf_token"}


def _number_text(value: float | int) -> str:
    if isinstance(value, float) and not value.is_integer():
        return str(value)
    return str(int(value))


# What a person is told about an answer that cannot be saved, per AnswerError code.
ERROR_MESSAGES = {
    "required": _l("Please answer this question."),
    "wrong_type": _l("This answer has the wrong form. Please choose again."),
    "not_an_option": _l("Please choose one of the options."),
    "exclusive": _l("“%(option)s” cannot be combined with other choices."),
    "not_a_number": _l("Please enter a number, for example 12 or 3.5."),
    "not_integer": _l("Please enter a whole number."),
    "not_a_whole_number": _l("Please enter a whole number, for example 12."),
    "below_min": _l("Please enter at least %(min)s."),
    "above_max": _l("Please enter at most %(max)s."),
    "too_long": _l("Please shorten the text to at most %(max_length)s characters."),
    "number_and_dont_know": _l("Enter a number or tick one of the boxes, not both."),
}


def error_message(error: AnswerError, section: Section, language: str) -> str:
    params = dict(error.params)
    question = next((q for q in section.questions if q.id == error.question_id), None)
    if error.code == "not_a_number" and question is not None and question.integer:
        return str(ERROR_MESSAGES["not_a_whole_number"])  # "3,5" would be refused too
    if error.code == "exclusive":
        question = next(q for q in section.questions if q.id == error.question_id)
        option = question.option(str(params.get("value")))
        params = {"option": option.label.get(language) if option else params.get("value")}
    for key in ("min", "max"):
        if key in params:
            params[key] = f"{params[key]:g}".replace(".", "," if language == "sv" else ".")
    return str(ERROR_MESSAGES[error.code]) % params


def page_form_class(c: Content, section: Section, language: str) -> type[FlaskForm]:
    """The page's form class, made once per section and language for ``c``."""
    return c.derived(("form", section.id, language), lambda: section_form_class(section, language))


def read_page(
    form: FlaskForm, section: Section, stored: dict[str, Any], language: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """The page's valid answers (None for blanks) and a message for each invalid one.

    ``stored`` is what is kept for the page now: an industry code finer than the list's
    (given through the API) is not coarsened.
    """
    values, invalid = read_section(form, section)
    keep_finer_industry(values, stored)
    return values, {qid: error_message(e, section, language) for qid, e in invalid.items()}
