"""Database set-up: connection settings and migrating the schema on start."""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

import flask_migrate
from flask import Flask, current_app
from sqlalchemy import event, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

SQLITE_NEEDED = (3, 30)
# The database and the files SQLite keeps beside it: readable and writable by the owner only.
SQLITE_FILES = ("", "-wal", "-shm", "-journal")
PRIVATE_FILE = 0o600


def engine_options(url: str) -> dict[str, Any]:
    """SQLAlchemy's engine settings for ``url``. PostgreSQL: every pooled connection is
    pinged before use (``pool_pre_ping``), so one that died while it waited in the pool
    (the server restarted or failed over, or something on the way timed it out) is
    replaced instead of failing the request that takes it. The ping cost the 200-person
    seminar no measurable CPU (bench/README.md, 2026-12-05)."""
    return {"pool_pre_ping": True} if make_url(url).get_backend_name() == "postgresql" else {}


def configure_engine(engine: Engine) -> None:
    """SQLite: WAL so readers never block the writer, a busy timeout instead of errors,
    and a 64 MiB page cache per connection (the default 2 MiB makes the overview's scans
    of the result summaries read the same pages again from the operating system).
    (PostgreSQL's settings are ``engine_options``.)"""
    if engine.dialect.name != "sqlite":
        return
    if sqlite3.sqlite_version_info < SQLITE_NEEDED:
        # The overview's COUNT(*) FILTER (3.30) and the change counter's upsert in a
        # trigger (3.24) need it; fail at start with the reason, not on a page.
        raise RuntimeError(
            f"Lyftkollen needs SQLite {'.'.join(map(str, SQLITE_NEEDED))} or newer; "
            f"this Python has {sqlite3.sqlite_version}"
        )
    make_sqlite_files_private(engine.url.database)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()


def make_sqlite_files_private(database: str | None) -> None:
    """The SQLite database file and its ``-wal``, ``-shm`` and ``-journal`` files hold every
    answer and the advisors' password hashes: only their owner may read them.

    SQLite gives the files it makes beside the database the database file's own
    permissions, so the database is created here, empty and 0600, before SQLite first
    opens it (the umask would make it readable by all). Files an earlier version left
    open to others are tightened at start.
    """
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        pass
    except FileNotFoundError:  # no such folder: SQLite says so when it connects
        return
    for suffix in SQLITE_FILES:
        path = database + suffix
        try:
            mode = os.stat(path).st_mode & 0o777
            if mode & 0o077:
                os.chmod(path, mode & 0o700)
        except FileNotFoundError:
            continue
        except OSError as error:  # someone else's file: the app still runs, and says so
            logging.getLogger(__name__).warning("Could not make %s private: %s", path, error)


def end_sessions_safely(app: Flask) -> None:
    """End each request's session before Flask-SQLAlchemy does, without raising.

    Ending it rolls back what the request did not commit. If the connection dies just
    then, that rollback fails, and Flask-SQLAlchemy's own teardown would raise after the
    response was made: past Flask's error handling, so gunicorn closed the connection
    without any answer. Nothing is lost (uncommitted work is discarded either way),
    so the page the view made stands; the dead connection is dropped from the pool and
    the session cleared for the next request.

    Flask runs teardown functions in reverse order of registration: register this after
    ``db.init_app``; Flask-SQLAlchemy's then finds no session left to end.
    """
    from web.platform.extensions import db

    @app.teardown_appcontext
    def _end_session(_error: BaseException | None) -> None:
        try:
            db.session.remove()
        except SQLAlchemyError as error:
            current_app.logger.warning("The database failed as a request ended: %s", error)
            db.session().invalidate()  # the session the registry still holds
            db.session.remove()


def upgrade_on_start(app: Flask, directory: str) -> None:
    """Bring the schema to the newest migration, one process at a time.

    Several gunicorn workers start at once: a file lock serialises them on one machine,
    and on PostgreSQL an advisory lock serialises machines too.
    """
    lock_path = Path(app.instance_path) / "migrate.lock"
    with lock_path.open("w") as lock, app.app_context():
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            from web.platform.extensions import db

            if db.engine.dialect.name == "postgresql":
                with db.engine.connect() as connection:
                    connection.execute(text("SELECT pg_advisory_lock(7319001)"))
                    try:
                        flask_migrate.upgrade(directory=directory)
                    finally:
                        connection.execute(text("SELECT pg_advisory_unlock(7319001)"))
                        connection.commit()
            else:
                flask_migrate.upgrade(directory=directory)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
