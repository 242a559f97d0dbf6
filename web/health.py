"""``/healthz``: whether this app process can serve, for a load balancer or an orchestrator.

It answers 200 only when the database answers a query; otherwise 503, so a proxy stops
sending visitors to a process that would fail them. It sets no cookie and is never
redirected to HTTPS (health checks often come over plain HTTP from inside the network).
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from web.extensions import db, talisman

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@talisman(force_https=False)
def healthz() -> tuple[Response, int]:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("Health check: the database does not answer")
        body = {"status": "unavailable", "database": "unreachable"}
        return jsonify(body), 503
    response = jsonify({"status": "ok", "database": "ok"})
    response.headers["Cache-Control"] = "no-store"
    return response, 200
