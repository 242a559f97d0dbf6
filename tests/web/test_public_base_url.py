"""PUBLIC_BASE_URL: every absolute link is built from it, and other hosts are refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.helpers import (
    PASSWORD,
    Survey,
    app_in_own_instance,
    create_workshop,
    csrf_token,
    make_user,
)
from tests.web.test_api import _full_answers
from web.advisor._workshop_views import qr_svg

BASE = "https://lyftkollen.example.se"
# The test client asks for http://lyftkollen.example.se (SERVER_NAME): as behind a proxy
# whose X-Forwarded-Proto is not believed, yet every link must say https://.


@pytest.fixture
def public_app(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Flask]:
    monkeypatch.setenv("PUBLIC_BASE_URL", BASE + "/")  # the trailing slash is dropped
    yield from app_in_own_instance(database_url, tmp_path, SERVER_NAME="lyftkollen.example.se")


def test_absolute_links_come_from_the_public_base_url(
    public_app: Flask, questionnaire: Any
) -> None:
    assert public_app.config["TRUSTED_HOSTS"] == ["lyftkollen.example.se"]
    person = Survey(public_app.test_client(), questionnaire)
    token = person.start()
    private = f"{BASE}/a/{token}"
    assert f'<a href="{private}" class="url">{private}</a>' in person.client.get(person.url(1)).text

    api = public_app.test_client()
    body = {"profile": {"employees": 90, "sni": "28"}, "answers": _full_answers(questionnaire)}
    created = api.post("/api/v1/assessments", json=body)
    doc = created.get_json()
    assert created.headers["Location"] == f"{BASE}/api/v1/assessments/{doc['id']}"
    assert doc["url"] == f"{BASE}/a/{doc['id']}/resultat"
    assert api.get(f"/api/v1/assessments/{doc['id']}").get_json()["url"] == doc["url"]

    make_user(public_app, "anna@example.se")
    advisor = public_app.test_client()
    login = advisor.get("/radgivare/logga-in")
    data = {"csrf_token": csrf_token(login.text), "email": "anna@example.se", "password": PASSWORD}
    assert advisor.post("/radgivare/logga-in", data=data).status_code == 302
    url, code = create_workshop(advisor)
    join = f"{BASE}/w/{code}"
    assert f'<a href="{join}" class="url">{join}</a>' in advisor.get(url).text
    projector = advisor.get(f"{url}/presentera").text
    assert qr_svg(join) in projector  # the QR code a phone scans
    assert "lyftkollen.example.se/w" in projector  # "go to … and enter the code"


@pytest.mark.parametrize(
    ("asked", "link"),
    [
        # A bookmarked private link still leads to the answers, query and all.
        ("/a/abc123/resultat?steg=2", f"{BASE}/a/abc123/resultat?steg=2"),
        # Whatever the path says, the link stays on PUBLIC_BASE_URL's host...
        ("/@evil.example", f"{BASE}/@evil.example"),
        ("/%2F%2Fevil.example", f"{BASE}/evil.example"),
        ("/%5C%5Cevil.example", f"{BASE}/%5C%5Cevil.example"),
        # ...and is encoded for a URL, then escaped for HTML.
        ('/a/"><script>x</script>', f"{BASE}/a/%22%3E%3Cscript%3Ex%3C/script%3E"),
        ('/a/b?q="><x', f"{BASE}/a/b?q=%22%3E%3Cx"),
        ("/sök", f"{BASE}/s%C3%B6k"),
    ],
)
def test_the_wrong_host_page_links_to_the_same_page_on_the_public_base_url(
    public_app: Flask, asked: str, link: str
) -> None:
    page = public_app.test_client().get(asked, headers={"Host": "evil.example"})
    assert page.status_code == 400
    assert f'<a href="{link}">{link}</a>' in page.text.replace("<wbr>", "")
    assert link.count("/") == page.text.count("/<wbr>")  # a phone may break after each "/"
    assert "<script>" not in page.text
    hrefs = re.findall(r'href="([^"]*)"', page.text)
    assert hrefs == [link] and all(h.startswith(f"{BASE}/") for h in hrefs)


def test_the_wrong_host_page_never_links_to_a_host_named_in_the_path(public_app: Flask) -> None:
    # A raw request line "GET //evil.example/x": Werkzeug's path starts with one "/".
    page = public_app.test_client().get(
        "/", headers={"Host": "evil.example"}, environ_overrides={"PATH_INFO": "//evil.example/x"}
    )
    assert page.status_code == 400
    assert re.findall(r'href="([^"]*)"', page.text) == [f"{BASE}/evil.example/x"]


def test_the_wrong_host_page_in_english(public_app: Flask) -> None:
    client = public_app.test_client()
    # The language is in the session cookie, which a browser sends to the host it was
    # set by: here the refused one.
    cookie = public_app.session_interface.get_signing_serializer(public_app).dumps({"lang": "en"})
    client.set_cookie(public_app.config["SESSION_COOKIE_NAME"], cookie, domain="evil.example")
    page = client.get("/integritet", headers={"Host": "evil.example"})
    assert page.status_code == 400 and '<html lang="en">' in page.text
    assert "This address is not Lyftkollen’s. Go on to:" in page.text
    assert f'<a href="{BASE}/integritet">' in page.text
    assert "If you came from a bookmark or a saved link, update it." in page.text


@pytest.mark.parametrize("host", ["evil.example", "10.0.0.11:8000", "lyftkollen.example.se.evil"])
def test_another_host_gets_400_saying_where_lyftkollen_is(public_app: Flask, host: str) -> None:
    client = public_app.test_client()
    page = client.get("/", headers={"Host": host})
    assert page.status_code == 400
    assert "Den här adressen används inte för Lyftkollen. Fortsätt till:" in page.text
    assert f'<a href="{BASE}/">{BASE}/</a>' in page.text.replace("<wbr>", "")
    assert "Kom du hit från ett bokmärke eller en sparad länk, uppdatera den." in page.text
    # Refused before CSRF is checked, or its error page would need the refused host's URLs.
    form = client.post("/start", data={"csrf_token": "x"}, headers={"Host": host})
    assert form.status_code == 400 and "Fel adress" in form.text
    api = client.post("/api/v1/assessments", json={}, headers={"Host": host})
    assert api.status_code == 400
    assert api.get_json() == {"error": f"this server answers only for {BASE}", "field": "Host"}


def test_the_health_check_answers_a_probe_by_ip_address(public_app: Flask) -> None:
    """A load balancer, Docker's HEALTHCHECK or a Kubernetes probe asks the machine by its
    own address; it must not take a refused host for a dead app."""
    for host in ("10.0.0.11:8000", "127.0.0.1:8000", "lyftkollen.example.se"):
        probe = public_app.test_client().get("/healthz", headers={"Host": host})
        assert probe.status_code == 200, host
        assert probe.get_json() == {"status": "ok", "database": "ok", "rate_limits": "ok"}


def test_without_a_public_base_url_links_follow_the_request(app: Flask) -> None:
    """A laptop or the tests: any host, and links on the address the request came to."""
    assert app.config["PUBLIC_BASE_URL"] is None and app.config["TRUSTED_HOSTS"] is None
    client = app.test_client()
    assert client.get("/", headers={"Host": "192.168.1.20:5000"}).status_code == 200
