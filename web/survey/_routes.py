"""The self-assessment: start, one page per section, and the result."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    flash,
    get_flashed_messages,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, gettext
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.wrappers import Response

from questionnaire.answers import AnswerError
from questionnaire.model import Section
from web.assessments import answering
from web.assessments import service as assessments
from web.assessments.forms import (
    drawn_page,
    error_message,
    page_form_class,
    posted_answers,
    read_page,
    shown_answers,
)
from web.assessments.page_read import PageState, page_state, read_connection
from web.assessments.results import build_result
from web.platform.extensions import new_assessment_limit
from web.platform.links import absolute_url_for
from web.reporting import peers
from web.storage.content import Content, content, content_for
from web.storage.models import Assessment
from web.survey import bp
from web.survey._page import csrf_input, drawn_questions, drawn_step_page, fill_step_page


def language() -> str:
    return str(get_locale() or "sv")


def _assessment_or_404(token: str) -> Assessment:
    assessment = assessments.find(token)
    if assessment is None:
        abort(404)
    return assessment


@bp.post("/start")
@new_assessment_limit
def start() -> Response:
    """Create an assessment and send the person to its first page."""
    assessment = answering.start(language(), content())
    return redirect(url_for("survey.step", token=assessment.token, number=1))


@bp.get("/a/<token>")
def resume(token: str) -> Response:
    """The private link: back to where the person left off, or to the result."""
    assessment = _assessment_or_404(token)
    if assessment.completed:
        return redirect(url_for("survey.result", token=token))
    number = answering.first_incomplete_step(answering.Stored(assessment)) or len(
        content_for(assessment).questionnaire.sections
    )
    return redirect(url_for("survey.step", token=token, number=number))


def _page_at(
    assessment: Assessment | PageState, token: str, number: int
) -> tuple[Content, Section, int]:
    """The content, the section and the first step (1, or 2 for a workshop participant)
    of page ``number``: not found past either end, sent on to the first step before it."""
    c = content_for(assessment)
    sections = c.questionnaire.sections
    if not 1 <= number <= len(sections):
        abort(404)
    first = answering.first_step(assessment)
    if number < first:
        abort(redirect(url_for("survey.step", token=token, number=first)))
    return c, sections[number - 1], first


@bp.route("/a/<token>/steg/<int:number>", methods=["GET", "POST"])
def step(token: str, number: int) -> Response | str | tuple[Response | str, int]:
    if request.method == "GET":
        return _show_step(token, number)
    assessment = _assessment_or_404(token)
    c, section, first = _page_at(assessment, token, number)
    sections = c.questionnaire.sections
    lang = language()
    form_class = page_form_class(c, section, lang)
    errors: dict[str, str] = {}

    if not assessments.accepts_answers(assessment):
        return _closed(token, number)
    form = form_class()
    form.validate()  # CSRF is checked before the view; answers by the domain below
    action = request.form.get("action", "next")
    values, errors = read_page(form, section, assessment.profile, lang)
    shown = posted_answers(form)
    finishing = not errors and action == "finish" and number == len(sections)
    goes_on = not errors and action not in ("autosave", "back")
    saved = answering.save_page(assessment, section, values, goes_on=goes_on, finishing=finishing)
    if saved.gone:
        abort(404)  # deleted (private link or workshop) while this was saving
    if saved.closed:
        return _closed(token, number)
    if action == "autosave":
        # The page's script saves each answer as it is given. It is told which
        # answers could not be saved, so it never claims that everything was.
        if errors:
            return jsonify({"invalid": sorted(errors)}), 422
        return Response(status=204)
    if not errors and action == "back":
        return redirect(url_for("survey.step", token=token, number=max(first, number - 1)))
    for qid in saved.missing:
        errors[qid] = error_message(AnswerError(qid, "required"), section, lang)
    if not errors and action == "finish" and number == len(sections):
        return _finish(token, saved.incomplete)
    if not errors:
        return redirect(url_for("survey.step", token=token, number=number + 1))

    # Only a page with errors is drawn again here: every other post moved on.
    drawn = drawn_page(c, section, lang, assessment.profile, shown)
    return _render_step(assessment, c, section, lang, first, form, drawn, errors, None), 422


def _render_step(
    assessment: Assessment | PageState,
    c: Content,
    section: Section,
    lang: str,
    first: int,
    form: FlaskForm | dict[str, Markup],
    drawn: dict[str, Any],
    errors: dict[str, str],
    questions_html: Markup | None,
) -> str:
    """A questionnaire page by its template, whatever it shows (``drawn``: drawn_page's,
    ``questions_html``: the questions drawn once and filled in, or None)."""
    number = c.questionnaire.sections.index(section) + 1
    return render_template(
        "survey/step.html",
        assessment=assessment,
        section=section,
        **drawn,
        questions_html=questions_html,
        form=form,
        errors=errors,
        number=number - first + 1,
        total=len(c.questionnaire.sections) - first + 1,
        lang=lang,
        closed=not assessments.accepts_answers(assessment),
        action_url=url_for("survey.step", token=assessment.token, number=number),
        private_url=absolute_url_for("survey.resume", token=assessment.token),
    )


# Pages that show only the stored answers are drawn once and filled in (web/survey/_page.py);
# False draws every page by its template (tests compare the two).
DRAW_ONCE = True


def _show_step(token: str, number: int) -> Response | str:
    """A questionnaire page as stored (a GET): read in one statement
    (web/assessments/page_read.py), and drawn from the page drawn once
    (web/survey/_page.py) when it shows nothing but the stored answers."""
    # Read on a connection of its own, not through the ORM's session: making and closing
    # a session cost as much as the statement.
    with read_connection() as connection:
        state = page_state(connection, token)
    if state is None:
        abort(404)
    c, section, first = _page_at(state, token, number)
    stored = dict(state.profile) if section.dimension is None else state.answers
    lang = language()
    shown = shown_answers(section, stored)
    drawn = drawn_page(c, section, lang, state.profile, shown)
    questions_html = drawn_questions(c, section, lang, drawn["questions"], drawn["shown"])
    plain = not request.query_string and "_flashes" not in session
    if questions_html is not None and plain and DRAW_ONCE:
        closed = not assessments.accepts_answers(state)
        page = drawn_step_page(c, section, lang, first, closed)
        return fill_step_page(page, token, questions_html)
    form = {"csrf_token": csrf_input()}
    return _render_step(state, c, section, lang, first, form, drawn, {}, questions_html)


def _closed(token: str, number: int) -> Response | tuple[Response, int]:
    """The workshop is closed: its answers are final. Say so; nothing new was kept."""
    if request.form.get("action") == "autosave":
        return jsonify({"error": "workshop_closed"}), 409
    flash(gettext("This workshop is closed, so answers can no longer be changed."))
    return redirect(url_for("survey.step", token=token, number=number))


def _finish(token: str, incomplete: int | None) -> Response:
    """Where finishing leads; ``step`` completed the assessment if every answer is there."""
    if incomplete is not None:
        flash(gettext("Some questions are still unanswered. Answer them to see your result."))
        return redirect(url_for("survey.step", token=token, number=incomplete))
    return redirect(url_for("survey.result", token=token))


@bp.get("/a/<token>/resultat")
def result(token: str) -> Response | str:
    assessment = _assessment_or_404(token)
    if not assessment.completed:
        if assessments.accepts_answers(assessment):  # a closed workshop's step says why
            flash(gettext("Your result is ready once every step has been answered."))
        return redirect(url_for("survey.resume", token=token))
    answering.catch_up(assessment)  # the advisor saved the profile while they finished
    workshop = assessment.workshop
    if workshop is not None and not workshop.results_visible:
        return render_template(
            "survey/waiting.html",
            assessment=assessment,
            workshop=workshop,
            private_url=absolute_url_for("survey.resume", token=token),
        )
    return render_template(
        "survey/result.html",
        assessment=assessment,
        result=build_result(assessment, content_for(assessment), language()),
        peers=peers.comparison(assessment, content_for(assessment), language()),
        private_url=absolute_url_for("survey.resume", token=token),
        messages=get_flashed_messages(),
    )


class DeleteForm(FlaskForm):
    """The delete button: only its CSRF token."""


@bp.route("/a/<token>/radera", methods=["GET", "POST"])
def delete(token: str) -> Response | str | tuple[str, int]:
    """Delete the assessment and every answer for good, after a confirmation page.

    A workshop participant may do so while the workshop is open; once it is closed the
    answers are the workshop's record, and the advisor deletes them with the workshop.
    """
    assessment = _assessment_or_404(token)
    form = DeleteForm()
    allowed = assessments.accepts_answers(assessment)
    if request.method == "POST" and allowed and form.validate_on_submit():
        if answering.delete(assessment):
            flash(gettext("Your answers are deleted. The private link no longer works."))
            return redirect(url_for("pages.home"))
        allowed = False
    page = render_template(
        "survey/delete.html",
        assessment=assessment,
        form=form,
        allowed=allowed,
        back_url=url_for("survey.resume", token=token),
    )
    return (page, 409) if request.method == "POST" else page
