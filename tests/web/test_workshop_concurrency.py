"""A whole room submits at the same moment: no answer is lost, no request fails.

Fifty participants join one workshop over real HTTP (a threaded werkzeug server on the
test's own database) and answer all ten pages. A barrier releases every join and every
page's submit together, so the writes collide in the database, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import func, select

from app import create_app
from tests.helpers import csrf_token, threaded_server
from tests.web.load import JOINED, comparable, open_workshop, plans, stored_answers
from web.platform.extensions import db
from web.storage.models import Assessment

# Slow: rooms of phones at once against a threaded server.
pytestmark = pytest.mark.slow

PARTICIPANTS = 50
TIMEOUT = 30  # seconds for one request, and for everyone to reach the barrier


@dataclass(frozen=True)
class Server:
    url: str
    app: Flask


@pytest.fixture
def server(database_url: str) -> Iterator[Server]:
    """The app on a free local port, on this test's fresh database, one thread per request."""
    yield from serve(database_url)


def serve(database_url: str, **config: Any) -> Iterator[Server]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "concurrency-test",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "AUTO_MIGRATE": False,
            **config,
        }
    )
    try:
        with threaded_server(app, "concurrency-server") as url:
            yield Server(url=url, app=app)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@dataclass
class Participant:
    """One phone in the room: its own cookies, its answers, and what the server said."""

    number: int
    pages: dict[int, dict[str, Any]]  # step number -> form data (without CSRF and action)
    expected: dict[str, Any]  # question id -> the answer as it must be stored
    session: requests.Session = field(default_factory=requests.Session)
    token: str = ""
    statuses: list[tuple[str, str, int]] = field(default_factory=list)

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        response = self.session.request(
            method, url, allow_redirects=False, timeout=TIMEOUT, **kwargs
        )
        self.statuses.append((method, url, response.status_code))
        return response


def _participants(questionnaire: Any) -> list[Participant]:
    return [Participant(p.number, p.pages, p.expected) for p in plans(questionnaire, PARTICIPANTS)]


def _take_part(
    person: Participant, base: str, code: str, last_step: int, barrier: threading.Barrier
) -> None:
    """Join, then for each page: read it (CSRF token), wait for everyone, submit."""
    join_url = f"{base}/w/{code}"
    page = person.request("GET", join_url)
    assert page.status_code == 200, f"join page: {page.status_code}"
    barrier.wait()
    joined = person.request(
        "POST",
        join_url,
        data={"csrf_token": csrf_token(page.text), "name": f"Deltagare {person.number}"},
    )
    assert joined.status_code == 302, f"join: {joined.status_code}"
    match = JOINED.search(joined.headers["Location"])
    assert match, f"join went to {joined.headers['Location']}"
    person.token = match.group(1)

    for number, answers in person.pages.items():
        url = f"{base}/a/{person.token}/steg/{number}"
        page = person.request("GET", url)
        assert page.status_code == 200, f"step {number}: {page.status_code}"
        last = number == last_step
        data = {"csrf_token": csrf_token(page.text), "action": "finish" if last else "next"}
        barrier.wait()
        sent = person.request("POST", url, data={**data, **answers})
        assert sent.status_code == 302, f"step {number} submit: {sent.status_code}"
        target = "/resultat" if last else f"/steg/{number + 1}"
        location = sent.headers["Location"]
        assert location.endswith(f"/a/{person.token}{target}"), f"step {number} -> {location}"


def test_fifty_participants_submitting_at_once_lose_no_answer(server: Server) -> None:
    questionnaire = server.app.extensions["lyftkollen.content"].questionnaire
    workshop_id, code = open_workshop(server.app)
    people = _participants(questionnaire)
    per_person = sum(len(s.questions) for s in questionnaire.maturity_sections)
    assert all(len(p.expected) == per_person for p in people)
    assert len({json.dumps(p.expected, sort_keys=True) for p in people}) == PARTICIPANTS

    barrier = threading.Barrier(PARTICIPANTS, timeout=TIMEOUT)
    failures: dict[int, Exception] = {}

    def run(person: Participant) -> None:
        try:
            _take_part(person, server.url, code, len(questionnaire.sections), barrier)
        except Exception as error:  # reported below, with the person
            failures[person.number] = error
            barrier.abort()  # the others stop waiting for this one
        finally:
            person.session.close()

    threads = [
        threading.Thread(target=run, args=(p,), name=f"participant-{p.number}") for p in people
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a participant never finished"

    server_errors = [s for p in people for s in p.statuses if s[2] >= 500]
    assert server_errors == [], f"{len(server_errors)} requests failed: {server_errors[:5]}"
    first_failures = {n: repr(e) for n, e in sorted(failures.items())[:5]}
    assert failures == {}, f"{len(failures)} participants failed, e.g. {first_failures}"

    statuses, stored = stored_answers(server.app, workshop_id)
    assert len(statuses) == PARTICIPANTS
    assert sorted(statuses) == sorted(p.token for p in people)
    assert set(statuses.values()) == {"completed"}
    assert sum(len(a) for a in stored.values()) == PARTICIPANTS * per_person
    for person in people:
        got = {q: comparable(v) for q, v in stored.get(person.token, {}).items()}
        want = {q: comparable(v) for q, v in person.expected.items()}
        assert got == want, f"participant {person.number}'s answers differ from what was sent"


CAP = 7
CROWD = 20


@pytest.fixture
def capped_server(database_url: str) -> Iterator[Server]:
    yield from serve(database_url, WORKSHOP_MAX_PARTICIPANTS=CAP)


def test_a_room_joining_at_once_never_gets_past_the_cap(capped_server: Server) -> None:
    """Twenty phones join a workshop that takes seven, all released at the same moment:
    exactly seven get in, the others get the page saying it is full, none a 5xx."""
    workshop_id, code = open_workshop(capped_server.app)
    join_url = f"{capped_server.url}/w/{code}"
    barrier = threading.Barrier(CROWD, timeout=TIMEOUT)
    statuses: dict[int, int] = {}
    pages: dict[int, str] = {}

    def run(number: int) -> None:
        with requests.Session() as phone:
            page = phone.get(join_url, timeout=TIMEOUT)
            try:
                barrier.wait()
            finally:
                joined = phone.post(
                    join_url,
                    data={"csrf_token": csrf_token(page.text), "name": f"Deltagare {number}"},
                    allow_redirects=False,
                    timeout=TIMEOUT,
                )
            statuses[number] = joined.status_code
            pages[number] = joined.text

    threads = [threading.Thread(target=run, args=(n,)) for n in range(CROWD)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(statuses.values()) == [302] * CAP + [409] * (CROWD - CAP)
    full = next(text for n, text in pages.items() if statuses[n] == 409)
    assert "Workshoppen är full" in full and f"har redan {CAP} deltagare" in full
    with capped_server.app.app_context():
        stored = db.session.scalar(
            select(func.count(Assessment.id)).where(Assessment.workshop_id == workshop_id)
        )
    assert stored == CAP
