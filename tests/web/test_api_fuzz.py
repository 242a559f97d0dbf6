"""Schemathesis generates requests from the OpenAPI document: no 5xx, responses as documented."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings

# Slow: Schemathesis fuzzes the whole API.
pytestmark = pytest.mark.slow

GET_ASSESSMENT = ("GET", "/api/v1/assessments/{id}")


@pytest.fixture
def api_schema(app: Flask) -> Any:
    # The limit on new assessments has its own tests (tests/web/test_rate_limits.py); here
    # it would turn most requests into 429s once twenty assessments were created.
    app.config["ASSESSMENT_RATE_LIMIT"] = "100000 per minute"
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_openapi_document(case: Any) -> None:
    case.call_and_validate()


def test_api_follows_its_links_statefully(api_schema: Any) -> None:
    """Sequences of calls along the document's links (POST an assessment, then GET it by the
    id in the answer): every response is checked as in the test above, and the link must
    really lead to the stored assessment."""
    calls: Counter[tuple[str, str, int]] = Counter()
    created: set[str] = set()

    class Workflow(api_schema.as_state_machine()):  # type: ignore[misc]
        def after_call(self, response: Any, case: Any) -> None:
            call = (case.method, case.path, response.status_code)
            calls[call] += 1
            assert response.status_code < 500, call
            if call == ("POST", "/api/v1/assessments", 201):
                created.add(response.json()["id"])
            elif call == (*GET_ASSESSMENT, 200):
                wanted = case.path_parameters["id"]
                assert wanted in created and response.json()["id"] == wanted

    Workflow.run(
        settings=settings(
            max_examples=25,
            stateful_step_count=4,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    assert calls[("POST", "/api/v1/assessments", 201)] > 0, calls
    assert calls[(*GET_ASSESSMENT, 200)] > 0, calls  # the link was followed, and it led somewhere
