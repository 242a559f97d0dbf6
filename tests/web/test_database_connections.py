"""PostgreSQL: a pooled connection that died while it waited in the pool is replaced
before a request uses it (web/database.py, ``check_connections``), so a restarted or
failed-over server costs nobody a page or an answer."""

from __future__ import annotations

import re
import time

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from tests.conftest import Survey, csrf_token
from web import database


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

    # At once, well within PING_AFTER_IDLE: the server's goodbye on the socket tells.
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


def test_a_connection_idle_for_long_is_pinged_before_use(
    app: Flask, survey: Survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection that died without a word (a link cut on the way leaves nothing on
    the socket) is caught by the ping once it has been idle for PING_AFTER_IDLE."""
    survey.start()
    assert survey.post(1, {"employees": "45", "sni": "25"}).status_code == 302
    monkeypatch.setattr(database, "_server_has_spoken", lambda _connection: False)
    monkeypatch.setattr(database, "PING_AFTER_IDLE", 0.05)
    assert _end_the_apps_connections(app) >= 1
    time.sleep(0.1)

    page = survey.client.get(survey.url(1))
    assert page.status_code == 200 and 'value="45"' in page.text
