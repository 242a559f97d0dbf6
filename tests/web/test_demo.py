"""Demo data: plausible, clearly marked, counted only in demo mode, and removable alone."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from questionnaire.profile import company_profile
from recommender.eligibility import excluded_offerings
from tests.helpers import Survey, create_workshop, logged_in, participant, set_profile
from web.learning.decisions import training_data
from web.platform.extensions import db
from web.storage.models import (
    Answer,
    Assessment,
    Company,
    Decision,
    ResultSummary,
    User,
    Workshop,
)

MODELS = (User, Company, Workshop, Assessment, Decision, ResultSummary)


def seed(app: Flask, companies: int = 40) -> str:
    result = app.test_cli_runner().invoke(
        args=["demo", "seed", "--companies", str(companies), "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    return result.output


def counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        found = {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}
        found["Answer"] = db.session.scalar(select(func.count()).select_from(Answer))
        return found


def test_seed_makes_marked_companies_whose_results_are_the_apps_own(
    app: Flask, questionnaire: Any
) -> None:
    output = seed(app)
    assert "Made 40 demo companies" in output
    assert "demo.admin@lyftkollen.invalid with the password" in output
    with app.app_context():
        names = db.session.scalars(select(Company.name)).all()
        assert len(names) == 40 and all(n.startswith("Demoföretag") for n in names)
        for model in (Company, Workshop, Assessment, User):
            assert db.session.scalar(select(func.count()).where(model.demo.is_(False))) == 0
        online = db.session.scalars(select(Assessment).where(Assessment.workshop_id.is_(None)))
        catalogue = app.extensions["lyftkollen.content"].catalogue
        for assessment in online:
            # Every maturity item is answered, and the stored scores are those answers'.
            assert len(assessment.answer_map()) == sum(
                len(s.questions) for s in questionnaire.sections[1:]
            )
            excluded = excluded_offerings(company_profile(assessment.profile), catalogue)
            path = assessment.recommendation
            if path["status"] == "ready":
                assert path["primary"]["id"] not in excluded
            else:  # too few answers, or outside the target group: no path
                assert path["primary"] is None
        summaries = db.session.scalar(select(func.count()).select_from(ResultSummary))
        closed = db.session.scalar(select(func.count()).select_from(Workshop))
        assert summaries == 40 + closed
        for decision in db.session.scalars(select(Decision)):
            record = decision.assessment or decision.workshop
            assert record is not None
            profile = company_profile(record.profile)
            assert decision.offering not in excluded_offerings(profile, catalogue)
        token = db.session.scalars(select(Assessment.token).limit(1)).one()

    page = app.test_client().get(f"/a/{token}/resultat")
    assert page.status_code == 200


def test_clear_removes_demo_data_and_nothing_else(app: Flask, questionnaire: Any) -> None:
    Survey(app.test_client(), questionnaire).complete({"employees": "30", "sni": "25"})
    advisor = logged_in(app, "anna@example.se")
    url, code = create_workshop(advisor)
    set_profile(advisor, url)
    participant(app, questionnaire, code).answer_maturity_pages(2)
    before = counts(app)

    seed(app)
    assert counts(app)["Company"] > before["Company"]
    result = app.test_cli_runner().invoke(args=["demo", "clear"])
    assert result.exit_code == 0, result.output
    assert counts(app) == before
    assert advisor.get(url).status_code == 200  # the real advisor's workshop is still there


def test_demo_records_count_only_in_demo_mode(app: Flask, questionnaire: Any) -> None:
    Survey(app.test_client(), questionnaire).complete({"employees": "30", "sni": "25"})
    seed(app, companies=30)
    admin = logged_in(app, "admin@example.se", role="admin")

    def exported() -> list[dict[str, str]]:
        body = admin.get("/radgivare/statistik.csv").data.decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(body)))

    assert len(exported()) == 1  # the one real result
    with app.app_context():
        assert training_data().decisions == []
        demo_decisions = len(training_data(include_demo=True).decisions)
    assert demo_decisions > 0

    app.config["DEMO_MODE"] = True
    assert len(exported()) > 30


def test_clear_takes_the_demo_accounts_decisions_off_real_results(
    app: Flask, questionnaire: Any
) -> None:
    from web.storage import summaries

    Survey(app.test_client(), questionnaire).complete({"employees": "30", "sni": "25"})
    seed(app, companies=5)
    with app.app_context():
        real = db.session.scalars(select(Assessment).where(Assessment.demo.is_(False))).one()
        admin = db.session.scalars(select(User).where(User.role == "admin")).one()
        decision = Decision(
            assessment_id=real.id, offering="iuc", recommended=None, decided_by_id=admin.id
        )
        db.session.add(decision)
        db.session.flush()
        summaries.copy_decision(decision)
        db.session.commit()
        row = db.session.scalars(
            select(ResultSummary).where(ResultSummary.assessment_id == real.id)
        ).one()
        assert row.decision == "iuc"
    assert app.test_cli_runner().invoke(args=["demo", "clear"]).exit_code == 0
    with app.app_context():
        row = db.session.scalars(select(ResultSummary)).one()
        assert (row.assessment_id, row.decision) == (real.id, None)
        assert db.session.scalars(select(Decision)).all() == []


def test_seed_refuses_a_production_database_unless_told(app: Flask) -> None:
    app.config["LYFTKOLLEN_ENV"] = "production"
    refused = app.test_cli_runner().invoke(args=["demo", "seed", "--companies", "3"])
    assert refused.exit_code == 2 and "production" in refused.output
    assert counts(app)["Company"] == 0
    told = app.test_cli_runner().invoke(
        args=["demo", "seed", "--companies", "3", "--in-production"]
    )
    assert told.exit_code == 0, told.output
    assert counts(app)["Company"] == 3
