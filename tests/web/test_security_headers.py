"""Security headers on every response of every route, walked from the URL map."""

from __future__ import annotations

import re

from flask import Flask

from tests.helpers import logged_in


def _policy(header: str) -> dict[str, str]:
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def _every_route(app: Flask) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        url = re.sub(r"<[^>]+>", "x", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((method, url))
    return routes


def test_every_route_sends_the_security_headers(app: Flask) -> None:
    clients = {"anonymous": app.test_client(), "advisor": logged_in(app, "anna@example.se")}
    app.config["WTF_CSRF_ENABLED"] = False  # so that every POST reaches its view
    routes = _every_route(app)
    assert len(routes) > 30
    for who, client in clients.items():
        for method, url in routes:
            response = client.open(url, method=method)
            where = (who, method, url, response.status_code)
            policy = _policy(response.headers.get("Content-Security-Policy", ""))
            assert policy.get("script-src") == "'self'", where  # no 'unsafe-inline'
            assert policy.get("frame-ancestors") == "'none'", where
            assert policy.get("default-src") == "'self'", where
            assert response.headers.get("X-Content-Type-Options") == "nosniff", where
            assert response.headers.get("Referrer-Policy") == "same-origin", where
            assert response.headers.get("X-Frame-Options") == "DENY", where
            assert "Strict-Transport-Security" not in response.headers, where  # plain HTTP


def test_hsts_only_over_https(app: Flask) -> None:
    client = app.test_client()
    secure = client.get("/", base_url="https://lyftkollen.test")
    max_age = re.match(r"max-age=(\d+)", secure.headers["Strict-Transport-Security"])
    assert max_age and int(max_age.group(1)) >= 365 * 24 * 3600  # a year at least
    proxied = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in proxied.headers
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_forms_still_work_over_https(app: Flask) -> None:
    """Flask-WTF checks the referrer on HTTPS: the policy must still send it on this site."""
    client = app.test_client()
    base = "https://lyftkollen.test"
    home = client.get("/", base_url=base)
    token = re.search(r'name="csrf_token" value="([^"]+)"', home.text)
    assert token
    started = client.post(
        "/start",
        base_url=base,
        data={"csrf_token": token.group(1)},
        headers={"Referer": base + "/"},
    )
    assert started.status_code == 302
