"""The errors a person sees: 404, 410, 429 and 500 in Swedish and English, and JSON for the API.

Each page must be in the site's layout (header, language switch, footer), say what
happened in the person's language, and offer a way back to the start page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from tests.helpers import create_workshop, csrf_token, logged_in
from web.platform.extensions import db

# What each page says, per language: its heading, and the way back.
SAYS = {
    404: {"sv": "Vi hittar inte den sidan", "en": "We cannot find that page"},
    410: {"sv": "Workshoppen är avslutad", "en": "The workshop is closed"},
    429: {"sv": "För många försök", "en": "Too many attempts"},
    500: {"sv": "Något gick fel", "en": "Something went wrong"},
    "csrf": {"sv": "Sidan har gått ut", "en": "The page had expired"},
}
WAY_BACK = {"sv": "Till startsidan", "en": "Go to the start page"}
# A word of the other language that the page must not show (an untranslated page would).
FOREIGN = {"sv": "the", "en": "och"}


def person(app: Flask, lang: str) -> FlaskClient:
    """A visitor who chose ``lang`` with the site's language switch (Swedish is the default)."""
    client = app.test_client()
    if lang == "en":
        assert client.get("/sprak/en?next=/").status_code == 302
    return client


def assert_error_page(response: Any, status: int, says: str, lang: str) -> None:
    assert response.status_code == status, response.text[:500]
    assert response.mimetype == "text/html"
    html = response.text
    # The site's layout: its header with the brand and the language switch, and its footer.
    assert f'<html lang="{lang}">' in html
    assert '<header class="site-header">' in html and '<footer class="site-footer">' in html
    assert '<a class="brand" href="/">Lyftkollen</a>' in html
    switch = "English" if lang == "sv" else "Svenska"
    assert re.search(rf'<a href="/sprak/\w\w\?next=[^"]*"[^>]*>{switch}</a>', html)
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    # What happened, in the person's language, as the page's heading and its title.
    heading = re.search(r"<h1>(.*?)</h1>", main, re.S)
    assert heading and says in heading.group(1), main
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title and title.group(1).strip().endswith("– Lyftkollen") and len(title.group(1)) > 14
    words = set(re.findall(r"\w+", re.sub(r"<[^>]+>", " ", main).lower()))
    assert FOREIGN[lang] not in words, main
    # A way back: a link to the start page in the page itself, not only the header's brand.
    assert f'<a href="/">{WAY_BACK[lang]}</a>' in main


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("path", ["/finns-inte", "/a/en-lank-som-inte-finns", "/a/x/steg/99"])
def test_not_found(app: Flask, lang: str, path: str) -> None:
    assert_error_page(person(app, lang).get(path), 404, SAYS[404][lang], lang)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_not_found_for_an_advisor(app: Flask, lang: str) -> None:
    advisor = logged_in(app, "anna@example.se")
    if lang == "en":
        advisor.get("/sprak/en")
    # A NUL byte once reached PostgreSQL, which refuses it in a query: a 500, not a 404.
    for path in ("/radgivare/workshop/finns-inte", "/radgivare/workshop/%00/rapport"):
        assert_error_page(advisor.get(path), 404, SAYS[404][lang], lang)
    assert_error_page(advisor.get("/radgivare/foretag/%00"), 404, SAYS[404][lang], lang)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_closed_workshop_is_gone(app: Flask, lang: str) -> None:
    advisor = logged_in(app, "anna@example.se")
    url, code = create_workshop(advisor)
    page = advisor.get(url)
    advisor.post(f"{url}/stang", data={"csrf_token": csrf_token(page.text), "open": "0"})
    gone = person(app, lang).get(f"/w/{code}")
    assert_error_page(gone, 410, SAYS[410][lang], lang)
    assert "Ledningsgruppen, start" in gone.text  # which workshop it was


