"""Database set-up: connection settings and migrating the schema on start."""

from __future__ import annotations

import fcntl
import sqlite3
from pathlib import Path
from typing import Any

import flask_migrate
from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

SQLITE_NEEDED = (3, 30)


def configure_engine(engine: Engine) -> None:
    """SQLite: WAL so readers never block the writer, a busy timeout instead of errors,
    and a 64 MiB page cache per connection (the default 2 MiB makes the overview's scans
    of the result summaries read the same pages again from the operating system)."""
    if engine.dialect.name != "sqlite":
        return
    if sqlite3.sqlite_version_info < SQLITE_NEEDED:
        # The overview's COUNT(*) FILTER (3.30) and the change counter's upsert in a
        # trigger (3.24) need it; fail at start with the reason, not on a page.
        raise RuntimeError(
            f"Lyftkollen needs SQLite {'.'.join(map(str, SQLITE_NEEDED))} or newer; "
            f"this Python has {sqlite3.sqlite_version}"
        )

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()


def upgrade_on_start(app: Flask, directory: str) -> None:
    """Bring the schema to the newest migration, one process at a time.

    Several gunicorn workers start at once: a file lock serialises them on one machine,
    and on PostgreSQL an advisory lock serialises machines too.
    """
    lock_path = Path(app.instance_path) / "migrate.lock"
    with lock_path.open("w") as lock, app.app_context():
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            from web.extensions import db

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
