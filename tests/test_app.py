"""Starting the app: configuration, the first start on SQLite, refusing bad content."""

from __future__ import annotations

import copy
import os
import shutil
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from flask import Flask
from sqlalchemy import create_engine, inspect, text

import config
from app import create_app
from questionnaire.content import ContentError
from tests.helpers import csrf_token
from web.platform.extensions import db
from web.platform.links import absolute_url_for
from web.storage.content import Content, DataDirectory, content_from_documents

DATA = Path(__file__).parent.parent / "data"


def test_database_url_defaults_to_sqlite_in_the_instance_folder(tmp_path: Path) -> None:
    assert config.database_url(None, str(tmp_path)) == f"sqlite:///{tmp_path}/lyftkollen.sqlite3"
    assert config.database_url("postgresql://u@h/db", "") == "postgresql+psycopg://u@h/db"
    assert config.database_url("postgres://u@h/db", "") == "postgresql+psycopg://u@h/db"


def test_secret_key_comes_from_the_environment_or_is_made_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.secret_key(str(tmp_path))
    assert len(first) == 64
    assert config.secret_key(str(tmp_path)) == first  # the same after a restart
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert config.secret_key(str(tmp_path)) == "from-the-environment"


def test_processes_starting_together_on_a_fresh_instance_folder_share_one_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """gunicorn's workers start at once: none fails, none reads a half-written key, and
    all sign with the same one."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    for round_ in range(40):
        folder = tmp_path / f"instance-{round_}"
        start = threading.Barrier(8)

        def start_up(folder: Path = folder, start: threading.Barrier = start) -> str:
            start.wait()
            return config.secret_key(str(folder))

        with ThreadPoolExecutor(8) as pool:
            keys = [f.result() for f in [pool.submit(start_up) for _ in range(8)]]
        assert len(set(keys)) == 1 and len(keys[0]) == 64, keys
        assert [p.name for p in folder.iterdir()] == ["secret_key"]  # no draft left


def test_a_key_is_made_where_the_file_system_has_no_hard_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An instance folder on an SMB share or a FUSE mount, where os.link is refused."""
    monkeypatch.delenv("SECRET_KEY", raising=False)

    def refused(*_args: object) -> None:
        raise PermissionError("Operation not permitted")

    monkeypatch.setattr(os, "link", refused)
    key = config.secret_key(str(tmp_path))
    assert len(key) == 64 and config.secret_key(str(tmp_path)) == key
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_first_start_creates_and_migrates_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    with app.app_context():
        db.engine.dispose()
    engine = create_engine(url)
    tables = set(inspect(engine).get_table_names())
    assert {"assessments", "answers", "alembic_version"} <= tables
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()
    # A second start finds the schema current and leaves it alone.
    again = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    assert again.test_client().get("/").status_code == 200
    with again.app_context():
        db.engine.dispose()


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_the_instance_folder_and_every_database_file_are_the_owners_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the laptop defaults: the instance folder, the SQLite file and the -wal, -shm and
    -journal files SQLite makes beside it after real writes, on a first start and after
    files made by an earlier version that were readable by everyone."""
    instance = tmp_path / "instance"
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda _self: str(instance))
    for name in ("DATABASE_URL", "SECRET_KEY", "PUBLIC_BASE_URL", "LYFTKOLLEN_ENV"):
        monkeypatch.delenv(name, raising=False)
    database = instance / "lyftkollen.sqlite3"
    beside = {suffix: Path(f"{database}{suffix}") for suffix in ("-wal", "-shm", "-journal")}
    umask = os.umask(0o022)  # the usual one: new files readable by everyone
    try:
        app = create_app({"SERVER_NAME": "lyftkollen.test"})  # migrates: a write in WAL mode
        assert app.instance_path == str(instance)
        client = app.test_client()
        home = client.get("/")
        started = client.post("/start", data={"csrf_token": csrf_token(home.text)})
        assert started.status_code == 302  # an assessment written; the pool keeps it open
        assert beside["-wal"].exists() and beside["-shm"].exists()
        assert {p.name: _mode(p) for p in (database, beside["-wal"], beside["-shm"])} == {
            database.name: 0o600,
            beside["-wal"].name: 0o600,
            beside["-shm"].name: 0o600,
        }
        assert _mode(instance) == 0o700
        assert _mode(instance / "secret_key") == 0o600
        with app.app_context():
            db.engine.dispose()

        # A rollback journal (journal_mode PERSIST keeps it after the write), then WAL
        # again; each time, files an earlier version left readable by everyone are
        # tightened at the next start.
        for journal_mode, made in (("persist", ["-journal"]), ("wal", ["-wal", "-shm"])):
            with closing(sqlite3.connect(database)) as raw:
                switched = raw.execute(f"PRAGMA journal_mode={journal_mode}").fetchone()
                assert switched == (journal_mode,)
                raw.execute("CREATE TABLE IF NOT EXISTS scratch (x)")
                raw.execute("INSERT INTO scratch VALUES (1)")
                raw.commit()
                files = [database, *(beside[suffix] for suffix in made)]
                assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
                for path in files:
                    path.chmod(0o644)
                instance.chmod(0o755)
                create_app({"SERVER_NAME": "lyftkollen.test", "AUTO_MIGRATE": False})
                assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
                assert _mode(instance) == 0o700
    finally:
        os.umask(umask)


def _broken_data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    path = folder / "questionnaire.yaml"
    text = path.read_text("utf-8")
    broken = text.replace(
        "- id: green_digital\n    area: digital", "- id: green_digital\n    area: planet"
    )
    assert broken != text
    path.write_text(broken, "utf-8")
    return folder


def test_the_app_refuses_to_start_with_broken_content(tmp_path: Path) -> None:
    folder = _broken_data_dir(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        create_app({"DATA_DIR": str(folder), "AUTO_MIGRATE": False, "SECRET_KEY": "x"})
    message = str(stopped.value)
    assert "questionnaire.yaml" in message
    assert "dimension 'green_digital' › area" in message


def test_settings_that_name_a_question_the_questionnaire_lacks_stop_the_start(
    tmp_path: Path,
) -> None:
    """The economy and capacity rules read answers by question id: a renamed question
    must stop the start with the file and the setting named, not silently disable them."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    path = folder / "recommender.yaml"
    path.write_text(
        path.read_text("utf-8").replace("question: change_resources", "question: change_time"),
        "utf-8",
    )
    with pytest.raises(SystemExit) as stopped:
        create_app({"DATA_DIR": str(folder), "AUTO_MIGRATE": False, "SECRET_KEY": "x"})
    message = str(stopped.value)
    assert "recommender.yaml" in message
    assert "capacity › question: no single question 'change_time'" in message


