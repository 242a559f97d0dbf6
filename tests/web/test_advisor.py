"""Advisor accounts: the users command, logging in and out, rate limits, who sees what."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from tests.helpers import create_workshop, csrf_token, logged_in
from web.platform.extensions import db
from web.storage.models import User

PASSWORD = "ett-långt-lösenord"
ADVISOR_PREFIX = "/radgivare"
PUBLIC_ADVISOR_ROUTES = {"advisor.login"}


def _users(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["users", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def advisor(app: Flask) -> str:
    _users(app, "create", "--email", "Anna@Example.se", "--password", PASSWORD)
    return "anna@example.se"


def _login(client: FlaskClient, email: str, password: str, next_url: str = "") -> object:
    page = client.get(f"{ADVISOR_PREFIX}/logga-in")
    data = {"csrf_token": csrf_token(page.text), "email": email, "password": password}
    url = f"{ADVISOR_PREFIX}/logga-in" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data=data)


def test_users_command_creates_lists_and_deactivates(app: Flask, advisor: str) -> None:
    _users(app, "create", "--email", "boss@example.se", "--password", PASSWORD, "--role", "admin")
    listing = _users(app, "list")
    assert "anna@example.se\tadvisor\tactive" in listing
    assert "boss@example.se\tadmin\tactive" in listing
    _users(app, "deactivate", "--email", "anna@example.se")
    assert "anna@example.se\tadvisor\tdeactivated" in _users(app, "list")


def test_users_command_refuses_weak_passwords_and_duplicates(app: Flask, advisor: str) -> None:
    runner = app.test_cli_runner()
    short = runner.invoke(args=["users", "create", "--email", "x@example.se", "--password", "kort"])
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    again = runner.invoke(args=["users", "create", "--email", advisor, "--password", PASSWORD])
    assert again.exit_code != 0 and "exists already" in again.output


@pytest.mark.parametrize("command", ["create", "set-password"])
def test_users_help_says_the_password_is_asked_for_and_how_long_it_must_be(
    app: Flask, command: str
) -> None:
    shown = " ".join(app.test_cli_runner().invoke(args=["users", command, "--help"]).output.split())
    assert "At least 10 characters" in shown and "asked for twice" in shown


def test_login_and_logout(client: FlaskClient, advisor: str) -> None:
    response = _login(client, "ANNA@example.se ", PASSWORD)
    assert response.status_code == 302 and response.location == f"{ADVISOR_PREFIX}/"
    home = client.get(f"{ADVISOR_PREFIX}/")
    assert home.status_code == 200 and advisor in home.text
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    logout = client.post(f"{ADVISOR_PREFIX}/logga-ut", data={"csrf_token": csrf_token(home.text)})
    assert logout.status_code == 302
    assert client.get(f"{ADVISOR_PREFIX}/").status_code == 302


def test_wrong_password_and_unknown_address_get_the_same_swedish_message(
    client: FlaskClient, advisor: str
) -> None:
    wrong = _login(client, advisor, "fel-lösenord-helt")
    unknown = _login(client, "nobody@example.se", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "E-postadressen eller lösenordet är fel" in response.text


def test_a_deactivated_account_cannot_log_in_and_its_session_ends(
    app: Flask, client: FlaskClient, advisor: str
) -> None:
    _login(client, advisor, PASSWORD)
    assert client.get(f"{ADVISOR_PREFIX}/").status_code == 200
    _users(app, "deactivate", "--email", advisor)
    assert client.get(f"{ADVISOR_PREFIX}/").status_code == 302  # the open session ended
    assert _login(client, advisor, PASSWORD).status_code == 401


def test_a_new_password_ends_open_sessions(app: Flask, client: FlaskClient, advisor: str) -> None:
    _login(client, advisor, PASSWORD)
    _users(app, "set-password", "--email", advisor, "--password", "ett-helt-nytt-lösenord")
    assert client.get(f"{ADVISOR_PREFIX}/").status_code == 302
    assert _login(client, advisor, "ett-helt-nytt-lösenord").status_code == 302


@pytest.mark.parametrize(
    "settings",
    [{"TESTING": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"}, {"TESTING": True}],
    ids=["not-a-test-app", "test-app-by-default"],
)
def test_passwords_are_kept_as_scrypt_hashes(database_url: str, settings: dict[str, Any]) -> None:
    """What production stores: the tests' cheaper hash (tests/helpers.py) needs a test app
    that asks for it."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "AUTO_MIGRATE": False, "SECRET_KEY": "x"}
        | settings
    )
    _users(app, "create", "--email", "anna@example.se", "--password", PASSWORD)
    with app.app_context():
        stored = db.session.execute(select(User.password_hash)).scalar_one()
        db.session.remove()
    assert stored.startswith("scrypt:32768:8:1$")
    assert _login(app.test_client(), "anna@example.se", PASSWORD).status_code == 302
    assert _login(app.test_client(), "anna@example.se", "fel-lösenord!").status_code == 401
    assert _login(app.test_client(), "nobody@example.se", PASSWORD).status_code == 401
    with app.app_context():
        db.engine.dispose()


