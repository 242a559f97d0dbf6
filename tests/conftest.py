"""Fixtures: the app on a fresh database (SQLite always, PostgreSQL when configured).

Every test run creates its own databases: a SQLite file migrated once and copied for
each test, and, when TEST_DATABASE_URL points at a PostgreSQL server, a new database on
it, migrated once, emptied between tests and dropped at the end.

What tests import (settings, helpers, Survey) is in tests/helpers.py, not here.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import app as app_module
import config
from tests.helpers import (
    BACKENDS,
    IN_CI,
    TEST_DATABASE_URL,
    DataDirectoryOnce,
    Survey,
    TemplateCache,
    app_in_own_instance,
    migrate,
)
from tests.servers import Servers
from web.platform.extensions import db


def pytest_sessionstart(session: pytest.Session) -> None:
    # In CI a missing database is a failure, never a silently smaller test run.
    if IN_CI and not TEST_DATABASE_URL:
        raise pytest.UsageError("CI=true but TEST_DATABASE_URL is not set: PostgreSQL is required")


@pytest.fixture(scope="session", autouse=True)
def content_and_templates_once() -> Iterator[None]:
    """Every app the session builds shares the parsed content and compiled templates
    (tests/helpers.py says how an edited data/ or template is still seen)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(app_module, "DataDirectory", DataDirectoryOnce)
        options = {**Flask.jinja_options, "bytecode_cache": TemplateCache()}
        patch.setattr(Flask, "jinja_options", options)
        yield


@pytest.fixture(scope="session", autouse=True)
def instance_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Apps the tests build get an instance folder (secret key, SQLite file, migration
    lock) in the session's temporary folder, not the checkout's instance/: a developer's
    files are left alone, and test processes running side by side (pytest-xdist) share
    none. A test may still choose its own (app_in_own_instance)."""
    folder = str(tmp_path_factory.mktemp("instance"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Flask, "auto_find_instance_path", lambda _self: folder)
        yield


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    assert TEST_DATABASE_URL, "PostgreSQL tests need TEST_DATABASE_URL"
    server = make_url(config.database_url(TEST_DATABASE_URL, ""))
    name = f"lyftkollen_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        migrate(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, migrated, empty database for one test."""
    if request.param == "sqlite":
        path = tmp_path / "lyftkollen.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    return _emptied(request.getfixturevalue("postgres_url"))


def _emptied(url: str) -> str:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(f"TRUNCATE {', '.join(db.metadata.tables)} RESTART IDENTITY CASCADE")
        )
    engine.dispose()
    return url


@pytest.fixture
def postgresql_database(request: pytest.FixtureRequest) -> str:
    """The test run's PostgreSQL database, emptied, for a test that only PostgreSQL can
    run: skipped without TEST_DATABASE_URL, a failure in CI."""
    if not TEST_DATABASE_URL:
        if IN_CI:
            raise AssertionError("CI needs TEST_DATABASE_URL")
        pytest.skip("this test needs PostgreSQL: set TEST_DATABASE_URL")
    return _emptied(request.getfixturevalue("postgres_url"))


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    yield from app_in_own_instance(database_url, tmp_path)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def questionnaire(app: Flask) -> Any:
    return app.extensions["lyftkollen.content"].questionnaire


@pytest.fixture
def survey(client: FlaskClient, questionnaire: Any) -> Survey:
    return Survey(client, questionnaire)


# ------------------------------------------------------------------ real server processes


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    """Start gunicorn servers with ``servers.start(...)``; all are killed at the end."""
    started = Servers(tmp_path)
    try:
        yield started
    finally:
        started.kill_all()
