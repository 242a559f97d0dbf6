"""The advisor's workshops: create, follow live, present, reveal, close, profile, delete.

Every view finds the workshop through ``workshop_or_404``: another advisor's workshop
is answered exactly like one that does not exist.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from typing import Any

import segno
from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, get_locale, gettext
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from questionnaire.answers import AnswerError
from questionnaire.model import Section
from questionnaire.profile import parse_profile_answers
from web.advisor._access import workshop_or_404
from web.advisor._decision_forms import (
    decision_form,
    save_decision,
    workshop_decision_view,
)
from web.advisor._forms import NEW_COMPANY, ActionForm, WorkshopForm
from web.advisor._slides import build_slides
from web.advisor._team_view import build_team_view
from web.assessments import forms as page_forms
from web.assessments.answering import profile_complete
from web.learning import decisions
from web.platform.areas import advisor as bp
from web.platform.extensions import db
from web.platform.links import absolute_url_for
from web.reporting import export, peers
from web.storage.access import advisor
from web.storage.content import Content, content, content_for
from web.storage.models import Assessment, Company, User, Workshop
from web.workshops import service as workshops


def _language() -> str:
    return str(get_locale() or "sv")


def join_url(workshop: Workshop) -> str:
    return absolute_url_for("workshop.join", code=workshop.code)


def team_context(workshop: Workshop, language: str) -> dict[str, Any]:
    """The team view for the templates."""
    c = content_for(workshop)
    team = workshops.team(workshop, c)
    outlines_from = current_app.extensions["lyftkollen.site"].workshop.outlines_from
    view = build_team_view(team, c, language, outlines_from) if team else None
    return {"team": view, "team_lang": language}


@bp.route("/workshop/ny", methods=["GET", "POST"])
@login_required
def new_workshop() -> Response | str | tuple[str, int]:
    form = WorkshopForm()
    companies = db.session.execute(workshops.visible_companies(advisor())).scalars().all()
    form.set_companies([(c.public_id, c.name) for c in companies])
    c = content()
    lang = _language()
    section = c.questionnaire.workshop_profile_section
    sni = next(q for q in section.questions if q.id == "sni")
    form.set_industries([(o.value, o.label.get(lang)) for o in sni.answer_options])
    if request.method == "GET" and request.args.get("foretag"):
        form.company.data = request.args["foretag"]
    valid = form.validate_on_submit()
    profile = _given_profile(form, c, section, lang) if request.method == "POST" else None
    if valid and not form.errors and form.held_on.data is not None:
        company: Company | tuple[User, str]
        if form.company.data == NEW_COMPANY:
            company = (advisor(), form.new_company.data or "")
        else:
            company = next(c for c in companies if c.public_id == form.company.data)
        workshop = workshops.create_workshop(
            company,
            title=form.title.data or "",
            held_on=form.held_on.data,
            language=form.language.data or "sv",
            reveal=form.reveal.data or "immediate",
            content=c,
            profile=profile,
        )
        return redirect(url_for("advisor.workshop", public_id=workshop.public_id))
    page = render_template("advisor/new_workshop.html", form=form)
    return (page, 422) if form.errors else page


def _given_profile(
    form: WorkshopForm, c: Content, section: Section, lang: str
) -> dict[str, Any] | None:
    """The size and industry given with a new workshop, checked like the profile page
    checks them (errors go on the form's fields); None when neither was given."""
    raw = {"employees": form.employees.data or "", "sni": form.sni.data or ""}
    if not any(raw.values()):
        return None
    values, errors = parse_profile_answers(c.questionnaire, {k: v for k, v in raw.items() if v})
    for error in errors:
        field = form.employees if error.question_id == "employees" else form.sni
        message = (
            gettext("Give the number of employees too: the path needs the size as well.")
            if error.question_id == "employees" and error.code == "required"
            else page_forms.error_message(error, section, lang)
        )
        field.errors = (*field.errors, message)
    return values


@bp.get("/workshop/<public_id>")
@login_required
def workshop(public_id: str) -> str:
    """The advisor's own view: live counts, participants, the team result and the controls."""
    return workshop_page(workshop_or_404(public_id))


def workshop_page(w: Workshop, decision: Any = None) -> str:
    """The advisor's workshop page; ``decision`` is the decision form shown with errors."""
    counts = workshops.counts(w)
    team = team_context(w, _language())
    if decision is None and team["team"] is not None and team["team"].has_path:
        decision = workshop_decision_view(w)
    return render_template(
        "advisor/workshop.html",
        workshop=w,
        counts=counts,
        participants=workshops.participants(w),
        participant_key=workshops.assessment_key,
        join_url=join_url(w),
        action=ActionForm(),
        profile_complete=profile_complete(content_for(w).questionnaire, w.profile),
        poll_seconds=current_app.config["LIVE_POLL_SECONDS"],
        decision=decision,
        peers=peers.team_comparison(w, content_for(w), _language()),
        **team,
    )


@bp.get("/workshop/<public_id>/status")
@login_required
def workshop_status(public_id: str) -> Response:
    """The live counts, for the pages' script: cheap, and 304 when nothing changed (the
    script sends the last ETag itself: like every advisor response, this one is no-store)."""
    counts = workshops.live_counts(advisor(), public_id)
    if counts is None:
        abort(404)
    response = jsonify(counts.as_json())
    response.set_etag(counts.etag)
    return response.make_conditional(request)


@bp.get("/workshop/<public_id>/team")
@login_required
def team_fragment(public_id: str) -> Response:
    """The team result as an HTML fragment, for the pages' script to swap in."""
    w = workshop_or_404(public_id)
    language = _language()
    html = render_template("advisor/_team.html", workshop=w, **team_context(w, language))
    response = Response(html, mimetype="text/html")
    return response


@bp.get("/workshop/<public_id>/presentera")
@login_required
def present(public_id: str) -> str:
    """The projector's slides from the first: how to join, in large type."""
    return _present(workshop_or_404(public_id), 1)


@bp.get("/workshop/<public_id>/presentera/<int:number>")
@login_required
def present_slide(public_id: str, number: int) -> str | Response:
    """Slide ``number``: without JavaScript, each slide is a page of its own with links
    to the next and the previous; with it, the keys and buttons step without a reload."""
    w = workshop_or_404(public_id)
    if number < 1:
        return redirect(url_for("advisor.present", public_id=w.public_id))
    return _present(w, number)


@bp.get("/workshop/<public_id>/presentera/resultat")
@login_required
def present_result(public_id: str) -> Response:
    """The team's result on the projector: its first slide (an address kept from before
    the slides)."""
    w = workshop_or_404(public_id)
    return redirect(url_for("advisor.present_slide", public_id=w.public_id, number=3))


@bp.get("/workshop/<public_id>/presentera/bilder")
@login_required
def present_deck(public_id: str) -> Response:
    """Every slide as an HTML fragment, for the page's script to swap in when the team's
    result changed: the live figures update on the slide that shows them."""
    w = workshop_or_404(public_id)
    with force_locale(w.language):
        html = render_template("advisor/_deck.html", **_deck_context(w, current=0))
    return Response(html, mimetype="text/html")


def _deck_context(w: Workshop, current: int) -> dict[str, Any]:
    c = content_for(w)
    team = team_context(w, w.language)["team"]
    finished = workshops.finished_names(w)
    display = current_app.extensions["lyftkollen.site"].workshop
    slides = build_slides(w.title, team, c.questionnaire, w.language, finished, display)
    return {
        "workshop": w,
        "team": team,
        "team_lang": w.language,
        "slides": slides,
        "current": min(max(current, 1), len(slides)) if current else 0,
        "counts": workshops.counts(w),
        "join_url": join_url(w),
        "enter_url": absolute_url_for("workshop.enter_code"),
        "qr_svg": qr_svg(join_url(w)),
        "lang": w.language,
    }


def _present(w: Workshop, number: int) -> str:
    with force_locale(w.language):
        context = _deck_context(w, number)
        return render_template(
            "advisor/slides.html",
            poll_seconds=current_app.config["LIVE_POLL_SECONDS"],
            **context,
        )


@functools.lru_cache(maxsize=256)  # the same join address every time the slides are drawn
def qr_svg(url: str) -> str:
    """The join URL as an inline SVG QR code, drawn on the server (segno)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer,
        kind="svg",
        border=2,
        omitsize=True,  # a viewBox instead of a fixed size: the page scales it
        xmldecl=False,
        svgclass="qr",
        title=url,
        dark="#000000",
        light="#ffffff",
    )
    return buffer.getvalue().decode()


def _switch(
    public_id: str, field: str, change: Callable[[Workshop, bool], None], said: tuple[str, str]
) -> Response:
    """A button that turns a setting on ("1") or off; ``said`` is what is shown after."""
    w = workshop_or_404(public_id)
    if ActionForm().validate_on_submit():
        on = request.form.get(field) == "1"
        change(w, on)
        flash(said[0] if on else said[1])
    return redirect(url_for("advisor.workshop", public_id=w.public_id))


@bp.route("/workshop/<public_id>/visa", methods=["GET", "POST"])
@login_required
def reveal(public_id: str) -> Response | str:
    """Show participants their own results, after a confirmation (GET asks, and so does
    a POST without ``confirmed``: results once seen cannot be unseen); or hide them
    again, at once."""
    w = workshop_or_404(public_id)
    if w.reveal != "on_reveal":  # participants see their results as they finish anyway
        return redirect(url_for("advisor.workshop", public_id=w.public_id))
    showing = request.method == "GET" or request.form.get("show") == "1"
    if showing and request.form.get("confirmed") != "1":
        return render_template("advisor/confirm_reveal.html", workshop=w, action=ActionForm())
    said = (
        gettext("Participants now see their own results."),
        gettext("Participants’ results are hidden again."),
    )
    return _switch(public_id, "show", workshops.set_revealed, said)


@bp.post("/workshop/<public_id>/stang")
@login_required
def close(public_id: str) -> Response:
    """Close the workshop (no new participants, no changed answers), or open it again."""
    said = (
        gettext("The workshop is open for answers again."),
        gettext("The workshop is closed: no new participants, no changed answers."),
    )
    return _switch(public_id, "open", workshops.set_open, said)


@bp.route("/workshop/<public_id>/profil", methods=["GET", "POST"])
@login_required
def profile(public_id: str) -> Response | str | tuple[str, int]:
    """The company's profile, answered once by the advisor for the whole team."""
    w = workshop_or_404(public_id)
    lang = _language()
    c = content_for(w)
    section = c.questionnaire.workshop_profile_section
    form_class = page_forms.page_form_class(c, section, lang)
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = form_class()
        form.validate()  # CSRF is checked before the view; answers by the domain below
        values, errors = page_forms.read_page(form, section, w.profile, lang)
        shown = page_forms.posted_answers(form)
        given = {k: v for k, v in values.items() if v is not None}
        for q in section.questions:
            if q.required and q.id not in given and q.id not in errors:
                errors[q.id] = page_forms.error_message(
                    AnswerError(q.id, "required"), section, lang
                )
        if not errors:
            workshops.set_profile(w, given, c)
            flash(gettext("The company’s profile is saved."))
            return redirect(url_for("advisor.workshop", public_id=w.public_id))
    else:
        form = FlaskForm(formdata=None)  # the CSRF token; the answers are drawn from ``shown``
        shown = page_forms.shown_answers(section, w.profile)
    page = render_template(
        "advisor/profile.html",
        workshop=w,
        section=section,
        **page_forms.drawn_page(c, section, lang, w.profile, shown),
        form=form,
        errors=errors,
        lang=lang,
    )
    return (page, 422) if errors else page


EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.get("/workshop/<public_id>/export.<fmt>")
@login_required
def export_workshop(public_id: str, fmt: str) -> Response:
    """One row per participant, answers and scores; also while the workshop is running.
    ``export.csv`` is comma-separated, for analysts; ``export-excel.csv`` (below) opens
    right in Swedish Excel."""
    w = workshop_or_404(public_id)
    if fmt not in EXPORT_TYPES:
        abort(404)
    table = export.rows(w, workshops.participants(w), content_for(w).questionnaire)
    body = export.to_csv(table) if fmt == "csv" else export.to_xlsx(table, w.title)
    return export.download(body, f"{_export_name(w)}.{fmt}", EXPORT_TYPES[fmt])


@bp.get("/workshop/<public_id>/export-excel.csv")
@login_required
def export_workshop_excel(public_id: str) -> Response:
    """The same table as a CSV that Swedish Excel opens right: semicolons, decimal commas."""
    w = workshop_or_404(public_id)
    table = export.rows(w, workshops.participants(w), content_for(w).questionnaire)
    body = export.to_csv(table, for_excel=True)
    return export.download(body, f"{_export_name(w)}-excel.csv", EXPORT_TYPES["csv"])


def _export_name(w: Workshop) -> str:
    return f"lyftkollen-{slug(w.company.name)}-{w.held_on.isoformat()}"


def slug(text: str) -> str:
    ascii_text = text.translate(str.maketrans("åäöÅÄÖéÉ", "aaoAAOeE"))
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text).split()).lower()[:40]


