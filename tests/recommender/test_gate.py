"""The gate: no path from too few answers, or for a company outside the target group."""

from __future__ import annotations

from typing import Any

import pytest

from questionnaire.dimensions import AREA_OF, DIMENSION_IDS
from questionnaire.model import Question, Questionnaire
from questionnaire.scoring import score_dimensions
from recommender.outcome import Outcome, assess, assess_scores
from recommender.path import render_reason
from tests.recommender.conftest import Content

MANUFACTURER = {"employees": 35, "sni": "25"}


def _at(question: Question, level: int) -> Any:
    """An answer at ``level`` (or as near as the item allows)."""
    if question.type == "single":
        levelled = [o for o in question.options if o.level is not None]
        return min(levelled, key=lambda o: abs((o.level or 0) - level)).value
    if question.type == "multi":
        practices = [o.value for o in question.answer_options if not o.exclusive]
        return practices[: max(1, level * 2)] if level else ["none"]
    assert question.thresholds is not None
    return question.thresholds[level - 1] if level else question.min


def _dont_know(question: Question) -> Any:
    return ["dont_know"] if question.type == "multi" else "dont_know"


def _everything_at(q: Questionnaire, level: int) -> dict[str, Any]:
    return {x.id: _at(x, level) for _, s in q.dimension_sections for x in s.questions}


def _path(outcome: Outcome) -> tuple[str, ...]:
    assert outcome.recommendation is not None
    return outcome.recommendation.path


def test_one_top_answer_and_dont_know_on_the_rest_gets_no_path(content: Content) -> None:
    """The gaming set: each dimension's first item at the top, "vet inte" on the rest.
    It scores 100 almost everywhere, and is no basis for advice."""
    q = content.questionnaire
    answers = {}
    for _, section in q.dimension_sections:
        first, *rest = section.questions
        answers[first.id] = _at(first, 4)
        answers.update({x.id: _dont_know(x) for x in rest})
    outcome = assess(answers, MANUFACTURER, content)
    assert outcome.recommendation is not None
    assert outcome.recommendation.status == "needs_more_answers"
    assert _path(outcome) == ()
    assert outcome.recommendation.complementary == () and outcome.recommendation.later is None
    assert outcome.recommendation.missing is not None
    assert "change" in outcome.recommendation.missing.dimensions
    assert outcome.recommendation.missing.profile == ()
    assert outcome.recommendation.excluded  # still listed, with why


def test_a_company_answering_mostly_dont_know_needs_more_answers(content: Content) -> None:
    q = content.questionnaire
    answers = {x.id: _dont_know(x) for _, s in q.dimension_sections for x in s.questions}
    for _, section in q.dimension_sections[:3]:  # three dimensions answered in full
        answers.update({x.id: _at(x, 2) for x in section.questions})
    outcome = assess(answers, MANUFACTURER, content)
    assert outcome.recommendation is not None
    assert outcome.recommendation.status == "needs_more_answers"
    missing = outcome.recommendation.missing
    assert missing is not None
    answered = {d for d, s in q.dimension_sections[:3]}
    # The data dimension's "vet inte" on backups and break-ins counts, as level 0.
    assert set(missing.dimensions) == set(DIMENSION_IDS) - answered - {"data"}


def test_every_answer_that_counts_gives_a_path(content: Content) -> None:
    outcome = assess(_everything_at(content.questionnaire, 2), MANUFACTURER, content)
    assert outcome.recommendation is not None
    assert outcome.recommendation.status == "ready"
    assert outcome.recommendation.missing is None
    assert outcome.primary is not None


def test_a_dimension_counts_as_measured_from_half_its_weight_and_two_items(
    content: Content,
) -> None:
    q = content.questionnaire
    gate = content.catalogue.gate
    section = next(s for d, s in q.dimension_sections if d == "strategy")
    answers = {x.id: _dont_know(x) for x in section.questions}
    answers[section.questions[0].id] = _at(section.questions[0], 3)
    one = score_dimensions(q, answers)["strategy"]
    assert one.score is not None and not gate.measured(one.coverage, one.answered)
    answers[section.questions[1].id] = _at(section.questions[1], 3)
    two = score_dimensions(q, answers)["strategy"]
    assert two.coverage >= gate.measured_weight_share and two.answered == 2
    assert gate.measured(two.coverage, two.answered)


def test_not_knowing_a_backup_can_be_restored_is_a_finding(content: Content) -> None:
    """ "Vet inte" on the backup and break-in items counts as level 0, and towards
    coverage; elsewhere it is left out, and "inte aktuellt" is left out everywhere."""
    q = content.questionnaire
    backup = q.question("data_backup")
    assert backup is not None and backup.dont_know_scores_zero
    assert backup.option("not_relevant") is None  # a backup is never "not relevant"
    answers = {"data_backup": "dont_know", "data_incident": "dont_know"}
    data = score_dimensions(q, answers)["data"]
    assert data.score == 0 and data.answered == 2 and data.coverage == 0.5

    drawings = q.question("readiness_drawings")
    assert drawings is not None and not drawings.dont_know_scores_zero
    assert drawings.option("not_relevant") is not None
    for left_out in ("dont_know", "not_relevant"):
        readiness = score_dimensions(q, {"readiness_drawings": left_out})["readiness"]
        assert readiness.score is None and readiness.answered == 0


