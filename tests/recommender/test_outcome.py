"""The two entry points (assess, assess_scores) and the one serialiser of their outcome."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from questionnaire.model import Questionnaire
from questionnaire.profile import CompanyProfile
from questionnaire.scoring import score_assessment
from questionnaire.team import team_result
from recommender.catalogue import Catalogue
from recommender.evidence import evidence
from recommender.features import DecisionCase
from recommender.learned import DimensionWeight, Explanation, RankedRecommendation
from recommender.outcome import Basis, Outcome, assess, assess_scores, rules_ranking
from recommender.path import Recommendation, Step
from recommender.ranking import recommend
from recommender.stored import FORMAT, StoredFormatError, from_stored, to_stored
from tests.recommender.conftest import Content

SHAPES = json.loads(
    (Path(__file__).parents[1] / "data" / "stored_outcomes.json").read_text(encoding="utf-8")
)
HISTORICAL = [name for name in SHAPES if not name.startswith("_")]
PROFILE = {"employees": 45, "turnover_msek": 62.5, "sni": "25", "region": "06"}


def _answers(q: Questionnaire, level: int) -> dict[str, Any]:
    """Every single-choice item at ``level`` (or the nearest), one ticked practice per
    checklist, numbers in the middle; ``dont_know`` on each dimension's last item where
    not knowing is not itself scored."""
    answers: dict[str, Any] = {}
    for _, section in q.dimension_sections:
        left_out = [x for x in section.questions if not x.dont_know_scores_zero][-1]
        for question in section.questions:
            if question is left_out:
                answers[question.id] = ["dont_know"] if question.type == "multi" else "dont_know"
            elif question.type == "single":
                levelled = [o for o in question.options if o.level is not None]
                answers[question.id] = min(levelled, key=lambda o: abs(o.level - level)).value
            elif question.type == "multi":
                answers[question.id] = [question.answer_options[0].value]
            elif question.type == "number":
                answers[question.id] = 10
    return answers


def test_assess_gives_the_scoring_figures_and_the_rules_path(content: Content) -> None:
    answers = _answers(content.questionnaire, 2)
    outcome = assess(answers, PROFILE, content)

    report = score_assessment(content.questionnaire, answers)
    assert outcome.scores == report.scores
    assert outcome.areas == report.areas and outcome.overall == report.overall
    assert outcome.coverage == {d: r.coverage for d, r in report.dimensions.items()}
    assert all(r.coverage is not None and r.coverage < 1 for r in outcome.dimensions.values())
    found = evidence(content.questionnaire, answers, content.catalogue)
    expected = recommend(CompanyProfile(employees=45, sni="25", region="06"), report.scores,
                         content.catalogue, found)  # fmt: skip
    assert outcome.recommendation == expected
    assert expected.primary is not None
    assert outcome.primary == expected.primary.offering
    assert outcome.basis.source == "rules"


def test_assess_without_a_profile_scores_only(content: Content) -> None:
    outcome = assess(_answers(content.questionnaire, 3), None, content)
    assert outcome.recommendation is None and outcome.primary is None
    assert outcome.overall is not None


def test_the_ranking_is_a_parameter(content: Content) -> None:
    """A ranking given to either entry point chooses the path, and the outcome says which."""
    seen: list[DecisionCase] = []
    chosen = Recommendation(Step("testbadd", ()), (), None, ())

    def learned(case: DecisionCase, catalogue: Catalogue) -> RankedRecommendation:
        seen.append(case)
        why = Explanation(7, "testbadd", 0.5, (DimensionWeight("data", 80.0, 0.3),), ())
        return RankedRecommendation(chosen, "learned", why)

    answers = _answers(content.questionnaire, 4)
    outcome = assess(answers, PROFILE, content, learned)
    assert outcome.recommendation == chosen
    assert outcome.basis.source == "learned" and outcome.basis.decisions == 7
    assert seen[0].coverage == outcome.coverage  # the answers' coverage reaches the ranking

    every = {d.id: 80 for d in content.questionnaire.dimensions}
    from_scores = assess_scores(every, PROFILE, content, learned)
    assert from_scores.recommendation == chosen and from_scores.basis.decisions == 7
    assert seen[1].coverage == {}  # figures alone have no coverage

    # Behind the gate, no ranking is asked: too few figures give no path.
    too_few = assess_scores({"data": 80}, PROFILE, content, learned)
    assert len(seen) == 2 and too_few.basis.source == "rules"
    assert too_few.recommendation is not None
    assert too_few.recommendation.status == "needs_more_answers"


def test_assess_scores_matches_a_team_and_rounds_what_it_keeps(content: Content) -> None:
    q = content.questionnaire
    team = team_result(q, [_answers(q, 1), _answers(q, 3), _answers(q, 4)])
    outcome = assess_scores(team.scores, PROFILE, content)
    assert outcome.scores == team.scores
    assert outcome.areas == team.areas and outcome.overall == team.overall
    assert outcome.coverage == {}  # not known from figures
    bands = {d: r.band for d, r in outcome.dimensions.items() if r.band is not None}
    assert bands == {d: q.band_for(s).id for d, s in team.scores.items() if s is not None}

    given: dict[str, float | None] = {d.id: 50.0 for d in q.dimensions}
    given |= {"data": 54.5, "ecological": None, "not_a_dimension": 10}
    figures = assess_scores(given, PROFILE, content, rules_ranking)
    assert figures.scores["data"] == 55 and figures.scores["ecological"] is None
    assert "not_a_dimension" not in figures.scores
    profile = CompanyProfile(employees=45, sni="25", region="06")
    del given["not_a_dimension"]
    assert figures.recommendation == recommend(profile, given, content.catalogue)


def test_areas_from_figures_are_the_mean_of_the_scores_as_shown(content: Content) -> None:
    """50.5, 50.5 and 50.4 are shown as 51, 51 and 50: their area is 51, not 50."""
    q = content.questionnaire
    sustainability = [d.id for d in q.dimensions if d.area == "sustainability"][:3]
    figures = assess_scores(
        dict(zip(sustainability, [50.5, 50.5, 50.4], strict=True)), None, content
    )
    assert [figures.scores[d] for d in sustainability] == [51, 51, 50]
    assert figures.areas["sustainability"] == 51


def test_a_learned_path_without_its_explanation_reads_back_as_it_was_kept() -> None:
    scores = {"dimensions": {"data": {"score": 40}}}
    outcome = from_stored(scores, {"primary": None, "source": "learned"})
    assert outcome is not None
    assert outcome.basis == Basis("learned", None) and outcome.basis.decisions is None
    assert to_stored(outcome)[1] == {
        "status": "ready",
        "primary": None,
        "complementary": [],
        "later": None,
        "deferred": [],
        "referrals": [],
        "missing": None,
        "excluded": [],
        "source": "learned",
    }


def test_an_outcome_is_frozen(content: Content) -> None:
    outcome = assess(_answers(content.questionnaire, 2), PROFILE, content)
    with pytest.raises(dataclasses.FrozenInstanceError):
        outcome.overall = 100  # type: ignore[misc]


@pytest.mark.parametrize("shape", HISTORICAL)
def test_every_stored_shape_is_read(shape: str) -> None:
    entry = SHAPES[shape]
    outcome = from_stored(entry["scores"], entry["recommendation"])
    assert isinstance(outcome, Outcome)
    expected = entry["expected"]
    assert outcome.primary == expected["primary"]
    assert outcome.basis.source == expected["source"]
    assert outcome.basis.decisions == expected["decisions"]
    assert outcome.overall == expected["overall"]
    path = outcome.recommendation
    complementary = [s.offering for s in path.complementary] if path else []
    assert complementary == expected["complementary"]
    assert (path.later.offering if path and path.later else None) == expected["later"]
    assert outcome.scores == {d: r["score"] for d, r in entry["scores"]["dimensions"].items()}
    if path is not None and path.primary is not None:  # every reason comes back with its figures
        stored_primary = entry["recommendation"]["primary"]
        assert [r.params for r in path.primary.reasons] == [
            r["params"] for r in stored_primary["reasons"]
        ]


def test_a_stored_outcome_is_written_as_it_is_read(content: Content) -> None:
    outcome = assess(_answers(content.questionnaire, 2), PROFILE, content)
    scores, recommendation = to_stored(outcome)
    assert scores["format"] == FORMAT
    assert json.loads(json.dumps([scores, recommendation])) == [scores, recommendation]
    assert from_stored(scores, recommendation) == outcome
    for name in ("format_2", "format_2_outside"):
        current = SHAPES[name]
        assert to_stored(from_stored(current["scores"], current["recommendation"])) == (
            current["scores"],
            current["recommendation"],
        )


def test_a_path_kept_before_the_gate_reads_as_ready_and_sequenced() -> None:
    """Format 1 knew no status or timing: its path was given, its steps for now and
    its later step for later."""
    kept = SHAPES["format_1"]
    outcome = from_stored(kept["scores"], kept["recommendation"])
    assert outcome is not None and outcome.recommendation is not None
    path = outcome.recommendation
    assert path.status == "ready" and path.missing is None and path.referrals == ()
    assert path.primary is not None and path.primary.when == "now"
    assert all(s.when == "now" for s in path.complementary)
    assert path.later is not None and path.later.when == "1_2_years"


def test_a_company_outside_the_target_group_reads_back_with_its_referral() -> None:
    kept = SHAPES["format_2_outside"]
    outcome = from_stored(kept["scores"], kept["recommendation"])
    assert outcome is not None and outcome.recommendation is not None
    assert outcome.recommendation.status == "outside_target_group"
    assert [s.offering for s in outcome.recommendation.referrals] == ["almi"]
    assert outcome.primary is None


def test_keys_older_rows_lack_read_as_documented() -> None:
    scores = {"dimensions": {"data": {"score": 40}}}
    recommendation = {"primary": {"id": "startprogram", "reasons": [{"code": "overall_low"}]}}
    outcome = from_stored(scores, recommendation)
    assert outcome is not None and outcome.recommendation is not None
    data = outcome.dimensions["data"]
    assert (data.band, data.coverage, data.answered, data.total) == (None, None, None, None)
    assert outcome.areas == {} and outcome.overall is None
    assert outcome.recommendation.complementary == () and outcome.recommendation.later is None
    assert outcome.recommendation.excluded == ()
    assert outcome.recommendation.primary.reasons[0].params == {}
    assert outcome.basis.source == "rules" and outcome.basis.explanation is None
    assert from_stored(None, None) is None


def test_a_format_this_code_does_not_know_is_refused() -> None:
    with pytest.raises(StoredFormatError, match="format 3"):
        from_stored({"format": 3, "dimensions": {}}, None)


def test_a_learned_primary_kept_without_a_reason_reads_with_one() -> None:
    """Format 1 kept a learned primary step no rule proposed with no reason at all."""
    scores = {"dimensions": {"data": {"score": 40}}}
    kept = {"primary": {"id": "utvecklingsprogram", "reasons": []}, "source": "learned"}
    outcome = from_stored(scores, kept)
    assert outcome is not None and outcome.recommendation is not None
    primary = outcome.recommendation.primary
    assert primary is not None and [r.code for r in primary.reasons] == ["learned_choice"]


@pytest.mark.parametrize(
    "broken",
    [
        {"referrals": {"id": "almi"}},
        {"referrals": "almi"},
        {"deferred": [{}]},
        {"deferred": ["almi"]},
        {"complementary": [{"id": 3, "reasons": "x"}]},
        {"missing": {"dimensions": "change", "profile": 5}},
        {"excluded": [{"id": "iuc"}, "x", {"id": "iuc", "reason": "x"}]},
        {"primary": {"id": "iuc", "reasons": [1, {"params": {}}]}, "when": "never"},
        {"status": "weird", "primary": "iuc"},
    ],
)
def test_a_malformed_stored_path_is_read_without_its_broken_parts(broken: dict[str, Any]) -> None:
    scores = {"format": 2, "dimensions": {"data": {"score": 40}}}
    outcome = from_stored(scores, broken)
    assert outcome is not None and outcome.recommendation is not None
    path = outcome.recommendation
    assert all(isinstance(s.offering, str) for s in path.steps)
    assert path.missing is None or all(len(d) > 1 for d in path.missing.dimensions)
    assert path.status in ("ready", "needs_more_answers", "outside_target_group")


def test_a_format_given_as_true_is_refused() -> None:
    with pytest.raises(StoredFormatError):
        from_stored({"format": True, "dimensions": {}}, None)
