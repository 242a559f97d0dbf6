"""Ten made-up companies, answered item by item: what each is told, as an advisor would
sign it off (tests/data/companies.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from questionnaire.answers import parse_answer
from questionnaire.profile import company_profile, parse_profile_answers
from recommender.outcome import assess
from recommender.path import render_reason
from tests.recommender.conftest import Content

COMPANIES = yaml.safe_load(
    (Path(__file__).parents[1] / "data" / "companies.yaml").read_text("utf-8")
)


@pytest.mark.parametrize("company", COMPANIES, ids=[c["name"] for c in COMPANIES])
def test_a_made_up_company_gets_the_advice_an_advisor_would_give(
    company: dict[str, Any], content: Content
) -> None:
    q = content.questionnaire
    profile, errors = parse_profile_answers(q, company["profile"])
    assert not errors, errors
    answers = {}
    for question_id, value in company["answers"].items():
        question = q.question(question_id)
        assert question is not None, question_id
        answers[question_id] = parse_answer(question, value)  # AnswerError if not valid
    maturity = [x.id for s in q.maturity_sections for x in s.questions]
    assert sorted(answers) == sorted(maturity), "answered item by item: every question"
    company_profile(profile)  # a valid profile

    path = assess(answers, profile, content).recommendation
    assert path is not None
    expect = company["expect"]
    assert path.status == expect["status"], (path.status, path.missing)
    names = {d.id: d.name for d in q.dimensions}
    steps = [s for s in (path.primary, *path.complementary, *path.deferred, path.later) if s]
    for step in (*steps, *path.referrals):
        assert step.reasons, step.offering
        for reason in step.reasons:
            for language in ("sv", "en"):
                assert render_reason(reason, language, content.catalogue, names, q)
    if expect["status"] == "ready":
        assert path.primary is not None
        allowed = expect.get("primary_any_of") or [expect.get("primary", path.primary.offering)]
        assert path.primary.offering in allowed
        assert set(expect.get("includes", [])) <= set(path.path), path.path
        assert not set(expect.get("never", [])) & set(path.path), path.path
        if "most_complements_now" in expect:
            assert len(path.complementary) <= expect["most_complements_now"]
        quoted = [r for s in steps for r in s.reasons if "question" in r.params]
        assert quoted, "the path quotes at least one answer"
    elif expect["status"] == "outside_target_group":
        assert [s.offering for s in path.referrals] == expect["referrals"]
    else:
        assert path.missing is not None
        assert list(path.missing.profile) == expect["missing_profile"]