def test_the_content_comes_from_the_configured_source(tmp_path: Path) -> None:
    """CONTENT_SOURCE is the one seam content is read through: an app given another
    source shows that source's offerings, and that source's errors stop the start."""
    documents = copy.deepcopy(DataDirectory(DATA).load().documents)
    documents["offerings"]["offerings"][0]["name"]["sv"] = "Namn ur en annan källa"
    edited = content_from_documents(documents, "the catalogue table")

    class Edited:
        def load(self) -> Content:
            return edited

    settings = {"AUTO_MIGRATE": False, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    app = create_app({**settings, "CONTENT_SOURCE": Edited()})
    page = app.test_client().get("/sa-raknar-vi")
    assert page.status_code == 200
    assert "Namn ur en annan källa" in page.text

    class Broken:
        def load(self) -> Content:
            raise ContentError("the catalogue table", ["offering 'iuc' › status: unknown"])

    with pytest.raises(SystemExit, match="the catalogue table") as stopped:
        create_app({**settings, "CONTENT_SOURCE": Broken()})
    assert "offering 'iuc' › status" in str(stopped.value)


def _check(args: list[str]) -> Result:
    app = create_app(
        {"AUTO_MIGRATE": False, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    return app.test_cli_runner().invoke(args=["questionnaire", "check", *args])


def test_questionnaire_check_command_reports_ok() -> None:
    result = _check([])
    assert result.exit_code == 0
    assert "OK: questionnaire 2026.3" in result.output
    assert "40 maturity questions in 10 dimensions" in result.output
    assert "statistics export k=5 with 5 head-count ranges" in result.output


def test_questionnaire_check_command_names_file_and_item(tmp_path: Path) -> None:
    result = _check(["--data-dir", str(_broken_data_dir(tmp_path))])
    assert result.exit_code == 1
    assert "questionnaire.yaml" in result.output
    assert "dimension 'green_digital' › area" in result.output


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """LYFTKOLLEN_ENV=production with every required setting; a test takes one away."""
    monkeypatch.setenv("LYFTKOLLEN_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/p.sqlite3")
    monkeypatch.setenv("AUTO_MIGRATE", "0")
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://lyftkollen.example.se")
    return monkeypatch


def test_production_refuses_to_start_without_a_real_secret_key(
    production: pytest.MonkeyPatch,
) -> None:
    monkeypatch = production
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(SystemExit, match="needs SECRET_KEY"):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(SystemExit, match="at least 32 characters"):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    assert create_app().config["SECRET_KEY"] == "k" * 40


def test_production_refuses_to_start_without_a_valid_public_base_url(
    production: pytest.MonkeyPatch,
) -> None:
    monkeypatch = production
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    with pytest.raises(SystemExit, match="production needs PUBLIC_BASE_URL"):
        create_app()
    bad = {
        "lyftkollen.example.se": "must start with https:// or http://",
        "ftp://lyftkollen.example.se": "must start with https:// or http://",
        "https://": "names no host",
        "https://lyftkollen.example.se:99999": "has an invalid port",
        "https://anna:pw@lyftkollen.example.se": "must not hold a user name or password",
        "https://lyftkollen.example.se/?utm=x": "must not have a query",
        "https://lyftkollen.example.se/#start": "must not have a query (?) or fragment (#)",
        "https://lyftkollen example.se": "must not contain spaces",
        # Page links start at the root: under a prefix they would all break.
        "https://lyftkollen.example.se/verktyg": "must not have a path",
    }
    for value, problem in bad.items():
        monkeypatch.setenv("PUBLIC_BASE_URL", value)
        with pytest.raises(SystemExit) as stopped:
            create_app()
        assert f"PUBLIC_BASE_URL {value!r} {problem}" in str(stopped.value), value
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://Lyftkollen.example.se:8443/")
    started = create_app()
    assert started.config["PUBLIC_BASE_URL"] == "https://Lyftkollen.example.se:8443"
    assert started.config["TRUSTED_HOSTS"] == ["lyftkollen.example.se"]
    with started.test_request_context("/", headers={"Host": "lyftkollen.example.se:8443"}):
        link = absolute_url_for("survey.resume", token="abc")
    assert link == "https://Lyftkollen.example.se:8443/a/abc"


def test_a_session_is_read_with_the_current_secret_key_or_a_fallback(app: Flask) -> None:
    """Changing the key (or its fallbacks) changes which session cookies are read."""
    client = app.test_client()
    host = app.config["SERVER_NAME"]
    client.get("/sprak/en")  # the session remembers English
    signed_before = client.get_cookie("session", domain=host).value
    assert '<html lang="en">' in client.get("/").text

    old_key = app.secret_key
    app.secret_key = "a new key, long enough for the test " * 2
    client.set_cookie("session", signed_before, domain=host)
    assert '<html lang="sv">' in client.get("/").text  # signed with the old key: not read

    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    client.set_cookie("session", signed_before, domain=host)
    assert '<html lang="en">' in client.get("/").text  # the old key is a fallback: read


@pytest.mark.parametrize(
    ("name", "wrong"),
    [
        ("WORKSHOP_MAX_PARTICIPANTS", "tusen"),
        ("WORKSHOP_MAX_PARTICIPANTS", "0"),
        ("TRUSTED_PROXIES", "-1"),
        ("TRUSTED_PROXIES", "1.5"),
        ("LIVE_POLL_SECONDS", "0"),
        ("REDIS_TIMEOUT_SECONDS", "kort"),
    ],
)
def test_a_number_setting_that_is_no_such_number_stops_the_start_with_its_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, wrong: str
) -> None:
    # A typo in the environment is told in one line that names the setting, not a traceback.
    monkeypatch.setenv(name, wrong)
    with pytest.raises(SystemExit, match=f"{name} must be a"):
        config.from_environment(str(tmp_path))


def test_who_stands_behind_the_service_is_said_from_data(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    site = folder / "site.yaml"
    document = yaml.safe_load(site.read_text("utf-8"))
    document["about"] = {"sv": "Drivs av IUC Testlän, 010-123 45 67.", "en": "Run by IUC Test."}
    site.write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")
    database = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    settings = {"DATA_DIR": str(folder), "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database}
    app = create_app(settings)
    assert "Drivs av IUC Testlän, 010-123 45 67." in app.test_client().get("/").text

    # Values a slide cannot hold, or that would tell whose outline is whose, stop the start.
    for key, value in (("outlines_from", 1), ("names_up_to", 31), ("plan_items_per_slide", 4)):
        document["workshop"] = {key: value}
        site.write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")
        with pytest.raises(SystemExit) as stopped:
            create_app(settings | {"AUTO_MIGRATE": False})
        message = str(stopped.value)
        assert "site.yaml" in message and f"workshop › {key}" in message
