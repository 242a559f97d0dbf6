"""web/platform/logging_privacy.py: what the filter masks, and where create_app and gunicorn.conf.py
attach it. The logs of real servers: tests/web/test_access_log.py."""

from __future__ import annotations

import io
import logging
import runpy
from collections.abc import Iterator
from pathlib import Path

import pytest
from gunicorn.config import Config

from web.platform.logging_privacy import PrivacyFilter, mask

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
SECRET = "Zq3xSecretToken0123456789"


@pytest.mark.parametrize(
    ("text", "logged"),
    [
        (f"GET /a/{SECRET}/steg/2?next=/a/{SECRET} HTTP/1.1", "GET /a/…/steg/2?… HTTP/1.1"),
        (f"Error handling request GET /a%2F{SECRET}", "Error handling request GET /a/…"),
        (f"on /api/v1/assessments/{SECRET}", "on /api/v1/assessments/…"),
        (f"/w/deltagare/{SECRET}/status", "/w/deltagare/…/status"),
        ("/w/K7M2QX", "/w/…"),
        (
            "Invalid request from ip=203.0.113.9: Invalid HTTP Header",
            "Invalid request from ip=…: Invalid HTTP Header",
        ),
        ("ip=2001:db8::8a2e:370:7334, ip=::1, [::ffff:10.0.0.1]:443", "ip=…, ip=…, […]:443"),
        ("fe80::1%eth0 said hello", "… said hello"),
        ("GET /healthz%0D%0A[INFO] forged", "GET /healthz\\r\\n[INFO] forged"),
        (
            f"(psycopg.OperationalError) gone\n[SQL: SELECT * WHERE token = %(t)s]\n"
            f"[parameters: {{'t': '{SECRET}'}}]\n(Background on this error at: x)",
            "(psycopg.OperationalError) gone\\n[SQL: SELECT * WHERE token = %(t)s]\\n"
            "[parameters: …]\\n(Background on this error at: x)",
        ),
        ("a\u2028b\x85c\x1b[2Ad", "a\\u2028b\\x85c\\x1b[2Ad"),
        # The same link with more slashes (werkzeug redirects it to the one with one).
        (f"GET /a//{SECRET}/steg/2 HTTP/1.1", "GET /a/…/steg/2 HTTP/1.1"),
        (f"/api/v1/assessments///{SECRET}", "/api/v1/assessments/…"),
        (f"GET /a/%2F{SECRET}", "GET /a/…"),
        # A colour from a request (hidden text: "\x1b[8m") and C1 controls are escaped.
        ("GET /%1b[8mhidden\x9bx", "GET /\\x1b[8mhidden\\x9bx"),
        # Left alone: times, versions, SQL placeholders, questions, the paths that are public.
        ("[04/Dec/2026:18:12:24 +0000] 18:12:27", "[04/Dec/2026:18:12:24 +0000] 18:12:27"),
        ("gunicorn 27.0.1, lib 1.2.3.4.5", "gunicorn 27.0.1, lib 1.2.3.4.5"),
        ("WHERE token = ? AND id IN (?, ?)", "WHERE token = ? AND id IN (?, ?)"),
        ("/w /healthz /radgivare/foretag/x", "/w /healthz /radgivare/foretag/x"),
    ],
)
def test_mask(text: str, logged: str) -> None:
    assert mask(text) == logged


def _record(
    message: str,
    *args: object,
    error: BaseException | None = None,
    logger_name: str = "tests.logging_privacy",
) -> str:
    """``message`` logged through a handler with the filter: what the handler writes."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(PrivacyFilter())
    logger = logging.getLogger(logger_name)
    propagate, logger.propagate = logger.propagate, False
    logger.addHandler(handler)
    try:
        if error is None:
            logger.error(message, *args)
        else:
            try:
                raise error
            except type(error):
                logger.exception(message, *args)
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
    return out.getvalue()


def test_a_record_and_its_traceback_are_masked_one_line_each() -> None:
    cause = ValueError(f"no assessment /a/{SECRET}\nFORGED")
    error = RuntimeError(f"failed on /api/v1/assessments/{SECRET}?x=1")
    error.__cause__ = cause
    written = _record("Unhandled error on %s", f"/a/{SECRET}\r\nFORGED", error=error)
    assert SECRET not in written
    assert written.startswith("Unhandled error on /a/…\\r\\nFORGED\n")
    assert "ValueError: no assessment /a/…\\nFORGED\n" in written
    assert "RuntimeError: failed on /api/v1/assessments/…?…\n" in written
    assert not [line for line in written.splitlines() if line.startswith("FORGED")]


def test_a_record_that_cannot_be_formatted_is_written_without_its_text() -> None:
    written = _record(f"/a/{SECRET} %s %s", "only one argument")
    assert written == "(a log message that could not be masked, left out)\n"


def test_the_development_servers_own_lines_keep_its_address() -> None:
    banner = "WARNING: a development server.\n * Running on http://127.0.0.1:5000"
    assert _record(banner, logger_name="werkzeug") == banner + "\n"
    request_line = _record('127.0.0.1 - - "%s" %s', f"GET /a/{SECRET}", 404, logger_name="werkzeug")
    assert request_line == '… - - "GET /a/…" 404\n'


@pytest.fixture
def gunicorn_handler() -> Iterator[logging.Handler]:
    """A handler on gunicorn.error before the app is made, as gunicorn has one."""
    handler = logging.StreamHandler(io.StringIO())
    logger = logging.getLogger("gunicorn.error")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def test_create_app_filters_every_handler(gunicorn_handler: logging.Handler) -> None:
    from app import create_app

    create_app({"TESTING": True, "AUTO_MIGRATE": False, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    for name in ("app", "werkzeug", "gunicorn.error", "gunicorn.access"):
        logger = logging.getLogger(name)
        for target in (logger, *logger.handlers):
            assert any(isinstance(f, PrivacyFilter) for f in target.filters), (name, target)
    assert any(isinstance(f, PrivacyFilter) for f in gunicorn_handler.filters)
    # A library's warning, on a logger with no handler, goes to logging's last resort.
    assert any(isinstance(f, PrivacyFilter) for f in logging.lastResort.filters)


def test_gunicorn_conf_filters_gunicorns_handlers(tmp_path: Path) -> None:
    settings = runpy.run_path(str(CONF))
    config = Config()
    config.set("errorlog", str(tmp_path / "error.log"))
    config.set("accesslog", str(tmp_path / "access.log"))
    log = settings["logger_class"](config)
    try:
        log.warning("Invalid request from ip=%s: %s", "2001:db8::1", f"/w/deltagare/{SECRET}")
        for handler in log.error_log.handlers:
            handler.flush()
        assert (
            (tmp_path / "error.log")
            .read_text()
            .endswith("Invalid request from ip=…: /w/deltagare/…\n")
        )
    finally:
        for logger in (log.error_log, log.access_log):
            for handler in list(logger.handlers):
                handler.close()
                logger.removeHandler(handler)