def test_login_never_redirects_off_site(client: FlaskClient, advisor: str) -> None:
    response = _login(client, advisor, PASSWORD, next_url="https://evil.example/")
    assert response.location == f"{ADVISOR_PREFIX}/"


def test_login_attempts_are_rate_limited_with_a_clear_message(
    client: FlaskClient, advisor: str
) -> None:
    statuses = [_login(client, advisor, "fel-lösenord-helt").status_code for _ in range(5)]
    assert statuses == [401] * 5
    blocked = _login(client, advisor, PASSWORD)
    assert blocked.status_code == 429
    assert "För många försök" in blocked.text
    assert "Retry-After" in blocked.headers


def test_every_advisor_route_needs_a_login(app: Flask) -> None:
    """Walks the URL map, so a new advisor page cannot be added without protection."""
    app.config["WTF_CSRF_ENABLED"] = False  # login, not CSRF, must be what stops them
    client = app.test_client()
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(ADVISOR_PREFIX) or rule.endpoint in PUBLIC_ADVISOR_ROUTES:
            continue
        url = re.sub(r"<int:[^>]+>", "1", re.sub(r"<(?!int:)[^>]+>", "x", rule.rule))
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code in (302, 401), (method, rule.rule)
            if response.status_code == 302:
                assert f"{ADVISOR_PREFIX}/logga-in" in response.location
            checked += 1
    assert checked >= 2


def _owned_urls(
    app: Flask, workshop_id: str, company_id: str, participant_key: str
) -> list[tuple[str, str, str]]:
    """Every advisor route with an id, filled with the given workshop's or company's id."""
    fill = {"fmt": "csv", "key": participant_key, "number": "2"}
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(ADVISOR_PREFIX) or "public_id" not in rule.arguments:
            continue
        owner_id = workshop_id if rule.rule.startswith(f"{ADVISOR_PREFIX}/workshop/") else None
        if rule.rule.startswith(f"{ADVISOR_PREFIX}/foretag/"):
            owner_id = company_id
        assert owner_id, f"{rule.rule}: which record does its id name? Add it to this test."
        unknown = rule.arguments - {"public_id", *fill}
        assert not unknown, f"{rule.rule}: fill in {unknown} in this test"
        url = rule.rule.replace("<public_id>", owner_id)
        for name, value in fill.items():
            url = re.sub(rf"<(\w+:)?{name}>", value, url)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            urls.append((method, url, rule.rule))
    return urls


def test_another_advisors_workshops_and_companies_answer_404(app: Flask) -> None:
    """Walks the URL map: every route with an id is 404 for anyone but its owner or an admin."""
    from web.storage.models import Workshop

    owner = logged_in(app, "anna@example.se")
    url, _ = create_workshop(owner)
    workshop_id = url.rsplit("/", 1)[1]
    with app.app_context():
        from web.platform.extensions import db
        from web.workshops import service as workshops

        workshop = db.session.get(Workshop, 1)
        company_id = workshop.company.public_id
        key = workshops.assessment_key(workshops.join(workshop, "Karin", None, 10))
    stranger = logged_in(app, "bertil@example.se")
    admin = logged_in(app, "chef@example.se", role="admin")
    app.config["WTF_CSRF_ENABLED"] = False  # ownership, not CSRF, must be what stops them
    urls = _owned_urls(app, workshop_id, company_id, key)
    assert len(urls) >= 14
    for method, path, rule in urls:
        assert stranger.open(path, method=method).status_code == 404, (method, rule)
    for method, path, rule in urls:
        if method == "GET":  # an admin sees every advisor's records
            seen = admin.open(path, method=method)
            if seen.status_code == 302:  # an older address: on to the same record
                assert workshop_id in seen.location or company_id in seen.location, rule
                seen = admin.get(seen.location)
            assert seen.status_code == 200, (method, rule)
    assert owner.get(url).status_code == 200
