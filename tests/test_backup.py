"""Backup and restore: ``flask export`` and ``flask import`` give back every row, or refuse.

Each test fills the app's database through the app itself (an advisor, a workshop whose
participants answer on their phones, online self-assessments, one linked to the
company) and restores it into a second fresh, migrated database on the same backend.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import stat
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from click.testing import Result
from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

import config
from app import MIGRATIONS_DIR
from tests.helpers import (
    PASSWORD,
    TEST_DATABASE_URL,
    Survey,
    create_workshop,
    csrf_token,
    logged_in,
    make_app,
    migrate,
    participant,
    set_profile,
)
from web.operations.backup import UNUSABLE_PASSWORD, tables
from web.operations.cli import export_command, import_command
from web.platform.extensions import db
from web.storage import installation
from web.storage.models import Assessment, Company, User, Workshop, new_installation_id

ANNA = "anna@example.se"
BO = "bo@example.se"
ONLINE_PROFILE = {"employees": "45", "sni": "25"}
HEAD = ScriptDirectory(MIGRATIONS_DIR).get_current_head()
COMMANDS = {"export": export_command, "import": import_command}
# Tables an export leaves out: the change counters, which triggers keep; the
# installation row, whose id a full export carries in its header instead; and
# logins, which a restore must not revive.
NOT_EXPORTED = {"change_counters", "installation", "advisor_sessions"}


# ------------------------------------------------------------------ a second database


@pytest.fixture(scope="session")
def second_postgres_url() -> Iterator[str]:
    """A second PostgreSQL database for the run, migrated once, dropped at the end."""
    assert TEST_DATABASE_URL, "PostgreSQL tests need TEST_DATABASE_URL"
    server = make_url(config.database_url(TEST_DATABASE_URL, ""))
    name = f"lyftkollen_restore_{uuid.uuid4().hex[:10]}"
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


@pytest.fixture
def restore_url(database_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A second fresh, migrated, empty database on the same backend as ``database_url``."""
    if database_url.startswith("sqlite"):
        path = tmp_path / "restored.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("second_postgres_url")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(f"TRUNCATE {', '.join(db.metadata.tables)} RESTART IDENTITY CASCADE")
        )
    engine.dispose()
    return url


@pytest.fixture
def restored(restore_url: str) -> Iterator[Flask]:
    """The app on the second database."""
    application = make_app(restore_url)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


# ------------------------------------------------------------------ helpers


def run(app: Flask, command: str, *args: str) -> Result:
    """``flask --app app <command> <args>`` through the app's CLI runner.

    The command objects are invoked directly, so these tests do not depend on app.py
    registering them; test_the_app_offers_export_and_import checks that it does.
    """
    return app.test_cli_runner().invoke(COMMANDS[command], list(args))


