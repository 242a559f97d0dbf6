"""Migrations: an empty database up to head and back, step by step, and old data carried up.

Each test makes its own empty database (a SQLite file; a new PostgreSQL database when
TEST_DATABASE_URL is set), not the already-migrated one the other tests use.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import Script, ScriptDirectory
from flask import Flask
from sqlalchemy import JSON, DateTime, bindparam, create_engine, inspect, text
from sqlalchemy.engine import make_url

import config
from app import MIGRATIONS_DIR
from tests.helpers import BACKENDS, TEST_DATABASE_URL, make_app
from web.assessments import service as assessments
from web.platform.extensions import db

# Slow: every migration, up and down, on both databases.
pytestmark = pytest.mark.slow

SCRIPTS = ScriptDirectory(MIGRATIONS_DIR)
# Outcomes as assessments stored them over time (recommender/stored.py's formats).
STORED_SHAPES = {
    name: shape
    for name, shape in json.loads(
        (Path(__file__).parent / "data" / "stored_outcomes.json").read_text(encoding="utf-8")
    ).items()
    if not name.startswith("_")
}


def _as_utc(moment: datetime) -> datetime:
    """Rows read with plain SQL: SQLite gives naive datetimes (stored in UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no table at all, made for this test alone."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    assert TEST_DATABASE_URL, "PostgreSQL tests need TEST_DATABASE_URL"
    server = make_url(config.database_url(TEST_DATABASE_URL, ""))
    name = f"lyftkollen_migrations_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def app(empty_database_url: str) -> Iterator[Flask]:
    """The app on the empty database, not migrating anything by itself."""
    application = make_app(empty_database_url, AUTO_MIGRATE=False)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def _revisions() -> list[Script]:
    """Every revision, the first one first; there must be exactly one head."""
    assert len(SCRIPTS.get_heads()) == 1, f"several heads: {SCRIPTS.get_heads()}"
    revisions = list(reversed(list(SCRIPTS.walk_revisions("base", "heads"))))
    assert revisions[0].down_revision is None
    return revisions


def _upgrade(app: Flask, revision: str) -> None:
    with app.app_context():
        command.upgrade(app.extensions["migrate"].migrate.get_config(MIGRATIONS_DIR), revision)


def _downgrade(app: Flask, revision: str) -> None:
    with app.app_context():
        command.downgrade(app.extensions["migrate"].migrate.get_config(MIGRATIONS_DIR), revision)


def _version(app: Flask) -> list[str]:
    """The revisions alembic_version holds (none on an empty or fully downgraded database)."""
    with app.app_context(), db.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return []
        return list(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def _schema(app: Flask) -> dict[str, Any]:
    """Application tables with their columns (name, nullable), indexes and foreign keys."""
    with app.app_context(), db.engine.connect() as connection:
        inspector = inspect(connection)
        return {
            table: {
                "columns": {c["name"]: c["nullable"] for c in inspector.get_columns(table)},
                "indexes": sorted(i["name"] for i in inspector.get_indexes(table)),
                "foreign_keys": sorted(
                    (tuple(f["constrained_columns"]), f["referred_table"])
                    for f in inspector.get_foreign_keys(table)
                ),
            }
            for table in inspector.get_table_names()
            if table != "alembic_version"
        }


def test_an_empty_database_goes_to_head_and_back(app: Flask) -> None:
    head = _revisions()[-1].revision
    assert _schema(app) == {}

    _upgrade(app, "head")
    assert _version(app) == [head]
    schema = _schema(app)
    assert set(schema) == set(db.metadata.tables)
    for name, table in db.metadata.tables.items():
        expected = {c.name: c.nullable for c in table.columns}
        assert schema[name]["columns"] == expected, f"columns of {name}"
        indexed = sorted(i.name for i in table.indexes)
        assert [i for i in schema[name]["indexes"] if i in indexed] == indexed, name
        assert schema[name]["foreign_keys"] == sorted(
            (tuple(c.name for c in fk.columns), fk.referred_table.name)
            for fk in table.foreign_key_constraints
        ), f"foreign keys of {name}"

    _downgrade(app, "base")
    assert _schema(app) == {}, "tables left after downgrading to base"
    assert _version(app) == []

    # Debris from the downgrade (an index, a table) would make this fail.
    _upgrade(app, "head")
    assert _version(app) == [head]
    assert _schema(app) == schema


# Revisions that move data and leave the schema as it was; each has its own test below.
DATA_ONLY = {"5e8c1a7b2d46"}


def test_every_revision_upgrades_and_downgrades_one_step_at_a_time(app: Flask) -> None:
    revisions = _revisions()
    schemas: dict[str | None, dict[str, Any]] = {None: _schema(app)}
    for script in revisions:
        _upgrade(app, script.revision)
        assert _version(app) == [script.revision]
        schemas[script.revision] = _schema(app)
        changed = schemas[script.revision] != schemas[script.down_revision]
        assert changed != (script.revision in DATA_ONLY), (
            f"{script.revision} changed nothing"
            if not changed
            else f"{script.revision} is data only"
        )
    for script in reversed(revisions):
        below = script.down_revision
        assert isinstance(below, str | None)
        _downgrade(app, below or "base")
        assert _version(app) == ([below] if below else [])
        # Back to exactly the schema the revision below had on the way up.
        assert _schema(app) == schemas[below], f"downgrading {script.revision}"


CREATED = datetime(2026, 11, 21, 18, 30, 5, 123456, tzinfo=UTC)
UPDATED = datetime(2026, 11, 21, 18, 41, 17, 654321, tzinfo=UTC)
COMPLETED = datetime(2026, 11, 21, 18, 42, 0, 1, tzinfo=UTC)
PROFILE = {"employees": 45, "turnover_msek": 62.5, "sni": "25", "region": "06"}


def _answers(app: Flask) -> dict[str, Any]:
    """One answer per question: a level-3 choice, a JSON list, numbers and "don't know"."""
    questionnaire = app.extensions["lyftkollen.content"].questionnaire
    answers: dict[str, Any] = {}
    numbers = iter([12, 2.5, "dont_know", 7])
    for section in questionnaire.sections[1:]:
        for q in section.questions:
            if q.type == "single":
                answers[q.id] = next(o.value for o in q.options if o.level == 3)
            elif q.type == "multi":
                answers[q.id] = [o.value for o in q.answer_options[:2]]
            elif q.type == "number":
                answers[q.id] = next(numbers)
    kinds = {type(v) for v in answers.values()}
    assert {str, list, int, float} <= kinds, kinds
    return answers


def test_data_from_the_first_revision_is_intact_at_head(app: Flask) -> None:
    first = _revisions()[0].revision
    _upgrade(app, first)
    assert _version(app) == [first]

    content = app.extensions["lyftkollen.content"]
    answers = _answers(app)
    # The scores and path exactly as the first revision's code kept them.
    scores = STORED_SHAPES["first_revision"]["scores"]
    recommended = STORED_SHAPES["first_revision"]["recommendation"]
    token = "0123456789abcdefABCDEF_-xyz"
    assessment = {
        "token": token,
        "questionnaire_version": content.questionnaire.version,
        "language": "sv",
        "source": "web",
        "status": "completed",
        "profile": PROFILE,
        "scores": scores,
        "recommendation": recommended,
        "created_at": CREATED,
        "updated_at": UPDATED,
        "completed_at": COMPLETED,
    }
    json_and_times = [
        bindparam("profile", type_=JSON),
        bindparam("scores", type_=JSON),
        bindparam("recommendation", type_=JSON),
        bindparam("created_at", type_=DateTime(timezone=True)),
        bindparam("updated_at", type_=DateTime(timezone=True)),
        bindparam("completed_at", type_=DateTime(timezone=True)),
    ]
    with app.app_context(), db.engine.begin() as connection:
        # The first revision's columns, in plain SQL: nothing of the models of today.
        connection.execute(
            text(
                "INSERT INTO assessments (token, questionnaire_version, language, source,"
                " status, profile, scores, recommendation, created_at, updated_at,"
                " completed_at) VALUES (:token, :questionnaire_version, :language, :source,"
                " :status, :profile, :scores, :recommendation, :created_at, :updated_at,"
                " :completed_at)"
            ).bindparams(*json_and_times),
            assessment,
        )
        assessment_id = connection.execute(
            text("SELECT id FROM assessments WHERE token = :token"), {"token": token}
        ).scalar_one()
        connection.execute(
            text(
                "INSERT INTO answers (assessment_id, question_id, value, updated_at)"
                " VALUES (:assessment_id, :question_id, :value, :updated_at)"
            ).bindparams(
                bindparam("value", type_=JSON),
                bindparam("updated_at", type_=DateTime(timezone=True)),
            ),
            [
                {
                    "assessment_id": assessment_id,
                    "question_id": q,
                    "value": v,
                    "updated_at": UPDATED,
                }
                for q, v in answers.items()
            ],
        )

    _upgrade(app, "head")
    assert _version(app) == [_revisions()[-1].revision]

    with app.app_context(), db.engine.connect() as connection:
        row = (
            connection.execute(
                text("SELECT * FROM assessments").columns(
                    profile=JSON,
                    scores=JSON,
                    recommendation=JSON,
                    created_at=DateTime(timezone=True),
                    updated_at=DateTime(timezone=True),
                    completed_at=DateTime(timezone=True),
                )
            )
            .mappings()
            .one()
        )
        stored = connection.execute(
            text("SELECT assessment_id, question_id, value, updated_at FROM answers").columns(
                value=JSON, updated_at=DateTime(timezone=True)
            )
        ).all()
        for table in ("users", "companies", "workshops"):
            assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0

    assert row["id"] == assessment_id
    for column, value in assessment.items():
        if isinstance(value, datetime):
            assert _as_utc(row[column]) == value, column
        else:
            assert row[column] == value, column
    # Added later: empty for an assessment made before workshops and companies existed.
    for column in ("workshop_id", "participant_name", "participant_role", "company_id"):
        assert row[column] is None, column
    assert {q: v for _, q, v, _ in stored} == answers
    assert len(stored) == len(answers)
    assert {a for a, _, _, _ in stored} == {assessment_id}
    assert {_as_utc(t) for _, _, _, t in stored} == {UPDATED}

    # The app of today reads it as it was: the answers, and the result page.
    with app.app_context():
        found = assessments.find(token)
        assert found is not None
        assert found.answer_map() == answers
        assert found.profile == PROFILE
        assert found.completed and found.workshop is None and found.company is None
        db.session.remove()
    page = app.test_client().get(f"/a/{token}/resultat")
    assert page.status_code == 200, page.text
    primary = content.catalogue.offering(recommended["primary"]["id"])
    assert primary.name.get("sv") in page.text
    assert "2026-11-21" in page.text


# How a deploy migrates (docs/deploy.md): the app at start, or the command. Each in a
# process of its own, with the app's settings from the environment, as in production.
START = ("-c", "from app import create_app; create_app()")
UPGRADE = ("-m", "flask", "--app", "app", "db", "upgrade")
ROOT = Path(MIGRATIONS_DIR).parent


def _printed(database_url: str, command: tuple[str, ...], auto_migrate: bool) -> str:
    """What ``command`` printed, stdout and stderr together; it must succeed."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-migrations-secret-key",
        "AUTO_MIGRATE": "1" if auto_migrate else "0",
        "LYFTKOLLEN_ENV": "development",
    }
    environment.pop("REDIS_URL", None)
    done = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, *command],
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout
    return done.stdout


@pytest.mark.parametrize(
    ("first", "auto_migrate"), [(START, True), (UPGRADE, False)], ids=["app start", "db upgrade"]
)
def test_migrating_names_each_migration_and_an_up_to_date_database_prints_nothing(
    empty_database_url: str, first: tuple[str, ...], auto_migrate: bool
) -> None:
    printed = _printed(empty_database_url, first, auto_migrate).splitlines()
    revisions = _revisions()
    assert len(printed) == len(revisions), printed
    for line, revision in zip(printed, revisions, strict=True):
        assert line.endswith(f"-> {revision.revision}, {revision.doc}"), line

    # Alembic's "Context impl SQLiteImpl." and "Will assume non-transactional DDL." are gone.
    assert _printed(empty_database_url, START, auto_migrate=True) == ""
    assert _printed(empty_database_url, UPGRADE, auto_migrate=True) == ""  # start, then the command


def test_the_target_group_s_divisions_outside_manufacturing_become_one_peer_group(
    app: Flask,
) -> None:
    """Summary rows written before the named industry sets: mining, energy and
    engineering firms leave "non_manufacturing" for "industry_related"; others stay."""
    _upgrade(app, "7d3b9e4a0c15")
    rows = {"m": (7, "non_manufacturing"), "e": (71, "non_manufacturing"),
            "it": (62, "non_manufacturing"), "metal": (25, "metal")}  # fmt: skip
    with app.app_context(), db.engine.begin() as connection:
        for token, (division, group) in rows.items():
            connection.execute(
                text(
                    "INSERT INTO assessments (token, questionnaire_version, language, source,"
                    " status, profile, created_at, updated_at) VALUES (:token, '2026.1', 'sv',"
                    " 'web', 'completed', :profile, :at, :at)"
                ).bindparams(
                    bindparam("profile", type_=JSON), bindparam("at", type_=DateTime(timezone=True))
                ),
                {"token": token, "profile": {"employees": 20}, "at": COMPLETED},
            )
            connection.execute(
                text(
                    "INSERT INTO result_summaries (assessment_id, demo, completed_on,"
                    " respondents, industry_group, sni_division) SELECT id, :no, :day, 1,"
                    " :group, :division FROM assessments WHERE token = :token"
                ),
                {
                    "no": False,
                    "day": COMPLETED.date(),
                    "group": group,
                    "division": division,
                    "token": token,
                },  # fmt: skip
            )

    def groups() -> dict[int, str]:
        with app.app_context(), db.engine.connect() as connection:
            found = connection.execute(
                text("SELECT sni_division, industry_group FROM result_summaries")
            ).all()
        return {int(d): str(g) for d, g in found}

    _upgrade(app, "5e8c1a7b2d46")
    assert groups() == {7: "industry_related", 71: "industry_related",
                        62: "non_manufacturing", 25: "metal"}  # fmt: skip
    _downgrade(app, "7d3b9e4a0c15")
    assert groups() == {7: "non_manufacturing", 71: "non_manufacturing",
                        62: "non_manufacturing", 25: "metal"}  # fmt: skip


def test_every_stored_outcome_shape_shows_at_head(app: Flask) -> None:
    """A result kept in any of the shapes used over time is read by today's app: its page
    and its API document show the path it was given, and where it came from."""
    _upgrade(app, _revisions()[0].revision)
    content = app.extensions["lyftkollen.content"]
    with app.app_context(), db.engine.begin() as connection:
        for name, shape in STORED_SHAPES.items():
            connection.execute(
                text(
                    "INSERT INTO assessments (token, questionnaire_version, language, source,"
                    " status, profile, scores, recommendation, created_at, updated_at,"
                    " completed_at) VALUES (:token, :version, 'sv', 'web', 'completed',"
                    " :profile, :scores, :recommendation, :at, :at, :at)"
                ).bindparams(
                    bindparam("profile", type_=JSON),
                    bindparam("scores", type_=JSON),
                    bindparam("recommendation", type_=JSON),
                    bindparam("at", type_=DateTime(timezone=True)),
                ),
                {
                    "token": f"shape_{name}",
                    "version": content.questionnaire.version,
                    "profile": PROFILE,
                    "scores": shape["scores"],
                    "recommendation": shape["recommendation"],
                    "at": COMPLETED,
                },
            )
    _upgrade(app, "head")

    client = app.test_client()
    for name, shape in STORED_SHAPES.items():
        expected = shape["expected"]
        page = client.get(f"/a/shape_{name}/resultat")
        assert page.status_code == 200, (name, page.text)
        if expected["primary"] is None:  # scores only (a workshop participant's): no path
            continue
        document = client.get(f"/api/v1/assessments/shape_{name}")
        offering = content.catalogue.offering(expected["primary"])
        assert offering.name.get("sv") in page.text, name
        assert document.status_code == 200, name
        path = document.get_json()["recommendation"]
        assert path["primary"]["id"] == expected["primary"], name
        assert [s["id"] for s in path["complementary"]] == expected["complementary"], name
        assert document.get_json()["overall"] == expected["overall"], name
        if expected["decisions"] is not None:
            assert str(expected["decisions"]) in page.text, name
