"""Advisors: logging in and out, their own start page, and anonymous statistics."""

from __future__ import annotations

import secrets
from functools import cache

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response

from web.advisor import sessions as advisor_sessions
from web.advisor._forms import LoginForm
from web.platform.areas import advisor as bp
from web.platform.extensions import db, limiter
from web.platform.navigation import local_path
from web.reporting import export, statistics
from web.storage import access
from web.storage.content import content
from web.storage.models import User, password_hash_method, utcnow
from web.workshops import service as workshops


@cache
def _dummy_hash(method: str) -> str:
    """Checked when no account matches, so a wrong address takes as long as a wrong password."""
    return generate_password_hash(secrets.token_hex(16), method=method)


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


@bp.route("/logga-in", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> Response | str | tuple[str, int]:
    if access.signed_in() is not None:
        return redirect(url_for("advisor.home"))
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        # One hash check whatever the account: none, deactivated, imported without a
        # password (no hash to check: werkzeug would give up at once) or active take as long.
        stored = user.password_hash if user is not None else ""
        if stored.count("$") != 2:  # a werkzeug hash is "method$salt$hash"
            stored = _dummy_hash(password_hash_method())
        matches = check_password_hash(stored, form.password.data or "")
        if user is not None and user.active and matches:
            advisor_sessions.log_in(user)
            return redirect(local_path(request.args.get("next"), url_for("advisor.home")))
        failed = True
    page = render_template("advisor/login.html", form=form, failed=failed)
    return (page, 401) if failed else page


@bp.post("/logga-ut")
@login_required
def logout() -> Response:
    advisor_sessions.log_out()
    flash(gettext("You are logged out."))
    return redirect(url_for("advisor.login"))


@bp.get("/")
@login_required
def home() -> str:
    user = access.advisor()
    listed = db.session.execute(workshops.visible_workshops(user)).scalars().all()
    return render_template("advisor/home.html", workshops=listed)


@bp.get("/statistik.csv")
@login_required
def statistics_export() -> Response:
    """Every completed assessment the advisor may see, one anonymous row each; comma-
    separated, for analysts."""
    return _statistics(for_excel=False)


@bp.get("/statistik-excel.csv")
@login_required
def statistics_export_excel() -> Response:
    """The same rows as a CSV that Swedish Excel opens right: semicolons, decimal commas."""
    return _statistics(for_excel=True)


def _statistics(for_excel: bool) -> Response:
    c = content()
    include_demo = current_app.config["DEMO_MODE"]
    anonymity = current_app.extensions["lyftkollen.anonymity"]
    table = statistics.rows(access.advisor(), c.questionnaire, c.catalogue, anonymity, include_demo)
    day = utcnow().date().isoformat()
    name = f"lyftkollen-statistik-{day}{'-excel' if for_excel else ''}.csv"
    return export.download(export.to_csv(table, for_excel), name)
