"""WTForms classes for the questionnaire's pages, built once per section and language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
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
from questionnaire.model import DONT_KNOW, Question, Section
from questionnaire.profile import parse_sni
from web.content import Content

# A single choice with this many options or more is a drop-down, not radio buttons.
SELECT_FROM = 9
DONT_KNOW_SUFFIX = "__dont_know"


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _field_for(question: Question, language: str) -> dict[str, Field]:
    label = question.text.get(language)
    choices = [SelectChoice(o.value, o.label.get(language)) for o in question.options]
    # Choices are checked by the domain's parse_answer, with the messages the API gives.
    if question.type == "single":
        if len(choices) >= SELECT_FROM:
            blank = SelectChoice("", _l("Choose…"))
            field = SelectField(label, choices=[blank, *choices], validate_choice=False)
            return {question.id: field}
        return {question.id: RadioField(label, choices=choices, validate_choice=False)}
    if question.type == "multi":
        return {question.id: CheckboxListField(label, choices=choices, validate_choice=False)}
    if question.type == "number":
        mode = "numeric" if question.integer else "decimal"
        fields: dict[str, Field] = {
            question.id: StringField(label, render_kw={"inputmode": mode, "autocomplete": "off"})
        }
        if question.dont_know is not None:
            fields[question.id + DONT_KNOW_SUFFIX] = BooleanField(
                question.dont_know.label.get(language)
            )
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
        dont_know = form._fields.get(question.id + DONT_KNOW_SUFFIX)
        if dont_know is not None and dont_know.data:
            return DONT_KNOW if not (field.data or "").strip() else ["both"]
        return field.data
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


def offer_stored_industry(form: FlaskForm, stored: dict[str, Any]) -> None:
    """Keep an industry given through the API selectable, even if the list lacks it."""
    code = stored.get("sni")
    if "sni" not in form or not code:
        return
    division = code[:2]
    field = form["sni"]
    if all(choice.value != division for choice in field.choices):
        field.choices = [*field.choices, SelectChoice(division, f"SNI {division}")]


def keep_finer_industry(values: dict[str, Any], stored: dict[str, Any]) -> None:
    """The list offers divisions ("25"); keep a finer stored code ("25.620") within it."""
    chosen, kept = values.get("sni"), stored.get("sni")
    if chosen and kept and kept.startswith(f"{chosen}."):
        values["sni"] = kept


def fill_form(form: FlaskForm, section: Section, stored: dict[str, Any]) -> None:
    """Show the stored answers in a form that was not posted."""
    offer_stored_industry(form, stored)
    for question in section.questions:
        value = stored.get(question.id)
        if value is None:
            continue
        if question.id == "sni":
            form[question.id].data = value[:2]
            continue
        if question.type == "number":
            if value == DONT_KNOW:
                form[question.id + DONT_KNOW_SUFFIX].data = True
            else:
                form[question.id].data = _number_text(value)
        else:
            form[question.id].data = value


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
    "below_min": _l("Please enter at least %(min)s."),
    "above_max": _l("Please enter at most %(max)s."),
    "too_long": _l("Please shorten the text to at most %(max_length)s characters."),
    "number_and_dont_know": _l("Enter a number or tick “don’t know”, not both."),
}


def error_message(error: AnswerError, section: Section, language: str) -> str:
    params = dict(error.params)
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
    (given through the API) stays selectable and is not coarsened.
    """
    offer_stored_industry(form, stored)
    values, invalid = read_section(form, section)
    keep_finer_industry(values, stored)
    return values, {qid: error_message(e, section, language) for qid, e in invalid.items()}
