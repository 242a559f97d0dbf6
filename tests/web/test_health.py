"""/healthz tells a load balancer whether this process can reach its database."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from flask import Flask

import web.platform.extensions
from tests.helpers import make_app
from web.platform.extensions import db, limiter


def test_a_process_with_its_database_is_healthy_over_plain_http(database_url: str) -> None:
    app = make_app(database_url, FORCE_HTTPS=True)
    response = app.test_client().get("/healthz")
    assert response.status_code == 200  # not redirected to HTTPS, unlike every page
    assert response.get_json() == {"status": "ok", "database": "ok", "rate_limits": "ok"}
    assert "Set-Cookie" not in response.headers
    assert app.test_client().get("/").status_code == 302
    with app.app_context():
        db.engine.dispose()


def test_a_process_whose_redis_does_not_answer_is_healthy_but_degraded(
    database_url: str,
) -> None:
    """Rate limits then count per process: worth an alert, no reason to stop serving."""
    with socket.socket() as refusing:
        refusing.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        port = refusing.getsockname()[1]
        app = make_app(database_url, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{port}/0")
        response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "rate_limits": "degraded"}
    with app.app_context():
        db.engine.dispose()


def test_redis_is_asked_at_most_once_per_few_seconds_however_often_health_is_checked(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While Redis hangs each ask holds a worker for its timeout, and anyone may call
    /healthz: a flood of checks must not tie up every worker."""
    app = make_app(database_url)
    asked: list[float] = []
    now = [1000.0]
    monkeypatch.setattr(web.platform.extensions.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(limiter.storage, "check", lambda: asked.append(now[0]) or False)
    client = app.test_client()
    for _ in range(20):
        assert client.get("/healthz").get_json()["rate_limits"] == "degraded"
    now[0] += web.platform.extensions.STORAGE_CHECK_SECONDS
    assert client.get("/healthz").get_json()["rate_limits"] == "degraded"
    assert asked == [1000.0, 1000.0 + web.platform.extensions.STORAGE_CHECK_SECONDS]
    with app.app_context():
        db.engine.dispose()


def test_a_process_without_its_database_is_unavailable(tmp_path: Path) -> None:
    unreachable = f"sqlite:///{tmp_path / 'no-such-folder' / 'lyftkollen.sqlite3'}"
    app: Flask = make_app(unreachable)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "database": "unreachable",
        "rate_limits": "ok",
    }
