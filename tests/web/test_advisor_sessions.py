"""Advisor logins recorded on the server: logout, new passwords and deactivation end them,
and so do the idle and absolute limits; the CSRF token changes at login and logout.

Time is set, not waited for: ``web.advisor.sessions.utcnow`` is replaced by a clock the
test moves.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import encode_cookie
from sqlalchemy import event, func, select

import config
import web.advisor._routes
from tests.helpers import PASSWORD, create_workshop, csrf_token, logged_in, make_user
from web.advisor import sessions as advisor_sessions
from web.operations.backup import UNUSABLE_PASSWORD
from web.platform.extensions import db
from web.storage.models import AdvisorSession, User

EMAIL = "anna@example.se"
HOME = "/radgivare/"
LOGIN = "/radgivare/logga-in"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(advisor_sessions, "utcnow", fake)
    return fake


def _logged_in(client: FlaskClient) -> bool:
    response = client.get(HOME)
    if response.status_code == 302:
        assert response.location.startswith(LOGIN)
        return False
    assert response.status_code == 200 and EMAIL in response.text
    return True


def _copy(client: FlaskClient, app: Flask) -> FlaskClient:
    """Another browser with the same session cookie, as if it had been copied."""
    domain = app.config["SERVER_NAME"]
    cookie = client.get_cookie("session", domain=domain)
    assert cookie is not None
    other = app.test_client()
    other.set_cookie("session", cookie.value, domain=domain)
    return other


def _log_out(client: FlaskClient) -> None:
    page = client.get(HOME)
    response = client.post("/radgivare/logga-ut", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302


def _log_in(client: FlaskClient, password: str = PASSWORD) -> Any:
    page = client.get(LOGIN)
    data = {"csrf_token": csrf_token(page.text), "email": EMAIL, "password": password}
    return client.post(LOGIN, data=data)


def _sessions(app: Flask) -> list[AdvisorSession]:
    with app.app_context():
        return list(db.session.scalars(select(AdvisorSession)))


def _users(app: Flask, *args: str) -> None:
    result = app.test_cli_runner().invoke(args=["users", *args])
    assert result.exit_code == 0, result.output


def test_a_cookie_copied_before_logout_gets_the_login_page_after_logout(app: Flask) -> None:
    client = logged_in(app, EMAIL)
    copied = _copy(client, app)
    assert _logged_in(copied)
    _log_out(client)
    assert not _logged_in(copied)
    assert not _logged_in(client)
    assert _sessions(app) == []


def test_a_new_password_or_a_deactivation_ends_every_login_of_the_account(app: Flask) -> None:
    laptop = logged_in(app, EMAIL)
    phone = app.test_client()
    assert _log_in(phone).status_code == 302
    copied = _copy(laptop, app)
    assert len(_sessions(app)) == 2
    _users(app, "set-password", "--email", EMAIL, "--password", "ett-helt-nytt-lösenord")
    assert _sessions(app) == []  # nothing left in the database to revive
    assert not any(_logged_in(c) for c in (laptop, phone, copied))

    assert _log_in(laptop, "ett-helt-nytt-lösenord").status_code == 302
    copied = _copy(laptop, app)
    _users(app, "deactivate", "--email", EMAIL)
    assert _sessions(app) == []
    assert not any(_logged_in(c) for c in (laptop, copied))


def test_only_a_hash_of_the_session_id_is_stored(app: Flask) -> None:
    client = logged_in(app, EMAIL)
    with client.session_transaction() as session:
        session_id = session[advisor_sessions.SESSION_KEY]
    [stored] = _sessions(app)
    assert stored.token_hash == hashlib.sha256(session_id.encode()).hexdigest()
    assert session_id not in stored.token_hash


def test_a_login_ends_after_thirty_idle_minutes(app: Flask, clock: Clock) -> None:
    client = logged_in(app, EMAIL)
    for _ in range(4):  # two hours, a request every 29 minutes
        clock.advance(minutes=29)
        assert _logged_in(client)
    clock.advance(minutes=30)
    assert not _logged_in(client)
    assert _sessions(app) == []  # the expired session was removed when it was met


def test_a_login_ends_after_twelve_hours_however_active(app: Flask, clock: Clock) -> None:
    client = logged_in(app, EMAIL)
    for _ in range(int(12 * 60 / 20) - 1):  # a request every 20 minutes up to 11:40
        clock.advance(minutes=20)
        assert _logged_in(client)
    clock.advance(minutes=20)
    assert not _logged_in(client)


def test_the_limits_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert config.from_environment(str(tmp_path))["ADVISOR_IDLE_MINUTES"] == 30
    assert config.from_environment(str(tmp_path))["ADVISOR_SESSION_HOURS"] == 12
    monkeypatch.setenv("ADVISOR_IDLE_MINUTES", "5")
    monkeypatch.setenv("ADVISOR_SESSION_HOURS", "0.5")
    settings = config.from_environment(str(tmp_path))
    assert settings["ADVISOR_IDLE_MINUTES"] == 5 and settings["ADVISOR_SESSION_HOURS"] == 0.5
    for wrong in ("0", "-1", "en halvtimme", "nan", "1e30"):
        monkeypatch.setenv("ADVISOR_IDLE_MINUTES", wrong)
        with pytest.raises(SystemExit, match="ADVISOR_IDLE_MINUTES must be a number above 0"):
            config.from_environment(str(tmp_path))


def test_shorter_limits_from_the_configuration_apply(app: Flask, clock: Clock) -> None:
    app.config.update(ADVISOR_IDLE_MINUTES=5, ADVISOR_SESSION_HOURS=0.25)
    client = logged_in(app, EMAIL)
    clock.advance(minutes=4)
    assert _logged_in(client)
    clock.advance(minutes=6)
    assert not _logged_in(client)
    assert _log_in(client).status_code == 302
    for _ in range(3):
        clock.advance(minutes=4)
        assert _logged_in(client)
    clock.advance(minutes=4)  # 16 minutes after logging in
    assert not _logged_in(client)


def test_the_presenters_live_polls_keep_the_login_open(app: Flask, clock: Clock) -> None:
    """A projector shows the presenter view for a whole workshop; nobody touches it."""
    client = logged_in(app, EMAIL)
    url, _code = create_workshop(client)
    client.get(f"{url}/presentera")
    etag = None
    for _ in range(40 * 60 // 3):  # forty minutes of polls every 3 seconds, nothing new
        clock.advance(seconds=3)
        headers = {"If-None-Match": etag} if etag else {}
        poll = client.get(f"{url}/status", headers=headers)
        assert poll.status_code in (200, 304)
        etag = poll.headers.get("ETag", etag)
    assert _logged_in(client)
    clock.advance(minutes=31)  # the projector is switched off
    assert client.get(f"{url}/status").status_code == 302


def test_the_last_request_time_is_written_at_most_once_a_minute(app: Flask, clock: Clock) -> None:
    client = logged_in(app, EMAIL)
    url, _code = create_workshop(client)
    written: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE ADVISOR_SESSIONS"):
            written.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(100):  # five minutes of polls
            clock.advance(seconds=3)
            assert client.get(f"{url}/status").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert 4 <= len(written) <= 5


def test_a_remember_cookie_does_not_log_in_without_a_session(app: Flask) -> None:
    make_user(app, EMAIL)
    with app.app_context():
        login_id = db.session.scalars(select(User.login_id).where(User.email == EMAIL)).one()
        remember = encode_cookie(login_id)
    client = app.test_client()
    client.set_cookie("remember_token", remember, domain=app.config["SERVER_NAME"])
    assert not _logged_in(client)


def test_the_csrf_token_changes_at_login_and_logout(app: Flask) -> None:
    make_user(app, EMAIL)
    client = app.test_client()
    before = csrf_token(client.get(LOGIN).text)
    assert client.post(LOGIN, data={"csrf_token": before, "email": EMAIL, "password": PASSWORD})
    assert _logged_in(client)
    # A token read before logging in (by whoever saw that page) no longer works.
    stale = client.post("/radgivare/logga-ut", data={"csrf_token": before})
    assert stale.status_code == 400
    assert _logged_in(client)

    during = csrf_token(client.get(HOME).text)
    assert client.post("/radgivare/logga-ut", data={"csrf_token": during}).status_code == 302
    again = client.post(LOGIN, data={"csrf_token": during, "email": EMAIL, "password": PASSWORD})
    assert again.status_code == 400
    assert not _logged_in(client)


def _hash_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The stored hashes the login checks passwords against, from now on."""
    checked: list[str] = []
    real = web.advisor._routes.check_password_hash

    def spy(stored: str, password: str) -> bool:
        checked.append(stored)
        return real(stored, password)

    monkeypatch.setattr(web.advisor._routes, "check_password_hash", spy)
    return checked


