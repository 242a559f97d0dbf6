"""Lyftkollen: self-assessment and recommended next step for Swedish industrial companies.

``flask --app app run`` and ``gunicorn "app:create_app()"`` both start it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

import config
from questionnaire.content import ContentError
from questionnaire.model import LANGUAGES
from web.platform.extensions import (
    CONTENT_SECURITY_POLICY,
    babel,
    csrf,
    db,
    limiter,
    login_manager,
    migrate,
    talisman,
)
from web.platform.site import load_site
from web.reporting.anonymity import load_anonymity
from web.storage.content import ContentSource, DataDirectory

MIGRATIONS_DIR = str(Path(__file__).parent / "migrations")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, content, extensions, blueprints, errors, commands."""
    app = Flask(__name__, instance_relative_config=True)
    config.make_private_folder(app.instance_path)  # owner only, also when made earlier
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config is not None:
        app.config.from_mapping(test_config)

    if app.config["TRUSTED_HOSTS"]:  # from PUBLIC_BASE_URL; health probes come by IP
        from web.operations.health import AnyHostForHealthChecks

        app.wsgi_app = AnyHostForHealthChecks(app.wsgi_app, app.config["TRUSTED_HOSTS"][0])  # type: ignore[method-assign]
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    register_content(app)
    register_extensions(app)
    register_blueprints(app)
    register_template_context(app)
    register_errorhandlers(app)
    register_commands(app)
    if app.config["TESTING"] and app.config.get("TEST_FAULTS"):
        from web.operations import faults

        faults.register(app)
    if app.config["AUTO_MIGRATE"]:
        from web.storage.database import upgrade_on_start

        upgrade_on_start(app, MIGRATIONS_DIR)
    register_log_privacy(app)  # last: the migrations' logging set-up replaces handlers
    return app


def register_log_privacy(app: Flask) -> None:
    """No private link, join code, query string or address in any log (web/logging_privacy)."""
    from web.platform import logging_privacy

    logging_privacy.install(app.logger)


def register_content(app: Flask) -> None:
    """Load and validate the content once, from ``CONTENT_SOURCE`` (by default the files
    in ``DATA_DIR``); refuse to start on any problem, naming file and item."""
    source: ContentSource = app.config.get("CONTENT_SOURCE") or DataDirectory(
        Path(app.config["DATA_DIR"])
    )
    try:
        app.extensions["lyftkollen.content"] = source.load()
        app.extensions["lyftkollen.anonymity"] = load_anonymity(Path(app.config["DATA_DIR"]))
        app.extensions["lyftkollen.site"] = load_site(Path(app.config["DATA_DIR"]))
    except ContentError as error:
        raise SystemExit(f"Lyftkollen cannot start: the content has errors.\n{error}") from None


def select_locale() -> str:
    """Swedish unless the person chose English with the language switch."""
    chosen = session.get("lang") if request else None
    return chosen if chosen in LANGUAGES else "sv"


def register_extensions(app: Flask) -> None:
    from web.storage.database import engine_options

    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    )
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    # Security headers on every response. HSTS is sent only over HTTPS; "same-origin"
    # keeps private links out of other sites' logs and still lets Flask-WTF check the
    # referrer on HTTPS forms.
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
    )
    login_manager.init_app(app)
    login_manager.login_view = "advisor.login"
    login_manager.login_message = None  # the login page itself says what it is for

    from web.advisor import sessions as advisor_sessions

    # An advisor is logged in only with a live server-side session (web.advisor.sessions).
    login_manager.user_loader(advisor_sessions.load)
    app.before_request(advisor_sessions.load_first)

    from web.storage.database import configure_engine, end_sessions_safely

    end_sessions_safely(app)
    with app.app_context():
        configure_engine(db.engine)


def register_blueprints(app: Flask) -> None:
    # The views of the advisor's area, from the features that have pages there.
    from web.advisor import _company_views, _compare_views, _routes, _workshop_views  # noqa: F401
    from web.api import bp as api_bp
    from web.operations.health import bp as health_bp
    from web.pages._privacy import bp as privacy_bp
    from web.pages._routes import bp as pages_bp
    from web.platform.areas import advisor as advisor_bp
    from web.reporting import _views as reporting_views  # noqa: F401
    from web.survey import bp as survey_bp
    from web.workshops import bp as workshop_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(survey_bp)
    app.register_blueprint(workshop_bp)
    app.register_blueprint(advisor_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)  # JSON API: no cookies, no session, so no CSRF to forge

    from web.platform import caching

    caching.register(app)  # private links' and advisors' responses: Cache-Control no-store


def register_template_context(app: Flask) -> None:
    @app.context_processor
    def current_language() -> dict[str, str]:
        return {"lang": select_locale()}


def register_errorhandlers(app: Flask) -> None:
    from web.platform.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    from web.operations.cli import (
        export_command,
        import_command,
        purge_command,
        questionnaire_cli,
        recommender_cli,
        repair_text_command,
        summaries_cli,
        users_cli,
    )
    from web.operations.demo import demo_cli

    app.cli.add_command(questionnaire_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(purge_command)
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
    app.cli.add_command(repair_text_command)
    app.cli.add_command(recommender_cli)
    app.cli.add_command(summaries_cli)
    app.cli.add_command(demo_cli)
