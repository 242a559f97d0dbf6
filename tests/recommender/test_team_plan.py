"""A team's action plan: "today" is the lower median of the answers that count, and the
team's top disagreements are marked to talk about first rather than planned."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from questionnaire.answers import parse_answer
from questionnaire.profile import parse_profile_answers
from questionnaire.scoring import item_level
from questionnaire.team import lower_median, team_answers, team_result
from recommender.action_plan import team_plan
from recommender.outcome import assess_scores
from tests.recommender.conftest import Content

COMPANIES = yaml.safe_load(
    (Path(__file__).parents[1] / "data" / "companies.yaml").read_text("utf-8")
)


def _answers(company: dict[str, Any], content: Content) -> dict[str, Any]:
    q = content.questionnaire
    return {k: parse_answer(q.question(k), v) for k, v in company["answers"].items()}  # type: ignore[arg-type]


def test_the_lower_median_is_the_lower_middle_value() -> None:
    assert lower_median([4, 0, 2, 3]) == 2  # the mean is 2.25, the upper median 3
    assert lower_median([3, 1, 2]) == 2
    assert lower_median([1]) == 1


def test_a_team_stands_at_the_lower_median_of_the_answers_that_count(content: Content) -> None:
    q = content.questionnaire
    backup = q.question("data_backup")
    assert backup is not None
    by_level = {o.level: o.value for o in backup.answer_options if o.level is not None}
    sets: list[dict[str, Any]] = [
        {"data_backup": by_level[4]},
        {"data_backup": by_level[0]},
        {"data_backup": by_level[3]},
        {"data_backup": by_level[2]},
        {"data_backup": "not_relevant"},  # does not count
        {},  # did not answer
    ]
    assert team_answers(q, sets)["data_backup"] == by_level[2]
    robots = q.question("automation_robots")
    assert robots is not None and robots.type == "number"
    numbers = team_answers(q, [{"automation_robots": n} for n in (7, 0, 2, 30)])
    assert numbers["automation_robots"] == 2


@pytest.mark.parametrize("members", [(0, 1, 5, 3), (4, 5, 6), (3, 7, 8, 9, 1, 0)])
def test_each_item_of_a_team_plan_starts_from_the_lower_median(
    members: tuple[int, ...], content: Content
) -> None:
    """Teams made of the made-up companies' answers, as if each were one participant."""
    q, catalogue = content.questionnaire, content.catalogue
    sets = [_answers(COMPANIES[i], content) for i in members]
    profile, _ = parse_profile_answers(q, COMPANIES[members[0]]["profile"])
    result = team_result(q, sets)
    path = assess_scores(result.scores, profile, content).recommendation
    assert path is not None and path.status == "ready"
    plan = team_plan(q, team_answers(q, sets), result.scores, path, catalogue, result.disagreements)
    assert plan.items
    measured = {d: s for d, s in result.scores.items() if s is not None}
    weakest = sorted(measured.values())[catalogue.action_plan.dimensions - 1]
    for item in plan.items:
        question = q.question(item.question)
        assert question is not None
        levels = [
            lv for s in sets if (lv := item_level(question, s.get(item.question))) is not None
        ]
        assert item.now.level == lower_median(levels), item.question
        assert item.next.level > item.now.level
        assert (result.scores[item.dimension] or 0) <= weakest  # the team's weakest
    far = catalogue.action_plan.discuss_distance
    split = {d.question_id for d in result.disagreements if d.distance >= far}
    assert plan.discuss == {i.question for i in plan.items} & split
    # Talked about first, then planned by gain.
    flags = [i.question in plan.discuss for i in plan.items]
    assert flags == sorted(flags, reverse=True)
    assert [i.gain for i in plan.planned] == sorted((i.gain for i in plan.planned), reverse=True)


def test_only_answers_far_apart_are_talked_about_first(content: Content) -> None:
    """One level apart is a nuance, not a split: such an item is planned."""
    q, catalogue = content.questionnaire, content.catalogue
    base = _answers(COMPANIES[0], content)
    question = q.question("automation_admin")
    assert question is not None
    levels = {o.level: o.value for o in question.answer_options if o.level is not None}
    now = question.option(str(base["automation_admin"]))
    assert now is not None and now.level is not None
    near = [base, base, base | {"automation_admin": levels[now.level + 1]}]
    far = [base, base, base | {"automation_admin": levels[now.level + 2]}]
    profile, _ = parse_profile_answers(q, COMPANIES[0]["profile"])
    found = {}
    for name, sets in (("near", near), ("far", far)):
        result = team_result(q, sets)
        assert result.disagreements[0].question_id == "automation_admin"
        path = assess_scores(result.scores, profile, content).recommendation
        assert path is not None
        plan = team_plan(
            q, team_answers(q, sets), result.scores, path, catalogue, result.disagreements
        )
        assert "automation_admin" in {i.question for i in plan.items}
        found[name] = "automation_admin" in plan.discuss
    assert found == {"near": False, "far": True}