@bp.get("/workshop/<public_id>/rapport")
@login_required
def report(public_id: str) -> str:
    """The team report for print (A4), in the workshop's language."""
    w = workshop_or_404(public_id)
    counts = workshops.counts(w)
    with force_locale(w.language):
        return render_template(
            "advisor/report.html",
            workshop=w,
            counts=counts,
            lang=w.language,
            **team_context(w, w.language),
        )


def _who_is_removed(person: Assessment) -> dict[str, str]:
    """The confirmation's question and the first sentence said afterwards. A participant
    without a name gets sentences of their own, so that the fallback never lands in the
    middle of a sentence as if it were a name ("Ta bort Deltagaren utan namn …")."""
    name, role = person.participant_name, person.participant_role
    if name:
        return {
            "question": gettext("Remove %(name)s from the workshop?", name=name),
            "done": gettext("%(name)s and their answers are removed from the workshop.", name=name),
        }
    if role:
        return {
            "question": gettext(
                "Remove the participant without a name (%(role)s) from the workshop?", role=role
            ),
            "done": gettext(
                "The participant without a name (%(role)s) and their answers are removed "
                "from the workshop.",
                role=role,
            ),
        }
    return {
        "question": gettext("Remove the participant without a name from the workshop?"),
        "done": gettext(
            "The participant without a name and their answers are removed from the workshop."
        ),
    }