def test_change_capability_must_be_measured(content: Content) -> None:
    q = content.questionnaire
    answers = _everything_at(q, 3)
    change = next(s for d, s in q.dimension_sections if d == "change")
    answers.update({x.id: _dont_know(x) for x in change.questions})
    outcome = assess(answers, MANUFACTURER, content)
    assert outcome.recommendation is not None
    assert outcome.recommendation.status == "needs_more_answers"
    assert outcome.recommendation.missing is not None
    assert outcome.recommendation.missing.dimensions == ("change",)


@pytest.mark.parametrize(
    ("unmeasured", "ready"),
    [
        ((), True),
        (("ecological", "economic"), True),  # 8 of 10, all 6 digital
        (("strategy", "data"), True),  # 8 of 10, 4 of 6 digital
        (("strategy", "people", "data"), False),  # 7 of 10
        (("social", "ecological", "economic"), False),  # 7 of 10
        (("change",), False),
    ],
)
def test_a_path_needs_eight_dimensions_four_of_them_digital(
    content: Content, unmeasured: tuple[str, ...], ready: bool
) -> None:
    scores: dict[str, float | None] = {d: 50.0 for d in DIMENSION_IDS}
    scores.update(dict.fromkeys(unmeasured))
    outcome = assess_scores(scores, MANUFACTURER, content)
    assert outcome.recommendation is not None
    assert (outcome.recommendation.status == "ready") is ready
    if not ready:
        assert outcome.recommendation.missing is not None
        assert outcome.recommendation.missing.dimensions == unmeasured
        digital = [d for d in DIMENSION_IDS if AREA_OF[d] == "digital" and d not in unmeasured]
        assert len(digital) >= 4 or "change" not in unmeasured


def test_no_scores_at_all_is_no_reason_to_go_to_iuc(content: Content) -> None:
    outcome = assess_scores({}, {"employees": 10, "sni": "25"}, content)
    assert outcome.recommendation is not None
    assert outcome.recommendation.status == "needs_more_answers"
    assert _path(outcome) == ()


def test_no_industry_asks_for_the_industry(content: Content) -> None:
    outcome = assess(_everything_at(content.questionnaire, 2), {"employees": 35}, content)
    assert outcome.recommendation is not None
    assert outcome.recommendation.status == "needs_more_answers"
    assert outcome.recommendation.missing is not None
    assert outcome.recommendation.missing.profile == ("sni",)
    assert outcome.recommendation.missing.dimensions == ()


def test_an_it_consultancy_is_referred_not_sent_on_a_programme(content: Content) -> None:
    """A 6-person IT consultancy (SNI 62): outside the target group, whatever it answers."""
    q = content.questionnaire
    outcome = assess(_everything_at(q, 2), {"employees": 6, "sni": "62"}, content)
    path = outcome.recommendation
    assert path is not None and path.status == "outside_target_group"
    assert path.primary is None and path.complementary == () and path.later is None
    assert [s.offering for s in path.referrals] == ["almi"]
    names = {d.id: d.name for d in q.dimensions}
    words = render_reason(path.referrals[0].reasons[0], "sv", content.catalogue, names)
    assert "och er bransch (SNI 62) hör inte dit" in words, words
    assert "Almi hjälper företag i alla branscher" in words
    english = render_reason(path.referrals[0].reasons[0], "en", content.catalogue, names)
    assert "your industry (SNI 62) is not one of them" in english


@pytest.mark.parametrize(
    ("sni", "inside"),
    [("05", True), ("09", True), ("10", True), ("25.620", True), ("33", True), ("35", True),
     ("39", True), ("71", True), ("72", True), ("62", False), ("41", False), ("46", False),
     ("70", False), ("73", False), ("other", False)],
)  # fmt: skip
def test_the_target_group_is_the_named_set_of_industries(
    content: Content, sni: str, inside: bool
) -> None:
    scores = dict.fromkeys(DIMENSION_IDS, 50.0)
    outcome = assess_scores(scores, {"employees": 30, "sni": sni}, content)
    assert outcome.recommendation is not None
    expected = "ready" if inside else "outside_target_group"
    assert outcome.recommendation.status == expected


def test_a_large_company_outside_the_target_group_gets_no_sme_referral(
    content: Content,
) -> None:
    scores = dict.fromkeys(DIMENSION_IDS, 50.0)
    outcome = assess_scores(scores, {"employees": 900, "sni": "other"}, content)
    assert outcome.recommendation is not None
    assert outcome.recommendation.status == "outside_target_group"
    assert outcome.recommendation.referrals == ()


def test_the_profile_list_names_every_target_division_and_another_industry(
    content: Content,
) -> None:
    sni = content.questionnaire.question("sni")
    assert sni is not None
    values = [o.value for o in sni.options]
    target = content.catalogue.industries.target_group
    assert values == [f"{d:02d}" for d in target.division_list] + ["other"]
    assert sni.options[-1].label.sv == "Annan bransch"
    assert "62" not in values
