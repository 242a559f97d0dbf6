"""The action plan: concrete next steps in the options' own words, ordered by gain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from questionnaire.answers import parse_answer
from questionnaire.profile import parse_profile_answers
from questionnaire.scoring import score_dimensions
from recommender.action_plan import action_plan
from recommender.outcome import assess
from tests.recommender.conftest import Content

COMPANIES = yaml.safe_load(
    (Path(__file__).parents[1] / "data" / "companies.yaml").read_text("utf-8")
)


def _company(name: str, content: Content) -> tuple[dict[str, Any], dict[str, Any]]:
    company = next(c for c in COMPANIES if c["name"] == name)
    q = content.questionnaire
    profile, _ = parse_profile_answers(q, company["profile"])
    answers = {k: parse_answer(q.question(k), v) for k, v in company["answers"].items()}  # type: ignore[arg-type]
    return profile, answers


def _plan_of(name: str, content: Content) -> tuple[dict[str, Any], Any]:
    """A made-up company's answers and its plan."""
    profile, answers = _company(name, content)
    path = assess(answers, profile, content).recommendation
    assert path is not None
    return answers, action_plan(content.questionnaire, answers, path, content.catalogue)


@pytest.mark.parametrize("name", [c["name"] for c in COMPANIES])
def test_every_item_is_a_real_step_up_in_the_options_own_words(name: str, content: Content) -> None:
    q, catalogue = content.questionnaire, content.catalogue
    profile, answers = _company(name, content)
    path = assess(answers, profile, content).recommendation
    assert path is not None
    plan = action_plan(q, answers, path, catalogue)
    if path.status == "needs_more_answers":
        assert plan == ()  # the missing answers come first
        return
    settings = catalogue.action_plan
    assert 0 < len(plan) <= settings.max_items
    assert [i.gain for i in plan] == sorted((i.gain for i in plan), reverse=True)
    scored = score_dimensions(q, answers)
    for item in plan:
        question = q.question(item.question)
        assert question is not None and q.dimension_of(item.question) == item.dimension
        assert item.next.level > item.now.level, item
        assert item.question not in settings.not_steps  # a result is never a step
        assert item.gain >= settings.min_gain
        if item.kind == "single":
            now, up = question.option(str(item.now.value)), question.option(str(item.next.value))
            assert now is not None and up is not None
            assert item.now.value == answers[item.question]
            assert item.now.label == now.label
            # The next step in the option's own words: as a state to reach where the
            # option has one (its label then also names what is missing).
            assert item.next.label == (up.step or up.label)
            assert ", men " not in item.next.label.sv and ", but " not in item.next.label.en
            # One level up: no option lies between the two.
            levels = [o.level for o in question.answer_options if o.level is not None]
            assert not [lv for lv in levels if item.now.level < lv < item.next.level]
        elif item.kind == "checklist":
            practice = question.option(str(item.next.value))
            assert practice is not None and item.next.label == practice.label
            assert item.next.value not in answers[item.question]  # an unticked practice
            assert item.now.label is None
        else:
            assert question.thresholds is not None and item.next.value in question.thresholds
            assert item.next.value > answers[item.question] and item.now.label is None
        # The gain is what the dimension's score, as the page shows it, would rise by.
        moved = dict(answers)
        if item.kind == "checklist":
            kept = [v for v in answers[item.question] if not question.option(v).exclusive]  # type: ignore[union-attr]
            moved[item.question] = [*kept, item.next.value]
        else:
            moved[item.question] = item.next.value
        after = score_dimensions(q, moved)[item.dimension].score
        assert after is not None and after - (scored[item.dimension].score or 0) == item.gain
        # Tied to an offering in the path (or a referral) that remedies the dimension.
        if item.offering is not None:
            assert item.offering in {s.offering for s in path.steps}


def test_the_plan_comes_from_the_weakest_measured_dimensions(content: Content) -> None:
    q, catalogue = content.questionnaire, content.catalogue
    answers, plan = _plan_of("Gnosjö Tråd & Fjäder", content)
    scored = score_dimensions(q, answers)
    scores = sorted(r.score for r in scored.values() if r.score is not None)
    cut = scores[catalogue.action_plan.dimensions - 1]  # ties at the cut may be either
    assert all((scored[i.dimension].score or 0) <= cut for i in plan)
    first = plan[0]
    assert first.now.label is not None and first.next.label is not None
    assert first.now.label.sv == "Vi ser bara elräkningen, och knappt den"
    assert first.next.label.sv == "Vi följer förbrukningen för hela företaget månad för månad"


def test_an_answer_at_the_top_has_no_next_step(content: Content) -> None:
    q = content.questionnaire
    answers, plan = _plan_of("Precisionsgruppen i Västerås", content)
    top = {x.id for s in q.maturity_sections for x in s.questions if answers.get(x.id) in
           [o.value for o in x.answer_options if o.level == 4]}  # fmt: skip
    assert not top & {i.question for i in plan}
