"""What many tests share: the test app's settings, the databases, and people using the app
through the test client (CSRF and all). Fixtures are in conftest.py; tests import these."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from werkzeug.serving import make_server

from app import create_app
from questionnaire.model import DONT_KNOW, Section
from web.assessments.forms import DONT_KNOW_SUFFIX
from web.platform.extensions import db
from web.storage.content import CONTENT_FILES, Content, DataDirectory, load_content

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ["sqlite", "postgresql"] if TEST_DATABASE_URL else ["sqlite"]
DATA_DIR = Path(__file__).parent.parent / "data"


# ------------------------------------------------------------------ done once per session
# Hundreds of apps are built in a test session, each (as in production) loading data/ and
# compiling its templates afresh: most of a small test's time. conftest.py makes every
# app in the session share the two results below; the app's own code is unchanged.

_CONTENT: dict[tuple[bytes, ...], Content] = {}


def load_content_once(data_dir: Path) -> Content:
    """``web.storage.content.load_content``, parsed and validated once per session for each set
    of file contents: an app on an edited copy of data/ gets its edit loaded afresh, and
    a load that fails (a missing or broken file) is never kept, so it fails every time.
    Each app gets its own ``Content``: the parsed content is shared (it is immutable),
    the pages and forms each app draws from it are not."""
    try:
        key = tuple(
            hashlib.sha256((data_dir / name).read_bytes()).digest()
            for name in CONTENT_FILES.values()
        )
    except OSError:
        return load_content(data_dir)  # the app's own error for a file it cannot read
    if key not in _CONTENT:
        _CONTENT[key] = load_content(data_dir)
    return dataclasses.replace(_CONTENT[key], _derived={})


class DataDirectoryOnce(DataDirectory):
    """The app's default content source (CONTENT_SOURCE unset), loading once per session
    for each set of file contents (load_content_once)."""

    def load(self) -> Content:
        return load_content_once(self.path)


class TemplateCache(BytecodeCache):
    """Jinja's compiled templates, in memory, shared by every app of the session.

    Jinja checks each entry against its template's source, so an edited template is
    compiled afresh. Every app compiles its templates with the same settings
    (create_app installs the same extensions on each), so the code is the same."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


# ------------------------------------------------------------------ the test app


def make_app(database_url: str, **overrides: Any) -> Flask:
    """The app as the tests use it, on ``database_url``, not migrating unless told."""
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "AUTO_MIGRATE": False,
        "SERVER_NAME": "lyftkollen.test",
        # Hundreds of advisors are created and log in: scrypt costs 0.1 s of CPU each time.
        # Only a test app may choose this (web.storage.models.password_hash_method); apps built
        # otherwise, and every real server the tests start, use scrypt as in production.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
    }
    settings.update(overrides)
    return create_app(settings)


def migrate(database_url: str) -> None:
    """Upgrade the database at ``database_url`` to the newest schema."""
    app = make_app(database_url, AUTO_MIGRATE=True)
    with app.app_context():
        db.engine.dispose()


@contextmanager
def threaded_server(app: Flask, name: str = "test-server") -> Iterator[str]:
    """``app`` on a free local port, one thread per request, until the block ends; the
    block gets its base URL (http://127.0.0.1:port)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def app_in_own_instance(database_url: str, tmp_path: Path, **overrides: Any) -> Iterator[Flask]:
    """The test app on ``database_url``, then its clean-up: the ``app`` fixture's body."""
    application = make_app(database_url, **overrides)
    # Its own instance folder: a model trained there (instance/recommender) stays in the
    # test, and one trained on the developer's machine never reaches it.
    application.instance_path = str(tmp_path / "instance")
    os.makedirs(application.instance_path, exist_ok=True)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


