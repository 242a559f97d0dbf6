"""The learned ranking in the app: `flask recommender train|evaluate` on the advisors'
decisions, the model saved only in instance/recommender, used for new results only when
it beat the rules, and the result page saying which ranking decided."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask

from questionnaire.profile import company_profile
from recommender.eligibility import excluded_offerings
from recommender.features import DecisionCase
from recommender.learned import Decision as LearnedDecision
from recommender.learned import library_versions, rules_recommendation
from recommender.synthetic import advisor_rule, synthetic_decisions
from tests.helpers import Survey, make_app, make_user
from tests.recommender.test_learned import profile_only_decisions
from web.platform.extensions import db
from web.storage import installation
from web.storage.content import content
from web.storage.models import Assessment, Decision, User

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


def test_a_model_saved_by_another_numpy_is_not_used_and_the_log_says_why(
    app: Flask, questionnaire: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with app.app_context():
        catalogue = content().catalogue
    insert_decisions(app, synthetic_decisions(240, seed=7, rule=advisor_rule, catalogue=catalogue))
    trained = run(app, "train", "--folds", "3", "--seed", "1")
    assert trained.exit_code == 0 and "the app uses the learned ranking" in trained.output
    saved = model_dir(app) / "model.json"
    document = json.loads(saved.read_text())
    document["versions"]["numpy"] = "1.26.4"
    saved.write_text(json.dumps(document))

    with caplog.at_level(logging.INFO, logger="web.storage.learned_model"):
        page, token = english_result(app, questionnaire, ONLINE_PROFILE)
    assert "rules of thumb" in page and "advisor decision" not in page
    assert stored_recommendation(app, token)["source"] == "rules"
    numpy = library_versions()["numpy"]
    assert (
        "learned ranking not used: library_version "
        f"(saved by numpy 1.26.4, this is numpy {numpy}: train it again)"
    ) in caplog.messages


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


# ------------------------------------------------------- where the model's decisions came from

# Issue 16's company: 300 employees, done with the Utvecklingsprogram. The rules' first
# step for it is the Fördjupningsprogram.
ISSUE_PROFILE: dict[str, Any] = {
    "employees": "300",
    "sni": "25",
    "completed": ["utvecklingsprogram"],
}
RULES_NOTE_SV = (
    "Rekommendationen följer Lyftkollens tumregler, som bygger på programmens egna beskrivningar."
)

AppOn = Callable[..., Flask]


@pytest.fixture
def app_on(app: Flask, tmp_path: Path) -> Iterator[AppOn]:
    """Another app sharing ``app``'s instance folder (so its saved model): on ``app``'s
    database, or, with ``fresh=True``, on a new SQLite database made by the migrations
    (another installation), with the given settings."""
    made: list[Flask] = []

    def start(fresh: bool = False, **settings: Any) -> Flask:
        if fresh:
            url = f"sqlite:///{tmp_path / f'other-{len(made)}.sqlite3'}"
            settings["AUTO_MIGRATE"] = True
        else:
            url = app.config["SQLALCHEMY_DATABASE_URI"]
        other = make_app(url, **settings)
        other.instance_path = app.instance_path
        made.append(other)
        return other

    yield start
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def swedish_result(app: Flask, questionnaire: Any, profile: dict[str, Any]) -> tuple[str, str]:
    survey = Survey(app.test_client(), questionnaire)
    survey.complete(profile)
    page = survey.client.get(f"/a/{survey.token}/resultat")
    assert page.status_code == 200
    return page.text, survey.token


def assert_rules_decided(app: Flask, questionnaire: Any) -> None:
    page, token = swedish_result(app, questionnaire, ISSUE_PROFILE)
    assert "rådgivarbeslut" not in page and RULES_NOTE_SV in page
    stored = stored_recommendation(app, token)
    assert stored["source"] == "rules"
    assert stored["primary"]["id"] == "fordjupningsprogram"


def test_a_model_trained_in_demo_mode_is_used_only_in_demo_mode_on_its_own_database(
    app: Flask, app_on: AppOn, questionnaire: Any
) -> None:
    # Issue 16: DEMO_MODE=1 flask demo seed; DEMO_MODE=1 flask recommender train.
    demo = app_on(DEMO_MODE=True)
    seeded = demo.test_cli_runner().invoke(
        args=["demo", "seed", "--companies", "600", "--seed", "1"]
    )
    assert seeded.exit_code == 0, seeded.output
    trained = run(demo, "train")
    assert trained.exit_code == 0, trained.output
    n = json.loads((model_dir(app) / "model.json").read_text())["n_decisions"]
    assert (
        f"{n} decisions to learn from: 0 by advisors, {n} made up by the demo data "
        "(DEMO_MODE is on). A model that learns from demo decisions is used only with "
        "DEMO_MODE on." in trained.output
    )
    assert "advisor decisions to learn from" not in trained.output
    assert "the app uses the learned ranking" in trained.output
    assert "the app uses it only with DEMO_MODE on" in trained.output
    metadata = json.loads((model_dir(app) / "model.json").read_text())
    assert metadata["real_decisions"] == 0
    assert metadata["demo_decisions"] == metadata["n_decisions"] > 0
    with app.app_context():
        assert metadata["installation_id"] == installation.current()
    card = (model_dir(app) / "MODEL_CARD.md").read_text()
    assert f"(0 real, {metadata['demo_decisions']} made up by the demo data)" in card.replace(
        "\n  ", " "
    )

    # In demo mode, on the database it learned from, it decides: the refusals below
    # are the model being refused, not a model that never decides.
    page, _ = swedish_result(demo, questionnaire, ISSUE_PROFILE)
    assert f"Baserat på {metadata['n_used']} rådgivarbeslut." in page

    # Demo mode off, the same database: the rules.
    assert_rules_decided(app, questionnaire)
    # Another database, with no decisions at all, demo mode off or on: the rules.
    assert_rules_decided(app_on(fresh=True), questionnaire)
    assert_rules_decided(app_on(fresh=True, DEMO_MODE=True), questionnaire)


def test_a_model_is_used_on_its_database_and_its_full_restore_not_on_another(
    app: Flask, app_on: AppOn, questionnaire: Any, tmp_path: Path
) -> None:
    with app.app_context():
        catalogue = content().catalogue
    insert_decisions(app, synthetic_decisions(240, seed=7, rule=advisor_rule, catalogue=catalogue))
    trained = run(app, "train", "--folds", "3", "--seed", "1")
    assert trained.exit_code == 0, trained.output
    assert "demo decision" not in trained.output
    assert "240 advisor decisions to learn from." in trained.output
    metadata = json.loads((model_dir(app) / "model.json").read_text())
    assert (metadata["real_decisions"], metadata["demo_decisions"]) == (240, 0)
    page, _ = english_result(app, questionnaire, ONLINE_PROFILE)
    assert f"Based on {metadata['n_used']} advisor decisions." in page

    other = app_on(fresh=True)
    page, _ = english_result(other, questionnaire, ONLINE_PROFILE)
    assert "rules of thumb" in page and "advisor decision" not in page

    # The same data restored into a new database is the same installation: the model
    # applies there. (Import wants an empty database: give it a new one.)
    backup = tmp_path / "backup.json"
    exported = app.test_cli_runner().invoke(args=["export", "--output", str(backup)])
    assert exported.exit_code == 0, exported.output
    restored = app_on(fresh=True)
    with restored.app_context():
        assert installation.current() not in (None, metadata["installation_id"])
    imported = restored.test_cli_runner().invoke(args=["import", str(backup)])
    assert imported.exit_code == 0, imported.output
    with restored.app_context():
        assert installation.current() == metadata["installation_id"]
    page, _ = english_result(restored, questionnaire, ONLINE_PROFILE)
    assert f"Based on {metadata['n_used']} advisor decisions." in page


def test_a_learned_first_step_with_no_reason_leaves_the_rules_step(
    app: Flask, questionnaire: Any
) -> None:
    # The scores and coverage this company's answers give ...
    _, token = swedish_result(app, questionnaire, ISSUE_PROFILE)
    with app.app_context():
        stored = db.session.query(Assessment).filter_by(token=token).one().scores
        db.session.remove()
    scores = {d: r["score"] for d, r in stored["dimensions"].items()}
    coverage = {d: r["coverage"] for d, r in stored["dimensions"].items()}
    # ... are every decided company's: only size and what they have done differ, so
    # no dimension weighs for the model's choice, Testbädd after the Utvecklingsprogram.
    insert_decisions(app, profile_only_decisions(scores, coverage))
    trained = run(app, "train", "--folds", "3")
    assert trained.exit_code == 0, trained.output
    assert "the app uses the learned ranking" in trained.output

    # Before issue 16's fix: Testbädd, under "Baserat på 120 rådgivarbeslut." alone.
    assert_rules_decided(app, questionnaire)
