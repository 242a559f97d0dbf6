"""Fault injection: PostgreSQL ends a request's own connection at a point the test chooses.

A request that carries ``X-Kill-Connection: <point>`` has its connection terminated by
the server (``pg_terminate_backend`` from a second connection, which waits until the
backend is gone) just before that point, once per request:

- ``checkout``: as the request takes a connection from the pool, after the app's own
  check of it (web/storage/database.py), so its first statement fails;
- ``commit``: as the view commits;
- ``rollback``: as a transaction is rolled back, typically the request's session's as
  it is ended in teardown (only a connection with a transaction open on the server:
  rolling back one without is a no-op that would not notice);
- ``reset``: as the connection goes back to the pool, when the pool resets it.

Nothing depends on timing. ``install`` sets it up on an app; ``create_app`` is the app
with it installed, for a real gunicorn (``tests.faults:create_app()``).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, has_app_context, request
from psycopg.pq import TransactionStatus
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

HEADER = "X-Kill-Connection"


def install(app: Flask) -> None:
    from web.platform.extensions import db

    with app.app_context():
        engine = db.engine
    admin: list[Engine] = []

    @app.before_request
    def _note_the_point() -> None:
        # In g, not read from the request: Flask-SQLAlchemy's teardown, where the session
        # is rolled back, runs after the request context is gone, the app context not yet.
        g.kill_connection_at = request.headers.get(HEADER)

    def kill_if_asked(point: str, dbapi_connection: Any) -> None:
        if not has_app_context() or g.get("kill_connection_at") != point:
            return
        g.kill_connection_at = None  # once per request
        if not admin:
            autocommit = {"isolation_level": "AUTOCOMMIT", "poolclass": NullPool}
            admin.append(create_engine(engine.url, **autocommit))
        with admin[0].connect() as connection:
            ended = connection.execute(
                text("SELECT pg_terminate_backend(:pid, 10000)"),
                {"pid": dbapi_connection.info.backend_pid},
            ).scalar_one()
        assert ended, "the backend did not end"

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        kill_if_asked("checkout", dbapi_connection)

    @event.listens_for(engine, "commit")
    def _commit(connection: Any) -> None:
        kill_if_asked("commit", connection.connection.dbapi_connection)

    @event.listens_for(engine, "rollback")
    def _rollback(connection: Any) -> None:
        dbapi_connection = connection.connection.dbapi_connection
        if dbapi_connection.info.transaction_status != TransactionStatus.IDLE:
            kill_if_asked("rollback", dbapi_connection)

    @event.listens_for(engine, "reset")
    def _reset(dbapi_connection: Any, _record: Any, _state: Any) -> None:
        kill_if_asked("reset", dbapi_connection)


def create_app() -> Flask:
    from app import create_app as create

    app = create()
    install(app)
    return app
