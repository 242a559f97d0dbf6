"""Advisor logins recorded on the server, so that logging out really ends them.

Flask's session is a signed cookie: the server keeps nothing, so a cookie copied before
logging out used to work on for as long as its signature was valid (31 days). Now each
advisor login is a row in ``advisor_sessions``, and the cookie holds its random session
id beside the account's login id. A request is the advisor's only while that row exists,
the account is active and neither limit has passed:

- idle: ``ADVISOR_IDLE_MINUTES`` (30) without a request. Every request of the logged-in
  advisor renews it, the live views' polls too, so a projector showing a workshop stays
  logged in for as long as the workshop lasts;
- absolute: ``ADVISOR_SESSION_HOURS`` (12) after logging in, however active.

Logging out deletes the row; a new password or a deactivation (``flask users``) deletes
all of the account's rows. Flask-Login's remember cookie is never set, and would not
help: without a row it loads nobody. Participants' sessions stay plain signed cookies.

Choices:

- Only the SHA-256 of the session id is stored. The id is 256 random bits, so a plain
  hash is enough (no salt or slow hash needed: nothing to guess), and a copy of the
  database (a backup, a replica, a read-only leak) holds no login anyone could use.
- ``last_seen_at`` is written at most once a minute (``RENEW_AT_MOST_EVERY``), not on
  every request: the live views poll every 3 seconds per open page, which would
  otherwise be a write each. The stored time is then up to a minute behind, so a login
  ends between 29 and 30 idle minutes, never later than the limit.
- Expired rows are deleted when they are met, and every login deletes those of every
  account. That keeps the table at about the logins of the last day without a job to
  schedule. Meanwhile a row holds no usable secret, but it is personal data (which
  advisor was logged in, and when): the privacy page says so, and for how long.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, g, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import ColumnElement, delete, or_, select, update

from web.platform.extensions import db
from web.storage.models import AdvisorSession, User, utcnow

# Where the session id is kept in Flask's session cookie.
SESSION_KEY = "_advisor_session"
RENEW_AT_MOST_EVERY = timedelta(minutes=1)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config["ADVISOR_IDLE_MINUTES"])


def _absolute_limit() -> timedelta:
    return timedelta(hours=current_app.config["ADVISOR_SESSION_HOURS"])


def _expired(now: datetime) -> ColumnElement[bool]:
    return or_(
        AdvisorSession.last_seen_at <= now - _idle_limit(),
        AdvisorSession.created_at <= now - _absolute_limit(),
    )


def create(user: User) -> str:
    """Record a new login of ``user`` (added to the database session, not committed);
    returns the session id for the cookie."""
    session_id = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        AdvisorSession(
            token_hash=_digest(session_id), user_id=user.id, created_at=now, last_seen_at=now
        )
    )
    return session_id


def log_in(user: User) -> None:
    """Log ``user`` in on this browser with a new server-side session and a new CSRF
    token, and note when; removes every account's expired sessions. Commits."""
    db.session.execute(delete(AdvisorSession).where(_expired(utcnow())))
    session_id = create(user)
    login_user(user)
    session[SESSION_KEY] = session_id
    _new_csrf_token()
    user.last_login_at = utcnow()
    db.session.commit()


def log_out() -> None:
    """End this browser's login: its server-side session is deleted, so a copy of the
    cookie is worth nothing; the CSRF token changes too. Commits."""
    session_id = session.pop(SESSION_KEY, None)
    if isinstance(session_id, str):
        db.session.execute(
            delete(AdvisorSession).where(AdvisorSession.token_hash == _digest(session_id))
        )
        db.session.commit()
    logout_user()
    _new_csrf_token()


def end_all(user: User) -> None:
    """End every login of ``user`` (a new password, a deactivation). The caller commits."""
    db.session.execute(delete(AdvisorSession).where(AdvisorSession.user_id == user.id))


def load(login_id: str) -> User | None:
    """Flask-Login's user loader: the active account with ``login_id`` if this browser's
    session id names a live session of it; renews the idle timer (at most once a minute).
    """
    session_id = session.get(SESSION_KEY)
    if not isinstance(session_id, str):
        return None
    found = db.session.execute(
        select(AdvisorSession, User)
        .join(User, AdvisorSession.user_id == User.id)
        .where(
            AdvisorSession.token_hash == _digest(session_id),
            User.login_id == login_id,
            User.active.is_(True),
        )
    ).first()
    if found is None:
        return None
    record, user = found
    now = utcnow()
    idle = _idle_limit()
    # By id, not through the ORM object: a request at the same moment (a poll during a
    # logout) may have deleted the row already, and that is no error.
    this = AdvisorSession.id == record.id
    if record.last_seen_at <= now - idle or record.created_at <= now - _absolute_limit():
        db.session.execute(delete(AdvisorSession).where(this))
        db.session.commit()
        session.pop(SESSION_KEY, None)
        return None
    if now - record.last_seen_at >= min(RENEW_AT_MOST_EVERY, idle / 10):
        db.session.execute(update(AdvisorSession).where(this).values(last_seen_at=now))
        db.session.commit()
    return user


def load_first() -> None:
    """Before every request that carries a session id: check it (and renew it) before the
    view runs, so the commits in ``load`` never carry a view's unfinished changes."""
    if SESSION_KEY in session and request.endpoint != "static":
        current_user._get_current_object()  # Flask-Login loads the user now


def _new_csrf_token() -> None:
    """Flask-WTF makes a new token on the next form once the old one is gone."""
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(name, None)
    g.pop(name, None)