class Survey:
    """A person going through the self-assessment in the test client, CSRF and all."""

    def __init__(self, client: FlaskClient, questionnaire: Any) -> None:
        self.client = client
        self.questionnaire = questionnaire
        self.token = ""

    def start(self) -> str:
        home = self.client.get("/")
        response = self.client.post("/start", data={"csrf_token": csrf_token(home.text)})
        assert response.status_code == 302
        self.token = response.location.split("/")[2]
        return self.token

    def url(self, number: int) -> str:
        return f"/a/{self.token}/steg/{number}"

    def post(self, number: int, answers: dict[str, Any], action: str = "next") -> Any:
        page = self.client.get(self.url(number))
        data = {"csrf_token": csrf_token(page.text), "action": action, **answers}
        return self.client.post(self.url(number), data=data)

    def answers_at_level(self, level: int) -> dict[int, dict[str, Any]]:
        """Form data for every maturity page: each single choice at ``level``."""
        pages: dict[int, dict[str, Any]] = {}
        for number, section in enumerate(self.questionnaire.sections[1:], start=2):
            data: dict[str, Any] = {}
            for q in section.questions:
                if q.type == "single":
                    data[q.id] = next(o.value for o in q.options if o.level == level)
                elif q.type == "multi":
                    data[q.id] = ["none"] if level == 0 else [q.answer_options[0].value]
                elif q.type == "number":
                    data[q.id] = "dont_know_box"
            pages[number] = data
        return pages

    def answer_maturity_pages(self, level: int, changes: dict[str, Any] | None = None) -> Any:
        """Post every maturity page at ``level`` (numbers as "don't know"), then finish.

        ``changes`` replaces single answers by question id, e.g. one item answered apart.
        """
        total = len(self.questionnaire.sections)
        response = None
        for number, data in self.answers_at_level(level).items():
            data = {
                (f"{k}__dont_know" if v == "dont_know_box" else k): (
                    "y" if v == "dont_know_box" else v
                )
                for k, v in data.items()
            }
            data.update({k: v for k, v in (changes or {}).items() if k in data})
            response = self.post(number, data, action="finish" if number == total else "next")
            assert response.status_code == 302, response.text
        return response

    def complete_not_knowing(self, profile: dict[str, Any]) -> str:
        """Answer "don't know" to every maturity question (numbers through their box) and
        return the result page's HTML."""
        self.start()
        assert self.post(1, profile).status_code == 302
        everything = {
            q.id: (["dont_know"] if q.type == "multi" else "dont_know")
            for s in self.questionnaire.maturity_sections
            for q in s.questions
            if q.type != "number"
        }
        self.answer_maturity_pages(2, everything)
        return str(self.client.get(f"/a/{self.token}/resultat").text)

    def complete(self, profile: dict[str, Any], level: int = 2) -> Any:
        """Answer every page (numbers as "don't know") and show the result."""
        self.start()
        assert self.post(1, profile).status_code == 302
        return self.answer_maturity_pages(level)

    def join(self, code: str, name: str = "", role: str = "") -> str:
        """Join a workshop as a participant, as a phone would; returns the private token."""
        page = self.client.get(f"/w/{code}")
        assert page.status_code == 200, page.text
        data = {"csrf_token": csrf_token(page.text), "name": name, "role": role}
        response = self.client.post(f"/w/{code}", data=data)
        assert response.status_code == 302, response.text
        self.token = response.location.split("/")[2]
        return self.token


# ------------------------------------------------------------------ advisors and workshops

PASSWORD = "ett-långt-lösenord"
WORKSHOP_PROFILE = {"employees": "45", "sni": "25"}


def make_user(app: Flask, email: str, role: str = "advisor") -> None:
    args = ["users", "create", "--email", email, "--password", PASSWORD, "--role", role]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output


def logged_in(app: Flask, email: str, role: str = "advisor") -> FlaskClient:
    make_user(app, email, role)
    client = app.test_client()
    page = client.get("/radgivare/logga-in")
    data = {"csrf_token": csrf_token(page.text), "email": email, "password": PASSWORD}
    assert client.post("/radgivare/logga-in", data=data).status_code == 302
    return client


def workshop_form(html: str, **fields: str) -> dict[str, str]:
    """The new-workshop form filled in, from its page's ``html``; ``fields`` override."""
    return {
        "csrf_token": csrf_token(html),
        "company": "new",
        "new_company": "Verkstaden i Gnosjö AB",
        "title": "Ledningsgruppen, start",
        "held_on": "2026-11-21",
        "language": "sv",
        "reveal": "immediate",
        **fields,
    }


def create_workshop(client: FlaskClient, **fields: str) -> tuple[str, str]:
    """Create a workshop through the form; returns its advisor URL and its join code."""
    page = client.get("/radgivare/workshop/ny")
    response = client.post("/radgivare/workshop/ny", data=workshop_form(page.text, **fields))
    assert response.status_code == 302, response.text
    url = response.location
    code = re.search(r'id="join-code">(\w+)<', client.get(url).text)
    assert code
    return url, code.group(1)


def set_profile(client: FlaskClient, url: str, profile: dict[str, str] = WORKSHOP_PROFILE) -> Any:
    page = client.get(f"{url}/profil")
    return client.post(f"{url}/profil", data={"csrf_token": csrf_token(page.text), **profile})


def participant(app: Flask, questionnaire: Any, code: str, name: str = "") -> Survey:
    person = Survey(app.test_client(), questionnaire)
    person.join(code, name=name)
    return person


# ------------------------------------------------------------------ what a page shows

_TEXTS = ["<b>&\"'</b> åäö\r\nrad två", "", "{{ 1 }}", "  x  "]


def page_values(section: Section, variant: int) -> dict[str, Any]:
    """What the fields show, as stored answers and as posted ones come: options, several
    options, "don't know", blanks, numbers as text, text that must be escaped, nothing."""
    values: dict[str, Any] = {}
    for position, q in enumerate(section.questions):
        k = variant + position
        options = [o.value for o in q.options]
        if k % 5 == 4:
            continue  # nothing given
        if q.type == "single":
            values[q.id] = [options[k % len(options)], DONT_KNOW, "", "not-an-option"][k % 4]
        elif q.type == "multi":
            values[q.id] = [options[: 1 + k % len(options)], [DONT_KNOW], [], options][k % 4]
        elif q.type == "number":
            if k % 3 == 0:
                values[q.id + DONT_KNOW_SUFFIX] = True
            values[q.id] = ["12", "3.5", "", "abc"][k % 4]
        else:
            values[q.id] = _TEXTS[k % len(_TEXTS)]
    return values
