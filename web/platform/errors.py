"""Errors: a page in the person's language for people, JSON for the API."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Flask, abort, current_app, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm.exc import ObjectDeletedError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError
from werkzeug.wrappers import Response


def _page(template: str, **context: Any) -> str:
    """An error page, drawn without touching the database.

    Every page's context names the logged-in advisor (Flask-Login's ``current_user``).
    If this request has not loaded them yet, loading them now would query the database
    inside the error handler: when the database is what failed (or failed as they were
    loaded, before the view), that raises again, and the person gets the server's bare
    "Internal Server Error" instead of this page. So an advisor not loaded by now is
    nobody on the error page; their login itself is untouched.
    """
    from web.platform.extensions import login_manager

    if "_login_user" not in g:
        g._login_user = login_manager.anonymous_user()
    return render_template(template, **context)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _host_refused() -> bool:
    """Whether the request named a host other than ``PUBLIC_BASE_URL``'s (Flask's
    ``TRUSTED_HOSTS`` check). Flask then builds no URLs, so no normal page can be drawn."""
    return isinstance(request.routing_exception, SecurityError)


def _wrong_host() -> tuple[Response | str, int]:
    base_url = current_app.config["PUBLIC_BASE_URL"]
    if _wants_json():
        message = f"this server answers only for {base_url}"
        return jsonify({"error": message, "field": "Host"}), 400
    return _page("errors/host.html", same_page=_same_page_on(base_url)), 400


def _same_page_on(base_url: str) -> str:
    """The address asked for, on ``PUBLIC_BASE_URL``: a bookmarked private link
    (``/a/<token>``) still leads to the answers. Never another site: the base comes from
    the configuration (checked to be http(s):// and a host, config.public_base_url) and
    Werkzeug's path always starts with one "/", so whatever the request says, it can only
    add a path and a query to the base. Both are percent-encoded here, and the template
    escapes the result for HTML."""
    path = quote(request.path, safe="/:@!$&'()*+,;=~")
    query = quote(request.query_string.decode("latin-1"), safe="/?:@!$&'()*+,;=~%")
    return base_url + path + (f"?{query}" if query else "")


def _database_gone(error: Exception) -> bool:
    """Whether ``error`` says the database cannot serve now (the connection died, or the
    server refuses new ones) rather than that the code is wrong: worth a retry.

    On PostgreSQL the driver raises OperationalError for exactly such trouble (a mistake
    in a statement is a ProgrammingError); SQLAlchemy wraps it, except around a statement
    run on the driver's own cursor (web/assessments/page_read.py). SQLite raises it for mistakes
    too, and its file does not go away during a request: there it stays a 500.
    """
    from web.platform.extensions import db

    dialect = db.engine.dialect
    if dialect.name == "sqlite":
        return False
    cause = error.orig if isinstance(error, DBAPIError) else error
    return isinstance(cause, dialect.loaded_dbapi.OperationalError)


def _discard_session() -> None:
    """End the request's transaction; a connection that died is dropped, not reused."""
    from web.platform.extensions import db

    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session().invalidate()


def register(app: Flask) -> None:
    def refuse_a_foreign_host() -> None:
        """Flask refuses the host only once the view would run; before that, CSRF, rate
        limits and the HTTPS redirect would read the request and draw their error pages.
        So this runs first of all, and the refusal is the only answer."""
        if _host_refused():
            raise request.routing_exception  # type: ignore[misc]

    app.before_request_funcs.setdefault(None, []).insert(0, refuse_a_foreign_host)

    @app.before_request
    def refuse_what_no_form_sends() -> None:
        """The site's forms send fields, never files or JSON; Flask-WTF would hand either to
        fields that expect text (a file to ``clean_line``, a number or a list from JSON) and
        fail with a 500. Say 400 instead. The JSON API reads its own bodies."""
        if request.method == "POST" and not _wants_json():
            if request.files or request.is_json:
                abort(400)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return _page("errors/csrf.html"), 400

    @app.errorhandler(HTTPException)
    def http_error(
        error: HTTPException,
    ) -> tuple[Response | str, int, list[tuple[str, str]]] | tuple[Response | str, int]:
        if _host_refused():
            return _wrong_host()
        code = error.code or 500
        # Keep what the exception says in headers (Allow on 405, Retry-After on 429 …).
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        if _wants_json():
            message = error.description or error.name
            if code == 429:  # Flask-Limiter describes only the limit ("20 per 1 minute")
                message = f"too many requests from this address (at most {message}); retry later"
            return jsonify({"error": message, "field": None}), code, headers
        template = {404: "errors/404.html", 405: "errors/404.html", 429: "errors/429.html"}.get(
            code, "errors/generic.html"
        )
        return _page(template, code=code, name=error.name), code, headers

    @app.errorhandler(ObjectDeletedError)
    def deleted_meanwhile(error: ObjectDeletedError) -> tuple[Response | str, int]:
        """What this request worked on was deleted by another one meanwhile: it is gone."""
        from web.platform.extensions import db

        db.session.rollback()
        if _wants_json():
            return jsonify({"error": "not found", "field": None}), 404
        return _page("errors/404.html", code=404, name="Not Found"), 404

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[Response | str, int]:
        if _database_gone(error):
            # The next request takes a new connection: nothing to fix here, only to retry.
            app.logger.warning("The database failed on %s: %s", request.path, error)
            _discard_session()
            if _wants_json():
                message = "the database is unavailable for a moment; retry later"
                return jsonify({"error": message, "field": None}), 503
            return _page("errors/503.html", retry=request.method == "GET"), 503
        app.logger.exception("Unhandled error on %s", request.path)
        if _wants_json():
            return jsonify({"error": "internal error", "field": None}), 500
        return _page("errors/generic.html", code=500, name=InternalServerError.description), 500
