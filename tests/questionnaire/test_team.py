"""The team's result: means of what each person was shown, spread, and where they disagree."""

from pathlib import Path
from statistics import fmean, pstdev
from typing import Any

import pytest

from questionnaire.loader import load_questionnaire
from questionnaire.model import DONT_KNOW, Questionnaire, Text
from questionnaire.scoring import round_half_up, score_dimensions
from questionnaire.team import disagreements, team_result

DATA = Path(__file__).parents[2] / "data"


@pytest.fixture(scope="module")
def q() -> Questionnaire:
    return load_questionnaire(DATA / "questionnaire.yaml", [("iuc", Text(sv="IUC", en="IUC"))])


def singles(q: Questionnaire, level: int) -> dict[str, Any]:
    """Every single-choice maturity item answered at ``level``."""
    return {
        question.id: next(o.value for o in question.options if o.level == level)
        for section in q.maturity_sections
        for question in section.questions
        if question.type == "single"
    }


def test_team_scores_are_the_means_of_the_individual_scores(q: Questionnaire) -> None:
    people = [singles(q, 0), singles(q, 1), singles(q, 4)]
    people[1][next(iter(people[1]))] = DONT_KNOW  # one "don't know" changes one person's score
    team = team_result(q, people)
    own = [{d: r.score for d, r in score_dimensions(q, p).items()} for p in people]
    for dimension, spread in team.dimensions.items():
        scores = [o[dimension] for o in own]
        assert spread.score == round_half_up(fmean(scores))
        assert (spread.minimum, spread.maximum) == (min(scores), max(scores))
        assert spread.spread == pytest.approx(pstdev(scores))
        assert spread.measured == 3
    assert team.participants == 3
    assert team.overall is not None


def test_people_without_a_score_in_a_dimension_are_left_out_of_its_mean(
    q: Questionnaire,
) -> None:
    unsure = {k: DONT_KNOW for k in singles(q, 0)}
    team = team_result(q, [singles(q, 4), unsure])
    first = q.dimensions[0].id
    assert team.dimensions[first].measured == 1
    assert team.dimensions[first].score == 100 and team.dimensions[first].spread == 0.0


def test_the_item_answered_furthest_apart_comes_first(q: Questionnaire) -> None:
    a, b, c = singles(q, 1), singles(q, 2), singles(q, 3)
    items = list(a)
    split, wider = items[7], items[20]
    a[split], c[split] = singles(q, 0)[split], singles(q, 4)[split]  # 0, 2, 4
    a[wider], b[wider], c[wider] = singles(q, 0)[wider], singles(q, 4)[wider], singles(q, 4)[wider]
    found = disagreements(q, [a, b, c])
    # 0/4/4 has the larger standard deviation (1.89) than 0/2/4 (1.63).
    assert [d.question_id for d in found[:2]] == [wider, split]
    first = found[0]
    assert first.distance == 4 and first.counted == 3
    counts = dict(first.distribution)
    question = q.question(wider)
    assert question is not None
    low = next(o.value for o in question.options if o.level == 0)
    high = next(o.value for o in question.options if o.level == 4)
    assert counts[low] == 1 and counts[high] == 2 and sum(counts.values()) == 3


def test_agreement_and_dont_know_are_not_disagreement(q: Questionnaire) -> None:
    a, b = singles(q, 2), singles(q, 2)
    item = next(iter(a))
    b[item] = DONT_KNOW
    assert disagreements(q, [a, b]) == ()
    a2 = dict(a, **{item: singles(q, 4)[item]})
    c = dict(b, **{item: singles(q, 0)[item]})
    found = disagreements(q, [a2, b, c])
    assert found[0].question_id == item and found[0].dont_know == 1 and found[0].answered == 3


def test_outlines_carry_no_join_order(q: Questionnaire) -> None:
    low, high = singles(q, 1), singles(q, 3)
    forwards = team_result(q, [low, high]).outlines
    backwards = team_result(q, [high, low]).outlines
    assert forwards == backwards
