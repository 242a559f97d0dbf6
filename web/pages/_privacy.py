"""The privacy page: what is stored, why, for how long, who sees it, and how to delete it.

The retention of unfinished assessments is read from web/storage/retention.py, as the
``purge`` command (``flask --app app purge``) reads it, so the two say and do the same.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_babel import format_decimal, get_locale

from web.storage.retention import UNFINISHED_KEPT_DAYS

bp = Blueprint("privacy", __name__)


@bp.get("/integritet")
def page() -> str:
    return render_template(
        "privacy.html",
        unfinished_days=UNFINISHED_KEPT_DAYS,
        # A workshop participant's session is permanent, so they can rejoin (web/workshop).
        session_days=current_app.permanent_session_lifetime.days,
        # The statistics export's k (data/statistics.yaml), as web.reporting.statistics applies it.
        min_group=current_app.extensions["lyftkollen.anonymity"].min_group,
        # An advisor's login limits (web.advisor.sessions): "30" and "12", not "30.0".
        idle_minutes=format_decimal(current_app.config["ADVISOR_IDLE_MINUTES"]),
        login_hours=format_decimal(current_app.config["ADVISOR_SESSION_HOURS"]),
        # The slide that lists who has finished names them up to this team size.
        names_up_to=current_app.extensions["lyftkollen.site"].workshop.names_up_to,
        lang=str(get_locale()),
    )
