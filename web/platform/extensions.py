"""Extension singletons, bound to the app in ``create_app``."""

import logging
import time
from typing import TYPE_CHECKING, ClassVar

from flask import Flask, current_app, has_app_context
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, Table
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

    if TYPE_CHECKING:
        # SQLAlchemy types it as any FromClause; every model here is declared on a Table.
        __table__: ClassVar[Table]


db = SQLAlchemy(model_class=Base)

# The models' base class. At run time it is db.Model: Base with Flask-SQLAlchemy's mixins
# (a table name made up when none is given, the ``query`` attribute), which the models do
# not use. mypy cannot take a base class from an attribute (python/mypy#8603): to it, the
# models derive from Base itself.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()


STORAGE_CHECK_SECONDS = 5.0


class RateLimiter(Limiter):
    """Flask-Limiter that says in the log when its shared storage (Redis) stops or starts
    answering, and tells the health check whether the limits count in this process alone.

    When the storage does not answer, Flask-Limiter with
    ``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED`` counts the same limits in this process's
    memory and sets ``_storage_dead``; it asks Redis again now and then and unsets it once
    Redis answers. The property below only watches those changes, to say so in the log.
    """

    def init_app(self, app: Flask) -> None:
        super().init_app(app)
        # One limiter serves every app a process makes (the tests make many): a new app's
        # storage is presumed to answer, whatever an earlier app's did.
        self._counting_apart = False
        self._last_check: tuple[float, bool] | None = None

    @property
    def _storage_dead(self) -> bool:
        return getattr(self, "_counting_apart", False)

    @_storage_dead.setter
    def _storage_dead(self, dead: bool) -> None:
        was = self._storage_dead
        self._counting_apart = dead
        log = current_app.logger if has_app_context() else logging.getLogger(__name__)
        if dead and not was:
            log.warning(
                "Rate-limit storage unreachable: until it answers again, every rate limit "
                "counts per process (each app process counts on its own)"
            )
        elif was and not dead:
            log.warning("Rate-limit storage answers again: limits count across processes")

    def counting_apart(self) -> bool:
        """Whether the limits count in this process alone although a shared storage is
        configured: it failed a request's count (and has not answered since), or it does
        not answer now. Always False for the in-memory storage (one process by design).

        Redis is asked at most once per ``STORAGE_CHECK_SECONDS``: while it hangs, each
        ask holds this worker for the socket's timeout, and /healthz answers anyone.
        """
        if self._storage_dead:
            return True
        now = time.monotonic()
        if self._last_check is None or now - self._last_check[0] >= STORAGE_CHECK_SECONDS:
            self._last_check = (now, self.storage.check())
        return not self._last_check[1]


# Counts in memory in one process by default; in Redis when REDIS_URL is set, so that
# every app process and machine counts together (see config.py). While Redis does not
# answer, each process counts on its own instead of failing the request.
limiter = RateLimiter(key_func=get_remote_address, default_limits=[])
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
