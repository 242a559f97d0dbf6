"""PostgreSQL: a pooled connection that died while it waited in the pool is replaced
before a request uses it (``pool_pre_ping``, web/storage/database.py), so a restarted or
failed-over server costs nobody a page or an answer. One that dies during a request
costs that request the app's own 503 page (JSON in the API), and nothing more: the
process serves the next request (tests/faults.py ends the connection at chosen points)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import create_engine, make_url, text

from tests import faults
from tests.helpers import PASSWORD, WORKSHOP_PROFILE, Survey, csrf_token, logged_in, make_user
from tests.servers import Servers


def _end_the_apps_connections(app: Flask) -> int:
    """Terminate every session of the app's database but this one, as a restart would,
    and wait until they are gone. Returns how many there were."""
    admin = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], isolation_level="AUTOCOMMIT")
    others = "datname = current_database() AND pid <> pg_backend_pid()"
    with admin.connect() as connection:
        ended = connection.execute(
            text(f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE {others}")
        ).scalar_one()
        for _ in range(100):
            left = f"SELECT count(*) FROM pg_stat_activity WHERE {others}"
            if connection.execute(text(left)).scalar_one() == 0:
                break
            time.sleep(0.02)
    admin.dispose()
    return ended


@pytest.fixture
def database_url(postgresql_database: str) -> str:
    """Only PostgreSQL (this module's ``app`` and ``survey`` use it): SQLite has no
    server to end a connection."""
    return postgresql_database


def test_a_connection_the_server_ended_is_replaced_without_waiting(
    app: Flask, survey: Survey
) -> None:
    survey.start()
    assert survey.post(1, {"employees": "45", "sni": "25"}).status_code == 302
    assert _end_the_apps_connections(app) >= 1

    page = survey.client.get(survey.url(1))
    assert page.status_code == 200 and 'value="45"' in page.text

    # A post, the first request after the end: the answers are kept.
    form = survey.client.get(survey.url(2)).text
    section = survey.questionnaire.sections[1]
    answers = {
        q.id: next(o.value for o in q.options if o.level == 3)
        for q in section.questions
        if q.type == "single"
    }
    assert _end_the_apps_connections(app) >= 1
    data = {"csrf_token": csrf_token(form), "action": "autosave", **answers}
    assert survey.client.post(survey.url(2), data=data).status_code == 204
    shown = survey.client.get(survey.url(2)).text
    for question_id, value in answers.items():
        assert re.search(f'<input checked id="{question_id}-[0-9]+" [^>]*value="{value}"', shown)


SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


SAVED_SNI = '<option selected value="25">'  # WORKSHOP_PROFILE's industry, as stored


def _kill(point: str) -> dict[str, str]:
    return {faults.HEADER: point}


def _has_security_headers(headers: Any) -> None:
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value


@pytest.fixture
def faulty(app: Flask) -> Flask:
    faults.install(app)
    return app


def test_a_connection_ended_before_a_query_gets_the_apps_503_page(
    faulty: Flask, survey: Survey
) -> None:
    survey.start()
    assert survey.post(1, WORKSHOP_PROFILE).status_code == 302

    page = survey.client.get(survey.url(1), headers=_kill("checkout"))
    assert page.status_code == 503
    assert "Lyftkollen är tillfälligt otillgänglig" in page.text
    assert "Om felet består, kontakta organisationen som driver tjänsten." in page.text
    assert f'href="{survey.url(1)}"' in page.text  # try again
    _has_security_headers(page.headers)

    again = survey.client.get(survey.url(1))  # the same app, the next request
    assert again.status_code == 200 and SAVED_SNI in again.text

    survey.client.get("/sprak/en")
    english = survey.client.get(survey.url(1), headers=_kill("checkout"))
    assert english.status_code == 503 and "Lyftkollen is unavailable for a moment" in english.text
    assert "If it keeps happening, contact the organisation that runs this service." in (
        english.text
    )


def test_the_api_answers_503_json_when_its_connection_is_ended(faulty: Flask) -> None:
    client = faulty.test_client()
    gone = client.get("/api/v1/assessments/" + "x" * 22, headers=_kill("checkout"))
    assert gone.status_code == 503
    body = gone.get_json()
    assert set(body) == {"error", "field"} and body["field"] is None and "retry" in body["error"]
    _has_security_headers(gone.headers)
    assert client.get("/api/v1/assessments/" + "x" * 22).status_code == 404
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    for operation in (
        paths["/api/v1/assessments"]["post"],
        paths["/api/v1/assessments/{id}"]["get"],
    ):
        assert "503" in operation["responses"]  # an API client can expect it


def test_answers_whose_commit_loses_the_connection_get_503_and_can_be_sent_again(
    faulty: Flask, survey: Survey
) -> None:
    survey.start()
    page = survey.client.get(survey.url(1))
    data = {"csrf_token": csrf_token(page.text), "action": "next", **WORKSHOP_PROFILE}
    lost = survey.client.post(survey.url(1), data=data, headers=_kill("commit"))
    assert lost.status_code == 503
    assert "det ni just skickade kanske inte sparades" in lost.text
    assert 'href="' + survey.url(1) not in lost.text  # no link that would lose the form
    _has_security_headers(lost.headers)
    assert SAVED_SNI not in survey.client.get(survey.url(1)).text  # indeed not saved

    assert survey.client.post(survey.url(1), data=data).status_code == 302
    assert SAVED_SNI in survey.client.get(survey.url(1)).text


@pytest.mark.parametrize("point", ["rollback", "reset"])
def test_a_connection_ended_as_the_request_ends_leaves_the_page_as_it_was(
    faulty: Flask, survey: Survey, point: str
) -> None:
    """Ending the session only discards what was not committed: the page the view made
    is right, and is what the person gets, whole, with its headers. (``reset``: the
    connection dies on its way back to the pool; the next request must not get it.)"""
    survey.complete(WORKSHOP_PROFILE)
    result = survey.client.get(f"/a/{survey.token}/resultat", headers=_kill(point))
    assert result.status_code == 200 and "<h1" in result.text
    _has_security_headers(result.headers)
    assert survey.client.get(f"/a/{survey.token}/resultat").status_code == 200
    assert survey.client.get(survey.url(1)).status_code == 200


@pytest.mark.slow  # a real gunicorn server
def test_a_gunicorn_worker_answers_503_and_lives_on(
    servers: Servers, postgresql_database: str
) -> None:
    server = servers.start(postgresql_database, workers=1, application="tests.faults:create_app()")
    [worker] = server.workers()
    browser = requests.Session()
    home = browser.get(server.url + "/", timeout=30)
    started = browser.post(
        server.url + "/start", data={"csrf_token": csrf_token(home.text)}, timeout=30
    )
    first_page = started.url
    assert started.status_code == 200 and "/steg/1" in first_page

    api = server.url + "/api/v1/assessments/" + first_page.split("/")[-3]
    for url in (first_page, api):
        gone = browser.get(url, headers=_kill("checkout"), timeout=30)
        assert gone.status_code == 503, gone.text
        _has_security_headers(gone.headers)
    for point in ("rollback", "reset"):
        # Not completed yet: the API's own 404 ("field": "id"), made before the end.
        unfinished = browser.get(api, headers=_kill(point), timeout=30)
        assert unfinished.status_code == 404 and unfinished.json()["field"] == "id"
        _has_security_headers(unfinished.headers)
    assert browser.get(first_page, timeout=30).status_code == 200
    assert server.workers() == [worker]  # the same worker served them all


@contextmanager
def _refusing_connections(app: Flask) -> Iterator[None]:
    """The server refuses every new connection to the app's database, and has ended the
    open ones (as while it is restored or moved: ``ALLOW_CONNECTIONS false``); then it
    accepts them again, whatever the test did."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    allow = f'ALTER DATABASE "{url.database}" ALLOW_CONNECTIONS'
    try:
        with server.connect() as connection:
            connection.execute(text(f"{allow} false"))
            others = "datname = :name"
            connection.execute(
                text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE {others}"),
                {"name": url.database},
            )
            for _ in range(100):
                left = f"SELECT count(*) FROM pg_stat_activity WHERE {others}"
                if connection.execute(text(left), {"name": url.database}).scalar_one() == 0:
                    break
                time.sleep(0.02)
        yield
    finally:
        with server.connect() as connection:
            connection.execute(text(f"{allow} true"))
        server.dispose()


# What a logged-in advisor may ask for: their own pages, a form, logging out, the public
# pages. Each loads the advisor before the view: that is where the database is missed.
ADVISOR_REQUESTS = [
    ("GET", "/radgivare/"),
    ("POST", "/radgivare/foretag"),
    ("POST", "/radgivare/logga-ut"),
    ("GET", "/"),
]


def test_a_logged_in_advisor_gets_the_503_page_while_the_database_refuses(app: Flask) -> None:
    """The advisor's login is checked against the database before every request. When
    that fails, the 503 page must not try again (it names the logged-in user): it was
    gunicorn's bare "Internal Server Error". Neither may the error pages of requests
    answered before the login is checked (a bad CSRF token, a missing static file)."""
    advisor = logged_in(app, "anna@example.se")
    token = csrf_token(advisor.get("/radgivare/").text)
    with _refusing_connections(app):
        for method, path in ADVISOR_REQUESTS:
            data = {"csrf_token": token, "name": "Verkstaden AB"} if method == "POST" else None
            page = advisor.open(path, method=method, data=data)
            assert page.status_code == 503, (path, page.text)
            assert "Lyftkollen är tillfälligt otillgänglig" in page.text
            _has_security_headers(page.headers)
        refused = advisor.post("/radgivare/logga-ut", data={"csrf_token": "stale"})
        assert refused.status_code == 400 and "<h1" in refused.text
        missing = advisor.get("/static/finns-inte.css")  # static files skip the login check
        assert missing.status_code == 404 and "<h1" in missing.text
    home = advisor.get("/radgivare/")  # still logged in once the database is back
    assert home.status_code == 200 and "anna@example.se" in home.text


@pytest.mark.slow  # a real gunicorn server
def test_a_gunicorn_worker_answers_a_logged_in_advisor_503_and_lives_on(
    app: Flask, servers: Servers, postgresql_database: str
) -> None:
    make_user(app, "anna@example.se")
    server = servers.start(postgresql_database, workers=1)
    [worker] = server.workers()
    advisor = requests.Session()
    login = advisor.get(server.url + "/radgivare/logga-in", timeout=30)
    data = {"csrf_token": csrf_token(login.text), "email": "anna@example.se", "password": PASSWORD}
    home = advisor.post(server.url + "/radgivare/logga-in", data=data, timeout=30)
    assert home.status_code == 200 and "anna@example.se" in home.text
    token = csrf_token(home.text)
    with _refusing_connections(app):
        for method, path in ADVISOR_REQUESTS:
            data = {"csrf_token": token, "name": "Verkstaden AB"} if method == "POST" else {}
            page = advisor.request(method, server.url + path, data=data, timeout=30)
            assert page.status_code == 503, (path, page.text)
            assert "Lyftkollen är tillfälligt otillgänglig" in page.text
            _has_security_headers(page.headers)
    assert "anna@example.se" in advisor.get(server.url + "/radgivare/", timeout=30).text
    assert server.workers() == [worker]  # the same worker served them all
