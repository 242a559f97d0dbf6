"""New assessments are rate-limited per address, online and through the API together;
every limit keeps counting, in each process, while Redis is away."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
from flask import Flask, request
from sqlalchemy import func, select

from tests.helpers import (
    IN_CI,
    PASSWORD,
    create_workshop,
    csrf_token,
    logged_in,
    make_app,
    participant,
)
from tests.servers import RedisServer, Servers, wait_until
from web.platform.extensions import db, limiter
from web.storage.models import Assessment, Workshop

LIMIT = "3 per minute"


def _start(client: Any, **environ: str) -> Any:
    home = client.get("/", environ_base=environ)
    return client.post("/start", data={"csrf_token": csrf_token(home.text)}, environ_base=environ)


def _stored(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Assessment)) or 0


def test_starting_too_many_assessments_is_refused_with_a_clear_page(app: Flask) -> None:
    app.config["ASSESSMENT_RATE_LIMIT"] = LIMIT
    client = app.test_client()
    assert [_start(client).status_code for _ in range(3)] == [302, 302, 302]
    refused = _start(client)
    assert refused.status_code == 429
    assert "För många försök" in refused.text and 'href="/"' in refused.text
    assert int(refused.headers["Retry-After"]) > 0
    assert _stored(app) == 3

    client.get("/sprak/en")
    assert "Too many attempts" in _start(client).text


def test_the_api_and_the_site_share_one_limit_and_the_api_answers_json(app: Flask) -> None:
    app.config["ASSESSMENT_RATE_LIMIT"] = LIMIT
    client = app.test_client()
    for _ in range(3):
        # Sent back with errors: nothing is created, so nothing counts.
        assert client.post("/api/v1/assessments", json={}).status_code == 422
    assert [_start(client).status_code for _ in range(3)] == [302, 302, 302]
    refused = client.post("/api/v1/assessments", json={})
    assert refused.status_code == 429
    assert refused.is_json and set(refused.get_json()) == {"error", "field"}
    assert _stored(app) == 3


def test_addresses_behind_a_trusted_proxy_count_apart_and_forged_ones_do_not(
    database_url: str,
) -> None:
    direct = make_app(database_url, ASSESSMENT_RATE_LIMIT="1 per minute")
    forged = direct.test_client()
    assert _start(forged, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 302
    # Without a trusted proxy the header is anyone's to write: it does not help.
    assert _start(forged, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 429

    proxied = make_app(database_url, ASSESSMENT_RATE_LIMIT="1 per minute", TRUSTED_PROXIES=1)
    room = proxied.test_client()
    assert _start(room, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 302
    assert _start(room, HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 302
    assert _start(room, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 429
    for app in (direct, proxied):
        with app.app_context():
            db.engine.dispose()


def _join(app: Flask, code: str) -> Any:
    """A new phone (fresh cookies) joins workshop ``code``; all phones share one address."""
    phone = app.test_client()
    page = phone.get(f"/w/{code}")
    assert page.status_code == 200, page.text
    return phone.post(f"/w/{code}", data={"csrf_token": csrf_token(page.text)})


def _participants(app: Flask, code: str) -> int:
    with app.app_context():
        workshop = db.session.execute(select(Workshop).where(Workshop.code == code)).scalar_one()
        return len(workshop.participants)


def test_one_address_cannot_fill_a_workshop_past_its_join_limit(app: Flask) -> None:
    app.config["JOIN_RATE_LIMIT_PER_WORKSHOP"] = LIMIT
    advisor = logged_in(app, "radgivare@example.se")
    _, code = create_workshop(advisor, language="en")
    assert [_join(app, code).status_code for _ in range(3)] == [302, 302, 302]
    refused = _join(app, code)
    # The workshop's language (English), as on its join page: wait a little, try again.
    assert refused.status_code == 429 and "Too many attempts" in refused.text
    assert "Wait a minute and try again" in refused.text
    assert int(refused.headers["Retry-After"]) > 0
    assert _participants(app, code) == 3

    # Another workshop counts apart: the same address still joins it.
    _, other = create_workshop(advisor, title="Ledningsgruppen, uppföljning")
    assert _join(app, other).status_code == 302
    assert _participants(app, other) == 1


def test_wrong_codes_rejoins_and_forms_sent_back_leave_the_join_limit_alone(
    app: Flask, questionnaire: Any
) -> None:
    app.config["JOIN_RATE_LIMIT_PER_WORKSHOP"] = LIMIT
    advisor = logged_in(app, "radgivare@example.se")
    _, code = create_workshop(advisor)
    phone = app.test_client()
    token = csrf_token(phone.get("/w").text)
    for typo in ("AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD"):
        assert phone.post("/w", data={"csrf_token": token, "code": typo}).status_code == 404
        assert phone.post(f"/w/{typo}", data={"csrf_token": token}).status_code == 404
    for _ in range(3):
        sent_back = phone.post(f"/w/{code}", data={"csrf_token": token, "name": "x" * 81})
        assert sent_back.status_code == 422
    assert _participants(app, code) == 0

    first = participant(app, questionnaire, code)
    token = csrf_token(first.client.get("/w").text)
    for _ in range(3):  # the same phone again: its own participant, nobody new
        again = first.client.post(f"/w/{code}", data={"csrf_token": token})
        assert again.location == f"/a/{first.token}"

    assert [_join(app, code).status_code for _ in range(3)] == [302, 302, 429]
    assert _participants(app, code) == 3


@pytest.mark.slow  # 300 joins
def test_the_default_lets_a_room_of_200_on_one_address_join_and_stops_it_at_300(
    app: Flask,
) -> None:
    """The default (300 per 10 minutes): a room of 200 on one connection gets in with a
    third to spare, one address still cannot fill a workshop of 1500 in minutes."""
    advisor = logged_in(app, "radgivare@example.se")
    _, code = create_workshop(advisor)
    app.config["WTF_CSRF_ENABLED"] = False  # one request per phone: half the test's time
    phones = [app.test_client().post(f"/w/{code}").status_code for _ in range(300)]
    assert phones.count(302) == 300 and _participants(app, code) == 300
    refused = app.test_client().post(f"/w/{code}")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 60
    assert _participants(app, code) == 300


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test's own, which it may stop: skipped without the binary,
    a failure in CI."""
    binary = shutil.which("redis-server")
    if binary is None:
        if IN_CI:
            raise AssertionError("CI needs redis-server on the PATH")
        pytest.skip("this test needs redis-server")
    server = RedisServer(tmp_path, binary)
    yield server
    server.stop()


