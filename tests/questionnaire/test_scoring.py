"""Scores per dimension, "don't know" left out, coverage, indices and bands."""

from pathlib import Path

import pytest

from questionnaire.loader import load_questionnaire
from questionnaire.model import Questionnaire, Text
from questionnaire.scoring import (
    area_indices,
    item_level,
    overall_index,
    round_half_up,
    score_assessment,
)

DATA = Path(__file__).parents[2] / "data"


@pytest.fixture(scope="module")
def q() -> Questionnaire:
    return load_questionnaire(DATA / "questionnaire.yaml", [("iuc", Text(sv="IUC", en="IUC"))])


def _at_level(q: Questionnaire, dimension: str, level: int) -> dict[str, object]:
    answers: dict[str, object] = {}
    section = next(s for s in q.maturity_sections if s.dimension == dimension)
    for question in section.questions:
        if question.type == "single":
            answers[question.id] = next(o.value for o in question.options if o.level == level)
    return answers


def test_dont_know_is_left_out_not_counted_as_zero(q: Questionnaire) -> None:
    section = next(s for s in q.maturity_sections if s.dimension == "change")
    first, *rest = section.questions
    top = {
        question.id: next(o.value for o in question.options if o.level == 4)
        for question in section.questions
    }
    all_top = score_assessment(q, top).dimensions["change"]
    assert all_top.score == 100 and all_top.coverage == 1.0
    with_dont_know = score_assessment(q, {**top, first.id: "dont_know"}).dimensions["change"]
    assert with_dont_know.score == 100  # not pulled towards zero
    assert with_dont_know.coverage == pytest.approx((len(rest)) / len(section.questions), 0.01)
    assert with_dont_know.answered == len(rest)


def test_nothing_counting_answered_gives_no_score(q: Questionnaire) -> None:
    section = next(s for s in q.maturity_sections if s.dimension == "strategy")
    answers = {
        question.id: ("dont_know" if question.type != "multi" else ["dont_know"])
        for question in section.questions
    }
    result = score_assessment(q, answers).dimensions["strategy"]
    assert result.score is None and result.band is None and result.coverage == 0


def test_single_choice_levels_scale_to_0_100(q: Questionnaire) -> None:
    for level, expected in [(0, 0), (1, 25), (2, 50), (3, 75), (4, 100)]:
        report = score_assessment(q, _at_level(q, "change", level))
        assert report.dimensions["change"].score == expected


def test_checklist_scores_by_what_is_ticked(q: Questionnaire) -> None:
    question = q.question("readiness_systems")
    assert question is not None and question.full_score is not None
    ticks = [o.value for o in question.answer_options if not o.exclusive]
    one = item_level(question, ticks[:1])
    two = item_level(question, ticks[:2])
    assert one is not None and two is not None and 0 < one < two <= 4
    assert item_level(question, ["none"]) == 0
    assert item_level(question, ["dont_know"]) is None
    assert item_level(question, ticks) == 4  # capped at the full level


def test_number_thresholds_decide_the_level(q: Questionnaire) -> None:
    question = q.question("people_training_hours")
    assert question is not None and question.thresholds is not None
    t = question.thresholds
    assert item_level(question, t[0] - 0.5) == 0
    assert item_level(question, t[0]) == 1
    assert item_level(question, t[3]) == 4
    assert item_level(question, "dont_know") is None


def test_area_and_overall_indices() -> None:
    scores = {
        "strategy": 10,
        "readiness": 20,
        "people": 30,
        "data": 40,
        "automation": 50,
        "green_digital": None,
        "social": 60,
        "ecological": 70,
        "economic": None,
        "change": 81,
    }
    areas = area_indices(scores)
    assert areas == {"digital": 30, "sustainability": 65, "change": 81}
    assert overall_index(areas) == 59  # (30 + 65 + 81) / 3 = 58.67
    assert overall_index({"digital": None, "sustainability": None, "change": None}) is None


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "basic"),
        (25, "basic"),
        (26, "average"),
        (50, "average"),
        (51, "moderate"),
        (75, "moderate"),
        (76, "advanced"),
        (100, "advanced"),
    ],
)
def test_band_boundaries(q: Questionnaire, score: int, band: str) -> None:
    found = q.band_for(score)
    assert found is not None and found.id == band


def test_rounding_is_half_up() -> None:
    assert [round_half_up(v) for v in (24.5, 25.5, 62.49, 0.0)] == [25, 26, 62, 0]


def test_unanswered_dimensions_stay_unmeasured(q: Questionnaire) -> None:
    report = score_assessment(q, _at_level(q, "change", 3))
    assert report.dimensions["change"].score == 75
    assert report.dimensions["strategy"].score is None
    assert report.areas == {"digital": None, "sustainability": None, "change": 75}
    assert report.overall == 75
    assert report.strongest() == ["change"]
