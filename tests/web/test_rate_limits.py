"""New assessments are rate-limited per address, online and through the API together."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Blueprint, Flask
from flask_limiter.util import get_remote_address
from sqlalchemy import func, select

from tests.conftest import _test_app, csrf_token
from web.extensions import ViewLimiter, db
from web.models import Assessment

LIMIT = "3 per minute"


def _start(client: Any, **environ: str) -> Any:
    home = client.get("/", environ_base=environ)
    return client.post("/start", data={"csrf_token": csrf_token(home.text)}, environ_base=environ)


def _stored(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Assessment)) or 0


def test_starting_too_many_assessments_is_refused_with_a_clear_page(app: Flask) -> None:
    app.config["ASSESSMENT_RATE_LIMIT"] = LIMIT
    client = app.test_client()
    assert [_start(client).status_code for _ in range(3)] == [302, 302, 302]
    refused = _start(client)
    assert refused.status_code == 429
    assert "För många försök" in refused.text and 'href="/"' in refused.text
    assert int(refused.headers["Retry-After"]) > 0
    assert _stored(app) == 3

    client.get("/sprak/en")
    assert "Too many attempts" in _start(client).text


def test_the_api_and_the_site_share_one_limit_and_the_api_answers_json(app: Flask) -> None:
    app.config["ASSESSMENT_RATE_LIMIT"] = LIMIT
    client = app.test_client()
    for _ in range(3):
        # Sent back with errors: nothing is created, so nothing counts.
        assert client.post("/api/v1/assessments", json={}).status_code == 422
    assert [_start(client).status_code for _ in range(3)] == [302, 302, 302]
    refused = client.post("/api/v1/assessments", json={})
    assert refused.status_code == 429
    assert refused.is_json and set(refused.get_json()) == {"error", "field"}
    assert _stored(app) == 3


def test_addresses_behind_a_trusted_proxy_count_apart_and_forged_ones_do_not(
    database_url: str,
) -> None:
    direct = _test_app(database_url, ASSESSMENT_RATE_LIMIT="1 per minute")
    forged = direct.test_client()
    assert _start(forged, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 302
    # Without a trusted proxy the header is anyone's to write: it does not help.
    assert _start(forged, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 429

    proxied = _test_app(database_url, ASSESSMENT_RATE_LIMIT="1 per minute", TRUSTED_PROXIES=1)
    room = proxied.test_client()
    assert _start(room, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 302
    assert _start(room, HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 302
    assert _start(room, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 429
    for app in (direct, proxied):
        with app.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("where", ["default", "application", "blueprint"])
def test_a_limit_declared_outside_a_view_still_counts(where: str) -> None:
    """The app's limiter skips Flask-Limiter's look before each view while every limit is
    on a view; a default, application-wide or blueprint limit declared later still
    applies."""
    site = Flask(__name__)
    pages = Blueprint("pages", __name__)
    pages.add_url_rule("/", "home", lambda: "ok")
    options = {"default": {"default_limits": ["2 per minute"]}}.get(where, {})
    if where == "application":
        options = {"application_limits": ["2 per minute"]}
    limits = ViewLimiter(key_func=get_remote_address, storage_uri="memory://", **options)
    if where == "blueprint":
        limits.limit("2 per minute")(pages)
    site.register_blueprint(pages)
    limits.init_app(site)
    client = site.test_client()
    assert [client.get("/").status_code for _ in range(3)] == [200, 200, 429]