def _log_in(app: Flask, email: str) -> int:
    client = app.test_client()
    page = client.get("/radgivare/logga-in")
    data = {"csrf_token": csrf_token(page.text), "email": email, "password": PASSWORD}
    return client.post("/radgivare/logga-in", data=data).status_code


@pytest.mark.slow  # a real Redis, stopped and started
def test_with_redis_gone_people_still_log_in_join_and_start_and_limits_still_count(
    database_url: str,
    redis_server: RedisServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = make_app(
        database_url, RATELIMIT_STORAGE_URI=redis_server.url, LOGIN_RATE_LIMIT="3 per minute"
    )
    app.instance_path = str(tmp_path / "instance")
    questionnaire = app.extensions["lyftkollen.content"].questionnaire
    advisor = logged_in(app, "radgivare@example.se")  # counted in Redis
    _, code = create_workshop(advisor)
    health = app.test_client().get("/healthz")
    assert health.status_code == 200 and health.get_json()["rate_limits"] == "ok"

    redis_server.stop()
    with caplog.at_level(logging.WARNING):
        participant(app, questionnaire, code)  # joins: 302, not 500
        assert _start(app.test_client()).status_code == 302
        # The login limit still holds, counted afresh in this process.
        logins = [_log_in(app, "radgivare@example.se") for _ in range(4)]
    assert logins == [302, 302, 302, 429]
    assert any("per process" in r.getMessage() for r in caplog.records), caplog.text

    health = app.test_client().get("/healthz")
    assert health.status_code == 200
    assert health.get_json() == {"status": "ok", "database": "ok", "rate_limits": "degraded"}

    # Redis is back. Flask-Limiter asks it again on a limited request once a growing
    # pause (1, 2, 4 … s) has passed: pretend it has, so no test waits for it.
    redis_server.start()
    limiter._Limiter__last_check_backend = 0  # type: ignore[attr-defined]
    with caplog.at_level(logging.WARNING):
        assert _start(app.test_client()).status_code == 302
    assert any("count across processes" in r.getMessage() for r in caplog.records)
    assert redis.Redis.from_url(redis_server.url).keys("LIMITS*")  # counted there again
    assert app.test_client().get("/healthz").get_json()["rate_limits"] == "ok"
    with app.app_context():
        db.engine.dispose()


@pytest.mark.slow  # a real Redis, stopped midway
def test_a_new_assessment_whose_count_redis_loses_midway_is_still_created(
    database_url: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    """Redis answers the check before the view and is gone when the created assessment
    is counted after it: the person still gets their assessment, not an error page."""
    app = make_app(database_url, RATELIMIT_STORAGE_URI=redis_server.url)
    app.instance_path = str(tmp_path / "instance")

    @app.after_request  # runs before the limiter's own (the last registered runs first)
    def redis_goes_away(response: Any) -> Any:
        if request.endpoint == "survey.start":
            redis_server.stop()
        return response

    started = _start(app.test_client())
    assert started.status_code == 302 and started.location.startswith("/a/")
    assert _stored(app) == 1
    with app.app_context():
        db.engine.dispose()


def test_a_redis_that_hangs_holds_a_request_for_a_quarter_second_at_most(
    database_url: str,
) -> None:
    app = make_app(database_url, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15")
    with app.app_context():
        client = limiter.storage.storage  # the redis-py client Flask-Limiter counts with
        settings = client.connection_pool.connection_kwargs
        assert settings["socket_timeout"] == settings["socket_connect_timeout"] == 0.25
        db.engine.dispose()


@pytest.mark.slow  # a real gunicorn server and Redis
def test_a_gunicorn_worker_keeps_starting_assessments_and_says_so_when_redis_goes_away(
    servers: Servers, database_url: str, redis_server: RedisServer
) -> None:
    """As in production: REDIS_URL from the environment, the warning in gunicorn's log."""
    server = servers.start(database_url, workers=1, environment={"REDIS_URL": redis_server.url})

    def start() -> requests.Response:
        browser = requests.Session()
        home = browser.get(server.url + "/", timeout=30)
        data = {"csrf_token": csrf_token(home.text)}
        return browser.post(server.url + "/start", data=data, timeout=30)

    assert "/steg/1" in start().url
    assert requests.get(server.url + "/healthz", timeout=30).json()["rate_limits"] == "ok"

    redis_server.stop()
    started = start()
    assert started.status_code == 200 and "/steg/1" in started.url
    health = requests.get(server.url + "/healthz", timeout=30)
    assert health.status_code == 200 and health.json()["rate_limits"] == "degraded"
    wait_until(lambda: "counts per process" in server.log.read_text(), "the warning", 10)
