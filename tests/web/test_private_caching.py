"""No cache keeps a private link's pages, the API's private documents or an advisor's pages."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from tests.helpers import create_workshop, logged_in, participant, set_profile
from tests.web.test_api import _full_answers

PRIVATE_PREFIXES = ("/a/", "/w", "/radgivare", "/api/v1/assessments/")


def test_every_private_route_says_no_store_even_when_it_refuses(app: Flask) -> None:
    """Walked from the URL map, so a route added later is checked too (with made-up
    tokens, most answers are 404s and redirects: those must not be kept either)."""
    clients = {"anonymous": app.test_client(), "advisor": logged_in(app, "anna@example.se")}
    app.config["WTF_CSRF_ENABLED"] = False
    routes = [
        (method, re.sub(r"<[^>]+>", "x", re.sub(r"<int:[^>]+>", "1", rule.rule)))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(PRIVATE_PREFIXES)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    ]
    assert {prefix for prefix in PRIVATE_PREFIXES if any(u.startswith(prefix) for _, u in routes)}
    assert len(routes) > 25
    for who, client in clients.items():
        for method, url in routes:
            response = client.open(url, method=method)
            where = (who, method, url, response.status_code)
            assert response.headers.get("Cache-Control") == "no-store", where


def test_real_private_pages_say_no_store_and_public_pages_do_not(
    app: Flask, questionnaire: Any
) -> None:
    advisor = logged_in(app, "anna@example.se")
    url, code = create_workshop(advisor)
    set_profile(advisor, url)
    person = participant(app, questionnaire, code, name="Anna")
    phone = person.client
    api = app.test_client()
    body = {"profile": {"employees": 90, "sni": "28"}, "answers": _full_answers(questionnaire)}
    created = api.post("/api/v1/assessments", json=body)
    assert created.status_code == 201
    token = created.get_json()["id"]
    status = advisor.get(f"{url}/status")

    answered = {
        "advisor's login page": app.test_client().get("/radgivare/logga-in"),
        "advisor's start page": advisor.get("/radgivare/"),
        "advisor's workshop page": advisor.get(url),
        "projector view": advisor.get(f"{url}/presentera"),
        "live counts": status,
        "live counts, unchanged": advisor.get(
            f"{url}/status", headers={"If-None-Match": status.headers["ETag"]}
        ),
        "team result fragment": advisor.get(f"{url}/team"),
        "workshop export": advisor.get(f"{url}/export.csv"),
        "companies": advisor.get("/radgivare/foretag"),
        "join page": app.test_client().get(f"/w/{code}"),
        "participant's page": phone.get(person.url(2)),
        "participant's status": phone.get(f"/w/deltagare/{person.token}/status"),
        "API: the created document": created,
        "API: the document again": api.get(f"/api/v1/assessments/{token}"),
        "result page": api.get(f"/a/{token}/resultat"),
    }
    for what, response in answered.items():
        assert response.status_code in (200, 201, 304), (what, response.status_code)
        assert response.headers.get("Cache-Control") == "no-store", what
    assert answered["live counts, unchanged"].status_code == 304  # still conditional

    for public in ("/sa-raknar-vi", "/integritet", "/api/v1/questionnaire"):
        assert app.test_client().get(public).headers.get("Cache-Control") != "no-store", public