def test_a_deactivated_accounts_login_checks_a_password_hash_like_any_other(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As long as any failed login: the same password hash work, not a shortcut."""
    make_user(app, EMAIL)
    checked = _hash_checks(monkeypatch)
    with app.app_context():
        stored = db.session.scalars(select(User.password_hash).where(User.email == EMAIL)).one()
    assert _log_in(client, "fel-lösenord-helt").status_code == 401
    assert checked == [stored]
    _users(app, "deactivate", "--email", EMAIL)
    checked.clear()
    for password in (PASSWORD, "fel-lösenord-helt"):
        response = _log_in(client, password)
        assert response.status_code == 401
        assert "E-postadressen eller lösenordet är fel" in response.text
    assert checked == [stored, stored]


def test_expired_sessions_of_every_account_are_removed_at_a_login(app: Flask, clock: Clock) -> None:
    logged_in(app, "bo@example.se")
    left = logged_in(app, "cilla@example.se")
    clock.advance(minutes=20)
    assert left.get(HOME).status_code == 200
    clock.advance(minutes=20)  # Bo's login is 40 minutes idle, Cilla's 20
    logged_in(app, EMAIL)
    with app.app_context():
        owners = db.session.scalars(
            select(User.email).join(AdvisorSession, AdvisorSession.user_id == User.id)
        ).all()
        assert sorted(owners) == ["anna@example.se", "cilla@example.se"]
        assert db.session.scalar(select(func.count()).select_from(AdvisorSession)) == 2


def test_an_account_imported_without_a_password_checks_a_real_hash_too(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An imported account has no usable password; trying it must not answer faster than
    a wrong password does, or the timing tells which addresses have accounts."""
    make_user(app, EMAIL)
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == EMAIL)).one()
        user.password_hash = UNUSABLE_PASSWORD
        db.session.commit()
    checked = _hash_checks(monkeypatch)
    assert _log_in(client, UNUSABLE_PASSWORD).status_code == 401
    assert len(checked) == 1 and checked[0].count("$") == 2  # a hash with work in it
