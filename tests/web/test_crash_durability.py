"""A gunicorn worker killed with SIGKILL in the middle of a seminar's answers loses nothing.

Real gunicorn (gthread workers) serves the app on this test's fresh database, SQLite in
WAL mode or PostgreSQL. A seminar room joins one workshop and sends its ten pages, a
bounded number of phones at a time. Once a set number of pages has been acknowledged,
the worker with the most requests in hand is killed with SIGKILL; gunicorn starts another
in its place and the room carries on. The phones whose requests broke off stop there.
When the room is done the whole server is killed hard, and the database is checked as
the crash left it: every acknowledged join and page is stored exactly as sent, every page
of every participant is stored whole or not at all (one transaction per request), and a
participant is completed with scores and path, or not at all. Then a new server starts on
the database, the phones that lost their connection send again what was not acknowledged,
and everyone's answers and result are there. No request gets a 5xx, and the only broken
connections are requests that were in flight on the worker as it was killed.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import make_url

from app import create_app
from tests.helpers import csrf_token
from tests.servers import SECRET_KEY, TIMEOUT, Gunicorn, Servers, alive, wait_until
from tests.web.load import JOINED, Plan, comparable, open_workshop, plans, stored_answers
from web.platform.extensions import db
from web.storage.models import Assessment

PROFILE = {"employees": 45, "sni": "25"}

PARTICIPANTS = 100  # a seminar room
PHONES = 30  # participants sending at the same moment (the client's thread pool)
WORKERS = 3
THREADS = 4  # per gthread worker
KILL_AFTER = 300  # acknowledged pages before a worker is killed (of PARTICIPANTS * 10)
MORE_KILLS_EVERY = 150  # if a kill broke no request, another after this many more pages
MAX_KILLS = 3

pytestmark = [
    pytest.mark.slow,  # real gunicorn servers, killed mid-burst
    # Workers are found, and their connections counted, in /proc.
    pytest.mark.skipif(sys.platform != "linux", reason="reads Linux's /proc"),
]


# ---------------------------------------------------------------- the room


@dataclass
class Attempt:
    """One request as a phone saw it."""

    person: int
    what: str
    started: float  # time.monotonic()
    ended: float
    status: int | None  # None: the connection broke before the whole response came


class Broken(Exception):
    """The connection broke off before the whole response came: nothing acknowledged."""


@dataclass
class Phone:
    plan: Plan
    session: requests.Session = field(default_factory=requests.Session)
    csrf: str = ""
    token: str = ""
    joined: bool = False  # the join was acknowledged: the phone has its private link
    acknowledged: set[int] = field(default_factory=set)  # steps whose submit was
    broken: str = ""  # the request that broke off, during the burst
    failure: str = ""

    def __post_init__(self) -> None:
        # A proxy in front of gunicorn closes each connection after its response, and
        # so does the phone here: an open connection on a worker is a request in hand.
        self.session.headers["Connection"] = "close"


class Room:
    """Every attempt of every phone, and how many pages have been acknowledged."""

    def __init__(self) -> None:
        self.attempts: list[Attempt] = []
        self.pages = 0
        self.finished = 0  # phones done, one way or another
        self.changed = threading.Condition()

    def record(self, attempt: Attempt) -> None:
        with self.changed:
            self.attempts.append(attempt)

    def page_acknowledged(self) -> None:
        with self.changed:
            self.pages += 1
            self.changed.notify_all()

    def phone_finished(self) -> None:
        with self.changed:
            self.finished += 1
            self.changed.notify_all()

    def wait_for_pages(self, pages: int, phones: int) -> bool:
        """Until ``pages`` are acknowledged (True) or every phone is done (False)."""
        with self.changed:
            self.changed.wait_for(
                lambda: self.pages >= pages or self.finished == phones, timeout=10 * TIMEOUT
            )
            return self.pages >= pages

    def broken(self) -> list[Attempt]:
        with self.changed:
            return [a for a in self.attempts if a.status is None]


def _send(
    phone: Phone, room: Room, method: str, url: str, what: str, data: Any = None
) -> requests.Response:
    """One request. It counts as acknowledged once its response has come whole:
    ``requests`` reads the body before it returns, and raises if the connection breaks."""
    started = time.monotonic()
    try:
        response = phone.session.request(
            method, url, data=data, allow_redirects=False, timeout=TIMEOUT
        )
    except requests.Timeout:
        raise  # no answer in a minute: not a broken connection but a failure
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as error:
        room.record(Attempt(phone.plan.number, what, started, time.monotonic(), None))
        raise Broken(what) from error
    room.record(Attempt(phone.plan.number, what, started, time.monotonic(), response.status_code))
    return response


def _expect(response: requests.Response, status: int, what: str) -> None:
    assert response.status_code == status, f"{what}: {response.status_code} {response.text[:300]}"


def _take_part(phone: Phone, room: Room, base: str, code: str, last_step: int) -> None:
    """Join, then submit each page not yet acknowledged, as a phone in the room does.

    The form's CSRF token is the session's, the same on every page, so the phone sends
    each page without reading it first: half the requests, a burst short enough for a
    loaded machine. The writes are what this test is about.
    """
    if not phone.joined:
        join_url = f"{base}/w/{code}"
        page = _send(phone, room, "GET", join_url, "join page")
        if page.status_code == 302:
            # The join's response broke off after its cookie came: the phone has joined,
            # and the workshop's address leads it to its private link.
            joined = page
        else:
            _expect(page, 200, "join page")
            phone.csrf = csrf_token(page.text)
            data = {"csrf_token": phone.csrf, "name": f"Deltagare {phone.plan.number}"}
            joined = _send(phone, room, "POST", join_url, "join", data)
            _expect(joined, 302, "join")
        match = JOINED.search(joined.headers["Location"])
        assert match, f"join went to {joined.headers['Location']}"
        phone.token, phone.joined = match.group(1), True

    for number, answers in phone.plan.pages.items():
        if number in phone.acknowledged:
            continue
        url = f"{base}/a/{phone.token}/steg/{number}"
        last = number == last_step
        data = {"csrf_token": phone.csrf, "action": "finish" if last else "next", **answers}
        sent = _send(phone, room, "POST", url, f"step {number}", data)
        _expect(sent, 302, f"step {number}")
        phone.acknowledged.add(number)
        room.page_acknowledged()
        target = "/resultat" if last else f"/steg/{number + 1}"
        location = sent.headers["Location"]
        assert location.endswith(f"/a/{phone.token}{target}"), f"step {number} -> {location}"


def _everyone_answers(phones: list[Phone], room: Room, base: str, code: str, last: int) -> None:
    """Each phone's part, PHONES at a time. A phone whose connection breaks off stops
    (``broken``): it comes back once the server has been restarted."""

    def run(phone: Phone) -> None:
        try:
            _take_part(phone, room, base, code, last)
        except Broken as error:
            phone.broken = str(error)
        except Exception as error:  # reported by the test, with the person
            phone.failure = f"{type(error).__name__}: {error}"
        finally:
            room.phone_finished()

    with ThreadPoolExecutor(max_workers=PHONES, thread_name_prefix="phone") as pool:
        for future in [pool.submit(run, phone) for phone in phones]:
            future.result(timeout=10 * TIMEOUT)


# ---------------------------------------------------------------- killing a worker


@dataclass
class Kill:
    pid: int
    open_requests: int  # client connections it held, as read from /proc just before
    started: float
    ended: float = 0.0  # when it was seen dead: its connections are closed by then
    replaced: float = 0.0


def _kill_busiest_worker(server: Gunicorn) -> Kill:
    """SIGKILL the worker with the most requests in hand; wait until gunicorn replaces it."""
    deadline = time.monotonic() + 10
    while True:
        held = {pid: server.open_requests(pid) for pid in server.workers()}
        pid = max(held, key=lambda p: held[p])
        if held[pid] > 0 or time.monotonic() > deadline:
            break
        time.sleep(0.005)
    kill = Kill(pid, held[pid], started=time.monotonic())
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: not alive(pid), "the killed worker to die")
    kill.ended = time.monotonic()

    def replaced() -> bool:
        workers = server.workers()
        return len(workers) == WORKERS and pid not in workers

    wait_until(replaced, "gunicorn to start a worker in place of the killed one")
    kill.replaced = time.monotonic()
    return kill


def _kill_during_burst(server: Gunicorn, room: Room, phones: int) -> list[Kill]:
    """Kill a worker once KILL_AFTER pages are acknowledged; again (at most MAX_KILLS) if
    no request was in flight on it, so that the test always breaks some request off."""
    kills: list[Kill] = []
    threshold = KILL_AFTER
    while len(kills) < MAX_KILLS and room.wait_for_pages(threshold, phones):
        kills.append(_kill_busiest_worker(server))
        if room.broken():
            break
        threshold = room.pages + MORE_KILLS_EVERY
    return kills


def _in_a_kill(attempt: Attempt, kills: list[Kill]) -> bool:
    """Whether the request was under way while a worker was being killed."""
    return any(attempt.started <= k.ended and attempt.ended >= k.started for k in kills)


# ---------------------------------------------------------------- the test


def test_a_worker_killed_mid_burst_loses_no_acknowledged_answer(
    database_url: str, servers: Servers
) -> None:
    try:
        _run(database_url, servers)
    except BaseException:
        servers.print_logs()
        raise


def _run(database_url: str, servers: Servers) -> None:
    began = time.monotonic()
    backend = make_url(database_url).get_backend_name()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "AUTO_MIGRATE": False,
        }
    )
    questionnaire = app.extensions["lyftkollen.content"].questionnaire
    last = len(questionnaire.sections)
    workshop_id, code = open_workshop(app, PROFILE)
    _close_connections(app)  # during the crash only gunicorn has the database open
    phones = [Phone(plan) for plan in plans(questionnaire, PARTICIPANTS)]
    room = Room()

    try:
        # The burst, and a worker killed in the middle of it.
        server = servers.start(database_url, workers=WORKERS, threads=THREADS)
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="room") as background:
            burst = background.submit(_everyone_answers, phones, room, server.url, code, last)
            kills = _kill_during_burst(server, room, len(phones))
            burst.result(timeout=10 * TIMEOUT)
        burst_seconds = time.monotonic() - started

        failures = {p.plan.number: p.failure for p in phones if p.failure}
        assert failures == {}, f"{len(failures)} participants failed: {list(failures.items())[:5]}"
        assert kills, "the burst ended before a worker was killed"
        errors = [a for a in room.attempts if a.status is not None and a.status >= 500]
        assert errors == [], f"{len(errors)} requests got a server error: {errors[:5]}"
        broken = room.broken()
        assert broken, f"killing {len(kills)} workers broke off no request: {kills}"
        stray = [a for a in broken if not _in_a_kill(a, kills)]
        assert stray == [], f"connections broke while no worker was being killed: {stray[:5]}"
        assert len(broken) == sum(1 for p in phones if p.broken)

        # The whole server dies at once. The database is as the crash left it.
        server.kill_hard()
        at_crash = _check_database(app, workshop_id, phones, broken)

        # A new server on the same database; the phones that lost the connection send
        # again what was not acknowledged, and everyone sees their result.
        restarted = servers.start(database_url, workers=WORKERS, threads=THREADS)
        cut_off = [p for p in phones if p.broken]
        _everyone_answers(cut_off, room, restarted.url, code, last)
        failures = {p.plan.number: p.failure for p in cut_off if p.failure}
        assert failures == {}, f"{len(failures)} came back and failed: {list(failures.items())}"
        assert len(room.broken()) == len(broken), "connections broke after the restart"
        for phone in phones:
            assert phone.acknowledged == set(phone.plan.pages)
            result = requests.get(f"{restarted.url}/a/{phone.token}/resultat", timeout=TIMEOUT)
            _expect(result, 200, f"participant {phone.plan.number}'s result")
        stored = _check_database(app, workshop_id, phones, broken)
        assert stored.answers == PARTICIPANTS * len(phones[0].plan.expected)
        assert stored.unacknowledged_pages == 0
        errors = [a for a in room.attempts if a.status is not None and a.status >= 500]
        assert errors == [], f"{len(errors)} requests got a server error: {errors[:5]}"

        if backend == "sqlite":
            connection = sqlite3.connect(make_url(database_url).database)
            try:
                mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
            finally:
                connection.close()
            assert mode == "wal"
    finally:
        for phone in phones:
            phone.session.close()
        _close_connections(app)

    what = Counter(a.what.split()[0] for a in broken)
    print(
        f"\n{backend}: {PARTICIPANTS} participants, {PHONES} at a time; the burst: "
        f"{len(room.attempts) - len(broken)} requests acknowledged in {burst_seconds:.1f} s; "
        f"{len(kills)} worker(s) killed after {KILL_AFTER} pages, holding "
        f"{[k.open_requests for k in kills]} connections; broken off: {what['step']} page "
        f"submits, {what['join']} joins, {len(broken) - what['step'] - what['join']} other. "
        f"At the crash: {at_crash.answers} answers, {at_crash.unacknowledged_pages} broken-off "
        f"pages stored whole (the rest not at all), {at_crash.unacknowledged_joins} "
        f"broken-off joins stored. After the restart: {stored.answers} answers, "
        f"{stored.unacknowledged_joins} orphan joins. {time.monotonic() - began:.1f} s in all"
    )


def _close_connections(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@dataclass
class Stored:
    answers: int
    unacknowledged_joins: int  # participants stored though the join's response broke off
    unacknowledged_pages: int  # pages stored whole though the submit's response broke off


def _check_database(
    app: Flask, workshop_id: int, phones: list[Phone], broken: list[Attempt]
) -> Stored:
    """Everything acknowledged is stored as sent, nothing is stored in part, and a
    participant is completed with scores and path or not at all."""
    statuses, stored = stored_answers(app, workshop_id)
    with app.app_context():
        rows = {
            a.token: a
            for a in db.session.execute(
                select(Assessment).where(Assessment.workshop_id == workshop_id)
            ).scalars()
        }
        db.session.expunge_all()
    _close_connections(app)
    assert statuses == {t: r.status for t, r in rows.items()}

    # Every acknowledged join is a participant. Any other is a join whose response was
    # lost with a killed worker (the phone joins again): it has nothing else.
    by_token = {p.token: p for p in phones if p.joined}
    missing = sorted(set(by_token) - set(rows))
    assert missing == [], f"{len(missing)} acknowledged joins are not stored"
    lost_joins = [a.person for a in broken if a.what == "join"]
    orphans = 0
    for token, row in rows.items():
        phone = by_token.get(token)
        person = phone.plan.number if phone else int((row.participant_name or "x -1").split()[1])
        assert row.participant_name == f"Deltagare {person}", row.participant_name
        assert (row.source, row.workshop_id) == ("workshop", workshop_id)
        if phone is None:
            assert person in lost_joins, f"a participant nobody joined as: {row.participant_name}"
            lost_joins.remove(person)
            orphans += 1
            assert token not in stored and row.status == "in_progress"

    unacknowledged_pages = 0
    for token, phone in by_token.items():
        row, answers = rows[token], stored.get(token, {})
        plan = phone.plan
        assert set(answers) <= set(plan.expected), "answers to questions never sent"
        for number, questions in plan.questions.items():
            got = {q: comparable(answers[q]) for q in questions if q in answers}
            want = {q: comparable(plan.expected[q]) for q in questions}
            if number in phone.acknowledged or got:
                # Acknowledged: stored as sent. Not acknowledged: stored whole, or not at all.
                state = "acknowledged" if number in phone.acknowledged else "broken off"
                assert got == want, (
                    f"participant {plan.number}, step {number} ({state}): "
                    f"stored {sorted(got)} of {sorted(want)}, or other values"
                )
                unacknowledged_pages += number not in phone.acknowledged
        if max(plan.pages) in phone.acknowledged or row.status == "completed":
            assert row.status == "completed" and row.completed_at is not None
            assert row.scores is not None and row.recommendation is not None
            assert set(answers) == set(plan.expected)
        else:
            assert row.status == "in_progress" and row.scores is None
    return Stored(sum(len(a) for a in stored.values()), orphans, unacknowledged_pages)