# What removing did to a workshop's stored team result, by workshops.remove_participant's
# outcome; nothing to add while the workshop is open.
REMOVED_FROM_RESULT = {
    "open": lambda: "",
    "recalculated": lambda: gettext(
        "The workshop is closed, so its stored team result was recalculated without their "
        "answers: the program overview and the comparisons now count the new result."
    ),
    "removed": lambda: gettext(
        "The workshop is closed and nobody who finished is left, so its stored team result "
        "is removed too: the program overview and the comparisons no longer count it."
    ),
}


@bp.route("/workshop/<public_id>/deltagare/<key>/ta-bort", methods=["GET", "POST"])
@login_required
def remove_participant(public_id: str, key: str) -> Response | str:
    """Remove one participant and their answers, after a confirmation. In a closed
    workshop the team's stored result is recalculated without them."""
    w = workshop_or_404(public_id)
    person = workshops.participant_by_key(w, key)
    if person is None:
        abort(404)
    said = _who_is_removed(person)
    if request.method == "POST" and ActionForm().validate_on_submit():
        outcome = workshops.remove_participant(w, person)
        flash(" ".join(filter(None, (said["done"], REMOVED_FROM_RESULT[outcome]()))))
        return redirect(url_for("advisor.workshop", public_id=w.public_id))
    return render_template(
        "advisor/remove_participant.html",
        workshop=w,
        person=person,
        question=said["question"],
        action=ActionForm(),
    )