def test_a_closed_workshop_speaks_the_workshops_language_to_a_newcomer(app: Flask) -> None:
    """Someone who has not chosen a language gets the workshop's, also on the closed page."""
    advisor = logged_in(app, "anna@example.se")
    url, code = create_workshop(advisor, language="en")
    page = advisor.get(url)
    advisor.post(f"{url}/stang", data={"csrf_token": csrf_token(page.text), "open": "0"})
    assert_error_page(app.test_client().get(f"/w/{code}"), 410, SAYS[410]["en"], "en")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_too_many_wrong_join_codes(app: Flask, lang: str) -> None:
    app.config["JOIN_CODE_RATE_LIMIT"] = "1 per minute"
    client = person(app, lang)
    page = client.get("/w")
    data = {"csrf_token": csrf_token(page.text), "code": "AAAAAA"}
    assert client.post("/w", data=data).status_code == 404
    blocked = client.post("/w", data=data)
    assert_error_page(blocked, 429, SAYS[429][lang], lang)
    assert int(blocked.headers["Retry-After"]) > 0


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_too_many_logins(app: Flask, lang: str) -> None:
    app.config["LOGIN_RATE_LIMIT"] = "1 per minute"
    client = person(app, lang)
    page = client.get("/radgivare/logga-in")
    data = {"csrf_token": csrf_token(page.text), "email": "x@example.se", "password": "fel"}
    assert client.post("/radgivare/logga-in", data=data).status_code == 401
    blocked = client.post("/radgivare/logga-in", data=data)
    assert_error_page(blocked, 429, SAYS[429][lang], lang)
    assert int(blocked.headers["Retry-After"]) > 0


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_form_from_an_earlier_session(app: Flask, lang: str) -> None:
    expired = person(app, lang).post("/start", data={"csrf_token": "from-an-old-session"})
    assert_error_page(expired, 400, SAYS["csrf"][lang], lang)


def _break_on_purpose() -> str:
    """A test-only view: the database refuses a statement, and the view does not catch it."""
    db.session.execute(text("SELECT * FROM no_such_table"))
    raise AssertionError("unreachable")


@pytest.fixture
def broken_app(app: Flask) -> Flask:
    """The test app with a view that fails, under the site and under the API."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error page, not a trace
    app.add_url_rule("/test-only/boom", "test_only_boom", _break_on_purpose)
    app.add_url_rule("/api/v1/test-only/boom", "test_only_api_boom", _break_on_purpose)
    return app


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_unexpected_error(broken_app: Flask, lang: str) -> None:
    client = person(broken_app, lang)
    assert_error_page(client.get("/test-only/boom"), 500, SAYS[500][lang], lang)
    assert "no_such_table" not in client.get("/test-only/boom").text  # no internals shown
    assert client.get("/").status_code == 200  # and the next request is served as usual


# ------------------------------------------------------------------ the API answers JSON


def assert_api_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error", "field"} and isinstance(body["error"], str), body
    return body


def test_api_not_found_is_json(client: FlaskClient) -> None:
    assert assert_api_error(client.get("/api/v1/nonexistent"), 404)["field"] is None
    assert_api_error(client.get("/api/v1/assessments/no-such-id"), 404)
    assert_api_error(client.post("/api/v1/questionnaire"), 405)


def test_api_unexpected_error_is_json(broken_app: Flask) -> None:
    client = broken_app.test_client()
    body = assert_api_error(client.get("/api/v1/test-only/boom"), 500)
    assert "no_such_table" not in body["error"]
    assert client.get("/api/v1/questionnaire").status_code == 200


def test_api_rate_limit_is_json(app: Flask) -> None:
    app.config["ASSESSMENT_RATE_LIMIT"] = "1 per minute"
    client = app.test_client()
    home = client.get("/")
    assert client.post("/start", data={"csrf_token": csrf_token(home.text)}).status_code == 302
    refused = client.post("/api/v1/assessments", json={})
    body = assert_api_error(refused, 429)
    assert body["error"].startswith("too many requests") and "1 per 1 minute" in body["error"]
    assert int(refused.headers["Retry-After"]) > 0
