"""The full self-assessment, as many people at once: start, every page posted, result.

Each user opens the start page, starts (POST /start, CSRF token read from the page),
then for each of the questionnaire's pages GETs it, reads it for a while
(``BENCH_THINK`` seconds, "LOW-HIGH", default 1-3: a fast reader; 0 hammers), and
posts it with the CSRF token from that page; the last page's "finish" leads to the
result, which is rendered. Then it starts again. Every redirect is checked.

    BENCH_THINK=1-3 locust -f bench/locust_selfassessment.py --headless \
        -u 50 -r 10 -t 90s --host http://127.0.0.1:PORT --csv OUT/selfassessment
"""

from __future__ import annotations

import itertools
from urllib.parse import urlencode

from common import csrf_token
from locust import constant, task
from locust_helpers import FORM, Browser, Failed, mark_completed, mark_start, token_from

PEOPLE = itertools.count()


class Company(Browser):
    wait_time = constant(0)  # the thinking happens on each page (Browser.think)
    think_default = "1-3"

    @task
    def self_assessment(self) -> None:
        person = next(PEOPLE)
        try:
            home = self.page("/", "GET /")
            self.think()
            mark_start()
            response = self.expect(
                "POST",
                "/start",
                "POST /start",
                302,
                data=urlencode({"csrf_token": csrf_token(home)}),
                headers=FORM,
            )
            token = token_from(response.headers.get("Location", ""))
            sent = self.answer_pages(token, person, first=1)
            mark_completed(sent)
        except Failed:
            pass  # counted by locust; this company starts again
        self.think()
