"""``/healthz``: whether this app process can serve, for a load balancer or an orchestrator.

It answers 200 only when the database answers a query; otherwise 503, so a proxy stops
sending visitors to a process that would fail them. ``rate_limits`` is "degraded" while
the rate-limit storage (Redis) does not answer and each process counts on its own: worth
an alert, but no reason to stop sending visitors (the answer stays 200). It sets no
cookie and is never redirected to HTTPS (health checks often come over plain HTTP from
inside the network).

With ``PUBLIC_BASE_URL`` set, a request naming another host gets 400 (``TRUSTED_HOSTS``),
but not this one: a load balancer, Docker's HEALTHCHECK or a Kubernetes probe asks the
machine by its own address (``Host: 10.0.0.11:8000``) and often cannot be told otherwise.
Its answer holds no link and nothing built from the host, so the host does not matter.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from web.platform.extensions import db, limiter, talisman

bp = Blueprint("health", __name__)
PATH = "/healthz"


@bp.get(PATH)
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


class AnyHostForHealthChecks:
    """WSGI middleware: a request for ``/healthz`` is treated as one for the trusted host
    ``host``, so Flask's ``TRUSTED_HOSTS`` check lets a probe by IP address through.
    Every other path keeps the ``Host`` it came with (and is refused if it is foreign)."""

    def __init__(self, wsgi_app: Any, host: str) -> None:
        self.wsgi_app = wsgi_app
        self.host = host

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == PATH:
            environ = {**environ, "HTTP_HOST": self.host}
        return self.wsgi_app(environ, start_response)
