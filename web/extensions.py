"""Extension singletons, bound to the app in ``create_app``."""

from typing import Any

from flask import Flask, current_app
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints, so later migrations can alter them (SQLite batch mode needs names).
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, its signing serializer made once per set of keys
    (``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS``) instead of on every request."""

    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = self._serializers.get(keys, False)
        if kept is False:
            kept = super().get_signing_serializer(app)
            self._serializers = {keys: kept}  # the newest only; a new dict, for threads
        return kept


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()


class ViewLimiter(Limiter):
    """Flask-Limiter that skips its check before every view when no limit needs it.

    Flask-Limiter looks, before each request's view, for default, application, blueprint
    and meta limits to count; a limit declared on a view (``limiter.limit``) is checked
    by its own decorator instead. Lyftkollen declares only the latter, so that first look
    found nothing on every page and cost about a tenth of a questionnaire page. It still
    runs whenever one of the others is declared (or if a version of Flask-Limiter keeps
    them under other names).
    """

    def _check_request_limit(
        self, callable_name: str | None = None, in_middleware: bool = True
    ) -> None:
        if in_middleware and not self._limits_outside_views():
            return
        super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)

    def _limits_outside_views(self) -> bool:
        manager = self.limit_manager
        return any(
            getattr(owner, name, True)
            for owner, name in (
                (manager, "_default_limits"),
                (manager, "_application_limits"),
                (manager, "_blueprint_limits"),
                (self, "_meta_limits"),
            )
        )


# Counts in memory in one process by default; in Redis when REDIS_URL is set, so that
# every app process and machine counts together (see config.py).
limiter = ViewLimiter(key_func=get_remote_address, default_limits=[])
# Starting an assessment online and creating one through the API count together.
# Only assessments actually created count: a form sent back with errors does not.
new_assessment_limit = limiter.shared_limit(
    lambda: str(current_app.config["ASSESSMENT_RATE_LIMIT"]),
    scope="new-assessment",
    deduct_when=lambda response: response.status_code < 400,
)
talisman = Talisman()

# Only this site's own scripts, styles and images; no inline script; never in a frame.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