def export(app: Flask, *args: str) -> str:
    result = run(app, "export", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def import_file(app: Flask, path: Path) -> Result:
    return run(app, "import", str(path))


def write(tmp_path: Path, document: dict[str, Any], name: str = "export.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def every_row(app: Flask) -> dict[str, list[dict[str, Any]]]:
    """Every column of every row of every table a backup holds, as the app reads them,
    by primary key."""
    with app.app_context():
        found = {}
        for table in tables():
            rows = [dict(row._mapping) for row in db.session.execute(select(table))]
            key = [column.name for column in table.primary_key.columns]
            found[table.name] = sorted(rows, key=lambda row: tuple(row[k] for k in key))
        db.session.rollback()
        return found


def row_counts(app: Flask) -> dict[str, int]:
    return {name: len(rows) for name, rows in every_row(app).items()}


def make_user_in(app: Flask) -> None:
    logged_in(app, ANNA)


def scores_on_page(html: str) -> list[tuple[str, str]]:
    """The result page's table: (dimension, score) per row."""
    return re.findall(r'<th scope="row">([^<]+)</th>\s*<td><span class="score">(\d+)<', html)


@dataclass
class Filled:
    """What ``fill`` made: the ids and tokens the tests look for."""

    company: str  # Anna's company's public id
    other_company: str  # Bo's
    workshop_url: str
    participants: list[str]  # Anna's workshop's participants' tokens
    linked: str  # the online assessment linked to Anna's company
    unlinked: list[str]  # online assessments of nobody's company
    other_participant: str  # in Bo's workshop


def fill(app: Flask, questionnaire: Any) -> Filled:
    """Realistic data, made the way people make it: forms, phones, links."""
    anna = logged_in(app, ANNA)
    url, code = create_workshop(anna)
    early = participant(app, questionnaire, code, name="Karin")
    early.answer_maturity_pages(1)  # finished before the advisor gave the profile
    assert set_profile(anna, url).status_code == 302
    late = participant(app, questionnaire, code, name="Per")
    late.answer_maturity_pages(3)
    unfinished = participant(app, questionnaire, code)
    unfinished.post(2, unfinished.answers_at_level(2)[2])
    page = anna.get(url)
    decided = anna.post(
        f"{url}/beslut",
        data={"csrf_token": csrf_token(page.text), "offering": "iuc", "reason": "Närmast"},
    )
    assert decided.status_code == 302
    closed = anna.post(f"{url}/stang", data={"csrf_token": csrf_token(page.text), "open": "0"})
    assert closed.status_code == 302

    with app.app_context():
        public_id = url.rstrip("/").split("/")[-1]
        workshop = db.session.execute(select(Workshop).where(Workshop.public_id == public_id))
        company = workshop.scalar_one().company.public_id

    own = Survey(app.test_client(), questionnaire)
    own.complete(ONLINE_PROFILE, level=4)
    page = anna.get(f"/radgivare/foretag/{company}")
    linked = anna.post(
        f"/radgivare/foretag/{company}/koppla",
        data={"csrf_token": csrf_token(page.text), "link": f"http://lyftkollen.test/a/{own.token}"},
    )
    assert linked.status_code == 302

    stranger = Survey(app.test_client(), questionnaire)
    stranger.complete({"employees": "600", "sni": "29"}, level=1)
    started = Survey(app.test_client(), questionnaire)
    started.start()
    assert started.post(1, ONLINE_PROFILE).status_code == 302

    bo = logged_in(app, BO)
    bo_url, bo_code = create_workshop(bo, new_company="Plåtslageriet AB", held_on="2026-12-01")
    set_profile(bo, bo_url)
    theirs = participant(app, questionnaire, bo_code, name="Lena")
    theirs.answer_maturity_pages(2)
    with app.app_context():
        bo_public_id = bo_url.rstrip("/").split("/")[-1]
        bo_workshop = db.session.execute(
            select(Workshop).where(Workshop.public_id == bo_public_id)
        ).scalar_one()
        other_company = bo_workshop.company.public_id
    return Filled(
        company=company,
        other_company=other_company,
        workshop_url=url,
        participants=[early.token, late.token, unfinished.token],
        linked=own.token,
        unlinked=[stranger.token, started.token],
        other_participant=theirs.token,
    )


# ------------------------------------------------------------------ whole database


def test_the_app_offers_export_and_import() -> None:
    app = make_app("sqlite://")
    for name in COMMANDS:
        result = app.test_cli_runner().invoke(args=[name, "--help"])
        assert result.exit_code == 0, (
            f"`flask {name}` is not registered: app.py's register_commands must add "
            f"web.operations.cli's {name}_command"
        )


def test_an_export_imported_into_a_new_database_gives_back_every_row(
    app: Flask, restored: Flask, questionnaire: Any, tmp_path: Path
) -> None:
    fill(app, questionnaire)
    path = tmp_path / "backup.json"
    written = run(app, "export", "--output", str(path))
    assert written.exit_code == 0, written.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds password hashes
    assert not list(tmp_path.glob(".backup.json.*"))  # no temporary file left

    result = import_file(restored, path)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Imported ")

    before, after = every_row(app), every_row(restored)
    # Every table but those an export leaves out (the import counted its own changes).
    assert set(before) == {t.name for t in db.metadata.sorted_tables} - NOT_EXPORTED
    for name in ("users", "companies", "workshops", "assessments", "answers", "decisions"):
        assert before[name], f"the test data has no {name}"
    for name in before:
        assert after[name] == before[name], name

    # The restored database exports to the same bytes, but for the time of the export.
    again = json.loads(export(restored))
    original = json.loads(path.read_text(encoding="utf-8"))
    assert again.pop("exported_at") and original.pop("exported_at")
    assert again == original
    restored_text = export(restored)
    original_text = path.read_text(encoding="utf-8")
    without_time = re.compile(r'"exported_at": "[^"]+"')
    assert without_time.sub("", restored_text) == without_time.sub("", original_text)


def test_the_export_is_versioned_typed_sorted_and_stable(app: Flask, questionnaire: Any) -> None:
    fill(app, questionnaire)
    first, second = export(app), export(app)
    document = json.loads(first)
    assert document["format"] == "lyftkollen-export"
    assert document["format_version"] == 1
    assert document["schema_revision"] == HEAD
    assert document["scope"] == "all"
    assert document["user_references"] == []
    datetime.fromisoformat(document["exported_at"])
    assert set(document["tables"]) == set(db.metadata.tables) - NOT_EXPORTED

    # Byte for byte the same, but for exported_at; keys sorted, rows by primary key.
    assert json.loads(second).pop("exported_at")
    without_time = re.compile(r'"exported_at": "[^"]+"')
    assert without_time.sub("", first) == without_time.sub("", second)
    assert list(document) == sorted(document)
    assert list(document["tables"]) == sorted(document["tables"])
    for name, rows in document["tables"].items():
        table = db.metadata.tables[name]
        key = [c.name for c in table.primary_key.columns]
        assert [tuple(r[k] for k in key) for r in rows] == sorted(
            tuple(r[k] for k in key) for r in rows
        )
        for row in rows:
            assert list(row) == sorted(row) == sorted(c.name for c in table.columns)

    # Datetimes in UTC with the offset, dates as dates, JSON columns as JSON.
    workshop = document["tables"]["workshops"][0]
    assert date.fromisoformat(workshop["held_on"]) == date(2026, 11, 21)
    assert datetime.fromisoformat(workshop["closed_at"]).utcoffset().total_seconds() == 0
    assert workshop["closed_at"].endswith("+00:00")
    assert isinstance(workshop["profile"], dict) and workshop["profile"]["employees"] == 45
    for row in document["tables"]["assessments"]:
        assert row["created_at"].endswith("+00:00")
        if row["status"] == "completed":
            assert isinstance(row["scores"]["dimensions"], dict)
    answer = document["tables"]["answers"][0]
    assert not isinstance(answer["value"], str) or not answer["value"].startswith(("{", "["))


def test_import_refuses_a_database_that_has_rows(
    app: Flask, questionnaire: Any, tmp_path: Path
) -> None:
    fill(app, questionnaire)
    path = tmp_path / "backup.json"
    path.write_text(export(app), encoding="utf-8")
    counts = row_counts(app)

    result = import_file(app, path)
    assert result.exit_code != 0
    assert "the database is not empty" in result.output
    assert f"users ({counts['users']} rows)" in result.output
    assert row_counts(app) == counts


def test_import_refuses_an_unknown_format_or_format_version(
    app: Flask, restored: Flask, tmp_path: Path
) -> None:
    make_user_in(app)
    document = json.loads(export(app))
    cases = [
        ({**document, "format_version": 2}, "unknown format_version 2"),
        ({**document, "format_version": "1"}, "unknown format_version '1'"),
        ({**document, "format": "something-else"}, "not a Lyftkollen export"),
        ([document], "not a Lyftkollen export"),
    ]
    for changed, message in cases:
        result = import_file(restored, write(tmp_path, changed))  # type: ignore[arg-type]
        assert result.exit_code != 0, message
        assert message in result.output
    not_json = tmp_path / "broken.json"
    not_json.write_text('{"format": ', encoding="utf-8")
    result = import_file(restored, not_json)
    assert result.exit_code != 0 and "is not a JSON file" in result.output
    assert sum(row_counts(restored).values()) == 0


def identities(*apps: Flask) -> list[str | None]:
    """Each app's database's installation id (None: it has none)."""
    found = []
    for application in apps:
        with application.app_context():
            found.append(installation.current())
            db.session.remove()
    return found


def new_identity(application: Flask) -> str:
    """Give the app's database an installation id of its own (the SQLite test databases
    are copies of one migrated file, so they start with the same one)."""
    with application.app_context():
        installation.replace(db.session(), new_installation_id())
        db.session.commit()
        db.session.remove()
    (found,) = identities(application)
    assert found is not None
    return found


def test_a_full_export_carries_the_installation_id_and_a_company_export_does_not(
    app: Flask, restored: Flask, questionnaire: Any, tmp_path: Path
) -> None:
    source = new_identity(app)
    target = new_identity(restored)
    filled = fill(app, questionnaire)

    company = json.loads(export(app, "--company", filled.company))
    assert "installation_id" not in company
    assert source not in json.dumps(company)
    result = import_file(restored, write(tmp_path, company, "company.json"))
    assert result.exit_code == 0, result.output
    assert identities(restored) == [target], "a company's import keeps the database's own id"
    # A company's file with an installation id is not one `export` writes: refused.
    claimed = {**company, "installation_id": source}
    result = import_file(restored, write(tmp_path, claimed, "claimed.json"))
    assert result.exit_code != 0 and "a full export only" in result.output

    document = json.loads(export(app))
    assert document["installation_id"] == source
    for bad in ("", "x" * 65, 17):
        result = import_file(restored, write(tmp_path, {**document, "installation_id": bad}))
        assert result.exit_code != 0 and "installation_id must be text" in result.output
    assert identities(restored) == [target]


def test_the_installation_id_survives_export_and_import_into_an_empty_database(
    app: Flask, restored: Flask, questionnaire: Any, tmp_path: Path
) -> None:
    source = new_identity(app)
    target = new_identity(restored)
    assert source != target
    fill(app, questionnaire)
    path = tmp_path / "backup.json"
    path.write_text(export(app), encoding="utf-8")
    # The new database's own installation row does not make it "not empty".
    result = import_file(restored, path)
    assert result.exit_code == 0, result.output
    assert identities(app, restored) == [source, source]
    assert json.loads(export(restored))["installation_id"] == source


def test_import_refuses_another_schema_revision(
    app: Flask, restored: Flask, tmp_path: Path
) -> None:
    make_user_in(app)
    document = json.loads(export(app))
    document["schema_revision"] = "0123456789ab"
    result = import_file(restored, write(tmp_path, document))
    assert result.exit_code != 0
    assert "schema revision 0123456789ab" in result.output
    assert f"the database is at {HEAD}" in result.output
    assert sum(row_counts(restored).values()) == 0


def test_import_names_the_table_and_row_of_bad_data_and_writes_nothing(
    app: Flask, restored: Flask, questionnaire: Any, tmp_path: Path
) -> None:
    fill(app, questionnaire)
    document = json.loads(export(app))

    def broken(change: Any) -> dict[str, Any]:
        changed = copy.deepcopy(document)
        change(changed["tables"])
        return changed

    def bad_date(tables: dict[str, Any]) -> None:
        tables["workshops"][0]["held_on"] = "21/11/2026"

    def orphan(tables: dict[str, Any]) -> None:
        tables["answers"][4]["assessment_id"] = 9999

    def duplicate(tables: dict[str, Any]) -> None:
        tables["assessments"][1]["token"] = tables["assessments"][0]["token"]

    def unknown_column(tables: dict[str, Any]) -> None:
        tables["companies"][0]["colour"] = "red"

    def missing_value(tables: dict[str, Any]) -> None:
        tables["users"][1]["email"] = None

    answers = document["tables"]["answers"]
    assessments = document["tables"]["assessments"]
    cases = [
        (bad_date, "table workshops, row 1 (id=1), column held_on"),
        (orphan, f"table answers, row 5 (id={answers[4]['id']})"),
        (duplicate, f"table assessments, row 2 (id={assessments[1]['id']})"),
        (unknown_column, "table companies, row 1 (id=1): unknown columns colour"),
        (missing_value, "table users, row 2 (id=2), column email: must not be null"),
    ]
    for change, message in cases:
        result = import_file(restored, write(tmp_path, broken(change)))
        assert result.exit_code != 0, message
        assert message in result.output, result.output
        assert "nothing imported" in result.output
        assert sum(row_counts(restored).values()) == 0, message

    # And the untouched file still goes in afterwards: nothing was left half-written.
    assert import_file(restored, write(tmp_path, document)).exit_code == 0


def test_no_login_is_exported_and_a_restore_revives_none(
    app: Flask, restored: Flask, questionnaire: Any, tmp_path: Path
) -> None:
    """A backup keeps data; a login restored with it would let in again a cookie from
    before the backup (copied, or of an advisor since deactivated)."""
    fill(app, questionnaire)
    anna = logged_in(app, "dora@example.se")
    cookie = anna.get_cookie("session", domain=app.config["SERVER_NAME"])
    assert cookie is not None
    path = tmp_path / "backup.json"
    path.write_text(export(app), encoding="utf-8")
    assert "advisor_sessions" not in json.loads(path.read_text(encoding="utf-8"))["tables"]
    assert import_file(restored, path).exit_code == 0

    copied = restored.test_client()
    copied.set_cookie("session", cookie.value, domain=restored.config["SERVER_NAME"])
    assert copied.get("/radgivare/").status_code == 302  # to the login page
    assert anna.get("/radgivare/").status_code == 200  # where it was made, it works on


# ------------------------------------------------------------------ after an import


def test_new_rows_after_an_import_do_not_collide_with_imported_ids(
    app: Flask, restored: Flask, questionnaire: Any, tmp_path: Path
) -> None:
    """On PostgreSQL the id sequences must have moved past the imported ids."""
    fill(app, questionnaire)
    path = tmp_path / "backup.json"
    path.write_text(export(app), encoding="utf-8")
    assert import_file(restored, path).exit_code == 0
    highest = {
        name: max((row["id"] for row in rows), default=0)
        for name, rows in every_row(restored).items()
        if name in ("users", "companies", "workshops", "assessments", "answers")
    }

    # Anna's password came along (a whole backup keeps the hash): she works on.
    anna = restored.test_client()
    page = anna.get("/radgivare/logga-in")
    data = {"csrf_token": csrf_token(page.text), "email": ANNA, "password": PASSWORD}
    assert anna.post("/radgivare/logga-in", data=data).status_code == 302
    url, code = create_workshop(anna, new_company="Nya Verkstaden AB", title="Efter återställning")
    set_profile(anna, url)
    newcomer = participant(restored, questionnaire, code, name="Nils")
    newcomer.answer_maturity_pages(2)
    online = Survey(restored.test_client(), questionnaire)
    online.complete(ONLINE_PROFILE, level=3)
    logged_in(restored, "cecilia@example.se")

    with restored.app_context():
        created = db.session.execute(
            select(Assessment).where(Assessment.token.in_([newcomer.token, online.token]))
        ).scalars()
        for assessment in created:
            assert assessment.id > highest["assessments"]
            assert assessment.completed
            assert min(answer.id for answer in assessment.answers) > highest["answers"]
        company = db.session.execute(select(Company).where(Company.name == "Nya Verkstaden AB"))
        new_company = company.scalar_one()
        assert new_company.id > highest["companies"]
        assert new_company.workshops[0].id > highest["workshops"]
        user = db.session.execute(select(User).where(User.email == "cecilia@example.se"))
        assert user.scalar_one().id > highest["users"]


def test_the_result_page_of_an_imported_assessment_shows_the_same_scores(
    app: Flask, restored: Flask, questionnaire: Any, tmp_path: Path
) -> None:
    filled = fill(app, questionnaire)
    path = tmp_path / "backup.json"
    path.write_text(export(app), encoding="utf-8")
    assert import_file(restored, path).exit_code == 0

    for token in (filled.linked, filled.participants[0], filled.participants[1]):
        before = app.test_client().get(f"/a/{token}/resultat")
        after = restored.test_client().get(f"/a/{token}/resultat")
        assert before.status_code == after.status_code == 200, token
        scores = scores_on_page(before.text)
        assert len(scores) == len(questionnaire.dimensions)
        assert scores_on_page(after.text) == scores
        primary = re.findall(r"<h3>([^<]+)</h3>", before.text)
        assert primary and re.findall(r"<h3>([^<]+)</h3>", after.text) == primary


# ------------------------------------------------------------------ one company


def test_a_company_export_holds_that_company_and_nothing_of_another(
    app: Flask, questionnaire: Any
) -> None:
    filled = fill(app, questionnaire)
    content = export(app, "--company", filled.company)
    document = json.loads(content)
    tables = document["tables"]
    assert document["scope"] == {"company": filled.company}
    assert set(tables) == set(db.metadata.tables) - NOT_EXPORTED

    with app.app_context():
        anna_id = db.session.execute(select(User.id).where(User.email == ANNA)).scalar_one()
        mine = db.session.execute(
            select(Company).where(Company.public_id == filled.company)
        ).scalar_one()
        expected_workshops = {w.id for w in mine.workshops}
        expected_assessments = {a.id for w in mine.workshops for a in w.participants} | {
            a.id for a in mine.assessments
        }
        hashes = [u.password_hash for u in db.session.execute(select(User)).scalars()]
        login_ids = [u.login_id for u in db.session.execute(select(User)).scalars()]
        db.session.rollback()

    assert [c["public_id"] for c in tables["companies"]] == [filled.company]
    assert {w["id"] for w in tables["workshops"]} == expected_workshops
    assert {a["id"] for a in tables["assessments"]} == expected_assessments
    tokens = {a["token"] for a in tables["assessments"]}
    assert tokens == {*filled.participants, filled.linked}
    assert {a["assessment_id"] for a in tables["answers"]} <= expected_assessments
    everything = every_row(app)
    assert len(tables["answers"]) == sum(
        1 for a in everything["answers"] if a["assessment_id"] in expected_assessments
    )
    # Tables tied to no company come whole (the content versions, if kept).
    for name, rows in everything.items():
        table = db.metadata.tables[name]
        if not table.foreign_keys and name not in ("users",):
            assert len(tables[name]) == len(rows), name

    # No account, no password hash, no session id; the advisor by address only.
    assert tables["users"] == []
    assert document["user_references"] == [{"email": ANNA, "id": anna_id}]
    for secret in hashes + login_ids:
        assert secret not in content
    # Nothing of Bo's company or of the companies' strangers.
    for foreign in (filled.other_company, filled.other_participant, BO, "Plåtslageriet AB"):
        assert foreign not in content
    for token in filled.unlinked:
        assert token not in content


def test_a_company_export_imports_into_an_empty_database_for_its_advisor_to_take_over(
    app: Flask, restored: Flask, questionnaire: Any, tmp_path: Path
) -> None:
    filled = fill(app, questionnaire)
    path = tmp_path / "company.json"
    path.write_text(export(app, "--company", filled.company), encoding="utf-8")

    result = import_file(restored, path)
    assert result.exit_code == 0, result.output
    assert f"Created the account {ANNA} without a password" in result.output
    assert f"users set-password --email {ANNA}" in result.output

    # The company's rows are the same rows as in the original database.
    before, after = every_row(app), every_row(restored)
    company_id = next(c["id"] for c in before["companies"] if c["public_id"] == filled.company)
    assert after["companies"] == [c for c in before["companies"] if c["id"] == company_id]
    workshop_ids = {w["id"] for w in after["workshops"]}
    assert after["workshops"] == [w for w in before["workshops"] if w["id"] in workshop_ids]
    assessment_ids = {a["id"] for a in after["assessments"]}
    assert after["assessments"] == [a for a in before["assessments"] if a["id"] in assessment_ids]
    assert after["answers"] == [
        a for a in before["answers"] if a["assessment_id"] in assessment_ids
    ]

    # Anna's account exists with her id and address but no password until she gets one.
    (account,) = after["users"]
    original = next(u for u in before["users"] if u["email"] == ANNA)
    assert (account["id"], account["email"], account["role"]) == (original["id"], ANNA, "advisor")
    assert account["password_hash"] == UNUSABLE_PASSWORD
    client = restored.test_client()
    page = client.get("/radgivare/logga-in")
    data = {"csrf_token": csrf_token(page.text), "email": ANNA, "password": PASSWORD}
    assert client.post("/radgivare/logga-in", data=data).status_code == 401

    set_password = restored.test_cli_runner().invoke(
        args=["users", "set-password", "--email", ANNA, "--password", PASSWORD]
    )
    assert set_password.exit_code == 0, set_password.output
    page = client.get("/radgivare/logga-in")
    data["csrf_token"] = csrf_token(page.text)
    assert client.post("/radgivare/logga-in", data=data).status_code == 302
    company_page = client.get(f"/radgivare/foretag/{filled.company}")
    assert company_page.status_code == 200
    assert "Ledningsgruppen, start" in company_page.text
    result_page = restored.test_client().get(f"/a/{filled.linked}/resultat")
    assert result_page.status_code == 200
    assert scores_on_page(result_page.text) == scores_on_page(
        app.test_client().get(f"/a/{filled.linked}/resultat").text
    )


def test_a_company_export_of_an_unknown_company_is_refused(app: Flask) -> None:
    result = run(app, "export", "--company", "no-such-company")
    assert result.exit_code != 0
    assert "no company has the public id 'no-such-company'" in result.output


def test_an_export_for_a_client_on_stdout_equals_the_file(
    app: Flask, questionnaire: Any, tmp_path: Path
) -> None:
    fill(app, questionnaire)
    path = tmp_path / "backup.json"
    result = run(app, "export", "--output", str(path))
    assert result.exit_code == 0 and str(path) in result.stdout
    without_time = re.compile(r'"exported_at": "[^"]+"')
    assert without_time.sub("", export(app)) == without_time.sub("", path.read_text("utf-8"))


def test_the_export_names_the_table_row_and_column_of_a_value_it_cannot_write(
    app: Flask, client: Any, questionnaire: Any, tmp_path: Path
) -> None:
    """A lone UTF-16 surrogate (stored through the API before it refused them) cannot be
    written as UTF-8: the export says where each one is, writes nothing, and says how to
    repair them."""
    Survey(client, questionnaire).complete(ONLINE_PROFILE)
    Survey(client, questionnaire).complete(ONLINE_PROFILE)
    with app.app_context():
        second = db.session.execute(select(Assessment).order_by(Assessment.id)).scalars().all()[1]
        second.profile = {**second.profile, "goal": "Kortare ledtider \ud800"}
        db.session.commit()
        second_id = second.id
    path = tmp_path / "backup.json"
    for args in (["--output", str(path)], []):
        result = run(app, "export", *args)
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
        assert result.output.splitlines() == [
            "Error: cannot write 1 value, nothing exported:",
            f"  table assessments, row 2 (id={second_id}), column profile, at goal: the text "
            "holds a lone UTF-16 surrogate (\\ud800), which UTF-8 cannot write",
            "flask --app app repair-text replaces lone surrogates with U+FFFD (--dry-run lists "
            "them first).",
        ]
    assert not path.exists() and not list(tmp_path.glob(".backup.json.*"))
