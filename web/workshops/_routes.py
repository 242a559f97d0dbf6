"""Joining a workshop by code: no account, an optional name and role, rejoin on one device."""

from __future__ import annotations

from flask import current_app, g, jsonify, redirect, render_template, request, session, url_for
from flask_babel import format_number, refresh
from werkzeug.wrappers import Response

from questionnaire.model import LANGUAGES
from web.assessments import service as assessments
from web.platform.extensions import limiter
from web.storage.models import Assessment, Workshop
from web.workshops import bp
from web.workshops import service as workshops
from web.workshops._forms import CodeForm, JoinForm

SESSION_KEY = "workshops"  # join code -> the participant's private token, on this device


def _code_limit() -> str:
    return str(current_app.config["JOIN_CODE_RATE_LIMIT"])


def _missed(response: Response) -> bool:
    """Only wrong codes count towards the limit: a whole room may share one address."""
    return response.status_code == 404


def _joins_limit() -> str:
    return str(current_app.config["JOIN_RATE_LIMIT_PER_WORKSHOP"])


def _this_workshop(endpoint: str) -> str:
    """Each workshop's joins count apart: one address filling one workshop cannot keep
    the same room (or anyone else behind that address) out of the next."""
    return f"code={(request.view_args or {}).get('code', '')}"


def _created(response: Response) -> bool:
    """Only participants actually created count, not a rejoin, a form sent back or a
    full workshop: a room behind one address must all get in."""
    return bool(g.get("participant_created"))


def _joined(workshop: Workshop) -> Assessment | None:
    """This device's participant in ``workshop``, if it joined before."""
    token = (session.get(SESSION_KEY) or {}).get(workshop.code)
    participant = assessments.find(token) if isinstance(token, str) else None
    if participant is None or participant.workshop_id != workshop.id:
        return None
    return participant


def _remember(workshop: Workshop, participant: Assessment) -> None:
    joined = dict(session.get(SESSION_KEY) or {})
    joined[workshop.code] = participant.token
    session[SESSION_KEY] = joined
    session.permanent = True  # survives closing the browser, for a rejoin after a lost connection


def _use_workshop_language(workshop: Workshop) -> None:
    """A participant who has not chosen a language gets the workshop's."""
    if session.get("lang") not in LANGUAGES and workshop.language in LANGUAGES:
        session["lang"] = workshop.language
        refresh()


@bp.route("/w", methods=["GET", "POST"])
@limiter.limit(_code_limit, methods=["POST"], deduct_when=_missed)
def enter_code() -> Response | str | tuple[str, int]:
    """Where "go to …/w and enter the code" leads."""
    form = CodeForm(request.form if request.method == "POST" else None)
    unknown = None
    if request.method == "POST" and form.validate():
        code = workshops.normalise_code(form.code.data or "")
        if code is not None and workshops.find_by_code(code) is not None:
            return redirect(url_for("workshop.join", code=code))
        unknown = form.code.data
    page = render_template("workshop/enter_code.html", form=form, unknown=unknown)
    if unknown is not None:
        return page, 404
    return (page, 422) if form.errors else page


def _no_such_workshop(code: str) -> tuple[str, int]:
    form = CodeForm(formdata=None)
    return render_template("workshop/enter_code.html", form=form, unknown=code), 404


@bp.route("/w/<code>", methods=["GET", "POST"])
@limiter.limit(_code_limit, deduct_when=_missed)
# A join code is no secret (it hangs on the projector): without this one address could
# fill a workshop (WORKSHOP_MAX_PARTICIPANTS) with fresh cookies before the room joins.
@limiter.limit(_joins_limit, methods=["POST"], scope=_this_workshop, deduct_when=_created)
def join(code: str) -> Response | str | tuple[str, int]:
    normal = workshops.normalise_code(code)
    workshop = workshops.find_by_code(normal) if normal else None
    if workshop is None:
        return _no_such_workshop(code)
    if normal != code:
        return redirect(url_for("workshop.join", code=normal))
    _use_workshop_language(workshop)
    participant = _joined(workshop)
    if participant is not None:  # the same device again: carry on where it left off
        return redirect(url_for("survey.resume", token=participant.token))
    if not workshop.is_open:
        return render_template("workshop/closed.html", workshop=workshop), 410
    form = JoinForm()
    if form.validate_on_submit():
        limit = int(current_app.config["WORKSHOP_MAX_PARTICIPANTS"])
        try:
            participant = workshops.join(workshop, form.name.data, form.role.data, limit)
        except workshops.WorkshopGone:  # deleted as this person joined: as if never there
            return _no_such_workshop(code)
        if participant is None:
            page = render_template(
                "workshop/full.html",
                workshop=workshop,
                limit=limit,
                limit_shown=format_number(limit),  # "1 500" in Swedish, "1,500" in English
            )
            return page, 409
        g.participant_created = True
        _remember(workshop, participant)
        return redirect(url_for("survey.resume", token=participant.token))
    page = render_template("workshop/join.html", workshop=workshop, form=form)
    return (page, 422) if form.errors else page


@bp.get("/w/deltagare/<token>/status")
def participant_status(token: str) -> Response:
    """Whether a participant may see their result yet; the waiting page asks now and then."""
    participant = assessments.find(token)
    if participant is None or participant.workshop is None:
        return Response(status=404)
    workshop = participant.workshop
    response = jsonify({"visible": workshop.results_visible, "open": workshop.is_open})
    return response
