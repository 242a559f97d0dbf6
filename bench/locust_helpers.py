"""What the locust files share: a phone or a laptop going through Lyftkollen's pages.

Each request is checked for the status (and redirect) the app must answer with; anything
else is a locust failure, so "zero failures" in the CSV means every page, post and
redirect was the right one. Redirects are not followed automatically: a browser asks for
the next page as a request of its own, and it is timed on its own.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from typing import Any
from urllib.parse import urlencode

import gevent
from common import JOINED, PROFILE, csrf_token, maturity_pages, step_count, think_range
from locust import FastHttpUser, events

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
# After a pause this long, a new connection (gunicorn closes idle ones after 2 s; nginx
# in front, as docs/deploy.md sets it up, opens a new one to gunicorn for each request).
KEEPALIVE_SECONDS = 0.5


class Failed(Exception):
    """A response the app must not give: the user's flow stops, and locust counts it."""


# What each locust process did, written to BENCH_RESULT_FILE when the test stops, so the
# driver can compare it with what the database holds.
TALLY: dict[str, Any] = {
    "flows_started": 0,
    "flows_completed": 0,
    "answers_sent": 0,  # by users who finished
    "answers_acknowledged": 0,  # every answer on a page whose post the app answered rightly
    "first_request": None,
    "last_completed": None,
}


# Every request's name, time (ms) and whether it failed, so the driver can compute exact
# percentiles over any group of requests (pages without static files, say).
SAMPLES: list[tuple[str, float, int]] = []


@events.request.add_listener
def _sample(name: str, response_time: float, exception: Any = None, **_: Any) -> None:
    SAMPLES.append((name, round(response_time, 2), 1 if exception else 0))


@events.test_stop.add_listener
def _write_tally(**_: Any) -> None:
    path = os.environ.get("BENCH_RESULT_FILE")
    if path:
        with open(path, "w") as f:
            json.dump({**TALLY, "samples": SAMPLES}, f)


# What a page makes a browser fetch from this site: stylesheets, scripts, images.
SUBRESOURCE = re.compile(
    r'<link[^>]+rel="stylesheet"[^>]+href="(/[^"]+)"|<script[^>]+src="(/[^"]+)"'
    r'|<img[^>]+src="(/[^"]+)"'
)
MAX_AGE = re.compile(r"max-age=(\d+)")
STATIC = os.environ.get("BENCH_STATIC", "1") != "0"


def mark_start() -> None:
    TALLY["flows_started"] += 1
    if TALLY["first_request"] is None:
        TALLY["first_request"] = time.time()


def mark_completed(answers: int) -> None:
    TALLY["flows_completed"] += 1
    TALLY["answers_sent"] += answers
    TALLY["last_completed"] = time.time()


