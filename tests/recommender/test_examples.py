"""The advisor-approved example cases, each as its own test."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from questionnaire.profile import CompanyProfile
from recommender.catalogue import Catalogue
from recommender.ranking import recommend

CASES = yaml.safe_load(
    (Path(__file__).parents[1] / "data" / "recommendation_examples.yaml").read_text("utf-8")
)


def _profile(data: dict[str, Any]) -> CompanyProfile:
    return CompanyProfile(
        employees=data["employees"],
        turnover_msek=data.get("turnover_msek"),
        sni=data.get("sni"),
        region=data.get("region"),
        completed=frozenset(data.get("completed", [])),
    )


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_example_case(case: dict[str, Any], catalogue: Catalogue) -> None:
    result = recommend(_profile(case["profile"]), case["scores"], catalogue)
    path = result.path
    assert result.primary is not None
    if "primary_any_of" in case:
        assert result.primary.offering in case["primary_any_of"]
    if "path_includes" in case:
        assert set(case["path_includes"]) & set(path), path
    for offering in case.get("never", []):
        assert offering not in path
    excluded = {e.offering: e.reason for e in result.excluded}
    for offering in case.get("excluded_includes", []):
        assert offering in excluded
        assert excluded[offering].code
    # Every step says why.
    for step in (result.primary, *result.complementary, result.later):
        if step is not None:
            assert step.reasons, step.offering
