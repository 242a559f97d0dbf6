"""Then and now: the change per dimension, the spread in whole points, the moved next step."""

from __future__ import annotations

from questionnaire.model import Questionnaire
from recommender.action_plan import PlanItem, PlanState
from recommender.comparison import DimensionChange, compare, plan_progress, primary_changed
from recommender.path import Recommendation, Step


def _path(primary: str | None, *complements: str) -> Recommendation:
    return Recommendation(
        primary=Step(primary, ()) if primary else None,
        complementary=tuple(Step(c, ()) for c in complements),
        later=None,
        excluded=(),
    )


def test_change_is_now_minus_then_up_down_and_unchanged() -> None:
    rows = compare(
        {"strategy": 25, "data": 60, "change": 50},
        {"strategy": 75, "data": 40, "change": 50},
    )
    assert [(r.dimension, r.change) for r in rows] == [
        ("strategy", 50),
        ("data", -20),
        ("change", 0),
    ]


def test_no_change_unless_both_measurements_have_a_score() -> None:
    rows = {r.dimension: r for r in compare({"social": None, "data": 40}, {"social": 30})}
    assert rows["social"] == DimensionChange("social", None, 30, None, None, None)
    assert rows["data"].now is None and rows["data"].change is None


def test_spread_is_rounded_half_up_to_whole_points() -> None:
    rows = compare(
        {"strategy": 50, "data": 50, "people": 50},
        {"strategy": 60, "data": 60, "people": 60},
        then_spread={"strategy": 12.5, "data": 2.4999, "people": None},
        now_spread={"strategy": 0.0, "data": 17.5, "people": 3.5},
    )
    assert [(r.spread_then, r.spread_now) for r in rows] == [(13, 0), (2, 18), (None, 4)]


def test_a_self_assessment_has_no_spread() -> None:
    (row,) = compare({"strategy": 40}, {"strategy": 55}, then_spread=None, now_spread=None)
    assert (row.spread_then, row.spread_now, row.change) == (None, None, 15)


def test_primary_changed_compares_only_the_first_step() -> None:
    same_start = primary_changed(_path("startprogram"), _path("startprogram", "robotlyftet"))
    assert same_start is False
    assert primary_changed(_path("startprogram"), _path("robotlyftet")) is True
    assert primary_changed(_path(None), _path("robotlyftet")) is True
    assert primary_changed(_path(None), _path(None)) is False


def test_primary_changed_is_unknown_without_both_paths() -> None:
    assert primary_changed(None, _path("startprogram")) is None
    assert primary_changed(_path("startprogram"), None) is None


def test_a_plan_step_is_reached_at_its_next_level_or_above(questionnaire: Questionnaire) -> None:
    machine_data = questionnaire.question("automation_machine_data")
    assert machine_data is not None
    at = {o.level: o for o in machine_data.answer_options if o.level is not None}

    def state(level: int) -> PlanState:
        return PlanState(at[level].value, at[level].label, float(level))

    item = PlanItem("automation", "automation_machine_data", "single", state(1), state(2), 5, None)
    found = {
        answer: plan_progress([item], {"automation_machine_data": answer}, questionnaire)[0]
        for answer in (at[1].value, at[2].value, at[4].value, "not_relevant")
    }
    assert [found[at[lv].value].reached for lv in (1, 2, 4)] == [False, True, True]
    assert found[at[4].value].level_now == 4
    gone = found["not_relevant"]  # an answer that does not count is not a step taken
    assert gone.reached is False and gone.level_now is None
    unasked = plan_progress([item], {}, questionnaire)[0]
    assert unasked.reached is False and unasked.answer_now is None