class Browser(FastHttpUser):
    abstract = True
    think_default = "1-3"

    def think(self) -> None:
        low, high = think_range(self.think_default)
        if high > 0:
            self.idle(random.uniform(low, high))  # noqa: S311 (no secret)

    def idle(self, seconds: float) -> None:
        """Wait (yielding to the other users); then send on a new connection.

        gunicorn closes a keep-alive connection after 2 s without a request (its default
        ``keepalive``), and may have closed it just as the next request goes out. A
        browser then resends at once on a new connection, and behind nginx the proxy
        opens its own connections (one per request by default), so a person never sees
        this; geventhttpclient would fail the POST instead. So after any pause of the
        user's, the next request opens a new connection, as behind nginx.
        """
        gevent.sleep(seconds)
        if seconds >= KEEPALIVE_SECONDS:
            self.client.client.close()  # the pooled connections; cookies are kept

    def expect(self, method: str, url: str, name: str, status: int, **kwargs: Any) -> Any:
        """One request that must answer ``status``; the response (``.text``, ``.headers``)."""
        with self.client.request(
            method, url, name=name, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            if response.status_code != status:
                why = f": {response.error!r}" if response.status_code == 0 else ""
                response.failure(f"{response.status_code}, expected {status}{why}")
                raise Failed(f"{method} {url}: {response.status_code}")
            response.success()
            return response

    def page(self, url: str, name: str) -> str:
        html = self.expect("GET", url, name, 200).text
        if STATIC:
            self.subresources(html)
        return html

    def subresources(self, html: str) -> None:
        """Fetch what the page names, as a browser with a cache does (``BENCH_STATIC=0``:
        never): the first time in full; later, only once its Cache-Control max-age has
        run out, and then conditionally (If-None-Match), which a 304 answers."""
        cache = self.__dict__.setdefault("_cache", {})
        now = time.monotonic()
        for match in SUBRESOURCE.finditer(html):
            path = next(g for g in match.groups() if g)
            kept = cache.get(path)
            if kept is not None and now < kept["fresh_until"]:
                continue  # from the browser's cache, no request
            short = "/static/[file]" if path.startswith("/static/") else path
            headers = {}
            if kept is not None and kept["etag"]:
                headers["If-None-Match"] = kept["etag"]
            with self.client.get(
                path,
                name=f"GET {short}" + (" (revalidate)" if headers else ""),
                headers=headers,
                catch_response=True,
            ) as response:
                if response.status_code not in (200, 304):
                    response.failure(f"{response.status_code}")
                    continue
                response.success()
                control = response.headers.get("Cache-Control", "") or ""
                age = MAX_AGE.search(control)
                fresh = 0 if "no-cache" in control or not age else int(age.group(1))
                etag = response.headers.get("ETag") or (kept or {}).get("etag", "")
                cache[path] = {"etag": etag, "fresh_until": now + fresh}

    def post_form(self, url: str, name: str, data: dict[str, Any], redirect_to: str) -> str:
        """Post a form as a browser does; it must answer 302 to a URL ending in ``redirect_to``."""
        response = self.expect(
            "POST", url, name, 302, data=urlencode(data, doseq=True), headers=FORM
        )
        location = response.headers.get("Location", "")
        if not location.endswith(redirect_to):
            # Counted as a failure of its own: the post was answered, but not as it must be.
            events.request.fire(
                request_type="POST",
                name=name + " (wrong redirect)",
                response_time=0,
                response_length=0,
                exception=Failed(f"{url} -> {location}, expected …{redirect_to}"),
                context={},
            )
            raise Failed(f"{url} -> {location}")
        return location

    def answer_pages(self, token: str, person: int, first: int, name_prefix: str = "") -> int:
        """GET each page from ``first`` on, read it, post it; finishing leads to the result.

        Returns how many answers were sent (the number the database must hold).
        """
        last = step_count()
        pages = maturity_pages(person)
        sent = 0
        for number in range(first, last + 1):
            url = f"/a/{token}/steg/{number}"
            html = self.page(url, f"{name_prefix}GET /a/[token]/steg/[n]")
            self.think()
            answers = PROFILE if number == 1 else pages[number]
            finish = number == last
            data = {
                "csrf_token": csrf_token(html),
                "action": "finish" if finish else "next",
                **answers,
            }
            target = "/resultat" if finish else f"/steg/{number + 1}"
            name = f"{name_prefix}POST /a/[token]/steg/[n]" + (" (finish)" if finish else "")
            self.post_form(url, name, data, f"/a/{token}{target}")
            if number > 1:
                sent += len(pages[number])
                TALLY["answers_acknowledged"] += len(pages[number])
        result = self.page(f"/a/{token}/resultat", f"{name_prefix}GET /a/[token]/resultat")
        if '<svg class="radar' not in result:
            raise Failed("the result page shows no result")
        return sent


def token_from(location: str) -> str:
    match = JOINED.search(location.split("/steg/")[0])
    if not match:
        raise Failed(f"no private token in {location}")
    return match.group(1)
