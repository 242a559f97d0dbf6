"""The learned ranking in the app: `flask recommender train|evaluate` on the advisors'
decisions, the model saved only in instance/recommender, used for new results only when
it beat the rules, and the result page saying which ranking decided."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import Result
from flask import Flask

from questionnaire.profile import company_profile
from recommender.eligibility import excluded_offerings
from recommender.features import DecisionCase
from recommender.learned import Decision as LearnedDecision
from recommender.learned import rules_recommendation
from recommender.synthetic import advisor_rule, synthetic_decisions
from tests.conftest import Survey, make_user
from web.content import content
from web.extensions import db
from web.models import Assessment, Decision, User

ONLINE_PROFILE = {"employees": "45", "sni": "25"}


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["recommender", *args])


def insert_decisions(app: Flask, decisions: list[LearnedDecision]) -> None:
    """Each decision as a completed online assessment with its stored scores, decided."""
    make_user(app, "anna@example.se")
    with app.app_context():
        user = db.session.query(User).filter_by(email="anna@example.se").one()
        version = content().questionnaire.version
        for decision in decisions:
            case = decision.case
            profile = case.profile
            assessment = Assessment(
                questionnaire_version=version,
                status="completed",
                profile={
                    "employees": profile.employees,
                    "turnover_msek": profile.turnover_msek,
                    "sni": profile.sni,
                    "region": profile.region,
                    "completed": sorted(profile.completed),
                },
                scores={
                    "dimensions": {
                        d: {"score": s, "coverage": case.coverage.get(d, 0.0)}
                        for d, s in case.scores.items()
                    },
                    "areas": {},
                    "overall": None,
                },
            )
            db.session.add(assessment)
            db.session.flush()
            db.session.add(
                Decision(assessment_id=assessment.id, offering=decision.chosen, decided_by=user)
            )
        db.session.commit()
        db.session.remove()


def model_dir(app: Flask) -> Path:
    return Path(app.instance_path) / "recommender"


def english_result(app: Flask, questionnaire: Any, profile: dict[str, str]) -> tuple[str, str]:
    survey = Survey(app.test_client(), questionnaire)
    survey.client.get("/sprak/en?next=/")
    survey.complete(profile)
    page = survey.client.get(f"/a/{survey.token}/resultat")
    assert page.status_code == 200
    return page.text, survey.token


def stored_recommendation(app: Flask, token: str) -> dict[str, Any]:
    with app.app_context():
        found = db.session.query(Assessment).filter_by(token=token).one().recommendation
        db.session.remove()
        return found


def test_train_with_too_few_decisions_says_so_and_exits_1(app: Flask) -> None:
    for command in ("train", "evaluate"):
        result = run(app, command, "--folds", "3")
        assert result.exit_code == 1, result.output
        assert "Not enough advisor decisions" in result.output
    assert not model_dir(app).exists()


def test_without_a_model_the_rules_decide_and_the_page_says_so(
    app: Flask, questionnaire: Any
) -> None:
    page, token = english_result(app, questionnaire, ONLINE_PROFILE)
    assert "rules of thumb" in page and "advisor decision" not in page
    assert stored_recommendation(app, token)["source"] == "rules"


def test_a_model_that_beat_the_rules_decides_new_results(app: Flask, questionnaire: Any) -> None:
    with app.app_context():
        catalogue = content().catalogue
    found = synthetic_decisions(240, seed=7, rule=advisor_rule, catalogue=catalogue)
    insert_decisions(app, found)

    evaluated = run(app, "evaluate", "--folds", "3")
    assert evaluated.exit_code == 0, evaluated.output
    assert "| **all** |" in evaluated.output and not model_dir(app).exists()

    trained = run(app, "train", "--folds", "3", "--seed", "1")
    assert trained.exit_code == 0, trained.output
    assert "the app uses the learned ranking" in trained.output
    assert (model_dir(app) / "model.json").is_file()
    card = model_dir(app) / "MODEL_CARD.md"
    assert card.is_file() and str(card) in trained.output
    metadata = json.loads((model_dir(app) / "model.json").read_text())
    assert metadata["n_decisions"] == 240 and metadata["evaluation"]["beats_rules"]

    page, token = english_result(app, questionnaire, ONLINE_PROFILE)
    used = metadata["n_used"]
    assert f"Based on {used} advisor decisions." in page
    assert "What weighed most:" in page and "rules of thumb" not in page
    stored = stored_recommendation(app, token)
    assert stored["source"] == "learned"
    assert stored["explanation"]["decisions"] == used
    swedish = Survey(app.test_client(), questionnaire)
    swedish.token = token
    shown = swedish.client.get(f"/a/{token}/resultat").text
    assert f"Baserat på {used} rådgivarbeslut." in shown and "Det som vägde tyngst:" in shown
    assert 1 <= len(stored["explanation"]["dimensions"]) <= 3

    # The hard rules apply on top: a large company never gets an excluded offering.
    page, token = english_result(app, questionnaire, {"employees": "900", "sni": "29"})
    stored = stored_recommendation(app, token)
    excluded = {e["id"] for e in stored["excluded"]}
    assert excluded, "a large company has offerings it may not take"
    steps = [stored["primary"], *stored["complementary"], stored["later"]]
    assert not {s["id"] for s in steps if s} & excluded
    large = company_profile({"employees": 900, "sni": "29"})
    assert stored["primary"]["id"] not in excluded_offerings(large, catalogue)


def test_a_model_that_did_not_beat_the_rules_is_saved_but_not_used(
    app: Flask, questionnaire: Any
) -> None:
    with app.app_context():
        catalogue = content().catalogue

    def rules_primary(case: DecisionCase, catalogue: Any) -> str:
        primary = rules_recommendation(case, catalogue).primary
        return primary.offering if primary else "iuc"

    insert_decisions(app, synthetic_decisions(120, seed=3, rule=rules_primary, catalogue=catalogue))
    trained = run(app, "train", "--folds", "3")
    assert trained.exit_code == 0, trained.output
    assert "did not beat the rules" in trained.output
    assert (model_dir(app) / "model.json").is_file()
    page, token = english_result(app, questionnaire, ONLINE_PROFILE)
    assert "rules of thumb" in page and "advisor decision" not in page
    assert stored_recommendation(app, token)["source"] == "rules"


def test_results_stored_before_the_learned_ranking_still_render(
    app: Flask, questionnaire: Any
) -> None:
    page, token = english_result(app, questionnaire, ONLINE_PROFILE)
    with app.app_context():
        assessment = db.session.query(Assessment).filter_by(token=token).one()
        old = dict(assessment.recommendation)
        old.pop("source")
        assessment.recommendation = old
        db.session.commit()
        db.session.remove()
    client = Survey(app.test_client(), questionnaire).client
    client.get("/sprak/en?next=/")
    again = client.get(f"/a/{token}/resultat")
    assert again.status_code == 200 and "rules of thumb" in again.text
