"""The advisor-approved example cases, each as its own test, through the app's own
entry point for figures (the gate included)."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from recommender.outcome import assess_scores
from tests.recommender.conftest import Content

CASES = yaml.safe_load(
    (Path(__file__).parents[1] / "data" / "recommendation_examples.yaml").read_text("utf-8")
)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_example_case(case: dict[str, Any], content: Content) -> None:
    profile = {k: v for k, v in case["profile"].items() if v is not None}
    outcome = assess_scores(case["scores"], profile, content)
    result = outcome.recommendation
    assert result is not None
    assert result.status == case.get("status", "ready")
    excluded = {e.offering: e.reason for e in result.excluded}
    for offering in case.get("excluded_includes", []):
        assert offering in excluded
        assert excluded[offering].code
    if result.status != "ready":
        assert result.primary is None and result.complementary == () and result.later is None
        if result.status == "needs_more_answers":
            assert result.missing is not None
            assert list(result.missing.profile) == case.get("missing_profile", [])
        else:
            assert [s.offering for s in result.referrals] == case["referrals"]
            assert all(s.reasons for s in result.referrals)
        return
    path = result.path
    assert result.primary is not None
    if "primary_any_of" in case:
        assert result.primary.offering in case["primary_any_of"]
    if "path_includes" in case:
        assert set(case["path_includes"]) & set(path), path
    for offering in case.get("never", []):
        assert offering not in path
    # Every step says why.
    for step in (result.primary, *result.complementary, result.later):
        if step is not None:
            assert step.reasons, step.offering
