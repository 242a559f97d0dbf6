"""Questionnaire pages of stored assessments: GET a random page of a random assessment.

The assessments are seeded first (bench/seed.py: every answer given, half completed),
and their private tokens listed one a line in the file ``BENCH_TOKENS``. Every page is
rendered with the stored answers filled in, as a person coming back to it sees it.

    BENCH_TOKENS=tokens.txt locust -f bench/locust_questionnaire.py --headless \
        -u 20 -r 20 -t 30s --host http://127.0.0.1:PORT --csv OUT/questionnaire
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import locust_helpers  # noqa: F401 (exact percentiles for the driver)
from common import step_count
from locust import FastHttpUser, constant, task

TOKENS = Path(os.environ["BENCH_TOKENS"]).read_text().split()
STEPS = step_count()
# What a page must hold: the questionnaire's form; "<h1>" for minimal_app.read_app.
EXPECT = os.environ.get("BENCH_EXPECT", 'name="csrf_token"')


class Returning(FastHttpUser):
    wait_time = constant(0)

    @task
    def questionnaire_page(self) -> None:
        token = random.choice(TOKENS)  # noqa: S311 (no secret)
        number = random.randint(1, STEPS)  # noqa: S311
        url = f"/a/{token}/steg/{number}"
        with self.client.get(url, name="GET /a/[token]/steg/[n]", catch_response=True) as r:
            if r.status_code != 200 or EXPECT not in r.text:
                r.failure(f"{r.status_code}")
