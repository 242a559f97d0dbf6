"""A seminar room: 200 phones join one workshop and answer everything, while the presenter
view on the projector and the advisor's laptop poll for news.

Participants (``BENCH_PARTICIPANTS``, default 200) join by the workshop's code
(``BENCH_CODE``) at the page /w/<CODE>, as the QR code leads them, and answer every page
(CSRF token from each page, ``BENCH_THINK`` seconds of reading between getting a page
and posting it, default 1-3.5), then see their result; each does it once. The presenter
(the projector) and the advisor, logged in before (their cookies in
``BENCH_ADVISOR_COOKIES``, as bench/run.py's ``advisor_cookies`` makes them), poll
/radgivare/workshop/<id>/status every ``BENCH_POLL_SECONDS`` (default 3, the
app's LIVE_POLL_SECONDS) with If-None-Match, as static/live.js does, and fetch the team
fragment whenever the team changed. The run ends by itself once every participant is
done (or failed), a poll after; the driver then counts the answers in the database.

    BENCH_CODE=ABC234 BENCH_WORKSHOP=<public id> BENCH_ADVISOR_COOKIES='[…]' \
    locust -f bench/locust_seminar.py --headless -u 202 -r 20 -t 180s \
        --host http://127.0.0.1:PORT --csv OUT/seminar
"""

from __future__ import annotations

import itertools
import json
import os
import re
from typing import Any

import gevent
from common import csrf_token
from locust import constant, events, task
from locust.exception import StopUser
from locust_helpers import TALLY, Browser, Failed, mark_completed, mark_start, token_from
from requests.cookies import create_cookie

PARTICIPANTS = int(os.environ.get("BENCH_PARTICIPANTS", "200"))
CODE = os.environ.get("BENCH_CODE", "")
WORKSHOP = os.environ.get("BENCH_WORKSHOP", "")
# The logged-in advisor's cookies: [{"name", "value", "domain", "path"}, ...] as JSON.
COOKIES = os.environ.get("BENCH_ADVISOR_COOKIES", "[]")
POLL_SECONDS = float(os.environ.get("BENCH_POLL_SECONDS", "3"))
TEAM_VERSION = re.compile(r'data-team-version="([^"]*)"')

PEOPLE = itertools.count()
TALLY["participants_failed"] = 0
TALLY["polls"] = 0
TALLY["polls_not_modified"] = 0
TALLY["team_fetches"] = 0


class Participant(Browser):
    fixed_count = PARTICIPANTS
    wait_time = constant(0)
    think_default = "1-3.5"

    @task
    def take_part(self) -> None:
        person = next(PEOPLE)
        if person >= PARTICIPANTS:
            # Locust spawns another user in place of one that stopped while the room is
            # still joining (a quick participant can finish before the last one joins):
            # that one is no 201st phone.
            raise StopUser()
        try:
            join_page = self.page(f"/w/{CODE}", "GET /w/[code]")
            self.think()
            mark_start()
            data = {"csrf_token": csrf_token(join_page), "name": f"Deltagare {person}", "role": ""}
            location = self.post_form(f"/w/{CODE}", "POST /w/[code]", data, "")
            token = token_from(location)
            self.expect("GET", f"/a/{token}", "GET /a/[token] (resume)", 302)
            sent = self.answer_pages(token, person, first=2)
            mark_completed(sent)
        except Failed:
            TALLY["participants_failed"] += 1
        raise StopUser()  # one phone, one questionnaire


class _Live(Browser):
    """A logged-in advisor's page that polls for news as static/live.js does."""

    abstract = True
    page_path = ""
    team_path = "/radgivare/workshop/{id}/team"  # the team fragment the page swaps in

    def on_start(self) -> None:
        # Logged in before the seminar (the driver did it: a password hash takes its time
        # on purpose and is no part of the burst); the session cookie is the advisor's.
        for cookie in json.loads(COOKIES):
            self.client.cookiejar.set_cookie(create_cookie(**cookie))
        html = self.page(self.page_path.format(id=WORKSHOP), self.page_name)
        version = TEAM_VERSION.search(html)
        self.team_version = version.group(1) if version else ""
        self.etag = ""

    @task
    def tick(self) -> None:
        self.step()

    def step(self) -> None:
        """One tick of the page's script; the presenter's also switches to the result."""
        self.poll()

    def poll(self) -> None:
        self.idle(POLL_SECONDS)
        headers = {"If-None-Match": self.etag} if self.etag else {}
        url = f"/radgivare/workshop/{WORKSHOP}/status"
        name = "GET /radgivare/workshop/[id]/status"
        with self.client.get(url, name=name, headers=headers, catch_response=True) as r:
            TALLY["polls"] += 1
            if r.status_code == 304:
                TALLY["polls_not_modified"] += 1
                r.success()
                return
            if r.status_code != 200:
                r.failure(f"{r.status_code}")
                return
            r.success()
            self.etag = r.headers.get("ETag", "")
            state: dict[str, Any] = json.loads(r.text)
        if state["team_version"] != self.team_version:
            TALLY["team_fetches"] += 1
            self.page(
                self.team_path.format(id=WORKSHOP),
                "GET " + self.team_path.replace("{id}", "[id]"),
            )
            self.team_version = state["team_version"]


class Presenter(_Live):
    """The projector: the join screen (code and QR), then the team's result."""

    fixed_count = 1
    page_path = "/radgivare/workshop/{id}/presentera"
    page_name = "GET /radgivare/workshop/[id]/presentera"
    team_path = "/radgivare/workshop/{id}/presentera/bilder"  # every slide, swapped in

    def step(self) -> None:
        if TALLY["flows_completed"] and not getattr(self, "showing_result", False):
            self.page(
                f"/radgivare/workshop/{WORKSHOP}/presentera/3",
                "GET /radgivare/workshop/[id]/presentera/3",
            )
            self.showing_result = True
        self.poll()


class Advisor(_Live):
    """The advisor's own laptop: the workshop's page with counts and participants."""

    fixed_count = 1
    page_path = "/radgivare/workshop/{id}"
    page_name = "GET /radgivare/workshop/[id]"


@events.test_start.add_listener
def _end_when_everyone_is_done(environment: Any, **_: Any) -> None:
    """Stop the run once every participant finished or failed, after one more poll."""

    def watch() -> None:
        while TALLY["flows_completed"] + TALLY["participants_failed"] < PARTICIPANTS:
            gevent.sleep(0.25)
        gevent.sleep(POLL_SECONDS + 1)
        if environment.runner is not None:
            environment.runner.quit()

    gevent.spawn(watch)
