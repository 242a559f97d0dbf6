"""Configuration from the environment, with defaults that are safe on a laptop."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def database_url(raw: str | None, instance_path: str) -> str:
    """The SQLAlchemy URL: ``DATABASE_URL`` if set (PostgreSQL via psycopg 3), else SQLite."""
    if not raw:
        return "sqlite:///" + str(Path(instance_path) / "lyftkollen.sqlite3")
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw.removeprefix(prefix)
    return raw


def secret_key(instance_path: str) -> str:
    """``SECRET_KEY`` from the environment, else a random key kept in the instance folder.

    A key made per process would log people out and void their forms on every restart
    (and differ between gunicorn workers), so the laptop default is made once and kept.
    """
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


MIN_PRODUCTION_KEY_LENGTH = 32


def check_production_secret(environment: str, key_from_env: str | None) -> None:
    """In production the key must be set, and long: several servers must share it, and
    a key made on one laptop or guessable by anyone must never sign real sessions."""
    if environment != "production":
        return
    if not key_from_env:
        raise SystemExit(
            "Lyftkollen refuses to start: LYFTKOLLEN_ENV=production needs SECRET_KEY "
            "(e.g. python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    if len(key_from_env) < MIN_PRODUCTION_KEY_LENGTH:
        raise SystemExit(
            f"Lyftkollen refuses to start: SECRET_KEY must have at least "
            f"{MIN_PRODUCTION_KEY_LENGTH} characters in production."
        )


def from_environment(instance_path: str) -> dict[str, object]:
    """Settings read from the environment (documented in README and docs/deploy.md)."""
    environment = os.environ.get("LYFTKOLLEN_ENV", "development")
    check_production_secret(environment, os.environ.get("SECRET_KEY"))
    redis_timeout = float(os.environ.get("REDIS_TIMEOUT_SECONDS", "0.25"))
    return {
        "LYFTKOLLEN_ENV": environment,
        "SECRET_KEY": secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(os.environ.get("DATABASE_URL"), instance_path),
        # Create and upgrade the database schema when the app starts.
        "AUTO_MIGRATE": _flag("AUTO_MIGRATE", True),
        "DATA_DIR": os.environ.get("LYFTKOLLEN_DATA_DIR", str(Path(__file__).parent / "data")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", False),
        # How many proxies (nginx, a load balancer) stand in front of the app. Their
        # X-Forwarded-For/-Proto/-Host are believed for that many hops, so rate limits count
        # per visitor, not per proxy; with 0 the headers are ignored and cannot be forged.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        # Redirect plain HTTP to HTTPS (behind a proxy that sets X-Forwarded-Proto).
        "FORCE_HTTPS": _flag("FORCE_HTTPS", False),
        # A form left open over lunch must still save: the token lives as long as the session.
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # Browsers keep static files (style.css, the scripts) for an hour instead of asking
        # again on every page: a seminar room's phones fetch each once. Their URLs carry no
        # version, so a deploy's change reaches everyone within the hour.
        "SEND_FILE_MAX_AGE_DEFAULT": 3600,
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # While Redis does not answer, the same limits count in each process's memory
        # (a warning in the log; /healthz says "rate_limits": "degraded") instead of
        # failing logins, joins and new assessments. RATELIMIT_IN_MEMORY_FALLBACK stays
        # unset: it would replace every route's own limits with one list.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,  # a count lost while Redis fails is no error page
        # A Redis that hangs costs each request at most this long, not redis-py's 5 s.
        "RATELIMIT_STORAGE_OPTIONS": {
            "socket_timeout": redis_timeout,
            "socket_connect_timeout": redis_timeout,
        },
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "5 per minute;30 per hour"),
        # Wrong workshop codes per address: enough for a room's typos, far too few to guess.
        "JOIN_CODE_RATE_LIMIT": os.environ.get("JOIN_CODE_RATE_LIMIT", "30 per minute"),
        # New assessments (online and through the API) per address: far more than a team
        # starting on one office connection, far too few to fill the database.
        "ASSESSMENT_RATE_LIMIT": os.environ.get(
            "ASSESSMENT_RATE_LIMIT", "20 per minute;200 per hour"
        ),
        # Demo data (`flask demo seed`) counts in peer benchmarks, "companies like yours"
        # and the program overview only when this is on; real data never mixes with it.
        "DEMO_MODE": _flag("DEMO_MODE", False),
        # How often the live views ask for news, in seconds.
        "LIVE_POLL_SECONDS": float(os.environ.get("LIVE_POLL_SECONDS", "3")),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", False),
    }
