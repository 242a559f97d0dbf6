"""Configuration from the environment, with defaults that are safe on a laptop."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit


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
        _make_once(path, secrets.token_hex(32))
    return path.read_text().strip()


def _make_once(path: Path, text: str) -> None:
    """Write ``path`` unless it exists, atomically: the file appears whole, and when
    several processes start at once on a fresh instance folder (gunicorn's workers) one
    key wins and every process reads that one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    try:
        os.link(draft, path)  # fails if another process made it first: theirs is kept
    except FileExistsError:
        pass
    except OSError:
        # A file system without hard links (an SMB share, some FUSE mounts): create the
        # file exclusively instead, as before; losing the race then fails loudly.
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(text)
    finally:
        draft.unlink()


PRIVATE_FOLDER = 0o700


def make_private_folder(path: str) -> None:
    """The instance folder (the SQLite database, the secret key, the trained model) is its
    owner's alone: made so, and tightened at every start, since earlier versions made it
    readable by everyone on the machine."""
    os.makedirs(path, mode=PRIVATE_FOLDER, exist_ok=True)
    try:
        os.chmod(path, PRIVATE_FOLDER)
    except OSError as error:  # someone else's folder: the app still runs, and says so
        logging.getLogger(__name__).warning("Could not make %s private: %s", path, error)


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _positive(name: str, default: float, maximum: float) -> float:
    """A number above 0 and at most ``maximum`` from the environment; else a clear refusal."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not 0 < value <= maximum:
        raise SystemExit(
            f"Lyftkollen refuses to start: {name} must be a number above 0 and at most "
            f"{maximum:g}, not {raw!r}."
        )
    return value


def _whole(name: str, default: int, minimum: int, maximum: int) -> int:
    """A whole number from ``minimum`` to ``maximum`` from the environment; else a clear
    refusal, as for ``_positive``, instead of a traceback from ``int()``."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = minimum - 1
    if not minimum <= value <= maximum:
        raise SystemExit(
            f"Lyftkollen refuses to start: {name} must be a whole number from {minimum} to "
            f"{maximum}, not {raw!r}."
        )
    return value


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


def public_base_url(raw: str | None, environment: str) -> str | None:
    """``PUBLIC_BASE_URL``: the address visitors use, from which every absolute link is
    built (the join link and its QR code, private links, the API's ``url`` and
    ``Location``), whatever ``Host`` a request came with. Required in production, where a
    link built from a forged ``Host`` header would send people elsewhere; unset on a
    laptop, links follow the request as before."""
    if not raw:
        if environment == "production":
            raise SystemExit(
                "Lyftkollen refuses to start: LYFTKOLLEN_ENV=production needs PUBLIC_BASE_URL, "
                "the address visitors use (e.g. https://lyftkollen.example.se)."
            )
        return None
    problem = _base_url_problem(raw)
    if problem:
        raise SystemExit(
            f"Lyftkollen refuses to start: PUBLIC_BASE_URL {raw!r} {problem}; "
            "expected e.g. https://lyftkollen.example.se"
        )
    return raw.rstrip("/")


def _base_url_problem(raw: str) -> str | None:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https"):
        return "must start with https:// or http://"
    if any(c.isspace() for c in raw):
        return "must not contain spaces"
    try:
        _ = parts.port  # raises on a port that is no number from 0 to 65535
    except ValueError:
        return "has an invalid port"
    if not parts.hostname:
        return "names no host"
    if parts.username is not None or parts.password is not None:
        return "must not hold a user name or password"
    if "?" in raw or "#" in raw:
        return "must not have a query (?) or fragment (#)"
    if parts.path.strip("/"):
        # Pages, forms and static files link from the root: serving under a prefix would
        # need SCRIPT_NAME set all the way through, which nothing here does.
        return "must not have a path: the app is served at the root of its host"
    return None


def trusted_hosts(base_url: str | None) -> list[str] | None:
    """The one host name requests may name when ``PUBLIC_BASE_URL`` is set (Flask's
    ``TRUSTED_HOSTS``: another ``Host`` gets 400); None, any host, when it is not."""
    if not base_url:
        return None
    hostname = urlsplit(base_url).hostname
    return [hostname] if hostname else None


def from_environment(instance_path: str) -> dict[str, object]:
    """Settings read from the environment (documented in README and docs/deploy.md)."""
    environment = os.environ.get("LYFTKOLLEN_ENV", "development")
    check_production_secret(environment, os.environ.get("SECRET_KEY"))
    base_url = public_base_url(os.environ.get("PUBLIC_BASE_URL"), environment)
    redis_timeout = _positive("REDIS_TIMEOUT_SECONDS", 0.25, maximum=60)
    return {
        "LYFTKOLLEN_ENV": environment,
        # Absolute links are built from it, and requests for another host are refused
        # (400), except /healthz: see web/operations/health.py.
        "PUBLIC_BASE_URL": base_url,
        "TRUSTED_HOSTS": trusted_hosts(base_url),
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
        "TRUSTED_PROXIES": _whole("TRUSTED_PROXIES", 0, minimum=0, maximum=10),
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
        # Participants one address may add to one workshop: a seminar of 200 behind one
        # router joins with room to spare; one address cannot fill a workshop (1500) in
        # minutes with fresh cookies. Only participants created count.
        "JOIN_RATE_LIMIT_PER_WORKSHOP": os.environ.get(
            "JOIN_RATE_LIMIT_PER_WORKSHOP", "300 per 10 minutes"
        ),
        # New assessments (online and through the API) per address: far more than a team
        # starting on one office connection, far too few to fill the database.
        "ASSESSMENT_RATE_LIMIT": os.environ.get(
            "ASSESSMENT_RATE_LIMIT", "20 per minute;200 per hour"
        ),
        # Demo data (`flask demo seed`) counts in peer benchmarks, "companies like yours"
        # and the program overview only when this is on; real data never mixes with it.
        "DEMO_MODE": _flag("DEMO_MODE", False),
        # The most participants one workshop takes; the next to join is told it is full.
        "WORKSHOP_MAX_PARTICIPANTS": _whole(
            "WORKSHOP_MAX_PARTICIPANTS", 1500, minimum=1, maximum=1_000_000
        ),
        # How often the live views ask for news, in seconds.
        "LIVE_POLL_SECONDS": _positive("LIVE_POLL_SECONDS", 3, maximum=3600),
        # An advisor's login ends after this long without a request (the live views' polls
        # count), and this long after logging in whatever happens (web.advisor.sessions).
        "ADVISOR_IDLE_MINUTES": _positive("ADVISOR_IDLE_MINUTES", 30, maximum=60 * 24 * 365),
        "ADVISOR_SESSION_HOURS": _positive("ADVISOR_SESSION_HOURS", 12, maximum=24 * 365),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", False),
    }
