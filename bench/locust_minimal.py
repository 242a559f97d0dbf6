"""The ceiling: GET the minimal Flask page (bench/minimal_app.py) as fast as it answers.

    locust -f bench/locust_minimal.py --headless -u 20 -r 20 -t 30s \
        --host http://127.0.0.1:PORT --csv OUT/minimal
"""

from __future__ import annotations

import locust_helpers  # noqa: F401 (exact percentiles for the driver)
from locust import FastHttpUser, constant, task


class Visitor(FastHttpUser):
    wait_time = constant(0)

    @task
    def minimal_page(self) -> None:
        with self.client.get("/", name="GET / (minimal)", catch_response=True) as response:
            if response.status_code != 200 or "<h1>" not in response.text:
                response.failure(f"{response.status_code}")
