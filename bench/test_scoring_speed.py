# ruff: noqa: S101 (a test asserts)
"""In process: scoring plus recommendation of one assessment, under 2 ms median.

So that the server's cost is I/O and HTML, not arithmetic. Not part of the project's
test suite (pyproject.toml's ``testpaths`` is ``tests``); run it on its own:

    python -m pytest bench/test_scoring_speed.py
    python -m pytest bench/test_scoring_speed.py --benchmark-json instance/bench/scoring.json

It times ``recommender.outcome.assess``, the entry point the app calls when an assessment
is finished (the scoring, and the path by the rules of thumb: the ranking the app uses
while no learned model may be), on the content in data/ loaded and validated once, as
the app does at start.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DONT_KNOW_SUFFIX, REPO, maturity_pages  # noqa: E402

from questionnaire.answers import parse_answer  # noqa: E402
from questionnaire.model import DONT_KNOW  # noqa: E402
from questionnaire.team import team_result  # noqa: E402
from recommender.outcome import Outcome, assess, rules_ranking  # noqa: E402
from recommender.stored import to_stored  # noqa: E402
from web.storage.content import load_content  # noqa: E402

MEDIAN_LIMIT = 0.002  # seconds
PROFILE = {"employees": 45, "turnover_msek": 60, "sni": "25"}


@pytest.fixture(scope="module")
def content() -> Any:
    return load_content(REPO / "data")


def stored_answers(content: Any, person: int) -> dict[str, Any]:
    """Person ``person``'s answers to every maturity question, as the database keeps them."""
    questions = {q.id: q for s in content.questionnaire.sections for q in s.questions}
    answers: dict[str, Any] = {}
    for page in maturity_pages(person).values():
        for key, raw in page.items():
            if key.endswith(DONT_KNOW_SUFFIX):
                qid = key.removesuffix(DONT_KNOW_SUFFIX)
                answers[qid] = parse_answer(questions[qid], DONT_KNOW)
            else:
                answers[key] = parse_answer(questions[key], raw)
    return answers


def test_scoring_and_recommendation_of_one_assessment(benchmark: Any, content: Any) -> None:
    answers = stored_answers(content, 3)
    outcome: Outcome = benchmark(assess, answers, PROFILE, content, rules_ranking)
    assert outcome.overall is not None
    assert outcome.primary is not None
    median = benchmark.stats.stats.median
    assert median < MEDIAN_LIMIT, f"median {median * 1000:.3f} ms, limit 2 ms"


def test_scoring_recommendation_and_what_is_stored(benchmark: Any, content: Any) -> None:
    """assess() plus the JSON kept on the assessment (web.assessments.service.complete)."""
    answers = stored_answers(content, 5)

    def complete() -> tuple[dict[str, Any], dict[str, Any] | None]:
        return to_stored(assess(answers, PROFILE, content, rules_ranking))

    scores, path = benchmark(complete)
    assert scores["overall"] is not None and path is not None and path["primary"] is not None
    median = benchmark.stats.stats.median
    assert median < MEDIAN_LIMIT, f"median {median * 1000:.3f} ms, limit 2 ms"


@pytest.mark.parametrize("participants", [30, 200])
def test_team_result_for_information(benchmark: Any, content: Any, participants: int) -> None:
    """For information, no limit: what the advisor's and presenter's pages recompute on
    every request (web/workshops/service.py team()) for a room of ``participants``."""
    answer_sets = [stored_answers(content, p) for p in range(participants)]
    result = benchmark(team_result, content.questionnaire, answer_sets)
    assert result.participants == participants
