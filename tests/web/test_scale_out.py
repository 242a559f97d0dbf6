"""Two app servers, one PostgreSQL, one Redis: any request may go to either.

Two gunicorn servers run as separate processes on two ports, as two machines behind a
proxy would. Participants join and answer through one; the advisor's presenter view on
the other shows them live; a participant's next request may land on either server; and
the rate limits count across both, in Redis.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import redis
import requests
from flask import Flask
from sqlalchemy import select

from app import create_app
from tests.helpers import IN_CI, csrf_token
from tests.servers import SECRET_KEY, Gunicorn, Servers
from tests.web.load import JOINED, open_workshop, plans
from web.platform.extensions import db
from web.storage.models import Answer, Assessment, Workshop

# Slow: real gunicorn servers and Redis.
pytestmark = pytest.mark.slow

# A database number of the tests' own on the Redis server, emptied before each use.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ADVISOR = {"email": "radgivare@example.se", "password": "ett-långt-lösenord"}
TIMEOUT = 30


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The tests' own Redis database, empty: no count from an earlier run mixes in."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.RedisError:
        if IN_CI:
            raise
        pytest.skip(f"no Redis at {REDIS_URL}")
    yield REDIS_URL
    client.flushdb()
    client.close()


def _in_process(database_url: str) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "AUTO_MIGRATE": False,
        }
    )


def _two_servers(servers: Servers, database_url: str, redis_url: str) -> tuple[Gunicorn, Gunicorn]:
    environment = {
        "REDIS_URL": redis_url,
        "JOIN_CODE_RATE_LIMIT": "5 per minute",
        "ASSESSMENT_RATE_LIMIT": "3 per minute",
    }
    first = servers.start(database_url, workers=1, threads=4, environment=environment)
    second = servers.start(database_url, workers=1, threads=4, environment=environment)
    return first, second


def _log_in(base: str) -> requests.Session:
    advisor = requests.Session()
    page = advisor.get(f"{base}/radgivare/logga-in", timeout=TIMEOUT)
    data = {"csrf_token": csrf_token(page.text), **ADVISOR}
    response = advisor.post(
        f"{base}/radgivare/logga-in", data=data, allow_redirects=False, timeout=TIMEOUT
    )
    assert response.status_code == 302, response.text
    return advisor


def _join(base: str, code: str) -> tuple[requests.Session, str, str]:
    """A phone joins through ``base``: its session, private token and CSRF token."""
    phone = requests.Session()
    page = phone.get(f"{base}/w/{code}", timeout=TIMEOUT)
    token = csrf_token(page.text)
    joined = phone.post(
        f"{base}/w/{code}",
        data={"csrf_token": token, "name": "", "role": ""},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert joined.status_code == 302, joined.text
    match = JOINED.search(joined.headers["Location"])
    assert match
    return phone, match.group(1), token


def _post_page(phone: requests.Session, base: str, private: str, step: int, data: Any) -> int:
    response = phone.post(
        f"{base}/a/{private}/steg/{step}",
        data={**data, "action": "next"},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    return response.status_code


def test_two_servers_share_the_workshop_the_sessions_and_the_limits(
    servers: Servers, postgresql_database: str, redis_url: str
) -> None:
    app = _in_process(postgresql_database)
    workshop_id, code = open_workshop(app, {"employees": 45, "sni": "25"})
    with app.app_context():
        public_id = db.session.get(Workshop, workshop_id).public_id  # type: ignore[union-attr]
        db.session.remove()
        db.engine.dispose()
    questionnaire = app.extensions["lyftkollen.content"].questionnaire
    first, second = _two_servers(servers, postgresql_database, redis_url)

    # The presenter view is on the second server; nobody has joined yet.
    presenter = _log_in(second.url)
    status_url = f"{second.url}/radgivare/workshop/{public_id}/status"
    before = presenter.get(status_url, timeout=TIMEOUT)
    assert before.json()["joined"] == 0

    # Three phones join through the first server and answer the first maturity page.
    plan = plans(questionnaire, 3)
    phones = []
    for person in plan:
        phone, private, token = _join(first.url, code)
        step = min(person.pages)
        assert (
            _post_page(phone, first.url, private, step, {"csrf_token": token, **person.pages[step]})
            == 302
        )
        phones.append((phone, private, token, person))

    # The second server sees them at once: the counts live in the database.
    after = presenter.get(status_url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.json()["joined"] == 3 and after.json()["in_progress"] == 3
    page = presenter.get(f"{second.url}/radgivare/workshop/{public_id}/presentera")
    assert re.search(r'data-count="joined">3<', page.text), page.text[:2000]

    # A phone's next page lands on the other server: its signed session works there too.
    phone, private, token, person = phones[0]
    step = sorted(person.pages)[1]
    data = {"csrf_token": token, **person.pages[step]}
    assert _post_page(phone, second.url, private, step, data) == 302
    with app.app_context():
        stored = db.session.scalar(select(Assessment).where(Assessment.token == private))
        assert stored is not None
        kept = set(
            db.session.scalars(select(Answer.question_id).where(Answer.assessment_id == stored.id))
        )
        db.session.remove()
        db.engine.dispose()
    assert set(person.questions[step]) <= kept

    # Wrong codes count across both servers: five allowed a minute, wherever they land.
    guesser = requests.Session()
    entry = guesser.get(f"{first.url}/w", timeout=TIMEOUT)
    guesses = []
    for server in (first, second, first, second, first, second):
        response = guesser.post(
            f"{server.url}/w",
            data={"csrf_token": csrf_token(entry.text), "code": "AAAAAA"},
            timeout=TIMEOUT,
        )
        guesses.append(response.status_code)
    assert guesses == [404, 404, 404, 404, 404, 429]

    # So do new assessments: three a minute from one address, on either server.
    starter = requests.Session()
    home = starter.get(f"{first.url}/", timeout=TIMEOUT)
    started = [
        starter.post(
            f"{server.url}/start",
            data={"csrf_token": csrf_token(home.text)},
            allow_redirects=False,
            timeout=TIMEOUT,
        ).status_code
        for server in (first, second, first, second)
    ]
    assert started == [302, 302, 302, 429]