@bp.route("/workshop/<public_id>/radera", methods=["GET", "POST"])
@login_required
def delete_workshop(public_id: str) -> Response | str:
    """Delete the workshop, every participant and all their answers, after a confirmation.

    The company stays: it may have other workshops and linked self-assessments.
    """
    w = workshop_or_404(public_id)
    if request.method == "POST" and ActionForm().validate_on_submit():
        title = w.title
        workshops.delete_workshop(w)
        flash(gettext("The workshop “%(title)s” and all its answers are deleted.", title=title))
        return redirect(url_for("advisor.home"))
    return render_template(
        "advisor/delete_workshop.html",
        workshop=w,
        counts=workshops.counts(w),
        action=ActionForm(),
    )


@bp.post("/workshop/<public_id>/beslut")
@login_required
def workshop_decision(public_id: str) -> Response | tuple[str, int]:
    """Record or change what the company went on to do after the team's result."""
    w = workshop_or_404(public_id)
    content = content_for(w)
    recommended = decisions.recommended_for_workshop(w, content)
    existing = decisions.for_workshop(w)
    form = decision_form(w, existing, recommended, formdata=True)
    team = workshops.team(w, content)
    if team is None or team.path is None:
        flash(gettext("The team has no path yet: the decision can be recorded once it has."))
        return redirect(url_for("advisor.workshop", public_id=w.public_id))
    if form.validate_on_submit():
        back = url_for("advisor.workshop", public_id=w.public_id) + "#decision-title"
        return save_decision(form, existing, recommended, back, workshop=w)
    return workshop_page(w, decision=workshop_decision_view(w, form)), 422
