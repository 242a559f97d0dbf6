"""Faults on demand, for tests against a real server: only an app built with both
``TESTING`` and ``TEST_FAULTS`` has them (``create_app`` checks), never a deployed one.

- ``<any path>/_fel`` raises in the view, with the whole request path and query in the
  exception's message, as an unexpected error would.
- ``<any path>/_fel-vid-stangning`` answers, then the database teardown raises, as it
  does when the connection died before its closing rollback.

Under any path, so that a test can call them on a private link's path (``/a/<token>/…``)
and look for the token in the logs.
"""

from __future__ import annotations

from flask import Flask, g, request
from sqlalchemy.exc import OperationalError


class FaultOnDemand(RuntimeError):
    pass


def register(app: Flask) -> None:
    from web.platform.extensions import db

    @app.route("/<path:where>/_fel", methods=["GET", "POST"])
    def fault_in_view(where: str) -> str:
        raise FaultOnDemand(f"a fault on demand at {request.full_path}")

    @app.route("/<path:where>/_fel-vid-stangning")
    def fault_in_teardown(where: str) -> str:
        g.fail_database_teardown = True
        return "ok"

    @app.teardown_appcontext
    def failing_database_teardown(error: BaseException | None) -> None:
        if g.pop("fail_database_teardown", False):
            db.session.remove()
            raise OperationalError(
                "ROLLBACK", None, ConnectionError("server closed the connection unexpectedly")
            )
