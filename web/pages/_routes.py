"""The start page, "Så räknar vi" and the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from werkzeug.wrappers import Response

from questionnaire.model import LANGUAGES
from recommender.path import industry_set_words, month_words
from web.platform.navigation import local_path
from web.storage.content import content

bp = Blueprint("pages", __name__)


@bp.get("/")
def home() -> str:
    q = content().questionnaire
    return render_template(
        "home.html",
        questions=sum(len(s.questions) for s in q.sections),
        steps=len(q.sections),
        lang=str(get_locale()),
        about=current_app.extensions["lyftkollen.site"].about,
    )


@bp.get("/sa-raknar-vi")
def how_we_score() -> str:
    """The scoring method, generated from the same data the scoring uses."""
    c = content()
    return render_template(
        "how_we_score.html",
        q=c.questionnaire,
        catalogue=c.catalogue,
        lang=str(get_locale()),
        industries=industry_set_words,
        month=month_words,
    )


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Where clients look for an icon unless a page names one: to the site's icon."""
    return redirect(url_for("static", filename="favicon.svg"))


@bp.get("/sprak/<code>")
def switch_language(code: str) -> Response:
    """Remember the chosen language and go back to the page the person was on."""
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(local_path(request.args.get("next"), url_for("pages.home")))
