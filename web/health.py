"""``/healthz``: whether this app process can serve, for a load balancer or an orchestrator.

It answers 200 only when the database answers a query; otherwise 503, so a proxy stops
sending visitors to a process that would fail them. ``rate_limits`` is "degraded" while
the rate-limit storage (Redis) does not answer and each process counts on its own: worth
an alert, but no reason to stop sending visitors (the answer stays 200). It sets no
cookie and is never redirected to HTTPS (health checks often come over plain HTTP from
inside the network).
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from web.extensions import db, limiter, talisman

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@talisman(force_https=False)
def healthz() -> tuple[Response, int]:
    rate_limits = "degraded" if limiter.counting_apart() else "ok"
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("Health check: the database does not answer")
        body = {"status": "unavailable", "database": "unreachable", "rate_limits": rate_limits}
        return jsonify(body), 503
    response = jsonify({"status": "ok", "database": "ok", "rate_limits": rate_limits})
    response.headers["Cache-Control"] = "no-store"
    return response, 200
